#!/usr/bin/env bash
# The Python figures of the README: single-core pdot.dot vs numpy.dot (OpenBLAS, one
# thread) for n = 1e3 .. 1e7, and the distributed pdot.dot vs the lesson's np.dot +
# comm.allreduce at P = 2, n = 1e6 per rank. Output in results/python/bench.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PDOT_PY_PROFILE=${PDOT_PY_PROFILE:-release} source scripts/python-env.sh
mkdir -p results/python
{
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    OPENBLAS_NUM_THREADS=1 "$py" python/benchmarks/bench_single.py "${1:-1e7}"
    echo
    timeout 600 mpiexec -n 2 "$py" python/benchmarks/bench_mpi.py 1e6
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee results/python/bench.txt
