//! Rounding the superaccumulator once, to nearest with ties to even, into `f64` or `f32`.

use super::fixed::{BIAS, LIMBS};

/// An IEEE 754 binary interchange format.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Format {
    /// Precision in bits, the implicit bit included (53, 24).
    pub precision: u32,
    /// Width of the exponent field (11, 8).
    pub exponent_bits: u32,
}

impl Format {
    /// The format of `T`.
    pub(crate) fn of<T: crate::real::Real>() -> Format {
        Format {
            precision: T::PRECISION,
            exponent_bits: T::EXPONENT_BITS,
        }
    }

    pub(crate) fn bias(self) -> i32 {
        (1 << (self.exponent_bits - 1)) - 1
    }

    /// Exponent of the least significant bit of a subnormal (-1074, -149).
    pub(crate) fn lsb_min(self) -> i32 {
        1 - self.bias() - (self.precision as i32 - 1)
    }
}

/// The bits (in the low `1 + exponent_bits + precision - 1` bits of the result) of the
/// value held by the two's-complement `digits` (weight of bit `k`: 2^(k - BIAS)), rounded to
/// nearest-even in `format`, overflowing to infinity. Zero comes out as +0.
pub(crate) fn round(digits: &[u32; LIMBS], format: Format) -> u64 {
    let negative = digits[LIMBS - 1] >> 31 != 0;
    let mag = if negative { negate(digits) } else { *digits };
    round_magnitude(&mag, 0, negative, format)
}

/// As [`round`], for the value `±mag · 2^base` (`mag` a magnitude, least significant
/// digit first; bit `k` of it has weight 2^(k + base - BIAS)).
pub(crate) fn round_magnitude(mag: &[u32], base: u32, negative: bool, format: Format) -> u64 {
    let sign = u64::from(negative) << (format.exponent_bits + format.precision - 1);
    let Some(msb) = highest_bit(mag) else {
        return 0;
    };
    let p = format.precision;
    // Exponent of the unit in the last place of the result, and its bit position in `mag`
    // (negative: below the lowest digit, where every bit is zero).
    let q = ((msb + base) as i32 - BIAS - (p as i32 - 1)).max(format.lsb_min());
    let u = i64::from(q + BIAS) - i64::from(base);
    let mut mant = window_signed(mag, u, p);
    let half = window_signed(mag, u - 1, 1) == 1;
    let sticky = u - 1 > 0 && any_below(mag, (u - 1) as u32);
    if half && (sticky || mant & 1 == 1) {
        mant += 1;
    }
    sign | encode(mant, q, format)
}

/// Bits `from .. from + count` (`count <= 64`) of `mag` for a position `from` that may be
/// negative (bits below the lowest digit are zero).
fn window_signed(mag: &[u32], from: i64, count: u32) -> u64 {
    if from >= 0 {
        return window(mag, from as u32, count);
    }
    let shift = from.unsigned_abs();
    if shift >= 64 {
        return 0;
    }
    let w = window(mag, 0, 64) << shift;
    if count == 64 {
        w
    } else {
        w & ((1 << count) - 1)
    }
}

/// The bits of the non-negative value `mant · 2^q` in `format`, where `mant` is a rounded
/// significand of at most `precision + 1` bits (`2^precision` after a carry) and `q` is at
/// least the exponent of the smallest subnormal (when `mant < 2^(precision - 1)`, `q` is
/// exactly that: a subnormal); infinity beyond the range.
pub(crate) fn encode(mut mant: u64, mut q: i32, format: Format) -> u64 {
    let p = format.precision;
    if mant == 1 << p {
        mant >>= 1;
        q += 1;
    }
    let hidden = 1u64 << (p - 1);
    let field = if mant >= hidden {
        q + (p as i32 - 1) + format.bias()
    } else {
        0 // subnormal (or zero): q is lsb_min
    };
    let max_field = (1 << format.exponent_bits) - 1;
    if field >= max_field {
        return (max_field as u64) << (p - 1);
    }
    (field as u64) << (p - 1) | (mant & (hidden - 1))
}

/// The two's-complement negation of `digits`.
pub(crate) fn negate<const N: usize>(digits: &[u32; N]) -> [u32; N] {
    let mut out = [0u32; N];
    let mut carry = 1u64;
    for (o, &d) in out.iter_mut().zip(digits) {
        let v = u64::from(!d) + carry;
        *o = v as u32;
        carry = v >> 32;
    }
    out
}

/// Position of the highest set bit, if any.
pub(crate) fn highest_bit(mag: &[u32]) -> Option<u32> {
    let i = mag.iter().rposition(|&d| d != 0)?;
    Some(i as u32 * 32 + 31 - mag[i].leading_zeros())
}

/// Bits `from .. from + count` (`count <= 64`) as an integer.
pub(crate) fn window(mag: &[u32], from: u32, count: u32) -> u64 {
    let i = (from / 32) as usize;
    let mut w = 0u128;
    for k in (0..3).rev() {
        w = (w << 32) | u128::from(mag.get(i + k).copied().unwrap_or(0));
    }
    let w = (w >> (from % 32)) as u64;
    if count == 64 {
        w
    } else {
        w & ((1 << count) - 1)
    }
}

/// Whether any of bits `0 .. below` is set.
pub(crate) fn any_below(mag: &[u32], below: u32) -> bool {
    let i = ((below / 32) as usize).min(mag.len());
    let partial = below % 32;
    mag[..i].iter().any(|&d| d != 0)
        || (partial > 0 && mag.get(i).is_some_and(|&d| d & ((1 << partial) - 1) != 0))
}
