//! The caller's communicator, borrowed: wrapped for pdot-mpi without ever being freed.
//!
//! rsmpi's `SimpleCommunicator::from_raw` takes ownership (its drop calls `MPI_Comm_free`).
//! The C caller owns its communicator, so it is wrapped in pdot-mpi's [`BorrowedComm`],
//! which never frees it: it only borrows the handle for the duration of one call.
//!
//! pdot-mpi caches its private duplicate on the communicator as an attribute (created on
//! first use, freed by MPI when the caller frees its communicator): nothing here needs an
//! rsmpi `Universe`, so MPI may be initialised by the C (or Fortran) caller.

use std::ffi::c_int;

use mpi::ffi;
use pdot_mpi::BorrowedComm;

use crate::status::{Failure, PDOT_ERR_COMM, PDOT_ERR_MPI_STATE};

/// Checks that MPI is initialised and not finalised.
pub(crate) fn mpi_running() -> Result<(), Failure> {
    let (mut initialized, mut finalized): (c_int, c_int) = (0, 0);
    // SAFETY: both may be called at any time, before `MPI_Init` and after `MPI_Finalize`;
    // they write one int each.
    unsafe {
        ffi::MPI_Initialized(&raw mut initialized);
        ffi::MPI_Finalized(&raw mut finalized);
    }
    if initialized == 0 || finalized != 0 {
        return Err(Failure::new(
            PDOT_ERR_MPI_STATE,
            "MPI is not initialised, or already finalised: call pdot between MPI_Init and \
             MPI_Finalize (pdot never initialises nor finalises MPI)",
        ));
    }
    Ok(())
}

/// Borrows the caller's raw communicator `raw` for one call ([`BorrowedComm`]: used, never
/// freed; world and self through rsmpi's predefined wrappers).
///
/// # Safety
/// `raw` must be `MPI_COMM_NULL` or a live communicator, not freed during the borrow.
pub(crate) unsafe fn borrow<'a>(raw: ffi::MPI_Comm) -> Result<BorrowedComm<'a>, Failure> {
    mpi_running()?;
    // SAFETY: reading MPI's predefined null handle, initialised by the MPI library.
    if raw == unsafe { ffi::RSMPI_COMM_NULL } {
        return Err(Failure::new(
            PDOT_ERR_COMM,
            "the communicator is MPI_COMM_NULL",
        ));
    }
    // SAFETY: MPI is running (checked above) and `raw` is a live communicator that the
    // caller does not free during the call (the caller's contract).
    unsafe { BorrowedComm::from_raw(raw) }.ok_or_else(|| {
        Failure::new(
            PDOT_ERR_COMM,
            "the communicator is an inter-communicator; pdot needs an intra-communicator",
        )
    })
}

/// The C handle of a Fortran communicator handle (`MPI_Comm_f2c`, which MPICH defines as a
/// macro: rsmpi's C shim provides it as a function).
pub(crate) fn from_fortran(comm: c_int) -> ffi::MPI_Comm {
    // SAFETY: `MPI_Comm_f2c` takes any integer; an invalid handle gives an invalid
    // communicator, which the caller's contract excludes (as for a C handle).
    unsafe { ffi::RSMPI_Comm_f2c(comm) }
}
