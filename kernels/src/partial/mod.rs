//! Partial dot products: mergeable states for splitting one dot product across threads,
//! ranks or pieces of data, at every accuracy level.
//!
//! A [`Partial`] is the state of a dot product over some of the elements. Make one from a
//! slice or strided view ([`Partial::of`], [`Partial::of_strided`]), combine two with
//! [`Partial::merge`], round with [`Partial::finish`]. [`Partial::to_wire`] and
//! [`Partial::from_wire`] turn it into at most [`Partial::WIRE_MAX`] plain bytes and back,
//! for message passing; bytes that are not a valid state are a [`WireError`], never a panic.
//!
//! - [`ExactPartial`]: the exact sum. Merging is exact, so any split of the elements, any
//!   merge order and bracketing, and any permutation give the bits of
//!   [`Accuracy::Exact`](crate::Accuracy::Exact) on the whole.
//! - [`FastPartial`], [`CompensatedPartial`]: floating-point states; merges round, so the
//!   result depends on the split and on the merge order, which the caller fixes (the
//!   distributed layer uses a fixed tree).
//!
//! # Example
//!
//! ```
//! use pdot_kernels::{dot_with, Accuracy, ExactPartial, Partial};
//!
//! let x: Vec<f64> = (0..1000).map(|i| 1.0 / (i as f64 + 1.0)).collect();
//! let y: Vec<f64> = (0..1000).map(|i| (i as f64).sin()).collect();
//! let mut left = ExactPartial::<f64>::of(&x[..300], &y[..300]);
//! let right = ExactPartial::<f64>::of(&x[300..], &y[300..]);
//! left.merge(&right);
//! assert_eq!(left.finish(), dot_with(Accuracy::Exact, &x, &y));
//!
//! // Over the wire, e.g. to another MPI rank.
//! let bytes = left.to_wire();
//! assert!(bytes.len() <= ExactPartial::<f64>::WIRE_MAX);
//! assert_eq!(ExactPartial::<f64>::from_wire(&bytes)?, left);
//! # Ok::<(), pdot_kernels::WireError>(())
//! ```

mod compensated;
mod exact;
mod exact_from_form;
mod exact_wire;
mod fast;
mod state;
pub(crate) mod wire;

pub use compensated::CompensatedPartial;
pub use exact::ExactPartial;
pub use fast::FastPartial;
pub use state::Partial;
pub use wire::WireError;
