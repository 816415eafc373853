//! The square root of the superaccumulator, rounded once to nearest-even into `f64` or
//! `f32`: the correctly rounded 2-norm from the exact sum of squares.
//!
//! # The method, and why it is correctly rounded
//!
//! The accumulator holds a non-negative integer `N` standing for `S = N · 2^-BIAS`, with
//! `BIAS = 2176` even, so `√S = √N · 2^-1088`. Let `h` be the position of the highest set
//! bit of `N` and pick an **even** shift `t >= 0` such that `M = ⌊N / 2^t⌋` has its highest
//! bit at position 123 or 124 (`t = 0` when `h <= 124`, and then `M = N`). Let
//! `R = ⌊√M⌋` (exact integer square root, [`isqrt`]) and `rem = M - R²`.
//!
//! 1. `R = ⌊√N / 2^(t/2)⌋`, because `N / 2^t ∈ [M, M + 1)`, so `√(N / 2^t) ∈ [√M, √(M+1))`,
//!    and `R <= √M`, `√(M + 1) <= R + 1` (as `(R + 1)² >= M + 1`).
//! 2. `√N / 2^(t/2)` equals `R` exactly iff `rem = 0` and the `t` low bits of `N` are zero;
//!    otherwise it lies strictly between `R` and `R + 1`. That is the sticky bit.
//! 3. So `√S = v · 2^(t/2 - 1088)` with `v ∈ [R, R + 1)`, `v = R` iff not sticky. Since
//!    `v < R + 1 <= 2^(top(R) + 1)`, the exponent of `√S` is `E = top(R) + t/2 - 1088`,
//!    and the unit in the last place of the result is `2^q`, `q = max(E - (p - 1), lsb_min)`.
//! 4. In units of `R` that place is `2^g`, `g = q - (t/2 - 1088)`, and `g >= 1`:
//!    for `t = 0`, `g >= lsb_min + 1088 >= 14`; for `t > 0`, `M >= 2^123` gives
//!    `top(R) >= 61` and `g >= top(R) - (p - 1) >= 9`. The grid of the result and its
//!    midpoints are multiples of `2^(g-1)`, integers, so `v` (in `[R, R+1)`) is above a
//!    midpoint `m` iff `R > m`, or `R = m` and sticky; and equals it iff `R = m` and not
//!    sticky. Rounding `R` at bit `g` with guard bit `g - 1` and sticky = (bits below
//!    `g - 1`, or the sticky of step 2) is therefore the correct rounding of `v`, ties to
//!    even included, and for subnormal results too (`q = lsb_min` there).
//!
//! A carry out of the rounding (`mant = 2^p`) moves to the next binade, and a result beyond
//! the format's range is infinity ([`encode`]).

use super::fixed::{BIAS, LIMBS};
use super::round::{Format, any_below, encode, highest_bit, window};

/// The bits (as in [`super::round::round`]) of `√S` correctly rounded to nearest-even in
/// `format`, for the non-negative value `S` of the two's-complement `digits`; `None` if
/// `S < 0`. Zero gives +0.
pub(crate) fn sqrt_round(digits: &[u32; LIMBS], format: Format) -> Option<u64> {
    if digits[LIMBS - 1] >> 31 != 0 {
        return None;
    }
    let Some(h) = highest_bit(digits) else {
        return Some(0);
    };
    let t = if h > 124 { (h - 123) & !1 } else { 0 };
    let m = u128::from(window(digits, t, 64)) | u128::from(window(digits, t + 64, 64)) << 64;
    let (r, rem) = isqrt(m);
    let sticky_root = rem != 0 || (t > 0 && any_below(digits, t));
    let half_bias = BIAS / 2;
    let unit = t as i32 / 2 - half_bias; // R's last place: 2^unit
    let top = 63 - r.leading_zeros() as i32; // r >= 1, as m >= 1
    let p = format.precision as i32;
    let q = (top + unit - (p - 1)).max(format.lsb_min());
    let g = (q - unit) as u32; // >= 1 (see the module documentation)
    if g > 64 {
        // R < 2^63 is below half the last place: the result is 0 (r >= 1 is nonzero, so
        // this is not a tie).
        return Some(0);
    }
    let mut mant = if g == 64 { 0 } else { r >> g };
    let half = (r >> (g - 1)) & 1 == 1;
    let sticky = sticky_root || r & ((1u64 << (g - 1)) - 1) != 0;
    if half && (sticky || mant & 1 == 1) {
        mant += 1;
    }
    Some(encode(mant, q, format))
}

/// `(⌊√m⌋, m - ⌊√m⌋²)`, by the classic digit-by-digit method: `bit` runs over the powers
/// of 4 from the highest one not above `m` down to 1, one bit of the root per two bits of
/// `m`; a root bit is set when the remainder can pay for it. (The unit test checks both
/// defining properties, `rem = m - r²` and `rem <= 2r`, on many values.)
pub(crate) fn isqrt(m: u128) -> (u64, u128) {
    let mut rem = m;
    let mut root: u128 = 0;
    let mut bit: u128 = 1 << 126;
    while bit > m {
        bit >>= 2;
    }
    while bit != 0 {
        if rem >= root + bit {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    // root < 2^64 because m < 2^128.
    (root as u64, rem)
}

#[cfg(test)]
mod tests {
    use super::{isqrt, sqrt_round};
    use crate::exact::round::Format;
    use crate::exact::superacc::Superacc;

    #[test]
    fn integer_square_roots() {
        let mut cases: Vec<u128> = (0..2000).collect();
        for k in 0..128 {
            let p = 1u128 << k;
            cases.extend([p, p - 1, p.wrapping_add(1)]);
        }
        cases.push(u128::MAX);
        let mut s = 0x1234_5678_9abc_def0u128;
        for _ in 0..5000 {
            s = s.wrapping_mul(0x2545_F491_4F6C_DD1D_2545_F491_4F6C_DD1D) ^ (s >> 61);
            cases.push(s >> (s % 128));
            let r = (s >> 64) as u64;
            let sq = u128::from(r) * u128::from(r);
            cases.extend([sq, sq.wrapping_sub(1), sq.wrapping_add(1)]);
        }
        for m in cases {
            let (r, rem) = isqrt(m);
            let r = u128::from(r);
            assert_eq!(m - r * r, rem, "m = {m}");
            // (r + 1)^2 > m, written so that it cannot overflow.
            assert!(
                rem <= 2 * r,
                "m = {m}: remainder {rem} too large for root {r}"
            );
        }
    }

    /// A state holding one finite non-negative `f64` value: its correctly rounded root is
    /// IEEE `sqrt` (itself correctly rounded), subnormals included.
    #[test]
    fn roots_of_single_values() {
        let f64_format = Format {
            precision: 53,
            exponent_bits: 11,
        };
        let f32_format = Format {
            precision: 24,
            exponent_bits: 8,
        };
        let mut values = vec![0.0, 1.0, 2.0, 4.0, f64::MAX, f64::MIN_POSITIVE, 1e-320];
        values.extend((1..200u64).map(f64::from_bits));
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            values.push(f64::from_bits(s >> 1));
        }
        for v in values.into_iter().filter(|v| v.is_finite()) {
            let mut acc = Superacc::new();
            acc.add_f64(v);
            let got = sqrt_round(&acc.digits(), f64_format).expect("non-negative");
            assert_eq!(got, v.sqrt().to_bits(), "sqrt({v:e})");
            // f32: an f32 value's root, correctly rounded in f32.
            let w = v as f32;
            if w.is_finite() {
                let mut acc = Superacc::new();
                acc.add_f64(f64::from(w));
                let got = sqrt_round(&acc.digits(), f32_format).expect("non-negative");
                assert_eq!(got as u32, w.sqrt().to_bits(), "sqrt({w:e}f32)");
            }
        }
        let mut neg = Superacc::new();
        neg.add_f64(-1.0);
        assert_eq!(sqrt_round(&neg.digits(), f64_format), None);
    }
}
