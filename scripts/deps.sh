#!/usr/bin/env bash
# Installs the Debian packages pdot needs, if any is missing. Idempotent: does nothing (and
# needs no network) when all are present.
#
#   scripts/deps.sh run    what `make run` needs: one MPI (MPICH) and the build tools
#   scripts/deps.sh all    (default) also what the tests and benchmarks need
#
# run:
#   gcc, libc6-dev       the C compiler some build dependencies use (usually present)
#   mpich, libmpich-dev  MPICH: the MPI that plain `mpicc` and `mpiexec` name after this script
#   libclang-dev         libclang for bindgen, which the `mpi` crate runs at build time
# all, in addition:
#   openmpi-bin, libopenmpi-dev  Open MPI, the second MPI the test suite runs against
#   libopenblas-dev      OpenBLAS, the peer the benchmarks compare against (links -lopenblas)
#   fonts-dejavu-core    the font of the benchmark report's PNG plot
#   python3-venv         `python3 -m venv`, for the Python package's tests (scripts/python-env.sh)
#   gfortran, pkg-config the Fortran compiler and pkg-config of the C/Fortran API tests
#
# Open MPI is a test-only concern: Debian gives its `mpicc`/`mpiexec` a higher priority than
# MPICH's, so installing it would silently change what the plain commands run (and a pdot
# built with plain `mpicc` would no longer match plain `mpiexec`). While the alternatives are
# in Debian's automatic mode (nobody chose), this script keeps the plain commands on MPICH
# (`update-alternatives --set`); the tests reach Open MPI as mpicc.openmpi/mpiexec.openmpi.
set -euo pipefail

set_name=${1:-all}
packages=(gcc libc6-dev mpich libmpich-dev libclang-dev)
case $set_name in
    run) ;;
    all) packages+=(openmpi-bin libopenmpi-dev libopenblas-dev fonts-dejavu-core python3-venv
                   gfortran pkg-config) ;;
    *) echo "usage: scripts/deps.sh [run|all]" >&2; exit 2 ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
sudo=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then
    sudo=(sudo)
fi

# Plain mpicc/mpiexec stay MPICH's when both MPIs are installed and nobody chose otherwise
# (the alternatives are in Debian's automatic mode, which ranks Open MPI first). Checked on
# every run, so an install that was interrupted before this step is mended by the next one.
keep_plain_mpich() {
    installed mpich && installed openmpi-bin || return 0
    local query
    query=$(update-alternatives --query mpirun 2>/dev/null) || return 0
    grep -q '^Status: auto' <<<"$query" && grep -q '^Value: .*openmpi' <<<"$query" || return 0
    if [[ $(id -u) -ne 0 && ${#sudo[@]} -eq 0 ]]; then
        echo "deps.sh: plain mpiexec is Open MPI's; run as root: update-alternatives --set mpirun /usr/bin/mpirun.mpich" >&2
        return 0
    fi
    "${sudo[@]}" update-alternatives --quiet --set mpi /usr/bin/mpicc.mpich
    "${sudo[@]}" update-alternatives --quiet --set mpirun /usr/bin/mpirun.mpich
    echo "deps.sh: plain mpicc and mpiexec are MPICH's (Open MPI: mpicc.openmpi, mpiexec.openmpi)"
}

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -ne 0 && ${#sudo[@]} -eq 0 ]]; then
        echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    echo "deps.sh: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi
keep_plain_mpich
