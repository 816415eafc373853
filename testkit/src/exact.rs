//! A slow, obviously correct, exact reference for dot products of `f64` and `f32`.
//!
//! Every finite `f64` is an integer multiple of 2^-1074, so every product of two finite
//! `f64` is an integer multiple of 2^-2148, and its magnitude is below 2^2048. An
//! [`ExactSum`] is therefore a plain big signed integer `N` (two's complement, 68 limbs of 64
//! bits) standing for the value `N · 2^-2148`. Adding a product is an integer multiplication
//! of the two mantissas (`u128`) shifted into place; nothing is ever rounded until one of the
//! `to_*` conversions is called, which round once, directly from the integer.
//!
//! `f32` values convert to `f64` exactly, so the same type serves `f32` and mixed inputs.
//!
//! Range: 68 limbs are 4352 bits; the sign takes one, 2148 are below the binary point and
//! 2048 hold one product, which leaves 155 bits of headroom: at least 2^155 products can be
//! added before the integer could wrap, far beyond any test.
//!
//! It depends on `std` only: the reference knows nothing of the code it checks.

use std::cmp::Ordering;
use std::fmt;

/// Number of bits below the binary point: the smallest product of two `f64` subnormals
/// is 2^-1074 · 2^-1074 = 2^-2148.
///
/// ```
/// assert_eq!(pdot_testkit::exact::FRAC_BITS, 2 * 1074);
/// ```
pub const FRAC_BITS: usize = 2148;

/// Number of 64-bit limbs (see the module documentation for the headroom it leaves).
const LIMBS: usize = 68;

/// The exact value of a sum of products of finite `f64` (or `f32`) numbers.
///
/// ```
/// use pdot_testkit::ExactSum;
/// let mut s = ExactSum::new();
/// s.add_product(1e16, 1.0);
/// s.add_product(1.0, 1.0);
/// s.add_product(-1e16, 1.0);
/// assert_eq!(s.to_f64(), 1.0);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ExactSum {
    /// Two's complement, least significant limb first; the value is `limbs · 2^-FRAC_BITS`.
    limbs: [u64; LIMBS],
}

/// How [`ExactSum`] rounds to a floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rounding {
    /// Round to nearest, ties to even (the IEEE default).
    NearestEven,
    /// Round the magnitude up (away from zero).
    Away,
}

/// An IEEE 754 binary format: `f64` or `f32`.
#[derive(Clone, Copy, Debug)]
struct Format {
    /// Precision in bits, including the implicit bit (53 or 24).
    precision: usize,
    /// Width of the exponent field (11 or 8).
    exponent_bits: usize,
    /// Exponent of the least significant bit of the smallest subnormal (-1074 or -149).
    min_ulp_exponent: i64,
}

const BINARY64: Format = Format {
    precision: 53,
    exponent_bits: 11,
    min_ulp_exponent: -1074,
};

const BINARY32: Format = Format {
    precision: 24,
    exponent_bits: 8,
    min_ulp_exponent: -149,
};

/// `(negative, mantissa, exponent)` with `v == ±mantissa · 2^exponent`, `exponent >= -1074`.
///
/// # Panics
/// If `v` is not finite.
fn decompose(v: f64) -> (bool, u64, i64) {
    assert!(v.is_finite(), "ExactSum: non-finite input {v}");
    let bits = v.to_bits();
    let negative = bits >> 63 == 1;
    let field = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    if field == 0 {
        (negative, fraction, -1074)
    } else {
        (negative, fraction | (1u64 << 52), field - 1075)
    }
}

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// Zero.
    ///
    /// ```
    /// assert!(pdot_testkit::ExactSum::new().is_zero());
    /// ```
    pub fn new() -> Self {
        ExactSum { limbs: [0; LIMBS] }
    }

    /// The exact value of a finite `v`.
    ///
    /// # Panics
    /// If `v` is not finite.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactSum::from_f64(-0.1).to_f64(), -0.1);
    /// ```
    pub fn from_f64(v: f64) -> Self {
        let mut s = Self::new();
        s.add_f64(v);
        s
    }

    /// The exact value of a finite `v`.
    ///
    /// # Panics
    /// If `v` is not finite.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactSum::from_f32(0.1).to_f32(), 0.1);
    /// ```
    pub fn from_f32(v: f32) -> Self {
        Self::from_f64(f64::from(v))
    }

    /// Adds the finite value `v` exactly.
    ///
    /// # Panics
    /// If `v` is not finite.
    ///
    /// ```
    /// let mut s = pdot_testkit::ExactSum::new();
    /// s.add_f64(1e300);
    /// s.add_f64(1.0);
    /// s.add_f64(-1e300);
    /// assert_eq!(s.to_f64(), 1.0);
    /// ```
    pub fn add_f64(&mut self, v: f64) {
        let (negative, m, e) = decompose(v);
        self.add_shifted(u128::from(m), Self::position(e), negative);
    }

    /// Adds the product `a · b` exactly.
    ///
    /// # Panics
    /// If `a` or `b` is not finite.
    ///
    /// ```
    /// let mut s = pdot_testkit::ExactSum::new();
    /// s.add_product(f64::MAX, 2.0); // beyond f64, still exact
    /// s.add_product(f64::MAX, -2.0);
    /// assert!(s.is_zero());
    /// ```
    pub fn add_product(&mut self, a: f64, b: f64) {
        let (na, ma, ea) = decompose(a);
        let (nb, mb, eb) = decompose(b);
        let m = u128::from(ma) * u128::from(mb);
        self.add_shifted(m, Self::position(ea + eb), na != nb);
    }

    /// Adds `|a| · |b|` exactly.
    ///
    /// # Panics
    /// If `a` or `b` is not finite.
    ///
    /// ```
    /// let mut s = pdot_testkit::ExactSum::new();
    /// s.add_abs_product(-3.0, 2.0);
    /// assert_eq!(s.to_f64(), 6.0);
    /// ```
    pub fn add_abs_product(&mut self, a: f64, b: f64) {
        self.add_product(a.abs(), b.abs());
    }

    /// `self += other`, exactly.
    ///
    /// ```
    /// use pdot_testkit::ExactSum;
    /// let mut s = ExactSum::from_f64(1.0);
    /// s.add(&ExactSum::from_f64(2.0));
    /// assert_eq!(s.to_f64(), 3.0);
    /// ```
    pub fn add(&mut self, other: &ExactSum) {
        self.ripple(other, u64::overflowing_add);
    }

    /// `self -= other`, exactly.
    ///
    /// ```
    /// use pdot_testkit::ExactSum;
    /// let mut s = ExactSum::from_f64(1.0);
    /// s.sub(&ExactSum::from_f64(2.0));
    /// assert_eq!(s.to_f64(), -1.0);
    /// ```
    pub fn sub(&mut self, other: &ExactSum) {
        self.ripple(other, u64::overflowing_sub);
    }

    /// Limb by limb from the least significant, `op` (an overflowing add or sub) of
    /// `other`'s limb and of the carry (or borrow) out of the limb below.
    fn ripple(&mut self, other: &ExactSum, op: fn(u64, u64) -> (u64, bool)) {
        let mut carry = false;
        for (l, &o) in self.limbs.iter_mut().zip(&other.limbs) {
            let (s1, c1) = op(*l, o);
            let (s2, c2) = op(s1, u64::from(carry));
            *l = s2;
            carry = c1 || c2;
        }
    }

    /// `-self`, exactly.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactSum::from_f64(2.0).neg().to_f64(), -2.0);
    /// ```
    pub fn neg(&self) -> ExactSum {
        let mut r = ExactSum::new();
        r.sub(self);
        r
    }

    /// `|self|`, exactly.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactSum::from_f64(-2.0).abs().to_f64(), 2.0);
    /// ```
    pub fn abs(&self) -> ExactSum {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// `|self - other|`, exactly.
    ///
    /// ```
    /// use pdot_testkit::ExactSum;
    /// let d = ExactSum::from_f64(1.0).abs_diff(&ExactSum::from_f64(3.0));
    /// assert_eq!(d.to_f64(), 2.0);
    /// ```
    pub fn abs_diff(&self, other: &ExactSum) -> ExactSum {
        let mut d = self.clone();
        d.sub(other);
        d.abs()
    }

    /// Whether the value is exactly zero.
    ///
    /// ```
    /// assert!(!pdot_testkit::ExactSum::from_f64(f64::from_bits(1)).is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    /// Whether the value is below zero.
    ///
    /// ```
    /// assert!(pdot_testkit::ExactSum::from_f64(-1.0).is_negative());
    /// ```
    pub fn is_negative(&self) -> bool {
        self.limbs[LIMBS - 1] >> 63 == 1
    }

    /// Compares `|self|` with `|other|`.
    ///
    /// ```
    /// use pdot_testkit::ExactSum;
    /// use std::cmp::Ordering;
    /// let (a, b) = (ExactSum::from_f64(-3.0), ExactSum::from_f64(2.0));
    /// assert_eq!(a.cmp_abs(&b), Ordering::Greater);
    /// ```
    pub fn cmp_abs(&self, other: &ExactSum) -> Ordering {
        let (a, b) = (self.abs(), other.abs());
        a.limbs.iter().rev().cmp(b.limbs.iter().rev())
    }

    /// The value correctly rounded to `f64` (nearest, ties to even), subnormal results and
    /// overflow to ±inf included. Exact zero gives `+0.0`.
    ///
    /// ```
    /// let mut s = pdot_testkit::ExactSum::from_f64(1.0);
    /// s.add_f64(f64::EPSILON / 2.0); // a tie: to even
    /// assert_eq!(s.to_f64(), 1.0);
    /// ```
    pub fn to_f64(&self) -> f64 {
        f64::from_bits(self.round(BINARY64, Rounding::NearestEven))
    }

    /// The value correctly rounded to `f32` (nearest, ties to even) directly from the exact
    /// value (no double rounding through `f64`). Exact zero gives `+0.0`.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactSum::from_f64(0.1).to_f32(), 0.1f32);
    /// ```
    pub fn to_f32(&self) -> f32 {
        f32::from_bits(self.round(BINARY32, Rounding::NearestEven) as u32)
    }

    /// The smallest `f64` that is `>= |self|` (`+inf` if `|self|` exceeds `f64::MAX`).
    ///
    /// ```
    /// assert!(pdot_testkit::ExactSum::from_f64(-0.1).abs_upper_f64() >= 0.1);
    /// ```
    pub fn abs_upper_f64(&self) -> f64 {
        f64::from_bits(self.abs().round(BINARY64, Rounding::Away))
    }

    /// Whether the value is exactly representable as an `f64`.
    ///
    /// ```
    /// use pdot_testkit::ExactSum;
    /// let mut s = ExactSum::from_f64(1.0);
    /// assert!(s.is_f64());
    /// s.add_f64(f64::from_bits(1));
    /// assert!(!s.is_f64());
    /// ```
    pub fn is_f64(&self) -> bool {
        let r = self.to_f64();
        r.is_finite() && ExactSum::from_f64(r) == *self
    }

    /// The integer `N` of `|self| = N · 2^-FRAC_BITS`, as little-endian limbs.
    pub(crate) fn magnitude_limbs(&self) -> Vec<u64> {
        self.abs().limbs.to_vec()
    }

    /// The non-negative value `N · 2^-FRAC_BITS` of the integer `N` (little-endian limbs).
    ///
    /// # Panics
    /// If it is out of range.
    pub(crate) fn from_magnitude_limbs(n: &[u64]) -> ExactSum {
        let mut s = ExactSum::new();
        for (i, &l) in n.iter().enumerate() {
            if l != 0 {
                assert!(
                    i < LIMBS - 1 || (i == LIMBS - 1 && l >> 63 == 0),
                    "ExactSum: value out of range"
                );
                s.limbs[i] = l;
            }
        }
        s
    }

    /// Bit position (from the least significant bit of the integer) of a value 2^e.
    fn position(e: i64) -> usize {
        usize::try_from(e + FRAC_BITS as i64).expect("exponent below 2^-2148")
    }

    /// Adds (or subtracts, if `negative`) `m · 2^shift` to the integer.
    fn add_shifted(&mut self, m: u128, shift: usize, negative: bool) {
        if m == 0 {
            return;
        }
        let (k, s) = (shift / 64, shift % 64);
        let (lo, hi) = (m as u64, (m >> 64) as u64);
        let parts = if s == 0 {
            [lo, hi, 0]
        } else {
            [lo << s, (hi << s) | (lo >> (64 - s)), hi >> (64 - s)]
        };
        assert!(
            parts
                .iter()
                .enumerate()
                .all(|(j, &p)| p == 0 || k + j < LIMBS - 1),
            "ExactSum: value out of range"
        );
        let mut carry = false;
        for i in k..LIMBS {
            let p = parts.get(i - k).copied().unwrap_or(0);
            if i - k >= parts.len() && !carry {
                break;
            }
            let l = &mut self.limbs[i];
            let (s1, c1, s2, c2);
            if negative {
                (s1, c1) = l.overflowing_sub(p);
                (s2, c2) = s1.overflowing_sub(u64::from(carry));
            } else {
                (s1, c1) = l.overflowing_add(p);
                (s2, c2) = s1.overflowing_add(u64::from(carry));
            }
            *l = s2;
            carry = c1 || c2;
        }
    }

    /// Bit `i` of the integer (two's complement).
    fn bit(&self, i: usize) -> bool {
        (self.limbs[i / 64] >> (i % 64)) & 1 == 1
    }

    /// Bits `lo .. lo + count` of the integer, `count <= 64`.
    fn bits(&self, lo: usize, count: usize) -> u64 {
        debug_assert!(count <= 64);
        (0..count).fold(0u64, |acc, j| {
            let i = lo + j;
            if i < 64 * LIMBS && self.bit(i) {
                acc | (1u64 << j)
            } else {
                acc
            }
        })
    }

    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: usize) -> bool {
        let (k, s) = (i / 64, i % 64);
        self.limbs[..k].iter().any(|&l| l != 0) || (s > 0 && self.limbs[k] & ((1u64 << s) - 1) != 0)
    }

    /// Position of the highest set bit of a non-negative integer, `None` for zero.
    fn highest_bit(&self) -> Option<usize> {
        debug_assert!(!self.is_negative());
        self.limbs
            .iter()
            .enumerate()
            .rev()
            .find(|(_, l)| **l != 0)
            .map(|(k, l)| 64 * k + 63 - l.leading_zeros() as usize)
    }

    /// The value rounded to format `f` in mode `mode`, as the format's bit pattern.
    fn round(&self, f: Format, mode: Rounding) -> u64 {
        let negative = self.is_negative();
        let m = self.abs();
        let sign = u64::from(negative) << (f.precision - 1 + f.exponent_bits);
        let Some(top) = m.highest_bit() else {
            return 0;
        };
        // Position of the unit in the last place of the result: `precision` bits below the
        // top, but never below the format's smallest subnormal.
        let min_pos = Self::position(f.min_ulp_exponent);
        let mut p = (top + 1).saturating_sub(f.precision).max(min_pos);
        let mut q = m.bits(p, top + 1 - p.min(top + 1));
        let half = p > 0 && m.bit(p - 1);
        let sticky = p > 1 && m.any_below(p - 1);
        let up = match mode {
            Rounding::NearestEven => half && (sticky || q & 1 == 1),
            Rounding::Away => half || sticky,
        };
        if up {
            q += 1;
        }
        if q == 1u64 << f.precision {
            q >>= 1;
            p += 1;
        }
        let implicit = 1u64 << (f.precision - 1);
        let max_field = (1u64 << f.exponent_bits) - 1;
        if q < implicit {
            // Subnormal (only when p == min_pos): the field is 0 and the fraction is q.
            return sign | q;
        }
        let field = (p - min_pos + 1) as u64;
        if field >= max_field {
            return sign | (max_field << (f.precision - 1));
        }
        sign | (field << (f.precision - 1)) | (q - implicit)
    }
}

impl PartialOrd for ExactSum {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ExactSum {
    /// Compares the signed values.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.is_negative(), other.is_negative()) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // Same sign: two's complement compares like unsigned integers.
            _ => self.limbs.iter().rev().cmp(other.limbs.iter().rev()),
        }
    }
}

impl fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exact = if self.is_f64() { "exactly" } else { "about" };
        write!(f, "ExactSum({exact} {:e})", self.to_f64())
    }
}
