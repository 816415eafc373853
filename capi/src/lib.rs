//! # pdot from C, C++ and Fortran
//!
//! `libpdot` (shared and static) exports pdot's dot products with the conventions of BLAS
//! and MPI: `n`, `x`, `incx`, `y`, `incy` arguments with BLAS semantics, an `accuracy`
//! argument ([`pdot_accuracy`]), an `int` status ([`pdot_status`]) and a thread-local
//! message ([`pdot_last_error`]), and, for the distributed entries (`pdot_mpi_*`), the
//! caller's `MPI_Comm`. The C header is `include/pdot.h` (generated from this crate by
//! cbindgen; `tests/header.rs` checks it is current), the Fortran module `fortran/pdot.f90`.
//!
//! - single-core: `pdot_ddot`, `pdot_sdot`, `pdot_dsdot`, `pdot_dmdot`, `pdot_smdot`,
//!   `pdot_dnrm2`, `pdot_snrm2`;
//! - distributed, on each rank's local share: `pdot_mpi_ddot`, `pdot_mpi_sdot`,
//!   `pdot_mpi_dsdot`, `pdot_mpi_dmdot`, `pdot_mpi_smdot`, `pdot_mpi_ddots`,
//!   `pdot_mpi_sdots`, `pdot_mpi_dnrm2`, `pdot_mpi_snrm2`;
//! - split-phase: `pdot_mpi_ddot_begin`, `pdot_mpi_sdot_begin`, `pdot_mpi_ddots_begin`,
//!   then `pdot_test`, `pdot_wait` or `pdot_request_free`;
//! - Fortran handles: `pdot_mpi_ddot_f`, `pdot_mpi_sdot_f`, `pdot_mpi_dnrm2_f`,
//!   `pdot_mpi_snrm2_f`.
//!
//! The library never initialises nor finalises MPI and never frees the caller's
//! communicator; its messages travel on pdot-mpi's private duplicate of it.
//!
//! ```
//! use pdot::{pdot_accuracy, pdot_ddot, pdot_status};
//!
//! let x = [1.0, 2.0, 3.0, 4.0];
//! let mut r = 0.0;
//! // x[0]*x[3] + x[2]*x[1]: y read backwards (a negative increment).
//! // SAFETY: both views address the 4 elements of `x`; `r` is writable.
//! let status = unsafe { pdot_ddot(2, x.as_ptr(), 2, x[1..].as_ptr(), -2, pdot_accuracy::PDOT_EXACT as i32, &mut r) };
//! assert_eq!(status, pdot_status::PDOT_SUCCESS as i32);
//! assert_eq!(r, 1.0 * 4.0 + 3.0 * 2.0);
//! ```

mod accuracy;
mod comm;
mod dist;
mod fortran;
mod reduce;
mod request;
mod single;
mod status;
mod verdict;
mod view;

pub use accuracy::pdot_accuracy;
pub use dist::{
    pdot_mpi_ddot, pdot_mpi_ddot_begin, pdot_mpi_ddots, pdot_mpi_ddots_begin, pdot_mpi_dmdot,
    pdot_mpi_dnrm2, pdot_mpi_dsdot, pdot_mpi_sdot, pdot_mpi_sdot_begin, pdot_mpi_sdots,
    pdot_mpi_smdot, pdot_mpi_snrm2,
};
pub use fortran::{pdot_mpi_ddot_f, pdot_mpi_dnrm2_f, pdot_mpi_sdot_f, pdot_mpi_snrm2_f};
pub use request::{pdot_request, pdot_request_free, pdot_test, pdot_wait};
pub use single::{
    pdot_ddot, pdot_dmdot, pdot_dnrm2, pdot_dsdot, pdot_sdot, pdot_smdot, pdot_snrm2,
};
pub use status::{pdot_last_error, pdot_status, pdot_status_name};
