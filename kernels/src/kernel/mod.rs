//! The dot-product kernels, written once against the [`crate::simd`] traits.
//!
//! - [`sweep`] walks two logical vectors in the canonical order and hands register-wide
//!   groups of lanes to an accumulation [`method::Method`];
//! - [`method`] holds the per-lane arithmetic of each accuracy level and the fixed pairwise
//!   trees that combine the lanes.

pub(crate) mod method;
pub(crate) mod sweep;

use crate::accuracy::Accuracy;
use crate::real::Real;
use crate::simd::Load;
use crate::strided::Strided;
use method::{Compensated, Fast, Method};

/// The dot product of two equally long views at `accuracy` on backend `s`, in the canonical
/// order, accumulated in `A`.
#[inline]
pub(crate) fn dot<S, E, A>(s: S, accuracy: Accuracy, x: Strided<'_, E>, y: Strided<'_, E>) -> A
where
    S: Load<E, A>,
    E: Real,
    A: Real,
{
    debug_assert_eq!(x.len(), y.len());
    match accuracy {
        Accuracy::Fast => run::<S, E, A, Fast>(s, x, y),
        Accuracy::Compensated => {
            let r = run::<S, E, A, Compensated>(s, x, y);
            // Error-free transformations turn infinities into NaN (inf - inf inside TwoSum).
            // A non-finite result is therefore recomputed by the Fast kernel, whose IEEE
            // evaluation gives inf for an overflow or an infinite input and NaN for
            // inf - inf, inf * 0 and NaN inputs.
            if r.is_finite() {
                r
            } else {
                run::<S, E, A, Fast>(s, x, y)
            }
        }
    }
}

/// Runs method `M` over the views inside the backend's target features and finishes it.
#[inline]
fn run<S, E, A, M>(s: S, x: Strided<'_, E>, y: Strided<'_, E>) -> A
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    // SAFETY: `x` and `y` are views of `x.len() == y.len()` elements (checked by the API).
    canonical_nan(unsafe { s.sweep::<E, A, M>(x, y) })
}

/// Any NaN becomes the one positive quiet NaN, so results are bit-identical across backends
/// (which NaN payload a vector instruction propagates depends on its operand order).
#[inline]
fn canonical_nan<A: Real>(r: A) -> A {
    if r.is_nan() { A::nan() } else { r }
}
