#!/usr/bin/env bash
# Builds and runs every cargo-fuzz target of pdot for a bounded time, on the stable toolchain.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 30; TARGET defaults to every target (`cargo fuzz list`).
# Works from any directory, from a fresh clone: installs cargo-fuzz if `cargo fuzz` is missing.
# Exits non-zero if any target finds a crash (or fails to build); the input that crashed is
# kept under fuzz/artifacts/TARGET/ and the corpus grows in fuzz/corpus/TARGET/ (both
# gitignored). Replay a crash with
#   cargo fuzz run --sanitizer none TARGET fuzz/artifacts/TARGET/crash-...
# (from fuzz/; add `cargo fuzz tmin` to minimise it).
#
# Environment:
#   FUZZ_SANITIZER=none     (default) no sanitizer: runs on stable as is;
#   FUZZ_SANITIZER=address  AddressSanitizer (catches out-of-bounds reads in the kernels'
#                           unsafe code); needs nightly features, so it sets RUSTC_BOOTSTRAP=1
#                           and builds into fuzz/target/asan.
set -euo pipefail

secs=${1:-30}
if [[ $# -gt 0 ]]; then shift; fi
if ! [[ $secs =~ ^[0-9]+$ && $secs -gt 0 ]]; then
    echo "usage: bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
fi

sanitizer=${FUZZ_SANITIZER:-none}
flags=(--sanitizer "$sanitizer")
if [[ $sanitizer != none ]]; then
    export RUSTC_BOOTSTRAP=1
    flags+=(--target-dir target/asan)
fi

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

echo "fuzz/run.sh: $(cargo fuzz --version), $(rustc --version), sanitizer $sanitizer"
echo "fuzz/run.sh: building ${targets[*]}"
start=$SECONDS
if [[ $# -gt 0 ]]; then
    for t in "${targets[@]}"; do
        cargo fuzz build "${flags[@]}" "$t"
    done
else
    cargo fuzz build "${flags[@]}"
fi
echo "fuzz/run.sh: built in $((SECONDS - start)) s"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "fuzz/run.sh: running $t for $secs s"
    # -timeout: an input that runs over 10 s counts as a crash (a hang);
    # -print_final_stats: the exec/s line below.
    if cargo fuzz run "${flags[@]}" "$t" -- \
        -max_total_time="$secs" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
        rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
        cov=$(grep -oE '#[0-9]+[[:space:]]+DONE[[:space:]]+cov: [0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
        echo "fuzz/run.sh: $t ok: $runs runs, $rate exec/s, cov $cov, corpus $(find "corpus/$t" -type f | wc -l) inputs"
    else
        echo "fuzz/run.sh: $t FAILED; the end of its log:"
        tail -n 40 "$log"
        failed+=("$t")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz/run.sh: ${#failed[@]} target(s) failed: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
echo "fuzz/run.sh: all ${#targets[@]} targets passed ($secs s each)"
