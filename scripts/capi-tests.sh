#!/usr/bin/env bash
# The C, C++ and Fortran API tests: libpdot built and installed (`make install`) for each MPI
# into a temporary prefix, the README's snippets and capi/examples/ compiled with mpicc /
# mpif90 and pkg-config, and run under `mpiexec -n P`, P = 1, 2, 3, 4 (every launch under
# `timeout`: a hang fails the test).
#
#   scripts/capi-tests.sh [mpich] [openmpi]     (default: both)
#
# Checks:
#   - Exact bits of the C example (rank-strided dot products, a CG on the Poisson problem)
#     and of the Fortran example are the same for every P and both MPIs, and equal to the
#     Rust crates' on one core (distributed/examples/capi_reference.rs);
#   - the bad-input cases (capi/examples/c/bad_input.c): the expected status on every rank;
#   - the README's C and Fortran snippets compile and run.
set -euo pipefail
cd "$(dirname "$0")/.."

libraries=("$@")
[[ ${#libraries[@]} -eq 0 ]] && libraries=(mpich openmpi)
ranks=(1 2 3 4)
out=results/capi
rm -rf "$out" && mkdir -p "$out"
fail=0
failed() { echo "capi-tests: FAIL: $*" >&2; fail=1; }
source scripts/mpi-env.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Rust side: the header test, unit tests and doctests of pdot-capi run in `make unit`
# (`cargo test --workspace`); here, the reference values, in the quick `ci` profile of the
# test builds (Cargo.toml), which the installs below use too (PDOT_CAPI_PROFILE).
export PDOT_CAPI_PROFILE=ci
cargo run --profile ci -q -p pdot-mpi --example capi_reference >"$out/reference.txt"

# The README's snippets: the code block after each `<!-- capi-snippet: NAME -->` marker.
python3 - "$work" <<'PY'
import re, sys
text = open("README.md").read()
for name, body in re.findall(r"<!-- capi-snippet: (\S+) -->\n```\w*\n(.*?)\n```", text, re.S):
    open(f"{sys.argv[1]}/{name}", "w").write(body + "\n")
PY
[[ -f $work/app.c && -f $work/app.f90 ]] || failed "README: the C and Fortran snippets were not found"

# Lines of $2 whose label is in the output $1 must be the reference's.
matches_reference() {
    local label value want
    while read -r label value; do
        want=$(awk -v l="$label" '$1 == l { print $2 }' "$out/reference.txt")
        [[ -n $want && $want == "$value" ]] || { echo "$label: $value, the Rust crates give ${want:-nothing}"; return 1; }
    done <"$1"
}

for lib in "${libraries[@]}"; do
    prefix=$work/prefix-$lib
    build=$work/build-$lib
    mkdir -p "$build"
    start=$SECONDS
    if ! bash scripts/capi-install.sh "$prefix" "$lib" >"$out/install-$lib.txt" 2>&1; then
        failed "$lib: make install; see $out/install-$lib.txt"
        continue
    fi
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    [[ $(pkg-config --variable=mpi pdot) == "$lib" ]] || failed "$lib: pdot.pc names another MPI"
    read -r -a cflags <<<"$(pkg-config --cflags pdot)"
    read -r -a libs <<<"$(pkg-config --libs pdot)"
    module=$(pkg-config --variable=fortran_module pdot)
    cc=(mpicc."$lib" -O2 -Wall -Wextra -Werror -ffp-contract=off)
    fc=(mpif90."$lib" -O2 -J "$build")
    compiled=1
    for prog in dot_cg bad_input; do
        "${cc[@]}" "capi/examples/c/$prog.c" "${cflags[@]}" "${libs[@]}" -lm -o "$build/$prog" \
            2>>"$out/compile-$lib.txt" || { failed "$lib: compiling $prog.c"; compiled=0; }
    done
    "${cc[@]}" "$work/app.c" "${cflags[@]}" "${libs[@]}" -o "$build/app" \
        2>>"$out/compile-$lib.txt" || { failed "$lib: compiling the README's C snippet"; compiled=0; }
    "${fc[@]}" "$module" capi/examples/fortran/dot.f90 "${libs[@]}" -o "$build/dot_f" \
        2>>"$out/compile-$lib.txt" || { failed "$lib: compiling the Fortran example"; compiled=0; }
    "${fc[@]}" "$module" "$work/app.f90" "${libs[@]}" -o "$build/app_f" \
        2>>"$out/compile-$lib.txt" || { failed "$lib: compiling the README's Fortran snippet"; compiled=0; }
    [[ $compiled -eq 1 ]] || { cat "$out/compile-$lib.txt" >&2; continue; }
    echo "capi-tests: $lib: installed and compiled ($((SECONDS - start)) s)"

    read -r -a run <<<"$(mpi_launcher "$lib")"
    for p in "${ranks[@]}"; do
        for prog in dot_cg dot_f bad_input app app_f; do
            log=$out/$prog-$lib-P$p.txt
            if ! timeout 120 "${run[@]}" -n "$p" "$build/$prog" >"$log" 2>&1; then
                failed "$lib P=$p: $prog failed (exit $?); see $log"
                tail -5 "$log" >&2
            fi
        done
        grep -h '^\(ddot\|sdot\|dsdot\|dnrm2\|ddot-single\|cg-\|fortran-ddot\)' \
            "$out/dot_cg-$lib-P$p.txt" "$out/dot_f-$lib-P$p.txt" |
            tr 'A-F' 'a-f' >"$out/exact-$lib-P$p.txt" || true
        if [[ $(wc -l <"$out/exact-$lib-P$p.txt") -ne 9 ]]; then
            failed "$lib P=$p: expected 9 Exact results; see $out/exact-$lib-P$p.txt"
        elif ! why=$(matches_reference "$out/exact-$lib-P$p.txt"); then
            failed "$lib P=$p: $why"
        fi
        grep -q '^bad-input: .* cases passed' "$out/bad_input-$lib-P$p.txt" ||
            failed "$lib P=$p: bad-input cases"
    done
    echo "capi-tests: $lib: P = ${ranks[*]} run ($((SECONDS - start)) s)"
done

# Exact: one set of bits for every P and MPI (each was also compared with the reference).
first=""
for f in "$out"/exact-*.txt; do
    if [[ -z $first ]]; then first=$f
    elif ! cmp -s "$first" "$f"; then failed "Exact bits differ: $(basename "$first") and $(basename "$f")"; fi
done

if [[ $fail -ne 0 ]]; then
    echo "capi-tests: FAILED (logs in $out)" >&2
    exit 1
fi
echo "capi-tests: all passed (${libraries[*]}; P = ${ranks[*]}; $(cat "$out"/exact-*.txt | wc -l) Exact results equal to the Rust crates')"
