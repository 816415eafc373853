#!/usr/bin/env bash
# Installs the Debian packages pdot's build, tests and benchmarks need, if any is missing.
# Idempotent: does nothing (and needs no network) when all are present.
#   libopenblas-dev      OpenBLAS, the peer the benchmarks compare against (links -lopenblas)
#   fonts-dejavu-core    the font of the benchmark report's PNG plot
#   gcc, libc6-dev       the C compiler some build dependencies use (usually present)
#   mpich, libmpich-dev  MPICH, the MPI pdot-mpi links by default (mpicc.mpich, mpiexec.mpich)
#   libclang-dev         libclang for bindgen, which the `mpi` crate runs at build time
#   openmpi-bin, libopenmpi-dev  Open MPI, the second MPI the test suite runs against
set -euo pipefail

packages=(libopenblas-dev fonts-dejavu-core gcc libc6-dev mpich libmpich-dev libclang-dev
    openmpi-bin libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
echo "deps.sh: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
