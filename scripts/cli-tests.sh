#!/usr/bin/env bash
# Tests of the `pdot` command under mpiexec (called by scripts/mpi-tests.sh, after it built
# pdot for each library):
#   - generated data: Exact result bits identical for P = 1..4 and every layout, and equal
#     between MPICH and Open MPI; every precision;
#   - .npy files: Exact bits for P = 1..4 and every layout equal to the single-core kernel's;
#     without --precision the element type comes from the files ('<f8' f64, '<f4' f32);
#   - --json is one JSON object (parsed by python3) with every documented key;
#   - bad files: exit status 1, a message naming the problem, printed once, no hang;
#   - usage errors (clap): exit status 2 on every rank, the message printed once;
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
# The JSON object's result_bits (and its precision, with "precision" as $1).
bits() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "${1:-result_bits}"; }
keys="result result_bits n ranks layout accuracy precision data seed seconds seconds_min
      seconds_max repeat gbytes_per_s peak_rss_bytes_max"

# Data files and their single-core Exact results.
source scripts/mpi-env.sh
mpi_cargo "$(mpi_plain)" run --profile ci -q -p pdot-mpi \
    --example npy_files -- "$out/data" 100003 >"$out/expected.txt"
expected() { grep "^exact-$1 " "$out/expected.txt" | cut -d' ' -f2; }

for lib in "${libraries[@]}"; do
    case $lib in
        mpich) other_lib=openmpi ;;
        openmpi) other_lib=mpich ;;
    esac
    pdot=$(mpi_out "$lib")/pdot
    read -r -a run <<<"$(mpi_launcher "$lib")"
    read -r -a other <<<"$(mpi_launcher "$other_lib")"
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

    # Without --precision the files decide: '<f8' runs as f64, '<f4' as f32.
    for suffix in 64 32; do
        precision=f64 && [[ $suffix == 32 ]] && precision=f32
        want=$(expected "$precision")
        for p in 1 3; do
            go "$p" "$pdot" --x "$d/x$suffix.npy" --y "$d/y$suffix.npy" --layout cyclic \
                --accuracy exact --json >"$out/auto.json"
            got=$(bits <"$out/auto.json")
            ran=$(bits precision <"$out/auto.json")
            [[ $got == "$want" && $ran == "$precision" ]] ||
                failed "$lib P=$p: '<f${suffix:0:1}' files without --precision ran $ran, gave $got; expected $precision, $want"
        done
    done

    # --json: one object with every documented key.
    go 2 "$pdot" --n 1000 --json >"$out/keys.json"
    python3 -c '
import json, sys
obj = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2].split() if k not in obj]
assert not missing, f"missing keys: {missing}"
assert isinstance(obj["result"], float) and obj["result_bits"].startswith("0x"), obj
assert obj["ranks"] == 2 and obj["n"] == 1000, obj
' "$out/keys.json" "$keys" 2>"$out/keys.err" || failed "$lib: --json: $(tail -1 "$out/keys.err")"

    # Bad input: status 1 (2 for a usage error), one message naming the problem (printed
    # once, by rank 0).
    bad() {
        local status_wanted=1
        [[ $1 == --usage ]] && { status_wanted=2; shift; }
        local needle=$1 status
        shift
        set +e
        go 3 "$pdot" "$@" >"$out/bad.out" 2>"$out/bad.err"
        status=$?
        set -e
        if [[ $status -eq 124 ]]; then
            failed "$lib: pdot $* hung"
        elif [[ $status -ne $status_wanted ]]; then
            failed "$lib: pdot $*: exit status $status, expected $status_wanted"
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
    bad "f8" --x "$d/x64.npy" --y "$d/y64.npy" --precision f32-f64
    bad "differ in dtype" --x "$d/x64.npy" --y "$d/y32.npy"
    bad "differ in dtype" --x "$d/x32.npy" --y "$d/y64.npy" --precision f32
    bad "does not match" --x "$d/x64.npy" --y "$d/y64.npy" --n 5
    bad --usage "unknown layout" --n 10 --layout diagonal
    bad --usage "at least 1" --n 10 --layout block-cyclic:0
    bad --usage "--n" --layout block
    bad --usage "unexpected argument '--frobnicate'" --n 10 --frobnicate
    bad --usage "not a whole number" --n 1.5
    bad --usage "cannot be negative" --n -3
    bad --usage "--y" --x "$d/x64.npy"
    bad --usage "cannot be used with" --x "$d/x64.npy" --y "$d/y64.npy" --seed 3

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
