#!/usr/bin/env bash
# Tests of the `pdot` command under mpiexec (called by scripts/mpi-tests.sh, after it built
# pdot for each library):
#   - generated data: Exact result bits identical for P = 1..4 and every layout, and equal
#     between MPICH and Open MPI; every precision;
#   - .npy files: Exact bits for P = 1..4 and every layout equal to the single-core kernel's;
#   - bad files and arguments: exit status 1 or 2, a message naming the problem, no hang;
#   - the launcher trap (pdot started by the other MPI's mpiexec) is caught.
#
#   scripts/cli-tests.sh [mpich] [openmpi]
set -euo pipefail
cd "$(dirname "$0")/.."

libraries=("$@")
[[ ${#libraries[@]} -eq 0 ]] && libraries=(mpich openmpi)
out=results/mpi/cli
mkdir -p "$out"
fail=0
failed() { echo "cli-tests: FAIL: $*" >&2; fail=1; }
bits() { grep -o '"result_bits": "[^"]*"' | cut -d'"' -f4; }

# Data files and their single-core Exact results.
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target} cargo run --release -q -p pdot-mpi \
    --example npy_files -- "$out/data" 100003 >"$out/expected.txt"
expected() { grep "^exact-$1 " "$out/expected.txt" | cut -d' ' -f2; }

for lib in "${libraries[@]}"; do
    case $lib in
        mpich) pdot=${CARGO_TARGET_DIR:-target}/release/pdot; run=(mpiexec.mpich)
               other=(mpiexec.openmpi --allow-run-as-root --oversubscribe) ;;
        openmpi) pdot=target-openmpi/release/pdot
                 run=(mpiexec.openmpi --allow-run-as-root --oversubscribe); other=(mpiexec.mpich) ;;
    esac
    [[ -x $pdot ]] || { failed "$lib: $pdot not built"; continue; }
    go() { timeout 300 "${run[@]}" -n "$@"; }

    # Generated data: one Exact answer for every P and layout.
    for precision in f64 f32 f32-f64; do
        for gen in random seed-lesson ill-conditioned; do
            for p in 1 2 3 4; do
                for layout in block cyclic block-cyclic:7; do
                    go "$p" "$pdot" --n 100003 --gen "$gen" --seed 42 --layout "$layout" \
                        --accuracy exact --precision "$precision" --json | bits
                done
            done >"$out/gen-$lib-$precision-$gen.txt"
            [[ $(sort -u "$out/gen-$lib-$precision-$gen.txt" | wc -l) -eq 1 &&
                $(wc -l <"$out/gen-$lib-$precision-$gen.txt") -eq 12 ]] ||
                failed "$lib: Exact bits of $precision $gen vary with P or layout"
        done
    done

    # Files: each rank reads its own part; the answer is the single-core kernel's.
    d=$out/data
    for precision in f64 f32 f32-f64; do
        suffix=64 && [[ $precision != f64 ]] && suffix=32
        want=$(expected "$precision")
        for p in 1 2 3 4; do
            for layout in block cyclic block-cyclic:1000; do
                got=$(go "$p" "$pdot" --x "$d/x$suffix.npy" --y "$d/y$suffix.npy" \
                    --layout "$layout" --accuracy exact --precision "$precision" --json | bits)
                [[ $got == "$want" ]] ||
                    failed "$lib P=$p $layout $precision: files gave $got, expected $want"
            done
        done
    done

    # Bad input: status 1, one message naming the problem (printed once, by rank 0).
    bad() {
        local needle=$1 status
        shift
        set +e
        go 3 "$pdot" "$@" >"$out/bad.out" 2>"$out/bad.err"
        status=$?
        set -e
        if [[ $status -eq 124 ]]; then
            failed "$lib: pdot $* hung"
        elif [[ $status -eq 0 ]]; then
            failed "$lib: pdot $* succeeded"
        elif ! grep -q -- "$needle" "$out/bad.err"; then
            failed "$lib: pdot $*: no '$needle' in: $(head -c 400 "$out/bad.err")"
        elif [[ $(grep -c '^pdot: error' "$out/bad.err") -ne 1 ]]; then
            failed "$lib: pdot $*: expected one error line, got: $(cat "$out/bad.err")"
        fi
    }
    bad "differ in length" --x "$d/x64.npy" --y "$d/short64.npy"
    bad "truncated" --x "$d/x64.npy" --y "$d/truncated64.npy"
    bad "big-endian" --x "$d/x64.npy" --y "$d/bigendian64.npy"
    bad "1-D" --x "$d/matrix64.npy" --y "$d/y64.npy"
    bad "not an npy file" --x "$d/x64.npy" --y "$d/notnpy.npy"
    bad "cannot open" --x "$d/x64.npy" --y "$d/no-such-file.npy"
    bad "f4" --x "$d/x32.npy" --y "$d/y32.npy" --precision f64
    bad "does not match" --x "$d/x64.npy" --y "$d/y64.npy" --n 5
    bad "unknown layout" --n 10 --layout diagonal
    bad "at least 1" --n 10 --layout block-cyclic:0
    bad "--n" --layout block

    # The launcher trap: this pdot started by the other library's mpiexec.
    if command -v "${other[0]}" >/dev/null; then
        set +e
        timeout 120 "${other[@]}" -n 2 "$pdot" --n 10 >/dev/null 2>"$out/trap.err"
        status=$?
        set -e
        [[ $status -ne 0 ]] && grep -q "built against another MPI" "$out/trap.err" ||
            failed "$lib: a launch by ${other[0]} was not caught: $(head -c 300 "$out/trap.err")"
    fi
    echo "cli-tests: $lib done"
done

# Generated data: MPICH and Open MPI agree.
if [[ ${#libraries[@]} -eq 2 ]]; then
    for f in "$out"/gen-mpich-*.txt; do
        cmp -s "$f" "${f/mpich/openmpi}" || failed "$(basename "$f"): MPICH and Open MPI differ"
    done
fi
[[ $fail -eq 0 ]] && echo "cli-tests: all passed (${libraries[*]})"
exit $fail
