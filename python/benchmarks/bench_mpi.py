"""Distributed figure: pdot.dot(..., comm=...) against the lesson's np.dot + comm.allreduce,
n per rank (default 1e6), float64; time per call (the slowest rank's), best of repeats.

    mpiexec -n 2 python python/benchmarks/bench_mpi.py [n_per_rank]"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys
import time

import pdot  # before mpi4py
from mpi4py import MPI

import numpy as np

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()


def best(f, repeats=30):
    times = []
    for _ in range(repeats):
        comm.Barrier()
        t = time.perf_counter()
        f()
        dt = comm.allreduce(time.perf_counter() - t, op=MPI.MAX)
        times.append(dt)
    return min(times)


def main():
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**6
    rng = np.random.default_rng(rank)
    x, y = rng.random(n), rng.random(n)
    lesson = best(lambda: comm.allreduce(np.dot(x, y), op=MPI.SUM))
    fast = best(lambda: pdot.dot(x, y, comm=comm))
    comp = best(lambda: pdot.dot(x, y, "compensated", comm=comm))
    exact = best(lambda: pdot.dot(x, y, "exact", comm=comm))
    if rank == 0:
        print(f"P = {size}, n = {n} per rank (float64), best of 30, slowest rank:")
        print(f"  np.dot + comm.allreduce : {lesson * 1e6:8.1f} µs")
        print(f"  pdot.dot fast, comm=     : {fast * 1e6:8.1f} µs  ({lesson / fast:.2f}x the lesson's speed)")
        print(f"  pdot.dot compensated     : {comp * 1e6:8.1f} µs  ({lesson / comp:.2f}x)")
        print(f"  pdot.dot exact           : {exact * 1e6:8.1f} µs  ({lesson / exact:.2f}x)")


if __name__ == "__main__":
    main()
