//! Exact powers of two: `v · 2^k` rounded once, and the binary exponent of a value. What the
//! norms need to rescale sums of squares without changing their bits beyond one rounding.

use crate::real::Real;

/// `v · 2^k`, rounded once to nearest-even in `T` (exact unless the result is subnormal or
/// beyond the range), for every `k` and every `v` (NaN, infinities and zeros pass through).
pub(crate) fn ldexp<T: Real>(v: T, k: i32) -> T {
    // For f32 the f64 product is exact wherever the f32 result is not 0 or inf (f64 has
    // 3 more exponent bits), so rounding it to f32 is the one rounding.
    T::from_f64_rounded(ldexp_f64(v.widen(), k))
}

/// `2^k` for `-1074 <= k <= 1023`, the range of powers of two `f64` holds.
fn pow2(k: i32) -> f64 {
    debug_assert!((-1074..=1023).contains(&k));
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// [`ldexp`] for `f64`.
///
/// Scaling up is exact until it overflows (to inf, which further factors keep), so it may
/// take several factors. Scaling down takes exact steps of 2^-1022 while the value stays
/// at least 1 (the product stays normal), then one multiplication by a power that `f64`
/// holds (the one rounding), or gives ±0 when the result is below half the smallest
/// subnormal.
fn ldexp_f64(mut v: f64, k: i32) -> f64 {
    // Beyond ±2200 every finite nonzero v (2^-1074 <= |v| < 2^1024) gives 0 or inf.
    let mut k = k.clamp(-2200, 2200);
    while k > 1023 {
        v *= pow2(1023);
        k -= 1023;
    }
    while k < -1022 && v.abs() >= 1.0 {
        v *= pow2(-1022); // exact: |v| * 2^-1022 >= 2^-1022 is normal
        k += 1022;
    }
    if k < -1074 {
        // |v| < 1 (or v is inf or NaN, kept by the multiplication): |v| 2^k < 2^-1075,
        // which rounds to 0.
        return v * 0.0;
    }
    v * pow2(k)
}

/// The exponent `e` of a finite nonzero `v`: `2^e <= |v| < 2^(e+1)` (subnormals included).
pub(crate) fn exponent<T: Real>(v: T) -> i32 {
    let bits = v.widen().to_bits() & !(1 << 63);
    let field = (bits >> 52) as i32;
    if field == 0 {
        // Subnormal: the highest set bit of the fraction, of weight 2^-1074.
        63 - bits.leading_zeros() as i32 - 1074
    } else {
        field - 1023
    }
}

#[cfg(test)]
mod tests {
    use super::{exponent, ldexp, ldexp_f64};

    /// ldexp against the definition, computed with exact integer arithmetic where it is
    /// easy: results that are normal are exact, results far below are 0, above are inf,
    /// and subnormal results round to nearest-even (checked against `f64` division by an
    /// exact power of two, itself one rounding).
    #[test]
    fn ldexp_is_one_rounding() {
        let values = [
            1.0,
            -1.5,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::from_bits(3),
            1.0 + f64::EPSILON,
            0.75,
            -0.0,
            0.0,
            f64::INFINITY,
            3.0e-310,
        ];
        for &v in &values {
            for k in -2300..=2300 {
                let r = ldexp_f64(v, k);
                // Reference: step by step with exact steps, then one rounding: split k into
                // parts that keep the intermediate exact, when possible.
                let want = if v == 0.0 || v.is_infinite() {
                    v
                } else {
                    let e = exponent(v) + k;
                    if e > 1023 {
                        f64::INFINITY.copysign(v)
                    } else if e >= -1022 {
                        // Normal result: exact, so any order of exact steps gives it.
                        let mut w = v;
                        let mut kk = k;
                        while kk > 0 {
                            let s = kk.min(500);
                            w *= 2f64.powi(s);
                            kk -= s;
                        }
                        while kk < 0 {
                            let s = kk.max(-500);
                            w *= 2f64.powi(s);
                            kk -= s;
                        }
                        w
                    } else {
                        // Subnormal or zero: v = mant * 2^ev0 with an integer mant; the
                        // result in units of 2^-1074 is mant * 2^(ev0 + k + 1074), a shift
                        // right by s (rounded to nearest-even on the integers) or left.
                        let bits = v.to_bits() & !(1 << 63);
                        let field = (bits >> 52) as i64;
                        let (mant, ev0) = if field == 0 {
                            (bits, -1074i64)
                        } else {
                            (bits & ((1 << 52) - 1) | 1 << 52, field - 1075)
                        };
                        let s = -(ev0 + i64::from(k) + 1074);
                        let q = if s <= 0 {
                            mant << -s // a subnormal scaled up, still subnormal: exact
                        } else if s >= 64 {
                            0
                        } else {
                            let (q, rest) = (mant >> s, mant & ((1u64 << s) - 1));
                            let half = 1u64 << (s - 1);
                            if rest > half || (rest == half && q & 1 == 1) {
                                q + 1
                            } else {
                                q
                            }
                        };
                        f64::from_bits(q).copysign(v)
                    }
                };
                assert_eq!(r.to_bits(), want.to_bits(), "ldexp({v:e}, {k})");
            }
        }
        assert!(ldexp_f64(f64::NAN, 5).is_nan());
        assert_eq!(ldexp(3.0f32, 2), 12.0);
        assert_eq!(ldexp(1.0f32, -150), 0.0);
        assert_eq!(ldexp(1.5f32, -149), f32::from_bits(2)); // 1.5 ulp: tie to even (2)
        assert_eq!(ldexp(1.0f32, 128), f32::INFINITY);
    }

    #[test]
    fn exponents() {
        assert_eq!(exponent(1.0f64), 0);
        assert_eq!(exponent(-3.0f64), 1);
        assert_eq!(exponent(0.5f32), -1);
        assert_eq!(exponent(f64::from_bits(1)), -1074);
        assert_eq!(exponent(f64::MIN_POSITIVE), -1022);
        assert_eq!(exponent(f64::MAX), 1023);
        assert_eq!(exponent(f32::from_bits(1)), -149);
    }
}
