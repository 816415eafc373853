//! The distributed entries with a Fortran communicator handle (an `MPI_Fint`, the `MPI_VAL`
//! of a `type(MPI_Comm)`, an `int` with MPICH and Open MPI: Open MPI's header defines
//! `MPI_Fint` as a macro, which the bindings do not see), converted with `MPI_Comm_f2c`:
//! what the Fortran module `pdot` (`pdot.f90`) binds to.

use std::ffi::c_int;

use crate::comm::from_fortran;
use crate::dist::{pdot_mpi_ddot, pdot_mpi_dnrm2, pdot_mpi_sdot, pdot_mpi_snrm2};

/// `pdot_mpi_ddot` with a Fortran communicator handle.
///
/// # Safety
/// As `pdot_mpi_ddot`, `comm` a valid Fortran handle.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_ddot_f(
    comm: c_int,
    n: i64,
    x: *const f64,
    incx: i64,
    y: *const f64,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { pdot_mpi_ddot(from_fortran(comm), n, x, incx, y, incy, accuracy, result) }
}

/// `pdot_mpi_sdot` with a Fortran communicator handle.
///
/// # Safety
/// As `pdot_mpi_sdot`, `comm` a valid Fortran handle.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_sdot_f(
    comm: c_int,
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { pdot_mpi_sdot(from_fortran(comm), n, x, incx, y, incy, accuracy, result) }
}

/// `pdot_mpi_dnrm2` with a Fortran communicator handle.
///
/// # Safety
/// As `pdot_mpi_dnrm2`, `comm` a valid Fortran handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_dnrm2_f(
    comm: c_int,
    n: i64,
    x: *const f64,
    incx: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { pdot_mpi_dnrm2(from_fortran(comm), n, x, incx, accuracy, result) }
}

/// `pdot_mpi_snrm2` with a Fortran communicator handle.
///
/// # Safety
/// As `pdot_mpi_snrm2`, `comm` a valid Fortran handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_snrm2_f(
    comm: c_int,
    n: i64,
    x: *const f32,
    incx: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { pdot_mpi_snrm2(from_fortran(comm), n, x, incx, accuracy, result) }
}
