//! mpi4py communicators: checking that mpi4py and this extension use the same MPI library,
//! borrowing a communicator's handle, and serialising pdot's MPI calls.

use std::ffi::{c_char, c_void};
use std::sync::{Mutex, MutexGuard};

use mpi::ffi;
use pdot_mpi::BorrowedComm;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use crate::errors;

/// The MPI library this extension was linked with: `MPI_Get_library_version`, which MPI
/// allows before `MPI_Init`.
pub fn library_version() -> String {
    mpi::environment::library_version()
        .unwrap_or_else(|_| "(an MPI library version that is not UTF-8)".to_owned())
        .trim()
        .to_owned()
}

/// The file of the MPI library this extension calls (found with `dladdr` on one of its
/// functions), or `None` if the loader does not say.
pub fn library_path() -> Option<String> {
    let mut info: libc::Dl_info = libc::Dl_info {
        dli_fname: std::ptr::null(),
        dli_fbase: std::ptr::null_mut(),
        dli_sname: std::ptr::null(),
        dli_saddr: std::ptr::null_mut(),
    };
    let function = ffi::MPI_Get_library_version as *const c_void;
    // SAFETY: `dladdr` reads the loader's tables for the address of a function of this
    // process and fills `info`; `dli_fname` then points to a NUL-terminated string owned by
    // the loader, valid while the library stays loaded (it is never unloaded: this extension
    // links it).
    unsafe {
        if libc::dladdr(function, &mut info) == 0 || info.dli_fname.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(info.dli_fname as *const c_char);
        Some(name.to_string_lossy().into_owned())
    }
}

/// mpi4py's `MPI` module and its `_addressof`, imported once.
struct Mpi4py {
    addressof: Py<PyAny>,
}

/// The outcome of the first check: mpi4py's module, or why it cannot be used.
static MPI4PY: PyOnceLock<Result<Mpi4py, String>> = PyOnceLock::new();

/// Checks (once per process) that mpi4py and this extension call the same MPI library, and
/// that it is initialised and not finalised.
fn mpi4py(py: Python<'_>) -> PyResult<&'static Mpi4py> {
    let checked = MPI4PY.get_or_init(py, || check(py));
    match checked {
        Ok(m) => {
            if mpi::environment::is_finalized() {
                return Err(PyRuntimeError::new_err("pdot: MPI has been finalised"));
            }
            Ok(m)
        }
        Err(message) => Err(errors::new(py, "MPIMismatchError", message.clone(), None)),
    }
}

/// The first check of [`mpi4py`].
fn check(py: Python<'_>) -> Result<Mpi4py, String> {
    let module = PyModule::import(py, "mpi4py.MPI")
        .map_err(|e| format!("pdot: comm= needs mpi4py, which could not be imported: {e}"))?;
    let theirs: String = module
        .getattr("Get_library_version")
        .and_then(|f| f.call0())
        .and_then(|v| v.extract())
        .map_err(|e| format!("pdot: mpi4py's MPI.Get_library_version() failed: {e}"))?;
    let ours = library_version();
    let hint = match library_path() {
        Some(path) => format!(
            " Make mpi4py load pdot's library: import pdot before mpi4py (pdot then sets \
             MPI4PY_LIBMPI={path} for mpi4py's binary wheel), or set that variable \
             yourself, or rebuild pdot with MPICC naming mpi4py's MPI (python/README.md)."
        ),
        None => String::new(),
    };
    if theirs.trim() != ours {
        return Err(format!(
            "pdot: mpi4py uses the MPI library \"{}\" but pdot was built with \"{ours}\".{hint}",
            first_line(&theirs)
        ));
    }
    if !mpi::environment::is_initialized() {
        return Err(format!(
            "pdot: mpi4py reports pdot's MPI library (\"{}\") but pdot sees it uninitialised: \
             two copies of it are loaded.{hint}",
            first_line(&ours)
        ));
    }
    let addressof = module
        .getattr("_addressof")
        .map_err(|e| format!("pdot: this mpi4py has no MPI._addressof: {e}"))?;
    Ok(Mpi4py {
        addressof: addressof.unbind(),
    })
}

/// The first line of a library version string (Open MPI's is long).
fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("")
}

/// Something that only pdot's MPI lock lets a thread touch, so it may move between threads.
pub struct Locked<T>(pub T);

// SAFETY: `Locked` holds pdot-mpi values (a borrowed communicator, a pending reduction with
// its reference-counted private communicator). MPI handles are valid in every thread of the
// process, and every use of these values in this extension (calls, `test`, `finish`, drop)
// happens while holding `LOCK`, so no two threads ever touch them, or the reference counts
// inside, at the same time. Moving them between threads is then sound.
unsafe impl<T> Send for Locked<T> {}

/// pdot's MPI lock: one pdot MPI call at a time in this process (pdot-mpi's communicator
/// cache is single-threaded). Taken with the GIL released.
static LOCK: Mutex<()> = Mutex::new(());

/// Takes pdot's MPI lock (a poisoned lock is still a lock: pdot's state is not left
/// half-updated by a panic, which would have aborted the call).
pub fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The communicator of the mpi4py object `comm`, after the one-time library check.
pub fn borrow(py: Python<'_>, comm: &Bound<'_, PyAny>) -> PyResult<Locked<BorrowedComm<'static>>> {
    let module: String = comm
        .get_type()
        .getattr("__module__")
        .and_then(|m| m.extract())
        .unwrap_or_default();
    if !module.starts_with("mpi4py") {
        return Err(not_a_communicator(comm));
    }
    let m = mpi4py(py)?;
    let address: usize = m
        .addressof
        .bind(py)
        .call1((comm,))
        .and_then(|a| a.extract())
        .map_err(|_| not_a_communicator(comm))?;
    // SAFETY: mpi4py's `_addressof(comm)` is the address of the `MPI_Comm` handle stored in
    // the communicator object, of the library checked above to be this extension's (so of
    // type `ffi::MPI_Comm`), alive while `comm` is, which the caller holds for the call.
    let raw = unsafe { std::ptr::read(address as *const ffi::MPI_Comm) };
    // SAFETY: MPI is initialised and not finalised (checked by `mpi4py`), and `raw` is
    // mpi4py's live handle (or MPI_COMM_NULL), which stays live while the caller holds
    // `comm`: for the duration of the call that uses the borrowed communicator.
    match unsafe { BorrowedComm::from_raw(raw) } {
        Some(c) => Ok(Locked(c)),
        None => Err(PyTypeError::new_err(
            "comm must be an intra-communicator, not MPI.COMM_NULL or an inter-communicator",
        )),
    }
}

/// The TypeError for a `comm` that is not an mpi4py communicator.
fn not_a_communicator(comm: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "comm must be an mpi4py communicator (mpi4py.MPI.Intracomm), not {}",
        comm.get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string())
    ))
}
