"""pdot on one core: Exact against the correctly rounded value computed with fractions,
strided views against copies, every level's bits for each dtype, and bad inputs."""

import math
import struct
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pdot
from reference import F32, F64, exact_dot, exact_nrm2

LEVELS = ("fast", "compensated", "exact")
CASES = settings(max_examples=300, deadline=None)


def bits(v):
    """The bits of a float (NaNs all alike: pdot returns one quiet NaN, the reference
    Python's)."""
    if math.isnan(v):
        return "nan"
    return struct.pack("<d", v).hex()


def same(a, b):
    return bits(a) == bits(b)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
# Values near the ends of the range, and subnormals.
tiny = st.floats(min_value=-1e-300, max_value=1e-300, allow_subnormal=True)
huge = st.floats(min_value=1e300, max_value=1.7e308) | st.floats(min_value=-1.7e308, max_value=-1e300)
special = st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0])
any_value = finite | tiny | huge


def pairs(values, max_size=60):
    return st.lists(st.tuples(values, values), max_size=max_size)


def arrays(ps, dtype=np.float64):
    x = np.array([p[0] for p in ps], dtype=dtype)
    y = np.array([p[1] for p in ps], dtype=dtype)
    return x, y


@CASES
@given(pairs(any_value))
def test_exact_is_correctly_rounded(ps):
    x, y = arrays(ps)
    with np.errstate(all="ignore"):
        assert same(pdot.dot(x, y, "exact"), exact_dot(x.tolist(), y.tolist()))


@CASES
@given(pairs(finite | tiny | special, max_size=20))
def test_exact_with_specials(ps):
    x, y = arrays(ps)
    assert same(pdot.dot(x, y, "exact"), exact_dot(x.tolist(), y.tolist()))


@st.composite
def ill_conditioned(draw):
    """Large terms that cancel (shuffled), with small ones whose sum is the answer."""
    big = draw(st.lists(st.floats(min_value=1e10, max_value=1e200), min_size=1, max_size=15))
    small = draw(st.lists(st.floats(min_value=-1.0, max_value=1.0), max_size=15))
    x = big + [-b for b in big] + small
    y = [draw(st.floats(min_value=0.5, max_value=2.0))] * len(x)
    y = y[: 2 * len(big)] + [1.0] * len(small)
    order = draw(st.permutations(range(len(x))))
    return [x[i] for i in order], [y[i] for i in order]


@CASES
@given(ill_conditioned())
def test_exact_ill_conditioned(xy):
    x, y = (np.array(v) for v in xy)
    assert same(pdot.dot(x, y, "exact"), exact_dot(x.tolist(), y.tolist()))


@CASES
@given(pairs(st.floats(width=32, allow_nan=False, allow_infinity=False)))
def test_exact_float32(ps):
    x, y = arrays(ps, np.float32)
    xl, yl = x.astype(np.float64).tolist(), y.astype(np.float64).tolist()
    # float32 result: the exact sum rounded once to float32.
    assert same(pdot.dot(x, y, "exact"), exact_dot(xl, yl, F32))
    # float64 result on request (sums in float64).
    assert same(pdot.dot(x, y, "exact", dtype=np.float64), exact_dot(xl, yl, F64))
    assert same(pdot.dot(x, y, "exact", dtype="float64"), exact_dot(xl, yl, F64))


@CASES
@given(st.lists(finite | tiny | huge, max_size=40))
def test_exact_nrm2(xs):
    x = np.array(xs)
    assert same(pdot.nrm2(x, "exact"), exact_nrm2(xs))


@CASES
@given(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), max_size=40))
def test_exact_nrm2_float32(xs):
    x = np.array(xs, dtype=np.float32)
    xl = x.astype(np.float64).tolist()
    assert same(pdot.nrm2(x, "exact"), exact_nrm2(xl, F32))
    assert same(pdot.nrm2(x, "exact", dtype=np.float64), exact_nrm2(xl, F64))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 300),
    st.integers(-7, 7),
    st.integers(-7, 7),
    st.integers(0, 6),
    st.sampled_from([np.float64, np.float32]),
    st.integers(0, 2**32 - 1),
)
def test_strided_views_equal_copies(n, sx, sy, offset, dtype, seed):
    rng = np.random.default_rng(seed)
    base_x = rng.standard_normal(offset + n * max(abs(sx), 1) + 1).astype(dtype)
    base_y = rng.standard_normal(offset + n * max(abs(sy), 1) + 1).astype(dtype)

    def view(base, s):
        if s == 0:
            return np.broadcast_to(base[offset], (n,))  # stride 0
        if s > 0:
            return base[offset::s][:n]
        return base[offset:][::s][:n]

    x, y = view(base_x, sx), view(base_y, sy)
    assert len(x) == len(y) == n
    for level in LEVELS:
        assert same(pdot.dot(x, y, level), pdot.dot(x.copy(), y.copy(), level))
        assert same(pdot.nrm2(x, level), pdot.nrm2(x.copy(), level))
        got = pdot.mdot(x, [y, x], level)
        want = pdot.mdot(x.copy(), [y.copy(), x.copy()], level)
        assert [bits(v) for v in got] == [bits(v) for v in want]


def test_unusual_layouts_are_read_correctly():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal(1001), rng.standard_normal(1001)
    want = pdot.dot(x, y, "exact")
    # Misaligned: float64s starting one byte into a buffer.
    buf = bytearray(8 * 1001 + 1)
    mis = np.frombuffer(buf, dtype=np.float64, offset=1, count=1001)
    mis[:] = x
    assert not mis.flags.aligned
    assert same(pdot.dot(mis, y, "exact"), want)
    # Byte-swapped.
    assert same(pdot.dot(x.astype(">f8"), y.astype(">f8"), "exact"), want)
    # A field of a structured array: a stride that is not a multiple of 8 bytes.
    rec = np.zeros(1001, dtype=[("a", "f8"), ("b", "i4")])
    rec["a"] = x
    assert rec["a"].strides[0] == 12
    assert same(pdot.dot(rec["a"], y, "exact"), want)
    # Read-only, and Fortran-ordered column of a 2-D array.
    ro = x.copy()
    ro.setflags(write=False)
    assert same(pdot.dot(ro, y, "exact"), want)
    m = np.asfortranarray(np.stack([x, y], axis=1))
    assert same(pdot.dot(m[:, 0], m[:, 1], "exact"), want)
    # Empty arrays.
    assert same(pdot.dot(np.empty(0), np.empty(0), "exact"), 0.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 200), st.integers(0, 12), st.integers(0, 2**32 - 1))
def test_mdot_equals_dots(n, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    ys = rng.standard_normal((k, n))
    for level in LEVELS:
        got = pdot.mdot(x, ys, level)  # a 2-D array: its rows
        assert got.dtype == np.float64 and got.shape == (k,)
        assert [bits(v) for v in got] == [bits(pdot.dot(x, y, level)) for y in ys]
    x32, ys32 = x.astype(np.float32), ys.astype(np.float32)
    got = pdot.mdot(x32, list(ys32), "exact")
    assert got.dtype == np.float32
    wide = pdot.mdot(x32, list(ys32), "exact", dtype=np.float64)
    assert wide.dtype == np.float64
    assert [bits(v) for v in wide] == [
        bits(pdot.dot(x32, y, "exact", dtype=np.float64)) for y in ys32
    ]


def test_fast_matches_numpy_closely():
    rng = np.random.default_rng(1)
    x, y = rng.random(100_000), rng.random(100_000)
    exact = pdot.dot(x, y, "exact")
    assert abs(pdot.dot(x, y) - exact) <= 1e-12 * exact
    assert abs(pdot.dot(x, y, "compensated") - exact) <= 1e-15 * exact
    assert pdot.dot(x, y, "exact") == exact_dot(x.tolist(), y.tolist())


def test_threads_get_the_same_bits():
    """Large calls release the GIL: several threads at once, each gets the serial bits."""
    rng = np.random.default_rng(3)
    n = 4 * pdot.DETACH_MIN
    x, y = rng.standard_normal(n), rng.standard_normal(n)
    want = {level: pdot.dot(x, y, level) for level in LEVELS}
    got = []

    def work():
        for level in LEVELS * 5:
            got.append((level, pdot.dot(x, y, level)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 * 15
    assert all(same(v, want[level]) for level, v in got)


@pytest.mark.parametrize(
    "x, y, error, words",
    [
        (np.arange(3), np.arange(3), TypeError, ["int64", "float64 or float32"]),
        (np.ones(3), np.ones(3, dtype=np.float32), TypeError, ["float64", "float32"]),
        (np.ones(3, dtype=np.complex128), np.ones(3), TypeError, ["dtype"]),
        (np.ones(3, dtype=np.float16), np.ones(3, dtype=np.float16), TypeError, ["dtype"]),
        ([1.0, 2.0], np.ones(2), TypeError, ["list"]),
        (np.ones((2, 2)), np.ones((2, 2)), ValueError, ["1-D", "(2, 2)"]),
        (np.ones(3), np.ones(4), ValueError, ["3", "4"]),
    ],
)
def test_bad_inputs(x, y, error, words):
    with pytest.raises(error) as info:
        pdot.dot(x, y)
    for w in words:
        assert w in str(info.value)


def test_bad_options():
    x = np.ones(3)
    with pytest.raises(ValueError, match="accuracy"):
        pdot.dot(x, x, "exactly")
    with pytest.raises(TypeError, match="float32"):
        pdot.dot(x, x, dtype=np.float32)  # float64 inputs, float32 result: refused
    with pytest.raises(TypeError, match="dtype"):
        pdot.dot(x, x, dtype=np.int32)
    with pytest.raises(ValueError, match=r"ys\[1\]"):
        pdot.mdot(x, [x, np.ones(4)])
    with pytest.raises(TypeError):
        pdot.mdot(x, 3.0)
    with pytest.raises(TypeError, match="mpi4py"):
        pdot.dot(x, x, comm=object())


def test_help_explains_everything():
    doc = pdot.__doc__
    for name in pdot.__all__:
        assert getattr(pdot, name) is not None
    for word in ("dot", "mdot", "nrm2", "dot_begin", "comm", "exact", "MPIMismatchError"):
        assert word in doc
    for f in (pdot.dot, pdot.mdot, pdot.nrm2, pdot.dot_begin, pdot.mdot_begin):
        assert f.__doc__ and len(f.__doc__) > 100
        assert f.__text_signature__


def test_mismatched_mpi_is_an_error_not_a_crash(tmp_path):
    """mpi4py on another MPI library than pdot's: the first collective call raises
    MPIMismatchError naming both (here: mpi4py's binary wheel told to load Open MPI while
    pdot uses MPICH). Skipped where that cannot be arranged."""
    import ctypes
    import os
    import subprocess
    import sys

    try:
        import mpi4py
    except ImportError:
        pytest.skip("no mpi4py")
    if mpi4py.get_config().get("mpicc"):
        pytest.skip("mpi4py built from source: it cannot load another libmpi")
    if "Open MPI" in pdot.mpi_library_version():
        other = "libmpich.so.12"
    else:
        other = "libmpi.so.40"
    try:
        ctypes.CDLL(other)
    except OSError:
        pytest.skip(f"no {other} to load")
    script = (
        "import numpy as np, pdot\n"
        "from mpi4py import MPI\n"
        "try:\n"
        "    pdot.dot(np.ones(3), np.ones(3), comm=MPI.COMM_WORLD)\n"
        "except pdot.MPIMismatchError as e:\n"
        "    print('MISMATCH', e)\n"
        "print('single-core still works', pdot.dot(np.ones(3), np.ones(3), 'exact'))\n"
    )
    env = dict(os.environ, MPI4PY_LIBMPI=other, MPI4PY_MPIABI="openmpi" if "40" in other else "mpich")
    env.pop("LD_LIBRARY_PATH", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert "MISMATCH" in done.stdout, done.stdout + done.stderr
    assert "pdot was built with" in done.stdout
    assert "single-core still works 3.0" in done.stdout
