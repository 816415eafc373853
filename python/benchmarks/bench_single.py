"""Single-core figures: pdot.dot (each accuracy) against numpy.dot (OpenBLAS, one thread),
and pdot's exact against the fastest correctly rounded way in plain NumPy/Python (products
split exactly with Dekker's algorithm in NumPy, then math.fsum), n = 1e3 .. 1e7 (float64).

    OPENBLAS_NUM_THREADS=1 python python/benchmarks/bench_single.py [max_n]

Prints a Markdown table; times are the best of several repeats, per call."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads OpenBLAS

import math
import sys
import timeit

import numpy as np

import pdot


def best(f, budget=0.4):
    """The best time per call of f, in seconds (repeats of a batch sized to ~budget/5 s)."""
    t = timeit.timeit(f, number=1)
    number = max(1, int(budget / 5 / max(t, 1e-9)))
    return min(timeit.repeat(f, number=number, repeat=5)) / number


def dekker_fsum(x, y):
    """The correctly rounded x . y in plain NumPy + math.fsum: each product as the exact sum
    p + e (Veltkamp splitting, no FMA in NumPy), then fsum of all 2n terms (correctly
    rounded while nothing overflows or underflows)."""
    c = 134217729.0  # 2^27 + 1
    t = x * c
    xh = t - (t - x)
    xl = x - xh
    t = y * c
    yh = t - (t - y)
    yl = y - yh
    p = x * y
    e = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl
    return math.fsum(np.concatenate([p, e]))


def main():
    max_n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**7
    rng = np.random.default_rng(1)
    print(f"numpy {np.__version__}, BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}, "
          f"pdot {pdot.__version__}")
    z = np.zeros(0)
    one = np.ones(1)
    print(f"per-call time at n = 0: numpy.dot {best(lambda: np.dot(z, z)) * 1e9:.0f} ns, "
          f"pdot.dot {best(lambda: pdot.dot(z, z)) * 1e9:.0f} ns; at n = 1: numpy.dot "
          f"{best(lambda: np.dot(one, one)) * 1e9:.0f} ns, pdot.dot {best(lambda: pdot.dot(one, one)) * 1e9:.0f} ns")
    print()
    print("| n | numpy.dot | pdot fast | numpy/fast | pdot compensated | pdot exact | "
          "Dekker+fsum | (Dekker+fsum)/exact |")
    print("|---|---|---|---|---|---|---|---|")
    n = 1000
    while n <= max_n:
        x, y = rng.random(n), rng.random(n)
        assert dekker_fsum(x, y) == pdot.dot(x, y, "exact")
        t_np = best(lambda: np.dot(x, y))
        t_fast = best(lambda: pdot.dot(x, y))
        t_comp = best(lambda: pdot.dot(x, y, "compensated"))
        t_exact = best(lambda: pdot.dot(x, y, "exact"))
        t_fsum = best(lambda: dekker_fsum(x, y), budget=0.2 if n < 10**6 else 0.05)

        def us(t):
            return f"{t * 1e6:.1f} µs" if t < 1e-3 else f"{t * 1e3:.2f} ms"

        print(f"| 1e{round(math.log10(n))} | {us(t_np)} | {us(t_fast)} | {t_np / t_fast:.2f}x | "
              f"{us(t_comp)} | {us(t_exact)} | {us(t_fsum)} | {t_fsum / t_exact:.0f}x |", flush=True)
        n *= 10


if __name__ == "__main__":
    main()
