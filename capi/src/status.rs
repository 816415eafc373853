//! The status codes every entry returns, and the message of the last error on this thread.

use std::cell::RefCell;
use std::ffi::{CString, c_char, c_int};

/// The status an entry returns: `PDOT_SUCCESS` (0) or the kind of error. The distributed
/// entries return the same status on every rank of the communicator (except
/// `PDOT_ERR_MPI_STATE` and `PDOT_ERR_COMM`, found before any communication), and
/// `pdot_last_error` then gives the same message on every rank.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pdot_status {
    /// Success.
    PDOT_SUCCESS = 0,
    /// A null pointer where `n > 0` elements (or a result) must be read or written.
    PDOT_ERR_NULL_POINTER = 1,
    /// A negative length or count, or a length and increment that address beyond the
    /// address space.
    PDOT_ERR_LENGTH = 2,
    /// An accuracy code that is none of `PDOT_FAST`, `PDOT_COMPENSATED`, `PDOT_EXACT`.
    PDOT_ERR_ACCURACY = 3,
    /// The ranks passed values that must agree but do not: counts of dot products,
    /// accuracies, element types (a `pdot_mpi_ddot` on one rank, a `pdot_mpi_sdot` on
    /// another).
    PDOT_ERR_DISAGREE = 4,
    /// Ranks exchanged messages they could not decode: they were in different collective
    /// calls, or run different versions of pdot.
    PDOT_ERR_CORRUPT = 5,
    /// The communicator is `MPI_COMM_NULL` or an inter-communicator (found on this rank
    /// only, before any communication).
    PDOT_ERR_COMM = 6,
    /// MPI is not initialised, or already finalised (found on this rank only).
    PDOT_ERR_MPI_STATE = 7,
    /// A null request handle, or a pointer to one that is null.
    PDOT_ERR_REQUEST = 8,
    /// A defect of pdot (a panic caught at the boundary); please report it.
    PDOT_ERR_INTERNAL = 9,
}

pub use pdot_status::*;

thread_local! {
    /// The message of the last error on this thread (empty after none).
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error.
pub(crate) fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = text);
}

/// An error to return through the C interface: its status and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: pdot_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: pdot_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }
}

/// The status of `result` as an `int`, recording the message of an error.
pub(crate) fn report(result: Result<(), Failure>) -> c_int {
    match result {
        Ok(()) => PDOT_SUCCESS as c_int,
        Err(failure) => {
            set_last_error(&failure.message);
            failure.status as c_int
        }
    }
}

/// Runs the body of an entry: its status, with a panic (a defect of pdot) caught at the
/// boundary and reported as `PDOT_ERR_INTERNAL` instead of unwinding into C.
pub(crate) fn entry(body: impl FnOnce() -> Result<(), Failure>) -> c_int {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(result) => report(result),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            report(Err(Failure::new(
                PDOT_ERR_INTERNAL,
                format!("pdot: internal error (a panic): {what}"),
            )))
        }
    }
}

/// The message of the last error of a pdot entry on the calling thread: a NUL-terminated
/// string owned by pdot, valid until the next pdot call on this thread; empty if no entry
/// has failed on this thread. Never null.
#[unsafe(no_mangle)]
pub extern "C" fn pdot_last_error() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_ptr())
}

/// The name of a status code ("PDOT_ERR_LENGTH"), a static NUL-terminated string;
/// "unknown status" for a code that is none of `pdot_status`.
#[unsafe(no_mangle)]
pub extern "C" fn pdot_status_name(status: c_int) -> *const c_char {
    let name: &'static std::ffi::CStr = match status {
        0 => c"PDOT_SUCCESS",
        1 => c"PDOT_ERR_NULL_POINTER",
        2 => c"PDOT_ERR_LENGTH",
        3 => c"PDOT_ERR_ACCURACY",
        4 => c"PDOT_ERR_DISAGREE",
        5 => c"PDOT_ERR_CORRUPT",
        6 => c"PDOT_ERR_COMM",
        7 => c"PDOT_ERR_MPI_STATE",
        8 => c"PDOT_ERR_REQUEST",
        9 => c"PDOT_ERR_INTERNAL",
        _ => c"unknown status",
    };
    name.as_ptr()
}
