//! `pdot._pdot`, the extension module of the Python package `pdot`: pdot's dot products,
//! multi-dots and norms on NumPy arrays, on one core or over an mpi4py communicator. The
//! package (`pdot/__init__.py`) re-exports these functions; its docstrings are the user's
//! documentation.

mod args;
mod arrays;
mod collective;
mod comm;
mod errors;
mod pending;
mod request;
mod single;

use pyo3::prelude::*;

use crate::pending::{Pending, results};
use crate::request::Request;

/// Whether a `comm=` argument was given (not None).
fn is_given(comm: Option<&Bound<'_, PyAny>>) -> bool {
    comm.is_some_and(|c| !c.is_none())
}

/// The value(s) of a request: on this core, or collective when `comm` is given.
fn compute<'py>(
    py: Python<'py>,
    comm: Option<&Bound<'py, PyAny>>,
    request: Result<Request<'py>, arrays::Bad>,
    single: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let out = request.as_ref().map_or(arrays::Elem::F64, |r| r.out);
    let values = match comm.filter(|c| is_given(Some(c))) {
        Some(comm) => collective::run(py, comm, request)?,
        None => single::run(py, &request.map_err(arrays::Bad::into_err)?),
    };
    results(py, values, single, out)
}

/// dot(x, y, accuracy="fast", *, dtype=None, comm=None)
/// --
///
/// The dot product x · y of two 1-D NumPy arrays of float64 or float32 (both of one dtype),
/// of any strides (negative and zero included; read in place, never copied).
///
/// accuracy: "fast" (as fast as memory allows, about as accurate as numpy.dot), "compensated"
/// (as if computed in twice the working precision, then rounded), or "exact" (the correctly
/// rounded value of the exact dot product, whatever the data).
///
/// dtype: the result type. By default the inputs' dtype; numpy.float64 with float32 inputs
/// accumulates in float64 (as BLAS dsdot). The result is a Python float (holding the float32
/// value exactly for a float32 result).
///
/// comm: an mpi4py intra-communicator. Collective: every rank passes its own share of x and
/// y (any length, 0 included); the result is the dot product of the concatenation of the
/// shares in rank order, with the same bits on every rank. With accuracy="exact" it is the
/// correctly rounded value: the same for every number of ranks and every split. Errors
/// raise pdot.CollectiveError on every rank (pdot.CollectiveTypeError for a wrong type).
///
/// Raises TypeError for arrays of other dtypes (or of two dtypes) and for non-arrays,
/// ValueError for arrays that are not 1-D or have different lengths (the message names both)
/// and for an unknown accuracy.
#[pyfunction]
#[pyo3(signature = (x, y, accuracy = "fast", *, dtype = None, comm = None))]
fn dot<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    accuracy: &str,
    dtype: Option<&Bound<'py, PyAny>>,
    comm: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let collective = is_given(comm);
    compute(
        py,
        comm,
        Request::dot(x, y, accuracy, dtype, collective),
        true,
    )
}

/// mdot(x, ys, accuracy="fast", *, dtype=None, comm=None)
/// --
///
/// The dot products x · ys[0], ..., x · ys[k-1] in one pass over x (the fused multi-dot
/// kernel, as for the projections of Gram–Schmidt), returned as a 1-D array of the result
/// dtype. ys is a sequence of 1-D arrays of x's dtype and length, or a 2-D array (its rows).
/// Each result has the bits pdot.dot gives for its pair. accuracy, dtype and comm as for
/// pdot.dot: with comm, one reduction message carries all k results.
#[pyfunction]
#[pyo3(signature = (x, ys, accuracy = "fast", *, dtype = None, comm = None))]
fn mdot<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    ys: &Bound<'py, PyAny>,
    accuracy: &str,
    dtype: Option<&Bound<'py, PyAny>>,
    comm: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let collective = is_given(comm);
    compute(
        py,
        comm,
        Request::mdot(x, ys, accuracy, dtype, collective),
        false,
    )
}

/// nrm2(x, accuracy="fast", *, dtype=None, comm=None)
/// --
///
/// The Euclidean norm ‖x‖₂ of a 1-D float64 or float32 array, without overflow or underflow
/// in the squares (rescaled by a power of two when needed). With accuracy="exact", the
/// correctly rounded norm. dtype and comm as for pdot.dot (with comm: the norm of the
/// concatenated shares, the same bits on every rank).
#[pyfunction]
#[pyo3(signature = (x, accuracy = "fast", *, dtype = None, comm = None))]
fn nrm2<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    accuracy: &str,
    dtype: Option<&Bound<'py, PyAny>>,
    comm: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    compute(py, comm, Request::nrm2(x, accuracy, dtype), true)
}

/// dot_begin(x, y, accuracy="fast", *, dtype=None, comm)
/// --
///
/// Starts the collective pdot.dot(x, y, accuracy, dtype=dtype, comm=comm) and returns a
/// pdot.Pending at once: this rank's kernel has run, and the reduction over the ranks
/// advances in its test() and completes in its finish(), which returns the bits the
/// blocking call returns (or raises its exception, on every rank). Overlap the reduction
/// with other work: p = pdot.dot_begin(...); ...work, calling p.test() now and then...;
/// d = p.finish(). Collective: every rank calls it, in the same order as pdot's other calls.
#[pyfunction]
#[pyo3(signature = (x, y, accuracy = "fast", *, dtype = None, comm))]
fn dot_begin<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    accuracy: &str,
    dtype: Option<&Bound<'py, PyAny>>,
    comm: &Bound<'py, PyAny>,
) -> PyResult<Pending> {
    collective::begin(py, comm, Request::dot(x, y, accuracy, dtype, true), true)
}

/// mdot_begin(x, ys, accuracy="fast", *, dtype=None, comm)
/// --
///
/// The split-phase pdot.mdot: as pdot.dot_begin, and the Pending's finish() returns the
/// array pdot.mdot returns.
#[pyfunction]
#[pyo3(signature = (x, ys, accuracy = "fast", *, dtype = None, comm))]
fn mdot_begin<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    ys: &Bound<'py, PyAny>,
    accuracy: &str,
    dtype: Option<&Bound<'py, PyAny>>,
    comm: &Bound<'py, PyAny>,
) -> PyResult<Pending> {
    collective::begin(py, comm, Request::mdot(x, ys, accuracy, dtype, true), false)
}

/// mpi_library_version()
/// --
///
/// The version string of the MPI library this build of pdot calls (MPI_Get_library_version);
/// mpi4py's MPI.Get_library_version() must return the same for comm= to work.
#[pyfunction]
fn mpi_library_version() -> String {
    comm::library_version()
}

/// mpi_library_path()
/// --
///
/// The file of the MPI library this build of pdot calls, or None if the loader does not say.
/// pdot sets MPI4PY_LIBMPI to it when imported before mpi4py.
#[pyfunction]
fn mpi_library_path() -> Option<String> {
    comm::library_path()
}

/// pdot's kernels, in Rust: see the package pdot.
#[pymodule]
fn _pdot(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dot, m)?)?;
    m.add_function(wrap_pyfunction!(mdot, m)?)?;
    m.add_function(wrap_pyfunction!(nrm2, m)?)?;
    m.add_function(wrap_pyfunction!(dot_begin, m)?)?;
    m.add_function(wrap_pyfunction!(mdot_begin, m)?)?;
    m.add_function(wrap_pyfunction!(mpi_library_version, m)?)?;
    m.add_function(wrap_pyfunction!(mpi_library_path, m)?)?;
    m.add_class::<Pending>()?;
    m.add("DETACH_MIN", single::DETACH_MIN)?;
    Ok(())
}
