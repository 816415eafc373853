"""pdot: dot products of NumPy arrays that are correctly rounded, reproducible, and the same
for every number of MPI processes.

On one core::

    import numpy as np, pdot
    x, y = np.random.rand(10**6), np.random.rand(10**6)
    pdot.dot(x, y)                      # "fast": as fast as memory allows (numpy.dot's speed)
    pdot.dot(x, y, "compensated")       # as if computed in twice the precision
    pdot.dot(x, y, "exact")             # the correctly rounded value of the exact x·y
    pdot.dot(x[::-3], y[::-3], "exact") # any strides, read in place (no copy)
    pdot.dot(x32, y32, dtype=np.float64)  # float32 inputs, float64 sums (BLAS dsdot)
    pdot.mdot(x, [y, z], "exact")       # x·y and x·z in one pass over x: an array
    pdot.nrm2(x, "exact")               # the correctly rounded Euclidean norm

With MPI (mpi4py): every rank passes its own share and gets the same bits; with "exact",
the same bits for every number of ranks and every split of the data::

    from mpi4py import MPI
    d = pdot.dot(x_local, y_local, "exact", comm=MPI.COMM_WORLD)
    p = pdot.dot_begin(x_local, y_local, "exact", comm=MPI.COMM_WORLD)  # split phase
    ...other work, calling p.test() now and then...
    d = p.finish()

Functions: dot, mdot, nrm2 (one core, or collective with comm=), dot_begin and mdot_begin
(split-phase collectives, returning a Pending with test() and finish()), mpi_library_version
and mpi_library_path (the MPI library this build calls).

Arrays: 1-D NumPy arrays of float64 or float32 (both arguments of one dtype), any stride.
Other dtypes raise TypeError; arrays that are not 1-D, or of different lengths, ValueError.
The GIL is released while the kernels run (for arrays of DETACH_MIN elements and more) and
while waiting on MPI.

Collective calls (comm=): every rank of the communicator calls them, in the same order. A
problem on any rank (a wrong dtype, different lengths, different accuracies) raises the same
CollectiveError on every rank (CollectiveTypeError, also a TypeError, for a wrong type), so
no rank is left waiting. Only intra-communicators of mpi4py are accepted.

The MPI library: pdot and mpi4py must call the same libmpi. This build of pdot links the one
mpi_library_path() names. mpi4py built from source uses the libmpi of its mpicc; its binary
wheels choose a libmpi when mpi4py.MPI is first imported (MPI4PY_LIBMPI, else libmpi.so), and
importing pdot first makes them choose pdot's where they can load it (pdot then sets
MPI4PY_LIBMPI unless it is set). If the libraries still differ, the first collective call
raises MPIMismatchError naming both and how to make them agree (never a crash).
"""

import os as _os
import sys as _sys

from . import _pdot
from ._errors import CollectiveError, CollectiveTypeError, MPIMismatchError
from ._pdot import (
    DETACH_MIN,
    Pending,
    dot,
    dot_begin,
    mdot,
    mdot_begin,
    mpi_library_path,
    mpi_library_version,
    nrm2,
)

__version__ = "0.1.0"

#: The accuracy levels, fastest first.
ACCURACIES = ("fast", "compensated", "exact")

__all__ = [
    "ACCURACIES",
    "CollectiveError",
    "CollectiveTypeError",
    "DETACH_MIN",
    "MPIMismatchError",
    "Pending",
    "dot",
    "dot_begin",
    "mdot",
    "mdot_begin",
    "mpi_library_path",
    "mpi_library_version",
    "nrm2",
]


def _steer_mpi4py():
    """Before mpi4py.MPI is imported, point mpi4py's binary wheel at pdot's libmpi: only
    where that library has a name the wheel's extension modules link (libmpi.so.12 for
    MPICH's ABI, libmpi.so.40 for Open MPI's). Debian's MPICH is libmpich.so.12: the
    wheel cannot use it without a libmpi.so.12 on LD_LIBRARY_PATH (see python/README.md);
    then nothing is changed and a mismatch is reported at the first collective call."""
    if "mpi4py.MPI" in _sys.modules or "MPI4PY_LIBMPI" in _os.environ:
        return
    path = _pdot.mpi_library_path()
    if path and _os.path.basename(path) in ("libmpi.so.12", "libmpi.so.40"):
        _os.environ["MPI4PY_LIBMPI"] = path


_steer_mpi4py()
