//! # pdot-mpi: distributed dot products with the same bits on every rank
//!
//! A thin layer over MPI ([rsmpi](https://docs.rs/mpi)) and the single-core kernels of
//! [`pdot_kernels`]: it partitions vectors across ranks ([`Layout`], [`Partition`],
//! [`DistVector`]), computes each rank's partial dot product with the SIMD kernel, and
//! combines the partials with a reduction whose shape pdot fixes ([`schedule`]), executed with
//! point-to-point messages on a private duplicate of the caller's communicator (so that they
//! never meet the caller's own messages). Hence:
//!
//! - every rank gets the same bits, on every run, at every accuracy level;
//! - with [`Accuracy::Exact`](pdot_kernels::Accuracy::Exact), the same bits for every number
//!   of ranks and every layout: the correctly rounded dot product;
//! - bad input on any rank gives the same [`Error`] on every rank, and no rank hangs.
//!
//! For solvers that keep their own distribution: [`dot_local`] / [`dot_local_as`] take each
//! rank's pieces as plain slices of any length, [`LocalDots`] reduces several dot products
//! in one message at an accuracy chosen at run time, [`mdot_local`] computes
//! `x · y_1, ..., x · y_k` reading `x` once, and [`Counts`] describes a split by
//! per-rank lengths ([`Partition::from_counts`], [`DistVector::from_local_counts`]).
//! Euclidean norms: [`nrm2`] / [`nrm2_as`] of a [`DistVector`], [`nrm2_local`] of local
//! pieces (Exact: the correctly rounded norm for every split and `P`).
//!
//! Split-phase reductions overlap the reduction with other work: [`allreduce_begin`],
//! [`LocalDots::begin`] and [`dot_local_begin`] start one and return a handle ([`Pending`],
//! [`PendingDots`], [`PendingDot`]) whose `finish` gives the blocking call's bits.
//!
//! ```no_run
//! use pdot_kernels::Accuracy;
//! use pdot_mpi::LocalDots;
//!
//! let universe = mpi::initialize().unwrap();
//! let world = universe.world();
//! let accuracy: Accuracy = "exact".parse().unwrap();
//! let (r, ar) = (vec![1.0f64; 1000], vec![0.5f64; 1000]); // this rank's rows
//! let rr = pdot_mpi::dot_local(&world, accuracy, &r, &r)?;
//! // Chronopoulos–Gear CG: r·r and r·Ar in one message.
//! let mut dots = LocalDots::new(accuracy);
//! dots.push(&r, &r);
//! dots.push(&r, &ar);
//! let [rr2, rar] = dots.allreduce_array(&world)?;
//! assert_eq!(rr, rr2);
//! # Ok::<(), pdot_mpi::Error>(())
//! ```
//!
//! The crate never initialises MPI: functions take the caller's communicator (anything
//! implementing [`mpi::traits::Communicator`]). The `pdot` binary is the command-line front
//! end.
//!
//! ```no_run
//! use pdot_kernels::Accuracy;
//! use pdot_mpi::{DistVector, Layout};
//!
//! let universe = mpi::initialize().unwrap();
//! let world = universe.world();
//! let n = 10_000_000;
//! let x = DistVector::from_fn(&world, n, Layout::Block, |i| (i as f64).sin())?;
//! let y = DistVector::from_fn(&world, n, Layout::Block, |i| (i as f64).cos())?;
//! // Identical on every rank, and for any number of ranks:
//! let d = pdot_mpi::dot(&world, Accuracy::Exact, &x, &y)?;
//! # Ok::<(), pdot_mpi::Error>(())
//! ```

mod agreement;
mod borrowed;
mod buffers;
mod counts;
mod dist_vector;
mod dot;
mod error;
mod inbox;
mod layout;
mod local_dots;
mod mdot;
mod norm;
mod outbox;
mod outstanding;
mod partition;
mod pending;
mod pending_dots;
mod private;
mod progress;
mod reduce;
mod reducible;
pub mod schedule;
mod transport;

pub use borrowed::BorrowedComm;
pub use counts::Counts;
pub use dist_vector::DistVector;
pub use dot::{
    dot, dot_as, dot_local, dot_local_as, dot_local_begin, dot_replicated, dot_replicated_as,
    dsdot, dsdot_replicated, local_partial,
};
pub use error::{Error, Quantity};
pub use layout::{Layout, ParseLayoutError};
pub use local_dots::LocalDots;
pub use mdot::mdot_local;
pub use norm::{nrm2, nrm2_as, nrm2_local, nrm2_local_strided};
pub use partition::Partition;
pub use pending::{Pending, allreduce_begin};
pub use pending_dots::{PendingDot, PendingDots};
pub use private::private_communicators;
pub use reduce::{allreduce, allreduce_slice};
pub use reducible::{Reducible, simulate};

/// The README's examples (of both crates), compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
