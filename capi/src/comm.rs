//! The caller's communicator, borrowed: wrapped for pdot-mpi without ever being freed.
//!
//! rsmpi's `SimpleCommunicator::from_raw` takes ownership (its drop calls `MPI_Comm_free`).
//! The C caller owns its communicator, so the wrapper is kept in a [`ManuallyDrop`] and never
//! dropped: it only borrows the handle for the duration of one call. `MPI_COMM_WORLD` and
//! `MPI_COMM_SELF` get rsmpi's own predefined wrappers, whose drop frees nothing.
//!
//! pdot-mpi caches its private duplicate on the communicator as an attribute (created on
//! first use, freed by MPI when the caller frees its communicator): nothing here needs an
//! rsmpi `Universe`, so MPI may be initialised by the C (or Fortran) caller.

use std::ffi::c_int;
use std::mem::ManuallyDrop;
use std::ops::Deref;

use mpi::ffi;
use mpi::raw::FromRaw;
use mpi::topology::SimpleCommunicator;

use crate::status::{Failure, PDOT_ERR_COMM, PDOT_ERR_MPI_STATE};

/// The caller's communicator, borrowed for one call: never freed.
pub(crate) struct Borrowed(ManuallyDrop<SimpleCommunicator>);

impl Deref for Borrowed {
    type Target = SimpleCommunicator;
    fn deref(&self) -> &SimpleCommunicator {
        &self.0
    }
}

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

/// Borrows the caller's raw communicator `raw` for one call.
///
/// # Safety
/// `raw` must be `MPI_COMM_NULL` or a live communicator, not freed during the borrow.
pub(crate) unsafe fn borrow(raw: ffi::MPI_Comm) -> Result<Borrowed, Failure> {
    mpi_running()?;
    // SAFETY: reading MPI's predefined handles, initialised by the MPI library.
    let (null, world, this) = unsafe {
        (
            ffi::RSMPI_COMM_NULL,
            ffi::RSMPI_COMM_WORLD,
            ffi::RSMPI_COMM_SELF,
        )
    };
    if raw == null {
        return Err(Failure::new(
            PDOT_ERR_COMM,
            "the communicator is MPI_COMM_NULL",
        ));
    }
    if raw == world {
        return Ok(Borrowed(ManuallyDrop::new(SimpleCommunicator::world())));
    }
    if raw == this {
        return Ok(Borrowed(ManuallyDrop::new(SimpleCommunicator::self_comm())));
    }
    let mut inter: c_int = 0;
    // SAFETY: `raw` is a live communicator (the caller's contract); one int is written.
    unsafe { ffi::MPI_Comm_test_inter(raw, &raw mut inter) };
    if inter != 0 {
        return Err(Failure::new(
            PDOT_ERR_COMM,
            "the communicator is an inter-communicator; pdot needs an intra-communicator",
        ));
    }
    // SAFETY: `raw` is a live intra-communicator other than the predefined ones (checked
    // above), as `from_raw` requires. The wrapper is never dropped (`ManuallyDrop`, and
    // `Borrowed` has no way to take it out), so `MPI_Comm_free` is never called on the
    // caller's handle, which stays the caller's to use and free.
    Ok(Borrowed(ManuallyDrop::new(unsafe {
        SimpleCommunicator::from_raw(raw)
    })))
}

/// The C handle of a Fortran communicator handle (`MPI_Comm_f2c`, which MPICH defines as a
/// macro: rsmpi's C shim provides it as a function).
pub(crate) fn from_fortran(comm: c_int) -> ffi::MPI_Comm {
    // SAFETY: `MPI_Comm_f2c` takes any integer; an invalid handle gives an invalid
    // communicator, which the caller's contract excludes (as for a C handle).
    unsafe { ffi::RSMPI_Comm_f2c(comm) }
}
