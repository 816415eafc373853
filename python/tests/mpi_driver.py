"""pdot's collective calls under `mpiexec -n P python tests/mpi_driver.py`: every rank gets
the same bits; Exact equals the single-core value (hence the same for every P) and the
correctly rounded value from fractions; bad input on one rank raises the same exception on
every rank. Rank 0 prints one line per check and, last, `exact-digest <hex>`: the digest of
every Exact result, which must be the same for every P (scripts/python-tests.sh compares).
Exits 1 on the first failure (on every rank: the failure is agreed with an allreduce)."""

import hashlib
import struct
import sys

import pdot  # before mpi4py: see pdot's docstring (MPI4PY_LIBMPI)
from mpi4py import MPI

import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__file__))
from reference import exact_dot  # noqa: E402

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
LEVELS = ("fast", "compensated", "exact")
digest = hashlib.sha256()
failures = 0


def bits(v):
    return struct.pack("<d", v).hex()


def check(name, ok):
    """Agrees on `ok` over the ranks; rank 0 reports."""
    global failures
    every = comm.allreduce(bool(ok), op=MPI.LAND)
    if not every:
        failures += 1
    if rank == 0:
        print(f"{'ok  ' if every else 'FAIL'} P={size} {name}", flush=True)


def same_everywhere(value):
    return len(set(comm.allgather(value))) == 1


def splits(n, seed):
    """Ways to split indices 0..n-1 over the ranks: (name, this rank's index array)."""
    rng = np.random.default_rng(seed)
    block = np.array_split(np.arange(n), size)[rank]
    cuts = np.sort(rng.integers(0, n + 1, size - 1))
    uneven = np.split(np.arange(n), cuts)[rank]
    empty_but_last = np.arange(n) if rank == size - 1 else np.arange(0)
    return [("block", block), ("uneven", uneven), ("all-on-last", empty_but_last)]


def data(n, seed, kind):
    rng = np.random.default_rng(seed)
    if kind == "lesson":
        return rng.random(n), rng.random(n)
    # ill-conditioned: big terms that cancel, in random places, and small ones
    x = rng.standard_normal(n) * np.exp2(rng.integers(-40, 40, n))
    y = rng.standard_normal(n)
    half = n // 2
    x[half : 2 * half] = -x[:half]
    y[half : 2 * half] = y[:half]
    perm = rng.permutation(n)
    return x[perm], y[perm]


def main():
    for n, seed, kind in [(0, 1, "lesson"), (1, 2, "lesson"), (1000, 3, "lesson"),
                          (100_003, 4, "lesson"), (5000, 5, "ill"), (100_000, 6, "ill")]:
        x, y = data(n, seed, kind)
        whole = {level: pdot.dot(x, y, level) for level in LEVELS}
        if n <= 5000:
            check(f"n={n} {kind}: single-core exact is correctly rounded",
                  bits(whole["exact"]) == bits(exact_dot(x.tolist(), y.tolist())))
        digest.update(bits(whole["exact"]).encode())
        # The lesson's split: rank r takes elements r, r+P, r+2P, ... (zero-copy views).
        xs, ys = x[rank::size], y[rank::size]
        for level in LEVELS:
            d = pdot.dot(xs, ys, level, comm=comm)
            check(f"n={n} {kind} rank-strided {level}: same bits on every rank",
                  same_everywhere(bits(d)))
            if level == "exact":
                check(f"n={n} {kind} rank-strided exact == single-core",
                      bits(d) == bits(whole["exact"]))
        # Reversed views of the shares, and other splits.
        d = pdot.dot(xs[::-1], ys[::-1], "exact", comm=comm)
        check(f"n={n} {kind} reversed shares exact == single-core", bits(d) == bits(whole["exact"]))
        for name, idx in splits(n, seed):
            d = pdot.dot(x[idx], y[idx], "exact", comm=comm)
            check(f"n={n} {kind} {name} exact == single-core", bits(d) == bits(whole["exact"]))
            f = pdot.dot(x[idx], y[idx], "fast", comm=comm)
            check(f"n={n} {kind} {name} fast: same on every rank", same_everywhere(bits(f)))
        # float32 inputs, float64 and float32 results.
        x32, y32 = x.astype(np.float32), y.astype(np.float32)
        for dtype in (np.float64, np.float32):
            d = pdot.dot(x32[rank::size], y32[rank::size], "exact", dtype=dtype, comm=comm)
            want = pdot.dot(x32, y32, "exact", dtype=dtype)
            check(f"n={n} {kind} float32 -> {dtype.__name__} exact == single-core",
                  bits(d) == bits(want))
            digest.update(bits(d).encode())
        # Multi-dot and norm.
        got = pdot.mdot(xs, [ys, xs], "exact", comm=comm)
        want = pdot.mdot(x, [y, x], "exact")
        check(f"n={n} {kind} mdot exact == single-core", [bits(v) for v in got] == [bits(v) for v in want])
        nrm = pdot.nrm2(xs, "exact", comm=comm)
        check(f"n={n} {kind} nrm2 exact == single-core", bits(nrm) == bits(pdot.nrm2(x, "exact")))
        digest.update(bits(nrm).encode())
        # Split phase: the blocking call's bits.
        for level in LEVELS:
            p = pdot.dot_begin(xs, ys, level, comm=comm)
            while not p.test():
                pass
            check(f"n={n} {kind} dot_begin {level} == blocking",
                  bits(p.finish()) == bits(pdot.dot(xs, ys, level, comm=comm)))
        p = pdot.mdot_begin(xs, [ys, xs], "exact", comm=comm)
        check(f"n={n} {kind} mdot_begin == mdot", [bits(v) for v in p.finish()] == [bits(v) for v in want])

    communicators()
    errors()
    if rank == 0:
        print(f"exact-digest {digest.hexdigest()}", flush=True)


def communicators():
    x, y = data(10_000, 9, "ill")
    want = pdot.dot(x, y, "exact")
    # A communicator of its own (split by parity of rank), freed afterwards: pdot's
    # private duplicate goes with it; MPI.COMM_SELF: the single-core result.
    sub = comm.Split(rank % 2, rank)
    xs, ys = x[sub.Get_rank()::sub.Get_size()], y[sub.Get_rank()::sub.Get_size()]
    d = pdot.dot(xs, ys, "exact", comm=sub)
    sub.Free()
    check("split communicator exact == single-core", bits(d) == bits(want))
    check("COMM_SELF exact == single-core", bits(pdot.dot(x, y, "exact", comm=MPI.COMM_SELF)) == bits(want))
    # Interleaved with the caller's own messages (wildcard receives).
    req = comm.irecv(source=MPI.ANY_SOURCE, tag=MPI.ANY_TAG)
    d = pdot.dot(x[rank::size], y[rank::size], "exact", comm=comm)
    comm.send(rank, dest=(rank + 1) % size, tag=7)
    got = req.wait()
    check("pdot's messages never meet the caller's", bits(d) == bits(want) and got == (rank - 1) % size)


def raises(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return e
    return None


def errors():
    x = np.ones(10)
    last = size - 1

    def agreed(name, e, cls):
        described = (type(e).__name__, str(e)) if e is not None else None
        check(f"{name}: same exception everywhere", same_everywhere(described))
        check(f"{name}: {cls.__name__}", isinstance(e, cls))

    # A wrong dtype on the last rank: CollectiveTypeError everywhere, its TypeError the cause there.
    bad = np.arange(10) if rank == last else x
    e = raises(lambda: pdot.dot(bad, x, "exact", comm=comm))
    agreed("int array on the last rank", e, pdot.CollectiveTypeError)
    check("... a TypeError too", isinstance(e, TypeError))
    check("... caused by that rank's TypeError",
          (rank != last) or isinstance(getattr(e, "__cause__", None), TypeError))
    check("... naming the rank", getattr(e, "rank", None) == last)
    # Lengths that differ on rank 0.
    y = np.ones(9) if rank == 0 else x
    e = raises(lambda: pdot.dot(x, y, "exact", comm=comm))
    agreed("lengths differ on rank 0", e, pdot.CollectiveError)
    check("... a ValueError naming both lengths", isinstance(e, ValueError) and "10" in str(e) and "9" in str(e))
    check("... and the rank", getattr(e, "rank", None) == 0)
    ys = [x, np.ones(9) if rank == last else x]
    agreed("mdot lengths differ on the last rank", raises(lambda: pdot.mdot(x, ys, comm=comm)), pdot.CollectiveError)
    # Accuracies that differ, and an unknown one.
    if size > 1:
        level = "fast" if rank == last else "exact"
        agreed("accuracies differ", raises(lambda: pdot.dot(x, x, level, comm=comm)), pdot.CollectiveError)
    level = "exactly" if rank == last else "exact"
    agreed("unknown accuracy", raises(lambda: pdot.dot(x, x, level, comm=comm)), pdot.CollectiveError)
    # 2-D on one rank, in a norm and a multi-dot.
    m = np.ones((2, 5)) if rank == last else x
    agreed("2-D array in nrm2", raises(lambda: pdot.nrm2(m, comm=comm)), pdot.CollectiveError)
    agreed("2-D array in mdot", raises(lambda: pdot.mdot(x, [x, m], comm=comm)), pdot.CollectiveError)
    # Split phase: the error comes at finish(), on every rank.
    p = pdot.dot_begin(bad, x, "exact", comm=comm)
    agreed("int array, split phase", raises(p.finish), pdot.CollectiveTypeError)
    # And the next call works.
    check("a call after the errors works", bits(pdot.dot(x, x, "exact", comm=comm)) == bits(10.0 * size))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    failures = comm.allreduce(failures, op=MPI.MAX)
    sys.exit(1 if failures else 0)
