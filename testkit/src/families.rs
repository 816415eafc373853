//! Families of test vectors (uniform, wide exponents, subnormals, exact cancellation, small
//! integers, ill-conditioned), each a pure function of a length and a seed.
//!
//! Vectors are built from a seed by a deterministic generator rather than element by element
//! by proptest: thousands of elements per case stay cheap, and shrinking still works (on the
//! length, the family and the seed).

use crate::gendot::gen_dot;
use crate::rng::SplitMix64;

/// A family of test vectors.
///
/// ```
/// use pdot_testkit::{Family, gen_f32};
/// let (x, y) = gen_f32(Family::SmallIntegers, 10, 1);
/// assert!(x.iter().chain(&y).all(|v| v.fract() == 0.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    /// Uniform in (-1, 1).
    Uniform,
    /// `±[1,2) · 2^e`, `e` uniform in `-spread..=spread`.
    WideExponents {
        /// The largest exponent magnitude.
        spread: i32,
    },
    /// Mostly subnormal and tiny normal values, some zeros of either sign: products underflow.
    Subnormal,
    /// Pairs of products that cancel exactly (`a·c` and `(-a)·c`): the exact result is 0.
    Cancellation,
    /// Small integers: every partial sum is exact, so the result must be exact.
    SmallIntegers,
    /// Ogita–Rump–Oishi GenDot with condition number about `10^log10_cond`.
    IllConditioned {
        /// The decimal logarithm of the condition number.
        log10_cond: u32,
    },
}

/// `n` pairs `(x, y)` of `f64` from family `family` and seed `seed`.
///
/// ```
/// use pdot_testkit::{Family, gen_f64};
/// let (x, y) = gen_f64(Family::Uniform, 5, 3);
/// assert_eq!((x.len(), y.len()), (5, 5));
/// assert_eq!(gen_f64(Family::Uniform, 5, 3), (x, y));
/// ```
pub fn gen_f64(family: Family, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = SplitMix64::seeded(seed);
    match family {
        Family::Uniform => {
            let x = (0..n).map(|_| rng.symmetric()).collect();
            let y = (0..n).map(|_| rng.symmetric()).collect();
            (x, y)
        }
        Family::WideExponents { spread } => {
            let x = (0..n).map(|_| rng.wide(-spread, spread)).collect();
            let y = (0..n).map(|_| rng.wide(-spread, spread)).collect();
            (x, y)
        }
        Family::Subnormal => {
            let tiny = |rng: &mut SplitMix64| -> f64 {
                let v = match rng.range(0, 9) {
                    // A subnormal with a random fraction.
                    0..=4 => f64::from_bits(rng.next_u64() & ((1u64 << 52) - 1)),
                    // A subnormal with few significant bits.
                    5 => f64::from_bits(rng.next_u64() & 0xff),
                    // A tiny normal.
                    6 | 7 => rng.wide(-1022, -1000).abs(),
                    // Of order one: multiplied by a subnormal it stays subnormal.
                    8 => rng.wide(-3, 3).abs(),
                    _ => 0.0,
                };
                if rng.coin() { -v } else { v }
            };
            let x = (0..n).map(|_| tiny(&mut rng)).collect();
            let y = (0..n).map(|_| tiny(&mut rng)).collect();
            (x, y)
        }
        Family::Cancellation => {
            let half = n / 2;
            let mut x: Vec<f64> = (0..half).map(|_| rng.wide(-30, 30)).collect();
            let mut y: Vec<f64> = (0..half).map(|_| rng.wide(-30, 30)).collect();
            for i in 0..half {
                x.push(-x[i]);
                y.push(y[i]);
            }
            if n % 2 == 1 {
                // One zero product keeps the exact result at 0.
                x.push(rng.wide(-30, 30));
                y.push(0.0);
            }
            rng.shuffle_pair(&mut x, &mut y);
            (x, y)
        }
        Family::SmallIntegers => {
            let x = (0..n).map(|_| rng.range(-1000, 1000) as f64).collect();
            let y = (0..n).map(|_| rng.range(-1000, 1000) as f64).collect();
            (x, y)
        }
        Family::IllConditioned { log10_cond } => gen_dot(n, log10_cond, &mut rng, |v| v),
    }
}

/// `n` pairs `(x, y)` of `f32` from family `family` and seed `seed`.
///
/// The families mean the same as for `f64`, scaled to the `f32` range (`spread` is clamped
/// so that no product overflows, and `Subnormal` uses `f32` subnormals).
///
/// ```
/// use pdot_testkit::{Family, gen_f32};
/// let (x, _) = gen_f32(Family::Subnormal, 50, 2);
/// assert!(x.iter().any(|v| v.is_subnormal()));
/// ```
pub fn gen_f32(family: Family, n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = SplitMix64::seeded(seed);
    let narrow = |v: Vec<f64>| -> Vec<f32> { v.into_iter().map(|a| a as f32).collect() };
    match family {
        Family::SmallIntegers => {
            // Small enough that every partial sum of up to 4000 products is exact in f32.
            let x = (0..n).map(|_| rng.range(-60, 60) as f32).collect();
            let y = (0..n).map(|_| rng.range(-60, 60) as f32).collect();
            (x, y)
        }
        Family::Uniform | Family::Cancellation => {
            // Exactly representable in f32 (uniform: 24 random bits), same structure.
            let (x, y) = gen_f64(family, n, seed);
            (narrow(x), narrow(y))
        }
        Family::WideExponents { spread } => {
            let s = spread.min(60);
            let x = (0..n).map(|_| rng.wide(-s, s) as f32).collect();
            let y = (0..n).map(|_| rng.wide(-s, s) as f32).collect();
            (x, y)
        }
        Family::Subnormal => {
            let tiny = |rng: &mut SplitMix64| -> f32 {
                let v = match rng.range(0, 9) {
                    0..=4 => f32::from_bits(rng.next_u64() as u32 & ((1u32 << 23) - 1)),
                    5 => f32::from_bits(rng.next_u64() as u32 & 0xff),
                    6 | 7 => rng.wide(-126, -110).abs() as f32,
                    8 => rng.wide(-3, 3).abs() as f32,
                    _ => 0.0,
                };
                if rng.coin() { -v } else { v }
            };
            let x = (0..n).map(|_| tiny(&mut rng)).collect();
            let y = (0..n).map(|_| tiny(&mut rng)).collect();
            (x, y)
        }
        Family::IllConditioned { log10_cond } => {
            let (x, y) = gen_dot(n, log10_cond, &mut rng, |v| f64::from(v as f32));
            (narrow(x), narrow(y))
        }
    }
}
