#!/usr/bin/env bash
# The distributed figures (MPICH), written to results/mpi-bench.md:
#   1. strong scaling of `pdot` from P = 1 to P = 2: f64, Fast, block layout, n = 1e6 and 1e8;
#      launches alternate P = 1 and P = 2, each reports the median of --repeat timed dot
#      products (slowest rank); the figure is the median over the pairs of t(P=1) / t(P=2);
#   2. the deterministic all-reduce against MPI_Allreduce at P = 2 (examples/allreduce_latency);
#   3. peak resident memory per rank of `pdot --n 1e8` (f64) at P = 1, 2, 4, against the
#      budget 16·n/P bytes + 32 MiB.
#
#   scripts/mpi-bench.sh [PAIRS]      (default 7 pairs for n = 1e6, 3 for n = 1e8)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-7}
source scripts/mpi-env.sh
target=$(mpi_target mpich)
mpi_cargo mpich build --release -q -p pdot-mpi --bin pdot --example allreduce_latency
pdot=$target/release/pdot
mkdir -p results
out=results/mpi-bench.md
field() { grep -o "\"$1\": *[^,}]*" | head -1 | cut -d: -f2 | tr -d '" '; }
# median, quartiles of numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {q=int((NR-1)/4+0.5); h=int((NR-1)/2+0.5); t=int(3*(NR-1)/4+0.5);
    printf "%.3f (%.3f–%.3f)", v[h+1], v[q+1], v[t+1]}'; }

{
    echo "# pdot-mpi: distributed figures"
    echo
    echo "MPICH $(mpichversion 2>/dev/null | sed -n 's/MPICH Version:[[:space:]]*//p'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');"
    echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown). Command: \`scripts/mpi-bench.sh\`."
    echo
    echo "## Strong scaling, P = 1 → 2 (f64, Fast, block layout)"
    echo
    echo "| n | repeats per launch | launch pairs | t(P=1) median µs | t(P=2) median µs | speedup t1/t2, median (quartiles) |"
    echo "|---|---|---|---|---|---|"
} >"$out"

declare -A peak
for spec in "1000000 400 $pairs" "100000000 5 3"; do
    read -r n repeat npairs <<<"$spec"
    : >/tmp/pdot-bench-ratios
    : >/tmp/pdot-bench-t1
    : >/tmp/pdot-bench-t2
    for _ in $(seq "$npairs"); do
        j1=$(mpiexec.mpich -n 1 "$pdot" --n "$n" --repeat "$repeat" --json)
        j2=$(mpiexec.mpich -n 2 "$pdot" --n "$n" --repeat "$repeat" --json)
        t1=$(field seconds <<<"$j1")
        t2=$(field seconds <<<"$j2")
        echo "$t1" >>/tmp/pdot-bench-t1
        echo "$t2" >>/tmp/pdot-bench-t2
        awk -v a="$t1" -v b="$t2" 'BEGIN {print a / b}' >>/tmp/pdot-bench-ratios
        [[ $n == 100000000 ]] && peak[1]=$(field peak_rss_bytes_max <<<"$j1") && peak[2]=$(field peak_rss_bytes_max <<<"$j2")
    done
    med() { sort -g "$1" | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)] * 1e6}'; }
    echo "| $n | $repeat | $npairs | $(med /tmp/pdot-bench-t1) | $(med /tmp/pdot-bench-t2) | $(stats </tmp/pdot-bench-ratios) |" >>"$out"
done

{
    echo
    echo "## Deterministic all-reduce vs MPI_Allreduce, P = 2"
    echo
    echo '```'
    mpiexec.mpich -n 2 "$target/release/examples/allreduce_latency" 40 2000
    echo '```'
    echo
    echo "## Peak resident memory per rank, \`pdot --n 1e8\` (f64, two vectors)"
    echo
    echo "| P | largest peak RSS of any rank (MiB) | budget 16·n/P + 32 MiB (MiB) | within |"
    echo "|---|---|---|---|"
} >>"$out"
peak[4]=$(mpiexec.mpich -n 4 "$pdot" --n 100000000 --json | field peak_rss_bytes_max)
for p in 1 2 4; do
    awk -v p="$p" -v r="${peak[$p]}" 'BEGIN {
        mib = 1048576; budget = 16 * 1e8 / p + 32 * mib;
        printf "| %d | %.1f | %.1f | %s |\n", p, r / mib, budget / mib, (r <= budget ? "yes" : "NO") }' >>"$out"
done
cat "$out"
