#!/usr/bin/env bash
# Sourced by scripts/python-tests.sh and scripts/python-lesson.sh, from the repository root:
# creates or updates the virtual environment of pdot's Python package ($venv, default
# target/python-venv; PDOT_PY_VENV overrides), builds the package and installs it there.
# The extension crate is a member of the root workspace: `make lint` checks its format and
# clippy lints with the others.
#
# The venv gets maturin, numpy, pytest, hypothesis and mpi4py from PyPI. mpi4py's binary wheel
# picks its libmpi when mpi4py.MPI is imported (MPI4PY_LIBMPI, else libmpi.so: Open MPI's on
# Debian with both MPIs), and its MPICH variant links `libmpi.so.12`, a name Debian's MPICH
# (libmpich.so.12) does not have. To run on MPICH, like plain `mpicc` and `mpiexec`, without
# compiling mpi4py, this script links $venv/lib/mpich-abi/libmpi.so.12 to plain mpicc's
# library and exports LD_LIBRARY_PATH and MPI4PY_LIBMPI for it (mpiexec passes them on).
# (Or build mpi4py from source: MPICC=mpicc pip install --no-binary=mpi4py mpi4py, several
# minutes here; then nothing is needed.) pdot's extension is built with the wrapper of the MPI
# mpi4py then uses (python/mpicc.py), so that both call one libmpi.
root=$PWD
venv=${PDOT_PY_VENV:-target/python-venv}
py=$venv/bin/python
export CARGO_TARGET_DIR=$root/target # the workspace's: pdot-kernels, pdot-mpi already built
export PYO3_PYTHON=$root/$py

# 1. The venv and its tools (idempotent: no network when everything is there).
[[ -x $py ]] || python3 -m venv "$venv"
if ! "$py" -c "import numpy, pytest, hypothesis" 2>/dev/null || [[ ! -x $venv/bin/maturin ]]; then
    "$py" -m pip install -q --upgrade pip
    "$py" -m pip install -q maturin numpy pytest hypothesis
fi
"$py" -c "import mpi4py" 2>/dev/null || "$py" -m pip install -q mpi4py
if ! "$py" -c "import mpi4py, sys; sys.exit(0 if mpi4py.get_config().get('mpicc') else 1)"; then
    # A binary wheel: point it at plain mpicc's libmpi (see above).
    libmpi=$(mpicc -show | tr ' ' '\n' | sed -n 's/^-l\(mpi.*\)/lib\1.so/p' | head -1)
    libdir=$(mpicc -show | tr ' ' '\n' | sed -n 's/^-L//p' | head -1)
    libmpi=$(readlink -f "${libdir:-/usr/lib/x86_64-linux-gnu}/$libmpi")
    mkdir -p "$venv/lib/mpich-abi"
    case $("$py" -c "import ctypes, sys; sys.exit(0 if hasattr(ctypes.CDLL(sys.argv[1]), 'ompi_mpi_comm_self') else 1)" "$libmpi" && echo openmpi) in
        openmpi) ln -sf "$libmpi" "$venv/lib/mpich-abi/libmpi.so.40" ;;
        *) ln -sf "$libmpi" "$venv/lib/mpich-abi/libmpi.so.12" ;;
    esac
    export LD_LIBRARY_PATH=$root/$venv/lib/mpich-abi${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export MPI4PY_LIBMPI=$libmpi
fi

# 2. Build with mpi4py's MPI, install.
mpicc=$("$py" python/mpicc.py)
echo "python-env: mpi4py uses $("$py" -c 'import mpi4py; print(mpi4py.get_config().get("mpicc", "a binary wheel"))'); building pdot with MPICC=$mpicc"
# Plain mpicc's library: leave MPICC unset, as the workspace's builds do (setting it would make
# the MPI crates rebuild here and again for them).
if [[ $(readlink -f "$(command -v "$mpicc")") == $(readlink -f "$(command -v mpicc)") ]]; then
    unset MPICC
else
    export MPICC=$mpicc
fi
# The tests' build: the quick `ci` profile (PDOT_PY_PROFILE=release for figures).
rm -rf target/python-wheels
"$venv/bin/maturin" build --profile "${PDOT_PY_PROFILE:-ci}" -q --auditwheel skip --compatibility linux -m python/Cargo.toml -i "$py" -o target/python-wheels
"$py" -m pip install -q --no-deps --force-reinstall target/python-wheels/pdot-*.whl

