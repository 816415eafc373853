//! The kernels of the levels that follow the canonical order, Fast and Compensated, as
//! [`Kernel`]s: one sweep (two when a compensated sum is not finite) and the treatment of
//! non-finite results.

use core::marker::PhantomData;

use crate::element::Element;
use crate::real::{Real, canonical_nan};
use crate::simd::{Kernel, Load, Simd};
use crate::strided::Strided;

use super::method::{self, Method};
use super::operands::Operands;
use super::sweep::sweep;

/// `x · y` at `Accuracy::Fast`, in the result type `O` (NaN canonical).
pub(crate) struct FastDot<'a, O, E>(Operands<'a, E>, PhantomData<O>);

impl<'a, O: Real, E: Element<O>> FastDot<'a, O, E> {
    /// The kernel for `x · y`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, y: &'a Strided<'a, E>) -> Self {
        FastDot(Operands::new(x, y), PhantomData)
    }
}

impl<O: Real, E: Element<O>> Kernel for FastDot<'_, O, E> {
    type Output = O;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> O {
        self.0.ordered::<_, O, method::Fast>(E::lanes(s)).0
    }
}

/// `x · y` at `Accuracy::Compensated` as an unevaluated `f64` sum `(hi, lo)`: `hi` is the
/// result (NaN canonical), `lo` what the compensated sum knows beyond it
/// (`|lo| <= ulp(hi) / 2`; 0 when it knows nothing more, and for non-finite results).
pub(crate) struct CompensatedDot<'a, O, E>(Operands<'a, E>, PhantomData<O>);

impl<'a, O: Real, E: Element<O>> CompensatedDot<'a, O, E> {
    /// The kernel for `x · y`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, y: &'a Strided<'a, E>) -> Self {
        CompensatedDot(Operands::new(x, y), PhantomData)
    }

    /// Whether `f64` arithmetic is already twice the working precision of `O` (an `f32`
    /// result): then the compensated result is the Fast sum in `f64`, rounded once to `O`.
    ///
    /// Twice the working precision, literally: products of `f32` are exact in `f64`, the
    /// `f64` FMA accumulation errs by at most about `n * 2^-53 * |x|.|y|`, and one rounding
    /// to `f32` adds `u * |x.y|`: within Dot2's bound `u*|x.y| + gamma_n^2 * |x|.|y|` for
    /// every `n`, cheaper than Dot2 in `f32`, and free of TwoSum's `inf - inf`.
    pub(crate) const WIDE_FAST: bool = 2 * O::PRECISION <= <f64 as Real>::PRECISION;
}

impl<O: Real, E: Element<O>> Kernel for CompensatedDot<'_, O, E> {
    type Output = (f64, f64);

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> (f64, f64) {
        let (xy, wide) = (self.0, E::wide(s));
        if Self::WIDE_FAST {
            return (xy.ordered::<_, f64, method::Fast>(wide).0, 0.0);
        }
        let r = xy.ordered::<_, f64, method::Compensated>(wide);
        // Error-free transformations turn infinities into NaN (inf - inf inside TwoSum).
        // A non-finite result is therefore recomputed by the Fast kernel, whose IEEE
        // evaluation gives inf for an overflow or an infinite input and NaN for
        // inf - inf, inf * 0 and NaN inputs.
        if r.0.is_finite() {
            r
        } else {
            xy.ordered::<_, f64, method::Fast>(wide)
        }
    }
}

impl<E: Real> Operands<'_, E> {
    /// One sweep by method `M`, as `(hi, lo)` with `hi` NaN canonical and `lo = 0` when `hi`
    /// is not finite.
    #[inline(always)]
    fn ordered<S, A, M>(self, s: S) -> (A, A)
    where
        S: Load<E, A>,
        A: Real,
        M: Method<A, S>,
    {
        let (x, y) = self.get();
        // SAFETY: x.len() == y.len(), checked by `Operands::new`, the only constructor.
        settle(unsafe { sweep::<S, E, A, M>(s, x, y) })
    }
}

/// A sweep's `(hi, lo)` as the kernels return it: `hi` NaN canonical, and `lo = 0` when `hi`
/// is not finite.
#[inline(always)]
pub(crate) fn settle<A: Real>((hi, lo): (A, A)) -> (A, A) {
    if hi.is_finite() {
        (hi, lo)
    } else {
        (canonical_nan(hi), A::zero())
    }
}
