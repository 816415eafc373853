//! The dot-product kernels, written once against the [`crate::simd`] traits.
//!
//! - [`sweep`] walks two logical vectors in the canonical order and hands register-wide
//!   groups of lanes to an accumulation [`method::Method`];
//! - [`method`] holds the per-lane arithmetic of each accuracy level and the fixed pairwise
//!   trees that combine the lanes.

/// Runs `$body` with `$j` = 0, 1, ..., `$k - 1` (`$k <= 8`), unrolled, so that register
/// indices are constants and the registers stay in registers.
macro_rules! unrolled {
    ($k:expr, |$j:ident| $body:block) => {{
        unrolled!(@one $k, 0, $j, $body);
        unrolled!(@one $k, 1, $j, $body);
        unrolled!(@one $k, 2, $j, $body);
        unrolled!(@one $k, 3, $j, $body);
        unrolled!(@one $k, 4, $j, $body);
        unrolled!(@one $k, 5, $j, $body);
        unrolled!(@one $k, 6, $j, $body);
        unrolled!(@one $k, 7, $j, $body);
    }};
    (@one $k:expr, $n:literal, $j:ident, $body:block) => {
        if $n < $k {
            let $j: usize = $n;
            $body
        }
    };
}

pub(crate) mod exact;
pub(crate) mod method;
pub(crate) mod sweep;

use crate::real::Real;
use crate::simd::Load;
use crate::strided::Strided;
use method::{Compensated, Fast, Method};

/// The accuracy levels that follow the canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ordered {
    /// `Accuracy::Fast`.
    Fast,
    /// `Accuracy::Compensated`.
    Compensated,
}

/// `x · y` at `level` as an unevaluated sum `hi + lo`: `hi` is the result (NaN canonical),
/// `lo` what the compensated sum knows beyond it (`|lo| <= ulp(hi) / 2`; 0 for Fast and for
/// non-finite results).
#[inline]
pub(crate) fn dot<S, E, A>(s: S, level: Ordered, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
{
    debug_assert_eq!(x.len(), y.len());
    match level {
        Ordered::Fast => run::<S, E, A, Fast>(s, x, y),
        Ordered::Compensated => {
            let r = run::<S, E, A, Compensated>(s, x, y);
            // Error-free transformations turn infinities into NaN (inf - inf inside TwoSum).
            // A non-finite result is therefore recomputed by the Fast kernel, whose IEEE
            // evaluation gives inf for an overflow or an infinite input and NaN for
            // inf - inf, inf * 0 and NaN inputs.
            if r.0.is_finite() {
                r
            } else {
                run::<S, E, A, Fast>(s, x, y)
            }
        }
    }
}

#[inline]
fn run<S, E, A, M>(s: S, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    // SAFETY: `x` and `y` are views of `x.len() == y.len()` elements (checked by the API).
    let (hi, lo) = unsafe { s.sweep::<E, A, M>(x, y) };
    if hi.is_finite() {
        (hi, lo)
    } else {
        (canonical_nan(hi), A::zero())
    }
}

/// The one positive quiet NaN for every NaN.
#[inline]
pub(crate) fn canonical_nan<A: Real>(r: A) -> A {
    if r.is_nan() { A::nan() } else { r }
}
