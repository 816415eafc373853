//! Ill-conditioned dot products: GenDot of Ogita, Rump and Oishi, for `f64` and `f32`.

use crate::exact::ExactSum;
use crate::rng::SplitMix64;

/// Algorithm 6.1 (GenDot) of T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot
/// product", SIAM J. Sci. Comput. 26(6), 2005, for `f64`:
///
/// 1. the first half of `x` and `y` gets random mantissas in (-1, 1) scaled by `2^e`, with
///    `e` random in `0..=b/2` (`b = log2(cond)`), the first exponent `b/2 + 1` and the last 0
///    so that the full range is used;
/// 2. the second half gets exponents decreasing linearly from `b/2` to 0; `x_i` is random and
///    `y_i = (random · 2^e − x_{1..i-1} · y_{1..i-1}) / x_i`, which drives the running dot
///    product towards cancellation;
/// 3. both vectors are permuted with the same random permutation.
///
/// The paper computes the running dot product with Dot2; here it is the exact reference
/// (kept incrementally), rounded to nearest, which is at least as good.
pub(crate) fn gen_dot_f64(n: usize, log10_cond: u32, rng: &mut SplitMix64) -> (Vec<f64>, Vec<f64>) {
    let b = f64::from(log10_cond) * std::f64::consts::LOG2_10;
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if n < 2 {
        for _ in 0..n {
            x.push(rng.symmetric());
            y.push(rng.symmetric());
        }
        return (x, y);
    }
    let n2 = n.div_ceil(2);
    let half_b = b / 2.0;
    let mut running = ExactSum::new();
    for i in 0..n2 {
        let e = if i == 0 {
            half_b.round() as i32 + 1
        } else if i == n2 - 1 {
            0
        } else {
            (rng.unit() * half_b).round() as i32
        };
        let (a, c) = (
            rng.symmetric() * 2f64.powi(e),
            rng.symmetric() * 2f64.powi(e),
        );
        running.add_product(a, c);
        x.push(a);
        y.push(c);
    }
    let m = n - n2;
    for k in 0..m {
        let e = if m == 1 {
            0.0
        } else {
            half_b * (1.0 - k as f64 / (m - 1) as f64)
        }
        .round() as i32;
        let mut a = rng.symmetric() * 2f64.powi(e);
        if a == 0.0 {
            a = 2f64.powi(e);
        }
        let c = (rng.symmetric() * 2f64.powi(e) - running.to_f64()) / a;
        running.add_product(a, c);
        x.push(a);
        y.push(c);
    }
    rng.shuffle_pair(&mut x, &mut y);
    (x, y)
}

/// GenDot for `f32` (see [`gen_dot_f64`]); the correction `y_i` is computed in `f64` from the
/// exact running sum and rounded to `f32`.
pub(crate) fn gen_dot_f32(n: usize, log10_cond: u32, rng: &mut SplitMix64) -> (Vec<f32>, Vec<f32>) {
    let b = f64::from(log10_cond) * std::f64::consts::LOG2_10;
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if n < 2 {
        for _ in 0..n {
            x.push(rng.symmetric() as f32);
            y.push(rng.symmetric() as f32);
        }
        return (x, y);
    }
    let n2 = n.div_ceil(2);
    let half_b = b / 2.0;
    let mut running = ExactSum::new();
    for i in 0..n2 {
        let e = if i == 0 {
            half_b.round() as i32 + 1
        } else if i == n2 - 1 {
            0
        } else {
            (rng.unit() * half_b).round() as i32
        };
        let a = (rng.symmetric() * 2f64.powi(e)) as f32;
        let c = (rng.symmetric() * 2f64.powi(e)) as f32;
        running.add_product(f64::from(a), f64::from(c));
        x.push(a);
        y.push(c);
    }
    let m = n - n2;
    for k in 0..m {
        let e = if m == 1 {
            0.0
        } else {
            half_b * (1.0 - k as f64 / (m - 1) as f64)
        }
        .round() as i32;
        let mut a = (rng.symmetric() * 2f64.powi(e)) as f32;
        if a == 0.0 {
            a = 2f32.powi(e);
        }
        let c = ((rng.symmetric() * 2f64.powi(e) - running.to_f64()) / f64::from(a)) as f32;
        running.add_product(f64::from(a), f64::from(c));
        x.push(a);
        y.push(c);
    }
    rng.shuffle_pair(&mut x, &mut y);
    (x, y)
}
