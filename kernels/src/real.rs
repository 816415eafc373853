//! The element types pdot computes with.

use core::fmt::{Debug, Display};

mod sealed {
    /// Prevents implementations of [`super::Real`] outside this crate.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type the kernels accept: `f32` or `f64`.
///
/// The trait is sealed: the kernels are written and tested for exactly these two IEEE 754
/// formats, so no other type can implement it. Its [`num_traits::Float`] bound lets generic
/// solver code do ordinary arithmetic on the results.
///
/// # Example
///
/// ```
/// use pdot_kernels::{dot, Input, Real};
///
/// // `Input<T>` says that `dot` takes `T` inputs with a `T` result.
/// fn norm2<T: Real + Input<T>>(x: &[T]) -> T {
///     dot(x, x).sqrt()
/// }
/// assert_eq!(norm2(&[3.0f32, 4.0]), 5.0);
/// assert_eq!(norm2(&[3.0f64, 4.0]), 5.0);
/// ```
pub trait Real:
    sealed::Sealed + num_traits::Float + Debug + Display + Default + Send + Sync + 'static
{
    /// Number of virtual lanes of the canonical order: 32 for `f64`, 64 for `f32`.
    ///
    /// Logical element `i` is accumulated in lane `i % LANES`; the lanes are combined at the
    /// end in a fixed pairwise tree. Every backend follows this order, which is why all of
    /// them return the same bits.
    ///
    /// ```
    /// use pdot_kernels::Real;
    /// assert_eq!(<f64 as Real>::LANES, 32);
    /// assert_eq!(<f32 as Real>::LANES, 64);
    /// ```
    const LANES: usize;

    /// Whether a product of two values is exact in `f64` (true for `f32`).
    #[doc(hidden)]
    const PRODUCT_EXACT_IN_F64: bool;

    /// Precision in bits, the implicit bit included (53, 24).
    #[doc(hidden)]
    const PRECISION: u32;

    /// Width of the exponent field (11, 8).
    #[doc(hidden)]
    const EXPONENT_BITS: u32;

    /// The value as an `f64` (exact for both types).
    #[doc(hidden)]
    fn widen(self) -> f64;

    /// The value whose IEEE bit pattern is the low bits of `bits`.
    #[doc(hidden)]
    fn from_raw_bits(bits: u64) -> Self;

    /// The IEEE bit pattern, in the low bits.
    #[doc(hidden)]
    fn raw_bits(self) -> u64;

    /// `v` rounded to nearest.
    #[doc(hidden)]
    fn from_f64_rounded(v: f64) -> Self;
}

impl Real for f64 {
    const LANES: usize = 32;
    const PRODUCT_EXACT_IN_F64: bool = false;
    const PRECISION: u32 = 53;
    const EXPONENT_BITS: u32 = 11;

    #[inline(always)]
    fn widen(self) -> f64 {
        self
    }

    #[inline]
    fn from_raw_bits(bits: u64) -> f64 {
        f64::from_bits(bits)
    }

    #[inline]
    fn raw_bits(self) -> u64 {
        self.to_bits()
    }

    #[inline]
    fn from_f64_rounded(v: f64) -> f64 {
        v
    }
}

impl Real for f32 {
    const LANES: usize = 64;
    const PRODUCT_EXACT_IN_F64: bool = true;
    const PRECISION: u32 = 24;
    const EXPONENT_BITS: u32 = 8;

    #[inline(always)]
    fn widen(self) -> f64 {
        f64::from(self)
    }

    #[inline]
    fn from_raw_bits(bits: u64) -> f32 {
        f32::from_bits(bits as u32)
    }

    #[inline]
    fn raw_bits(self) -> u64 {
        u64::from(self.to_bits())
    }

    #[inline]
    fn from_f64_rounded(v: f64) -> f32 {
        v as f32
    }
}

/// The one positive quiet NaN for every NaN (the results of pdot carry no NaN payload or
/// sign, so that they are the same bits on every backend).
#[inline(always)]
pub(crate) fn canonical_nan<A: Real>(r: A) -> A {
    if r.is_nan() { A::nan() } else { r }
}
