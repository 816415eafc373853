//! What the tests need of an element type, `f64` or `f32`, in one trait implemented per type:
//! its format, its generators, its exact reference and its rounding from the reference. Code
//! generic over a type pair takes `O: Element` for the result and `E: Element` for the inputs
//! (with `pdot_kernels::Input<O>` for the entry points).

use core::fmt::Debug;

use crate::bounds::Rounding;
use crate::dot::{ExactDot, finite_sum};
use crate::exact::ExactSum;
use crate::families::{Family, gen_f32, gen_f64};
use crate::hard::{BINARY32, BINARY64, Format, Hard, gen_hard_f32, gen_hard_f64};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// An element type of the tests: `f64` or `f32` (sealed).
///
/// ```
/// use pdot_testkit::{Element, Family};
///
/// fn sum_exact<E: Element>(seed: u64) -> f64 {
///     let (x, y) = E::gen_family(Family::SmallIntegers, 10, seed);
///     f64::round_exact(&E::exact_dot_ieee(&x, &y))
/// }
/// assert_eq!(sum_exact::<f32>(1).fract(), 0.0);
/// assert_eq!(<f32 as Element>::FORMAT.precision, 24);
/// ```
pub trait Element: sealed::Sealed + Copy + Debug + PartialEq + Send + Sync + 'static {
    /// The IEEE format.
    const FORMAT: Format;
    /// The error analysis of accumulating in this format.
    const ROUNDING: Rounding;

    /// Exact widening to `f64`.
    fn as_f64(self) -> f64;

    /// The raw bits, widened to `u64`.
    fn bits(self) -> u64;

    /// The value of raw bits (the low `8 * size_of::<Self>()` of `b`).
    ///
    /// ```
    /// use pdot_testkit::Element;
    /// assert_eq!(<f32 as Element>::from_bits(0x3f80_0000), 1.0);
    /// ```
    fn from_bits(b: u64) -> Self;

    /// `v` rounded to nearest in this format (`as`).
    fn from_f64(v: f64) -> Self;

    /// The bit masks of the sign, of the exponent field and of the trailing significand.
    ///
    /// ```
    /// use pdot_testkit::Element;
    /// assert_eq!(<f32 as Element>::masks(), (0x8000_0000, 0x7f80_0000, 0x7f_ffff));
    /// ```
    fn masks() -> (u64, u64, u64) {
        let sign = 1u64 << (8 * size_of::<Self>() - 1);
        let trailing = (1u64 << (Self::FORMAT.precision - 1)) - 1;
        (sign, (sign - 1) & !trailing, trailing)
    }

    /// Whether this is the canonical NaN pdot returns: sign bit clear and quiet bit set.
    ///
    /// ```
    /// use pdot_testkit::Element;
    /// assert!(Element::is_canonical_nan(f32::NAN));
    /// assert!(!Element::is_canonical_nan(-f64::NAN));
    /// assert!(!Element::is_canonical_nan(1.0f64));
    /// ```
    fn is_canonical_nan(self) -> bool {
        let sign = 8 * size_of::<Self>() - 1;
        let quiet = Self::FORMAT.precision - 2;
        let b = self.bits();
        self.as_f64().is_nan() && b >> sign == 0 && b & (1 << quiet) != 0
    }

    /// The reference rounded once to this format.
    fn round_exact(d: &ExactDot) -> Self;

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
        assert_eq!(x.len(), y.len(), "exact_dot_ieee: lengths differ");
        let mut d = ExactDot::new();
        for (&a, &b) in x.iter().zip(y) {
            d.add(a.as_f64(), b.as_f64());
        }
        d
    }
}

impl Element for f64 {
    const FORMAT: Format = BINARY64;
    const ROUNDING: Rounding = Rounding::F64;
    fn as_f64(self) -> f64 {
        self
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
    fn from_bits(b: u64) -> f64 {
        f64::from_bits(b)
    }
    fn from_f64(v: f64) -> f64 {
        v
    }
    fn round_exact(d: &ExactDot) -> f64 {
        d.to_f64()
    }
    fn gen_family(family: Family, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        gen_f64(family, n, seed)
    }
    fn gen_hard(h: Hard, n: usize, seed: u64, _out: Format) -> (Vec<f64>, Vec<f64>) {
        gen_hard_f64(h, n, seed)
    }
}

impl Element for f32 {
    const FORMAT: Format = BINARY32;
    const ROUNDING: Rounding = Rounding::F32;
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn from_bits(b: u64) -> f32 {
        f32::from_bits(b as u32)
    }
    fn from_f64(v: f64) -> f32 {
        v as f32
    }
    fn round_exact(d: &ExactDot) -> f32 {
        d.to_f32()
    }
    fn gen_family(family: Family, n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        gen_f32(family, n, seed)
    }
    fn gen_hard(h: Hard, n: usize, seed: u64, out: Format) -> (Vec<f32>, Vec<f32>) {
        gen_hard_f32(h, n, seed, out)
    }
}
