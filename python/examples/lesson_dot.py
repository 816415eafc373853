"""The classic first lesson of MPI with Python, side by side with pdot.

The lesson: split a and b across the ranks (rank r takes elements r, r+P, r+2P, ...), dot
the pieces with NumPy, and stitch them together with comm.allreduce. Its answer changes
with the number of processes P: each P adds the products in another order. pdot's "exact"
is the correctly rounded value, the same for every P (and the same as on one core).

    mpiexec -n 4 python python/examples/lesson_dot.py [n]

Rank 0 prints, for two data sets (the lesson's random vectors, and an ill-conditioned case
where large terms cancel), the value and bits of each way: one line per case,
`P <P> <case> <way> <value> <hex bits>`. scripts/python-lesson.sh runs it for P = 1..8 and
makes the table of the README."""

import struct
import sys

import pdot  # before mpi4py (see help(pdot): the MPI library)
from mpi4py import MPI

import numpy as np

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()


def lesson_data(n):
    """The lesson's kind of data: two random vectors, the same on every rank (a seed)."""
    rng = np.random.default_rng(2024)
    return rng.random(n), rng.random(n)


def ill_conditioned(n):
    """Products from 2^-30 to 2^30 in size, half of them cancelling the other half up to
    a small remainder: the sum is tiny compared with its terms."""
    rng = np.random.default_rng(7)
    half = n // 2
    a = rng.standard_normal(half) * np.exp2(rng.integers(-30, 30, half))
    x = np.concatenate([a, -a * (1 + 2.0**-40)])
    y = np.ones(2 * half)
    perm = rng.permutation(2 * half)
    return x[perm], y[perm]


def lesson_dot(a, b):
    """The lesson's distributed dot product."""
    local = np.dot(a[rank::size], b[rank::size])
    return comm.allreduce(local, op=MPI.SUM)


def pdot_dot(a, b, accuracy):
    """The same with pdot: the same strided shares (views, not copies), one call."""
    return pdot.dot(a[rank::size], b[rank::size], accuracy, comm=comm)


def show(case, way, value):
    value = float(value)  # a NumPy scalar from the lesson's way
    if rank == 0:
        hexbits = struct.pack(">d", value).hex()
        print(f"P {size} {case} {way} {value!r} 0x{hexbits}", flush=True)


def main():
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000
    for case, (a, b) in (("lesson", lesson_data(n)), ("ill-conditioned", ill_conditioned(n))):
        show(case, "numpy+allreduce", lesson_dot(a, b))
        show(case, "pdot-fast", pdot_dot(a, b, "fast"))
        show(case, "pdot-exact", pdot_dot(a, b, "exact"))


if __name__ == "__main__":
    main()
