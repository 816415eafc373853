//! The IEEE formats of the test data and the bit-level view of `f64` and `f32` that the
//! generators and the reference need (a leaf module: it uses nothing else of the kit).

use core::fmt::Debug;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
}

/// An IEEE 754 binary format, as the generators need it.
///
/// ```
/// use pdot_testkit::hard::BINARY32;
/// assert_eq!((BINARY32.precision, BINARY32.emin, BINARY32.emax), (24, -126, 127));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Format {
    /// Precision in bits, the implicit bit included.
    pub precision: i32,
    /// Exponent of the smallest normal value.
    pub emin: i32,
    /// Exponent of the largest finite value.
    pub emax: i32,
}

impl Format {
    /// Exponent of the smallest subnormal (its least significant bit).
    ///
    /// ```
    /// use pdot_testkit::hard::{BINARY32, BINARY64};
    /// assert_eq!(BINARY64.lsb_min(), -1074);
    /// assert_eq!(BINARY32.lsb_min(), -149);
    /// ```
    pub fn lsb_min(self) -> i32 {
        self.emin - self.precision + 1
    }
}

/// `f64`.
///
/// ```
/// assert_eq!(pdot_testkit::hard::BINARY64.precision, 53);
/// ```
pub const BINARY64: Format = Format {
    precision: 53,
    emin: -1022,
    emax: 1023,
};
/// `f32`.
///
/// ```
/// assert_eq!(pdot_testkit::hard::BINARY32.emax, 127);
/// ```
pub const BINARY32: Format = Format {
    precision: 24,
    emin: -126,
    emax: 127,
};

/// `f64` or `f32` seen bit by bit: the format, exact widening, raw bits (sealed). [`crate::Element`]
/// builds the test-specific table on it.
///
/// ```
/// use pdot_testkit::Float;
/// assert_eq!(<f32 as Float>::FORMAT.precision, 24);
/// assert_eq!(<f32 as Float>::from_bits(0x3f80_0000), 1.0);
/// ```
pub trait Float: sealed::Sealed + Copy + Debug + PartialEq + Send + Sync + 'static {
    /// The IEEE format.
    const FORMAT: Format;

    /// Exact widening to `f64`.
    fn as_f64(self) -> f64;

    /// The raw bits, widened to `u64`.
    fn bits(self) -> u64;

    /// The value of raw bits (the low `8 * size_of::<Self>()` of `b`).
    ///
    /// ```
    /// use pdot_testkit::Float;
    /// assert_eq!(<f32 as Float>::from_bits(0x3f80_0000), 1.0);
    /// ```
    fn from_bits(b: u64) -> Self;

    /// `v` rounded to nearest in this format (`as`).
    fn from_f64(v: f64) -> Self;

    /// The bit masks of the sign, of the exponent field and of the trailing significand.
    ///
    /// ```
    /// use pdot_testkit::Float;
    /// assert_eq!(<f32 as Float>::masks(), (0x8000_0000, 0x7f80_0000, 0x7f_ffff));
    /// ```
    fn masks() -> (u64, u64, u64) {
        let sign = 1u64 << (8 * size_of::<Self>() - 1);
        let trailing = (1u64 << (Self::FORMAT.precision - 1)) - 1;
        (sign, (sign - 1) & !trailing, trailing)
    }

    /// Whether this is the canonical NaN pdot returns: sign bit clear and quiet bit set.
    ///
    /// ```
    /// use pdot_testkit::Float;
    /// assert!(Float::is_canonical_nan(f32::NAN));
    /// assert!(!Float::is_canonical_nan(-f64::NAN));
    /// assert!(!Float::is_canonical_nan(1.0f64));
    /// ```
    fn is_canonical_nan(self) -> bool {
        let sign = 8 * size_of::<Self>() - 1;
        let quiet = Self::FORMAT.precision - 2;
        let b = self.bits();
        self.as_f64().is_nan() && b >> sign == 0 && b & (1 << quiet) != 0
    }
}

impl Float for f64 {
    const FORMAT: Format = BINARY64;
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
}

impl Float for f32 {
    const FORMAT: Format = BINARY32;
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
}
