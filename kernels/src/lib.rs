//! # pdot-kernels
//!
//! Single-core dot products of long vectors: SIMD kernels that are as fast as the best BLAS
//! and **deterministic by construction** — the same inputs give the same bits on every run,
//! on every backend (AVX-512, AVX2+FMA, portable `wide`), for contiguous and strided views of
//! the same logical vector.
//!
//! - [`dot`], [`dot_with`], [`dot_as`]: contiguous slices, at an [`Accuracy`] level, for every
//!   type pair of [`Input`] (`f64`, `f32`, and `f32` inputs with an `f64` result);
//! - [`dot_strided`] on [`Strided`] views with BLAS increments (negative, zero), or blocked
//!   ([`Strided::blocked`]: runs of consecutive elements a fixed stride apart, such as a
//!   rank's share of a block-cyclic distribution, read in place);
//! - [`dsdot`], [`dsdot_with`], [`dsdot_strided`]: aliases of [`dot_as::<f64, f32>`](dot_as)
//!   for BLAS users (`f32` inputs accumulated in `f64`);
//! - [`mdot`], [`mdot_as`], [`mdot_strided_as`]: `x · y_1, ..., x · y_k` in one pass over
//!   `x` (PETSc `VecMDot`), each result with the bits of the single dot;
//! - [`Backend`] and [`Isa`]: the run-time dispatch, chosen once per process
//!   (`PDOT_FORCE_ISA=portable|avx2|avx512` forces one; a name that cannot be honoured is
//!   reported by [`Backend::active_override_error`], never printed);
//! - [`Accuracy::Exact`]: the correctly rounded dot product, the same bits whatever the
//!   order, split or backend;
//! - [`Partial`] ([`FastPartial`], [`CompensatedPartial`], [`ExactPartial`]): mergeable
//!   states of a dot over part of the elements, with a plain-bytes wire form, for the
//!   distributed layer and for solvers that split the work themselves;
//! - [`nrm2`], [`nrm2_as`], [`nrm2_strided`], [`nrm2_strided_as`]: Euclidean norms at every
//!   level (Exact: the correctly rounded norm), protected against overflow and underflow,
//!   and their mergeable state [`NormPartial`].
//!
//! ## The canonical order
//!
//! Logical element `i` is accumulated in virtual lane `i % LANES` (32 lanes for `f64`
//! accumulators, 64 for `f32`), each lane in increasing `i`; the lanes are then combined in a
//! fixed pairwise tree (lane `j` absorbs lane `j + h` for `h = LANES/2, ..., 1`). Every
//! backend maps its registers onto these lanes, which is why all of them give the same bits.
//! NaN results are returned as the one positive quiet NaN. [`Accuracy::Exact`] needs no
//! order: its result is the exact value, rounded once.
//!
//! ## Example
//!
//! ```
//! use pdot_kernels::{dot, dot_strided, dot_with, Accuracy, Strided};
//!
//! let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
//! let y = vec![0.5; 1000];
//! assert_eq!(dot(&x, &y), 249_750.0);
//! assert_eq!(dot_with(Accuracy::Compensated, &x, &y), 249_750.0);
//!
//! // Every other element, read back to front: BLAS `ddot` with incx = -2.
//! let xs = Strided::new(&x, 500, -2)?;
//! let ys = Strided::new(&y, 500, 2)?;
//! assert_eq!(dot_strided(Accuracy::Fast, xs, ys), 124_750.0);
//!
//! // Correctly rounded, whatever the cancellation: (1e16 + 1 - 1e16) * 0.5.
//! let (a, b) = ([1e16, 1.0, -1e16], [0.5; 3]);
//! assert_eq!(dot_with(Accuracy::Exact, &a, &b), 0.5);
//! # Ok::<(), pdot_kernels::StrideError>(())
//! ```
#![deny(missing_docs)]

mod accuracy;
mod backend;
mod compiled;
mod dot;
mod element;
mod exact;
mod input;
mod kernel;
mod mdot;
mod norm;
mod nrm2;
mod partial;
mod pow2;
mod real;
mod simd;
mod strided;

pub use accuracy::{Accuracy, ParseAccuracyError};
pub use backend::{Backend, FORCE_ISA_VAR, Isa, IsaError};
pub use input::{Input, ParsePrecisionError, Precision, VisitPrecision};
pub use mdot::{mdot, mdot_as, mdot_strided_as};
pub use norm::NormPartial;
pub use nrm2::{nrm2, nrm2_as, nrm2_strided, nrm2_strided_as};
pub use partial::{CompensatedPartial, ExactPartial, FastPartial, Partial, WireError};
pub use real::Real;
pub use strided::{StrideError, Strided};

/// The dot product `x · y` at [`Accuracy::Fast`].
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// assert_eq!(pdot_kernels::dot(&[1.0f64, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
/// assert_eq!(pdot_kernels::dot::<f32>(&[], &[]), 0.0);
/// ```
#[track_caller]
#[inline]
pub fn dot<T: Input<T>>(x: &[T], y: &[T]) -> T {
    dot_as(Accuracy::Fast, x, y)
}

/// The dot product `x · y` at the given accuracy, result in the input type.
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dot_with, Accuracy};
/// let x = [1e8f32, 1.0, -1e8];
/// let y = [1.0f32; 3];
/// assert_eq!(dot_with(Accuracy::Compensated, &x, &y), 1.0);
/// ```
#[track_caller]
#[inline]
pub fn dot_with<T: Input<T>>(accuracy: Accuracy, x: &[T], y: &[T]) -> T {
    dot_as(accuracy, x, y)
}

/// The dot product of inputs `E` with a result of type `O`, for every pair of [`Input`]:
/// `dot_as::<f64, f64>`, `dot_as::<f32, f32>`, and `dot_as::<f64, f32>` (f32 inputs, products
/// and sums in f64, like BLAS `dsdot`).
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dot_as, Accuracy};
/// let x = [16777216.0f32, 1.0]; // 2^24, 1
/// // 2^48 + 1 needs 49 bits: exact in f64, but not in f32 arithmetic.
/// assert_eq!(dot_as::<f64, f32>(Accuracy::Fast, &x, &x), 281474976710657.0);
/// assert_eq!(dot_as::<f32, f32>(Accuracy::Fast, &x, &x), 281474976710656.0);
/// ```
#[track_caller]
#[inline]
pub fn dot_as<O: Real, E: Input<O>>(accuracy: Accuracy, x: &[E], y: &[E]) -> O {
    dot_strided_as(accuracy, x.into(), y.into())
}

/// The dot product of two strided views (BLAS `xdot` with `incx`, `incy`).
///
/// A view with `inc == 1` gives the same bits as the contiguous slice, and one with
/// `inc == -1` the same bits as the reversed copy.
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dot_strided, Accuracy, Strided};
/// let a = [1.0f64, 2.0, 3.0, 4.0];
/// let x = Strided::new(&a, 2, 2)?;  // 1, 3
/// let y = Strided::new(&a, 2, -3)?; // 4, 1
/// assert_eq!(dot_strided(Accuracy::Fast, x, y), 7.0);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[track_caller]
#[inline]
pub fn dot_strided<T: Input<T>>(accuracy: Accuracy, x: Strided<'_, T>, y: Strided<'_, T>) -> T {
    dot_strided_as(accuracy, x, y)
}

/// [`dot_as`] on strided views: inputs `E`, result `O`, for every pair of [`Input`].
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dot_strided_as, Accuracy, Strided};
/// let a = [1.0f32, 2.0, 3.0];
/// let x = Strided::new(&a, 3, -1)?; // 3, 2, 1
/// assert_eq!(dot_strided_as::<f64, f32>(Accuracy::Exact, x, a[..].into()), 10.0);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[track_caller]
#[inline]
pub fn dot_strided_as<O: Real, E: Input<O>>(
    accuracy: Accuracy,
    x: Strided<'_, E>,
    y: Strided<'_, E>,
) -> O {
    Backend::active().dot_strided_as(accuracy, x, y)
}

/// BLAS `dsdot`: `f32` inputs, products and sums in `f64`, at [`Accuracy::Fast`]; the same
/// as [`dot_as::<f64, f32>`](dot_as).
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// let x = [16777216.0f32, 1.0]; // 2^24, 1
/// assert_eq!(pdot_kernels::dsdot(&x, &x), 281474976710657.0);
/// assert_eq!(pdot_kernels::dot(&x, &x), 281474976710656.0);
/// ```
#[track_caller]
#[inline]
pub fn dsdot(x: &[f32], y: &[f32]) -> f64 {
    dot_as(Accuracy::Fast, x, y)
}

/// `f32` inputs accumulated in `f64` at the given accuracy: [`dot_as::<f64, f32>`](dot_as).
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dsdot_with, Accuracy};
/// let x = [1e30f32, 1.0, -1e30];
/// assert_eq!(dsdot_with(Accuracy::Compensated, &x, &[1.0; 3]), 1.0);
/// ```
#[track_caller]
#[inline]
pub fn dsdot_with(accuracy: Accuracy, x: &[f32], y: &[f32]) -> f64 {
    dot_as(accuracy, x, y)
}

/// `f32` strided views accumulated in `f64` (BLAS `dsdot` with `incx`, `incy`):
/// [`dot_strided_as::<f64, f32>`](dot_strided_as).
///
/// # Panics
/// If `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// use pdot_kernels::{dsdot_strided, Accuracy, Strided};
/// let a = [1.0f32, 2.0, 3.0];
/// let x = Strided::new(&a, 3, -1)?;
/// assert_eq!(dsdot_strided(Accuracy::Fast, x, a[..].into()), 10.0);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[track_caller]
#[inline]
pub fn dsdot_strided(accuracy: Accuracy, x: Strided<'_, f32>, y: Strided<'_, f32>) -> f64 {
    dot_strided_as(accuracy, x, y)
}
