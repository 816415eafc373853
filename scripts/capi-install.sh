#!/usr/bin/env bash
# Installs libpdot for C, C++ and Fortran (what `make install PREFIX=... [MPI=...]` runs):
#
#   PREFIX/lib/libpdot.so, PREFIX/lib/libpdot.a   the library, built against MPI
#   PREFIX/include/pdot.h                         the C header (it includes <mpi.h>)
#   PREFIX/include/pdot.f90                       the Fortran module source (use pdot)
#   PREFIX/lib/pkgconfig/pdot.pc                  for `pkg-config --cflags --libs pdot`
#
#   scripts/capi-install.sh PREFIX [mpich|openmpi]     (default: the MPI of plain mpicc)
#
# The library is built against one MPI (MPI_Comm is an int in MPICH, a pointer in Open
# MPI): use it with that MPI's mpicc/mpif90/mpiexec. Builds for the other MPI go to their
# own target dir (scripts/mpi-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/mpi-env.sh

prefix=${1:?usage: scripts/capi-install.sh PREFIX [mpich|openmpi]}
lib=${2:-$(mpi_plain)}
case $lib in mpich | openmpi) ;; *) echo "capi-install: unknown MPI '$lib'" >&2; exit 2 ;; esac
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# PDOT_CAPI_PROFILE: the cargo profile (default release; the tests use the quick `ci` one).
profile=${PDOT_CAPI_PROFILE:-release}
mpi_cargo "$lib" build --profile "$profile" -q -p pdot-capi
built=$(mpi_target "$lib")/$profile
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 755 "$built/libpdot.so" "$prefix/lib/libpdot.so"
install -m 644 "$built/libpdot.a" "$prefix/lib/libpdot.a"
install -m 644 capi/include/pdot.h "$prefix/include/pdot.h"
install -m 644 capi/fortran/pdot.f90 "$prefix/include/pdot.f90"
cat >"$prefix/lib/pkgconfig/pdot.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
# The Fortran module source: compile it with the application (mpif90).
fortran_module=\${includedir}/pdot.f90
# The MPI library libpdot was built against: use its mpicc, mpif90 and mpiexec.
mpi=$lib

Name: pdot
Description: Deterministic, accurate dot products, single-core and over MPI (built for $lib)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lpdot
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
PC
echo "capi-install: libpdot ($lib) installed in $prefix"
