//! The Python exceptions of collective calls (classes defined in `pdot/_errors.py`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use crate::arrays::Bad;

/// The module `pdot._errors`, imported once.
static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// A new exception of class `name` of `pdot._errors`, with `message` and `rank`.
pub fn new(py: Python<'_>, name: &str, message: String, rank: Option<usize>) -> PyErr {
    let class = ERRORS
        .get_or_try_init(py, || {
            PyModule::import(py, "pdot._errors").map(Bound::unbind)
        })
        .and_then(|m| m.bind(py).getattr(name));
    match class.and_then(|c| c.call1((message.clone(), rank))) {
        Ok(e) => PyErr::from_value(e),
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// The exception of a failed collective call, the same on every rank; on the rank that
/// rejected its own input (`mine`), that input's exception is its cause.
pub fn collective(py: Python<'_>, error: pdot_mpi::Error, mine: Option<Bad>) -> PyErr {
    let err = match error {
        pdot_mpi::Error::Rejected { rank, code } => {
            let (class, what) = if code == 1 {
                ("CollectiveTypeError", "an argument of the wrong type")
            } else {
                ("CollectiveError", "a bad argument")
            };
            let message = format!(
                "rank {rank} passed {what} (that rank's exception, the cause of this one \
                 there, says which)"
            );
            new(py, class, message, Some(rank))
        }
        other => {
            let rank = rank_of(&other);
            new(py, "CollectiveError", other.to_string(), rank)
        }
    };
    if let Some(bad) = mine {
        err.set_cause(py, Some(bad.into_err()));
    }
    err
}

/// The rank an error names, if one.
fn rank_of(error: &pdot_mpi::Error) -> Option<usize> {
    match error {
        pdot_mpi::Error::LengthMismatch { rank, .. }
        | pdot_mpi::Error::LocalLength { rank, .. }
        | pdot_mpi::Error::Communicator { rank, .. } => Some(*rank),
        _ => None,
    }
}
