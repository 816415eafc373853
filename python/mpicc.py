"""Prints the MPI compiler wrapper to build pdot's extension with: the one of the MPI that
mpi4py uses, so that both call the same libmpi.

- mpi4py built from source (pip's sdist, or Debian's python3-mpi4py) records its `mpicc`
  in mpi4py.get_config(): that one.
- mpi4py's binary wheels record none and choose a libmpi when mpi4py.MPI is imported: the
  wrapper of the library it loads (MPI.Get_library_version(): MPICH or Open MPI).
- PDOT_MPICC overrides both.

Run with the Python (virtual environment) that will import pdot."""

import os
import shutil
import sys


def pick():
    if os.environ.get("PDOT_MPICC"):
        return os.environ["PDOT_MPICC"]
    try:
        import mpi4py
    except ImportError:
        return "mpicc"  # no mpi4py yet: plain mpicc (comm= checks the match at first use)
    mpicc = (mpi4py.get_config() or {}).get("mpicc")
    if mpicc:
        return mpicc
    from mpi4py import MPI

    version = MPI.Get_library_version()
    for name, wrapper in (("Open MPI", "mpicc.openmpi"), ("MPICH", "mpicc.mpich")):
        if name in version and shutil.which(wrapper):
            return wrapper
    return "mpicc"


if __name__ == "__main__":
    sys.stdout.write(pick() + "\n")
