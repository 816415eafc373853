//! What the tests need of an element type, `f64` or `f32`, in one trait implemented per type:
//! its format, its generators, its exact reference and its rounding from the reference. Code
//! generic over a type pair takes `O: Element` for the result and `E: Element` for the inputs
//! (with `pdot_kernels::Input<O>` for the entry points).

use crate::bounds::Rounding;
use crate::dot::{ExactDot, finite_sum, ieee};
use crate::exact::ExactSum;
use crate::families::{Family, gen_f32, gen_f64};
use crate::float::Float;
use crate::hard::{Format, Hard, gen_hard_f32, gen_hard_f64};
use crate::norm::ExactNorm;

/// An element type of the tests: `f64` or `f32` (sealed through [`Float`]).
///
/// ```
/// use pdot_testkit::{Element, Family, Float};
///
/// fn sum_exact<E: Element>(seed: u64) -> f64 {
///     let (x, y) = E::gen_family(Family::SmallIntegers, 10, seed);
///     f64::round_exact(&E::exact_dot_ieee(&x, &y))
/// }
/// assert_eq!(sum_exact::<f32>(1).fract(), 0.0);
/// assert_eq!(<f32 as Float>::FORMAT.precision, 24);
/// ```
pub trait Element: Float {
    /// The error analysis of accumulating in this format.
    const ROUNDING: Rounding;

    /// The reference rounded once to this format.
    fn round_exact(d: &ExactDot) -> Self;

    /// The norm reference rounded once to this format ([`ExactNorm::to_f64`],
    /// [`ExactNorm::to_f32`]).
    fn round_norm(n: &ExactNorm) -> Self;

    /// [`gen_f64`] or [`gen_f32`].
    fn gen_family(family: Family, n: usize, seed: u64) -> (Vec<Self>, Vec<Self>);

    /// [`gen_hard_f64`] or [`gen_hard_f32`], the hard cases made for a result of format `out`
    /// (ignored for `f64` inputs, whose results are `f64`).
    fn gen_hard(h: Hard, n: usize, seed: u64, out: Format) -> (Vec<Self>, Vec<Self>);

    /// The exact value of `x · y` ([`crate::exact_dot`], [`crate::exact_dot_f32`]), `None`
    /// if an element is not finite.
    ///
    /// # Panics
    /// If the lengths differ.
    fn exact_sum(x: &[Self], y: &[Self]) -> Option<ExactSum> {
        finite_sum("exact_sum", x, y, ExactSum::add_product)
    }

    /// The exact value of `|x| · |y|` ([`crate::exact_abs_dot`]), `None` if an element is
    /// not finite.
    ///
    /// # Panics
    /// If the lengths differ.
    fn exact_abs_sum(x: &[Self], y: &[Self]) -> Option<ExactSum> {
        finite_sum("exact_abs_sum", x, y, ExactSum::add_abs_product)
    }

    /// [`ExactDot`] of two vectors.
    ///
    /// # Panics
    /// If the lengths differ.
    fn exact_dot_ieee(x: &[Self], y: &[Self]) -> ExactDot {
        ieee(x, y)
    }
}

/// `impl Element` for one type: its rounding analysis, its rounding of the reference, its
/// family generator, and its hard cases (`$hard`, with `$h`, `$n`, `$seed`, `$out` bound).
macro_rules! element {
    ($t:ty, $rounding:expr, $round:ident, $family:ident, |$h:ident, $n:ident, $seed:ident, $out:ident| $hard:expr) => {
        impl Element for $t {
            const ROUNDING: Rounding = $rounding;
            fn round_exact(d: &ExactDot) -> $t {
                d.$round()
            }
            fn round_norm(n: &ExactNorm) -> $t {
                n.$round()
            }
            fn gen_family(family: Family, n: usize, seed: u64) -> (Vec<$t>, Vec<$t>) {
                $family(family, n, seed)
            }
            fn gen_hard($h: Hard, $n: usize, $seed: u64, $out: Format) -> (Vec<$t>, Vec<$t>) {
                $hard
            }
        }
    };
}

element!(f64, Rounding::F64, to_f64, gen_f64, |h, n, seed, _out| {
    gen_hard_f64(h, n, seed)
});
element!(f32, Rounding::F32, to_f32, gen_f32, |h, n, seed, out| {
    gen_hard_f32(h, n, seed, out)
});
