//! Partial dot products: mergeable states for splitting one dot product across threads,
//! ranks or pieces of data, at every accuracy level.
//!
//! A [`Partial`] is the state of a dot product over some of the elements. Make one from a
//! slice or strided view ([`Partial::of`], [`Partial::of_strided`]), combine two with
//! [`Partial::merge`], round with [`Partial::finish`]. [`Partial::to_wire`] and
//! [`Partial::from_wire`] turn it into a fixed number of plain bytes and back, for message
//! passing; bytes that are not a valid state are a [`WireError`], never a panic.
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
//! assert_eq!(bytes.len(), ExactPartial::<f64>::WIRE_LEN);
//! assert_eq!(ExactPartial::<f64>::from_wire(&bytes)?, left);
//! # Ok::<(), pdot_kernels::WireError>(())
//! ```

mod compensated;
mod exact;
mod fast;
mod wire;

pub use compensated::CompensatedPartial;
pub use exact::ExactPartial;
pub use fast::FastPartial;
pub use wire::WireError;

use core::fmt::Debug;

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;
use crate::real::Real;
use crate::strided::Strided;

/// The state of a dot product over part of the elements, at one accuracy level.
///
/// `Output` is the result type; the input element type `I` of the constructors is any with
/// `I: Input<Output>` (`f64` → `f64`, `f32` → `f32`, and `f32` → `f64` like BLAS `dsdot`).
///
/// ```
/// use pdot_kernels::{CompensatedPartial, Partial};
///
/// fn total<P: Partial<Output = f64>>(pieces: &[(&[f64], &[f64])]) -> f64 {
///     let mut acc = P::new();
///     for (x, y) in pieces {
///         acc.merge(&P::of(x, y));
///     }
///     acc.finish()
/// }
/// let x = [1e16, 1.0, -1e16];
/// let one = [1.0; 3];
/// assert_eq!(total::<CompensatedPartial<f64>>(&[(&x[..1], &one[..1]), (&x[1..], &one[1..])]), 1.0);
/// ```
pub trait Partial: Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The result type.
    type Output: Real;

    /// The accuracy level this partial computes at.
    const ACCURACY: Accuracy;

    /// The size in bytes of the wire form.
    const WIRE_LEN: usize;

    /// The state of an empty dot product (the result of `n = 0`).
    fn new() -> Self;

    /// The partial of `x · y` on the backend the free functions use.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    fn of<I: Input<Self::Output>>(x: &[I], y: &[I]) -> Self {
        Self::of_strided_on(Backend::active(), x.into(), y.into())
    }

    /// The partial of the strided views `x · y`, on the backend the free functions use.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    fn of_strided<I: Input<Self::Output>>(x: Strided<'_, I>, y: Strided<'_, I>) -> Self {
        Self::of_strided_on(Backend::active(), x, y)
    }

    /// The partial of the strided views `x · y` on `backend`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    fn of_strided_on<I: Input<Self::Output>>(
        backend: Backend,
        x: Strided<'_, I>,
        y: Strided<'_, I>,
    ) -> Self;

    /// Adds the elements of `other` to `self`.
    fn merge(&mut self, other: &Self);

    /// The result, rounded to `Output`.
    fn finish(&self) -> Self::Output;

    /// Writes the wire form into `out`, which must be [`Partial::WIRE_LEN`] bytes long.
    ///
    /// # Errors
    /// [`WireError::Length`] if it is not.
    fn write_wire(&self, out: &mut [u8]) -> Result<(), WireError>;

    /// The wire form: [`Partial::WIRE_LEN`] plain bytes (little-endian), the same on every
    /// machine. Exact partials of the same value have the same bytes.
    fn to_wire(&self) -> Vec<u8> {
        let mut out = vec![0; Self::WIRE_LEN];
        // The length is right by construction.
        let _ = self.write_wire(&mut out);
        out
    }

    /// The partial whose wire form is `bytes`.
    ///
    /// # Errors
    /// A [`WireError`] naming the problem: a wrong length, a header of another kind of
    /// partial, or a state no dot product can produce.
    fn from_wire(bytes: &[u8]) -> Result<Self, WireError>;
}
