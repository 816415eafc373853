#!/usr/bin/env bash
# `make run`: builds pdot with plain `mpicc` and runs the main job with plain `mpiexec`
# (adding Open MPI's --allow-run-as-root when plain `mpiexec` is Open MPI's and we are root).
#
#   scripts/run.sh RANKS N
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mpi-env.sh
ranks=${1:-2}
n=${2:-1e7}

launch=(mpiexec)
if [[ $(mpi_plain) == openmpi && $(id -u) -eq 0 ]]; then
    launch+=(--allow-run-as-root)
fi
cargo build --release -p pdot-mpi --bin pdot
set -x
"${launch[@]}" -n "$ranks" target/release/pdot --n "$n" --layout cyclic --accuracy exact
"${launch[@]}" -n "$ranks" target/release/pdot --n "$n" --layout block --accuracy fast --repeat 20
