//! Dot products whose products all lie in the subnormal range of `f64`: normal inputs whose
//! exact products are about `2^-1074 ..= 2^-999`, so that the rounding error of a product
//! (what `TwoProduct` would return) lies below the smallest subnormal and cannot be
//! represented. A hard case for exact kernels that split products with an FMA.

use crate::hard::scaled;
use crate::rng::SplitMix64;

/// The smallest exponent of the exact products made by [`gen_tiny_products`].
pub const TINY_PRODUCT_EXP_MIN: i32 = -1074;

/// The largest exponent `s` of `x · y = m · 2^s` (`m` in `[1, 4)`) made by
/// [`gen_tiny_products`]: every exact product is below `2^(TINY_PRODUCT_EXP_MAX + 2)`.
pub const TINY_PRODUCT_EXP_MAX: i32 = -1001;

/// `n` pairs of normal `f64` with random signs and 53-bit significands whose exact products
/// `x_i · y_i = m · 2^s` have `s` uniform in
/// `TINY_PRODUCT_EXP_MIN..=TINY_PRODUCT_EXP_MAX` (`m` in `[1, 4)`): every product is in or
/// just above the subnormal range, and its low part is far below `2^-1074`.
///
/// ```
/// let (x, y) = pdot_testkit::gen_tiny_products(100, 1);
/// assert!(x.iter().chain(&y).all(|v| v.is_normal()));
/// assert!(x.iter().zip(&y).all(|(a, b)| (a * b).abs() < 2f64.powi(-998)));
/// ```
pub fn gen_tiny_products(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = SplitMix64::seeded(seed);
    let significand = |rng: &mut SplitMix64| (1u64 << 52) | (rng.next_u64() >> 12);
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let s = rng.range(
            i64::from(TINY_PRODUCT_EXP_MIN),
            i64::from(TINY_PRODUCT_EXP_MAX),
        ) as i32;
        // x = mx · 2^a, y = my · 2^b with mx, my in [1, 2): a + b = s, both near s / 2
        // (above -1022: normal).
        let a = s / 2;
        let b = s - a;
        let (mx, my) = (significand(&mut rng), significand(&mut rng));
        x.push(scaled(rng.coin(), mx, a - 52));
        y.push(scaled(rng.coin(), my, b - 52));
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dot::exact_dot;

    /// The exponent of a normal `f64`, from its bits.
    fn exponent(v: f64) -> i32 {
        ((v.to_bits() >> 52) & 0x7ff) as i32 - 1023
    }

    #[test]
    fn products_are_tiny_and_inexact() {
        let (x, y) = gen_tiny_products(2000, 5);
        assert_eq!(gen_tiny_products(2000, 5), (x.clone(), y.clone()));
        let mut inexact = 0;
        for (&a, &b) in x.iter().zip(&y) {
            assert!(a.is_normal() && b.is_normal(), "{a:e} {b:e}");
            let s = exponent(a) + exponent(b);
            assert!(
                (TINY_PRODUCT_EXP_MIN..=TINY_PRODUCT_EXP_MAX).contains(&s),
                "{a:e} * {b:e}: exponent {s}"
            );
            // The exact product against its rounding: the difference cannot be an f64.
            let exact = exact_dot(&[a, -(a * b)], &[b, 1.0]).expect("finite");
            if !exact.is_zero() {
                inexact += 1;
            }
        }
        // 106-bit products squeezed into at most 75 bits: essentially all are inexact.
        assert!(inexact > 1900, "{inexact} of 2000 products inexact");
        let exponents: std::collections::BTreeSet<i32> = x
            .iter()
            .zip(&y)
            .map(|(&a, &b)| exponent(a) + exponent(b))
            .collect();
        assert_eq!(exponents.first(), Some(&TINY_PRODUCT_EXP_MIN));
        assert_eq!(exponents.last(), Some(&TINY_PRODUCT_EXP_MAX));
    }
}
