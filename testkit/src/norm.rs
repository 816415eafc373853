//! The exact reference for Euclidean norms: the square root of the exact sum of squares
//! ([`ExactSum`]), rounded once, with the `hypot` rules for special values. Independent of
//! `pdot-kernels`: its own exact sum and its own integer square root ([`crate::isqrt`]).

use crate::exact::{ExactSum, FRAC_BITS};
use crate::float::Float;
use crate::isqrt::{isqrt, shl};

/// Extra bits of the root below 2^-1074: the root is computed as an integer in units of
/// 2^-(1074 + ROOT_EXTRA), with the last bit made odd when it is inexact (round to odd), so
/// that its one rounding to `f64` or `f32` (whose half-units are 2^-1075 and above) is the
/// correct rounding of the true root.
const ROOT_EXTRA: usize = 2;

/// What `pdot_kernels::nrm2` at `Accuracy::Exact` must return for a vector: the exact sum of
/// the squares of its finite elements, and whether an element is infinite or NaN.
///
/// - an infinite element gives +inf (even beside a NaN, as `hypot`);
/// - otherwise a NaN gives NaN;
/// - otherwise `√(Σ x_i²)` rounded once to nearest-even (0 for an empty vector).
///
/// ```
/// use pdot_testkit::ExactNorm;
/// assert_eq!(ExactNorm::of(&[3.0f64, 4.0]).to_f64(), 5.0);
/// assert_eq!(ExactNorm::of(&[1e200f64, 1e200]).to_f64(), 1e200 * 2f64.sqrt());
/// assert_eq!(ExactNorm::of(&[f64::NAN, f64::NEG_INFINITY]).to_f64(), f64::INFINITY);
/// assert!(ExactNorm::of(&[f32::NAN, 1.0]).to_f32().is_nan());
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExactNorm {
    /// The exact sum of the squares of the finite elements.
    pub squares: ExactSum,
    /// Some element is ±inf.
    pub inf: bool,
    /// Some element is NaN.
    pub nan: bool,
}

impl ExactNorm {
    /// The reference of `‖x‖₂`, for elements of either format (widened exactly).
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactNorm::of::<f32>(&[]).to_f32(), 0.0);
    /// ```
    pub fn of<T: Float>(x: &[T]) -> Self {
        let mut n = ExactNorm::default();
        for &v in x {
            let v = v.as_f64();
            if v.is_nan() {
                n.nan = true;
            } else if v.is_infinite() {
                n.inf = true;
            } else {
                n.squares.add_product(v, v);
            }
        }
        n
    }

    /// The norm rounded once to `f64`.
    ///
    /// ```
    /// let x = [2f64.powi(-600) * 3.0, 2f64.powi(-600) * 4.0];
    /// assert_eq!(pdot_testkit::ExactNorm::of(&x).to_f64(), 2f64.powi(-600) * 5.0);
    /// ```
    pub fn to_f64(&self) -> f64 {
        self.special(f64::INFINITY, f64::NAN)
            .unwrap_or_else(|| self.root().to_f64())
    }

    /// The norm rounded once to `f32` (directly from the exact root, no double rounding).
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactNorm::of(&[3e30f32, 4e30]).to_f32(), 5e30);
    /// ```
    pub fn to_f32(&self) -> f32 {
        self.special(f32::INFINITY, f32::NAN)
            .unwrap_or_else(|| self.root().to_f32())
    }

    fn special<T>(&self, inf: T, nan: T) -> Option<T> {
        if self.inf {
            Some(inf)
        } else if self.nan {
            Some(nan)
        } else {
            None
        }
    }

    /// The root in units of 2^-(1074 + ROOT_EXTRA), rounded to odd, as an [`ExactSum`].
    ///
    /// The sum is `N · 2^-2148`, so `√sum · 2^(1074 + e) = √(N · 4^e)`; its floor is the
    /// integer root of `N · 4^e`. When inexact, the true root lies strictly between `R` and
    /// `R + 1`, an interval that holds no half-unit of any result (those are multiples of
    /// 2^-1075, even numbers of our units), and `R | 1` lies in the same gap: rounding it
    /// gives the rounding of the true root.
    fn root(&self) -> ExactSum {
        let n = self.squares.magnitude_limbs();
        let (mut r, exact) = isqrt(&shl(&n, 2 * ROOT_EXTRA));
        if !exact {
            if r.is_empty() {
                r.push(0);
            }
            r[0] |= 1;
        }
        ExactSum::from_magnitude_limbs(&shl(&r, FRAC_BITS - 1074 - ROOT_EXTRA))
    }
}
