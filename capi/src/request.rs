//! Split-phase reductions: the opaque `pdot_request` handle of a reduction started by a
//! `*_begin` entry, and `pdot_test`, `pdot_wait`, `pdot_request_free`.

use std::ffi::c_int;

use mpi::topology::SimpleCommunicator;
use pdot_kernels::Real;
use pdot_mpi::Pending;

use crate::reduce::{Finish, Mode, settle};
use crate::status::{Failure, PDOT_ERR_REQUEST, entry};
use crate::verdict::Verdict;

/// A reduction in progress, whatever its values.
trait Outstanding {
    /// Advances every outstanding reduction without waiting; whether this one is done.
    fn test(&mut self) -> bool;
    /// Waits for the end, writes the results (on success) and gives the status.
    fn finish(self: Box<Self>) -> Result<(), Failure>;
}

/// A split-phase reduction and where its results go.
struct Split<R: Finish> {
    pending: Pending<(Verdict, R)>,
    out: *mut R::Output,
    count: usize,
}

impl<R: Finish> Outstanding for Split<R> {
    fn test(&mut self) -> bool {
        self.pending.test()
    }
    fn finish(self: Box<Self>) -> Result<(), Failure> {
        let Split {
            pending,
            out,
            count,
        } = *self;
        let results = settle(pending.finish(), count)?;
        if count > 0 {
            // SAFETY: a verdict of success means this rank passed a non-null `out` for
            // `count` results, which the caller keeps valid and unaliased until the request
            // completes (the contract of the `*_begin` entries).
            unsafe { std::slice::from_raw_parts_mut(out, count) }.copy_from_slice(&results);
        }
        Ok(())
    }
}

/// An outstanding split-phase reduction, started by a `*_begin` entry (opaque). Owned by
/// the caller until `pdot_wait`, a `pdot_test` that reports completion, or
/// `pdot_request_free` frees it; to be completed on the thread that started it.
#[allow(non_camel_case_types)]
pub struct pdot_request {
    inner: Box<dyn Outstanding>,
}

/// Start the reduction: the mode of the `*_begin` entries.
pub(crate) struct Begin<O>(pub(crate) *mut O);

impl<O: Real> Mode<O> for Begin<O> {
    type Out = Box<pdot_request>;
    fn go<R: Finish<Output = O>>(
        self,
        comm: &SimpleCommunicator,
        values: Vec<(Verdict, R)>,
        count: usize,
    ) -> Box<pdot_request> {
        let pending = pdot_mpi::allreduce_begin(comm, values);
        Box::new(pdot_request {
            inner: Box::new(Split {
                pending,
                out: self.0,
                count,
            }),
        })
    }
}

/// Stores a started request in `*request`, or, if `request` is null, completes it here (this
/// rank's part, so that no peer waits) and reports `PDOT_ERR_REQUEST`.
///
/// # Safety
/// `request` is null or points to a writable `pdot_request *`.
pub(crate) unsafe fn hand_over(
    started: Box<pdot_request>,
    request: *mut *mut pdot_request,
) -> Result<(), Failure> {
    if request.is_null() {
        drop(started.inner.finish());
        return Err(Failure::new(
            PDOT_ERR_REQUEST,
            "the request pointer is null: the reduction was completed and discarded",
        ));
    }
    // SAFETY: not null, and writable by the caller's contract.
    unsafe { *request = Box::into_raw(started) };
    Ok(())
}

/// The handle pointer in `*request` (null if `request` is).
///
/// # Safety
/// `request` is null or points to a readable `pdot_request *`.
unsafe fn peek(request: *mut *mut pdot_request) -> *mut pdot_request {
    if request.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: not null, and readable by the caller's contract.
    unsafe { *request }
}

/// Takes the handle out of `*request`, or the error of a null one.
///
/// # Safety
/// `request` is null or points to null or to a handle from a `*_begin` entry, not yet freed.
unsafe fn take(request: *mut *mut pdot_request) -> Result<Box<pdot_request>, Failure> {
    // SAFETY: the caller's contract.
    let handle = unsafe { peek(request) };
    if handle.is_null() {
        return Err(Failure::new(PDOT_ERR_REQUEST, "a null request"));
    }
    // SAFETY: `handle` came from `Box::into_raw` in `hand_over` and was not freed (the
    // caller's contract); `*request` is set to null, so it is taken once.
    unsafe {
        *request = std::ptr::null_mut();
        Ok(Box::from_raw(handle))
    }
}

/// Waits for the reduction of `*request` to end, writes its results where its `*_begin`
/// entry was told, frees the request and sets `*request` to NULL (as `MPI_Wait`).
///
/// Returns the status of the reduction, the same on every rank: `PDOT_SUCCESS` or the error
/// of invalid arguments on any rank (the results are then not written); `PDOT_ERR_REQUEST` if
/// `request` or `*request` is null. Collective in effect: it waits for the peers' parts.
///
/// # Safety
/// `request` must point to a handle from a `*_begin` entry (or to NULL), not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_wait(request: *mut *mut pdot_request) -> c_int {
    entry(|| {
        // SAFETY: the caller's contract.
        let handle = unsafe { take(request)? };
        handle.inner.finish()
    })
}

/// Advances the reduction of `*request` (and every other outstanding one of this thread)
/// without waiting. Sets `*done` to 1 if it has ended: its results are then written, the
/// request freed and `*request` set to NULL, and the status is the reduction's (as
/// `pdot_wait`); else sets `*done` to 0 and returns `PDOT_SUCCESS`.
///
/// Call it now and then while working, so that the reduction's rounds start.
///
/// # Safety
/// `request` as in `pdot_wait`; `done` must point to a writable int.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_test(request: *mut *mut pdot_request, done: *mut c_int) -> c_int {
    entry(|| {
        if done.is_null() {
            return Err(Failure::new(
                crate::status::PDOT_ERR_NULL_POINTER,
                "the done pointer is null",
            ));
        }
        // SAFETY: the caller's contract: `request` is null or points to a handle pointer.
        let handle = unsafe { peek(request) };
        if handle.is_null() {
            return Err(Failure::new(PDOT_ERR_REQUEST, "a null request"));
        }
        // SAFETY: a live handle from `hand_over` (the caller's contract), used by this
        // thread alone for this call.
        let finished = unsafe { (*handle).inner.test() };
        // SAFETY: `done` is not null and writable (the caller's contract).
        unsafe { *done = c_int::from(finished) };
        if !finished {
            return Ok(());
        }
        // SAFETY: as in `pdot_wait`.
        let handle = unsafe { take(request)? };
        handle.inner.finish()
    })
}

/// Frees `*request` without its results and sets `*request` to NULL (a null one is left
/// alone). If the reduction has not ended, this waits for this rank's part of it first, so
/// that no peer waits forever. Returns `PDOT_SUCCESS`.
///
/// # Safety
/// `request` as in `pdot_wait`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_request_free(request: *mut *mut pdot_request) -> c_int {
    entry(|| {
        // SAFETY: the caller's contract.
        if let Ok(handle) = unsafe { take(request) } {
            drop(handle);
        }
        Ok(())
    })
}
