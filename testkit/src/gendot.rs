//! Ill-conditioned dot products: GenDot of Ogita, Rump and Oishi, for `f64` and `f32`.

use crate::exact::ExactSum;
use crate::rng::SplitMix64;

/// Algorithm 6.1 (GenDot) of T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot
/// product", SIAM J. Sci. Comput. 26(6), 2005:
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
///
/// Written once in `f64`: `round` rounds every generated value to the input format (the
/// identity for `f64`, through `f32` for `f32`), so the values are exact in that format and
/// the corrections are computed in `f64` from the exact running sum, then rounded.
pub(crate) fn gen_dot(
    n: usize,
    log10_cond: u32,
    rng: &mut SplitMix64,
    round: impl Fn(f64) -> f64,
) -> (Vec<f64>, Vec<f64>) {
    let b = f64::from(log10_cond) * std::f64::consts::LOG2_10;
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if n < 2 {
        for _ in 0..n {
            x.push(round(rng.symmetric()));
            y.push(round(rng.symmetric()));
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
        let a = round(rng.symmetric() * 2f64.powi(e));
        let c = round(rng.symmetric() * 2f64.powi(e));
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
        let mut a = round(rng.symmetric() * 2f64.powi(e));
        if a == 0.0 {
            a = round(2f64.powi(e));
        }
        let c = round((rng.symmetric() * 2f64.powi(e) - running.to_f64()) / a);
        running.add_product(a, c);
        x.push(a);
        y.push(c);
    }
    rng.shuffle_pair(&mut x, &mut y);
    (x, y)
}
