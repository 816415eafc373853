//! Special values follow IEEE 754 (DESIGN.md): any NaN, or inf·0, or +inf and −inf products
//! give NaN; infinite products of one sign give that infinity; a sum that overflows gives
//! ±inf; n = 0 gives +0. Checked on every backend, at every level, for f64, f32 and mixed
//! f32 -> f64, contiguous and reversed (inc = −1).

use pdot_kernels::{Accuracy, Input, Real, Strided, dot, dsdot};
use pdot_testkit::backends;
use pdot_testkit::{Element, Float, SplitMix64};
use proptest::prelude::*;

/// The whole of `v`, backwards (`inc = -1`).
fn back<T: Copy>(v: &[T]) -> Strided<'_, T> {
    Strided::new(v, v.len(), -1).unwrap()
}

/// Every way to compute `x · y` with `O` results of `E` inputs: each backend and level,
/// forwards, and backwards on reversed copies (the same logical vectors), named with `tag`.
fn all_as<O: Real, E: Input<O>>(x: &[E], y: &[E], tag: &str) -> Vec<(String, O)> {
    let rx: Vec<E> = x.iter().rev().copied().collect();
    let ry: Vec<E> = y.iter().rev().copied().collect();
    let mut out = Vec::new();
    for b in backends() {
        for &a in Accuracy::ALL {
            let r = b.dot_strided_as::<O, E>(a, x.into(), y.into());
            out.push((format!("{} {a}{tag}", b.isa()), r));
            let r = b.dot_strided_as::<O, E>(a, back(&rx), back(&ry));
            out.push((format!("{} {a}{tag} inc=-1", b.isa()), r));
        }
    }
    out
}

/// Every way for f64 inputs.
fn all_f64(x: &[f64], y: &[f64]) -> Vec<(String, f64)> {
    all_as::<f64, f64>(x, y, "")
}

/// The same for f32 inputs: f32 results widened to f64, and mixed results.
fn all_f32(x: &[f32], y: &[f32]) -> Vec<(String, f64)> {
    let f32_results = all_as::<f32, f32>(x, y, " f32").into_iter();
    let mut out: Vec<_> = f32_results.map(|(what, r)| (what, f64::from(r))).collect();
    out.extend(all_as::<f64, f32>(x, y, " f32->f64"));
    out
}

/// Every way for `x · y` in f64 ([`all_f64`]), then for `xf · yf` in f32 ([`all_f32`]).
fn all_both(x: &[f64], y: &[f64], xf: &[f32], yf: &[f32]) -> Vec<(String, f64)> {
    let mut out = all_f64(x, y);
    out.extend(all_f32(xf, yf));
    out
}

/// `v` rounded to f32.
fn narrow(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&a| a as f32).collect()
}

/// Finite values of moderate size: no product or sum of a few thousand overflows.
fn moderate(n: usize, rng: &mut SplitMix64) -> Vec<f64> {
    (0..n).map(|_| rng.wide(-20, 20)).collect()
}

/// Two vectors of [`moderate`] values, and the generator that made them.
fn moderate_pair(n: usize, seed: u64) -> (SplitMix64, Vec<f64>, Vec<f64>) {
    let mut rng = SplitMix64::seeded(seed);
    let (x, y) = (moderate(n, &mut rng), moderate(n, &mut rng));
    (rng, x, y)
}

/// A random index below `n`.
fn pick(rng: &mut SplitMix64, n: usize) -> usize {
    rng.range(0, n as i64 - 1) as usize
}

/// A NaN with a random payload and sign (quiet or signalling).
fn any_nan<E: Element>(rng: &mut SplitMix64) -> E {
    let (sign, inf, trailing) = E::masks();
    let payload = rng.next_u64() & trailing;
    E::from_bits(inf | payload | 1 | (rng.next_u64() & sign))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// One NaN anywhere, in x or y, whatever else is there (infinities included): NaN.
    #[test]
    fn any_nan_gives_nan(n in 1..300usize, seed in any::<u64>(), infs in 0..3usize) {
        let (mut rng, mut x, mut y) = moderate_pair(n, seed);
        for _ in 0..infs {
            let i = pick(&mut rng, n);
            x[i] = if rng.coin() { f64::INFINITY } else { f64::NEG_INFINITY };
        }
        let i = pick(&mut rng, n);
        if rng.coin() { x[i] = any_nan(&mut rng) } else { y[i] = any_nan(&mut rng) }
        let (mut xf, yf) = (narrow(&x), narrow(&y));
        xf[pick(&mut rng, n)] = any_nan(&mut rng);
        for (what, r) in all_both(&x, &y, &xf, &yf) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
    }

    /// inf · 0 anywhere: NaN.
    #[test]
    fn infinity_times_zero_gives_nan(n in 1..300usize, seed in any::<u64>()) {
        let (mut rng, mut x, mut y) = moderate_pair(n, seed);
        let i = pick(&mut rng, n);
        let inf = if rng.coin() { f64::INFINITY } else { f64::NEG_INFINITY };
        let zero = if rng.coin() { 0.0 } else { -0.0 };
        if rng.coin() { (x[i], y[i]) = (inf, zero) } else { (x[i], y[i]) = (zero, inf) }
        for (what, r) in all_both(&x, &y, &narrow(&x), &narrow(&y)) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
    }

    /// A +inf product and a −inf product, wherever they are: NaN.
    #[test]
    fn opposite_infinite_products_give_nan(n in 2..300usize, seed in any::<u64>()) {
        let (mut rng, mut x, mut y) = moderate_pair(n, seed);
        let i = pick(&mut rng, n);
        let j = (i + 1 + rng.range(0, n as i64 - 2) as usize) % n;
        x[i] = f64::INFINITY;
        x[j] = f64::INFINITY;
        y[i] = y[i].abs();
        y[j] = -y[j].abs();
        if rng.coin() {
            // The infinities may sit in y instead, and the signs in x.
            std::mem::swap(&mut x, &mut y);
        }
        for (what, r) in all_both(&x, &y, &narrow(&x), &narrow(&y)) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
    }

    /// Infinite products all of one sign among moderate finite ones: that infinity.
    #[test]
    fn infinite_products_of_one_sign_give_infinity(
        n in 1..300usize,
        seed in any::<u64>(),
        count in 1..4usize,
        negative in any::<bool>(),
    ) {
        let (mut rng, mut x, mut y) = moderate_pair(n, seed);
        for _ in 0..count {
            let i = pick(&mut rng, n);
            // Random signs on each side, product of the chosen sign.
            let s = if rng.coin() { 1.0 } else { -1.0 };
            x[i] = s * f64::INFINITY;
            y[i] = s * y[i].abs() * if negative { -1.0 } else { 1.0 };
        }
        let want = if negative { f64::NEG_INFINITY } else { f64::INFINITY };
        for (what, r) in all_both(&x, &y, &narrow(&x), &narrow(&y)) {
            prop_assert_eq!(r, want, "{}", what);
        }
    }

    /// Products of one sign whose exact sum exceeds the largest finite value: ±inf. Each
    /// product is at least 2^1020 (f64) and there are at least 32 of them, so the exact sum is
    /// at least 2^1025, twice the overflow threshold; no accumulation order with relative
    /// error below 1/2 can bring it back into range.
    #[test]
    fn overflowing_sums_give_infinity(n in 32..400usize, seed in any::<u64>(), negative in any::<bool>()) {
        let mut rng = SplitMix64::seeded(seed);
        let sign = if negative { -1.0 } else { 1.0 };
        let x: Vec<f64> = (0..n).map(|_| sign * rng.wide(1000, 1000).abs()).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.wide(20, 20).abs()).collect();
        let want = sign * f64::INFINITY;
        for (what, r) in all_f64(&x, &y) {
            prop_assert_eq!(r, want, "{}", what);
        }
        // f32: products at least 2^124 (f32 overflows at 2^128), at least 32 of them.
        let xf: Vec<f32> = (0..n).map(|_| (sign * rng.wide(100, 100).abs()) as f32).collect();
        let yf: Vec<f32> = (0..n).map(|_| rng.wide(24, 24).abs() as f32).collect();
        for b in backends() {
            for &a in Accuracy::ALL {
                prop_assert_eq!(f64::from(b.dot(a, &xf, &yf)), want, "{} {}", b.isa(), a);
                // The same sum is finite in f64 accumulation.
                let r = b.dot_strided_as::<f64, f32>(a, xf[..].into(), yf[..].into());
                prop_assert!(r.is_finite() && r.signum() == sign, "{} {} f32->f64: {}", b.isa(), a, r);
            }
        }
    }
}

#[test]
fn empty_vectors_give_positive_zero() {
    for b in backends() {
        for &a in Accuracy::ALL {
            assert_eq!(b.dot::<f64>(a, &[], &[]).to_bits(), 0.0f64.to_bits());
            assert_eq!(b.dot::<f32>(a, &[], &[]).to_bits(), 0.0f32.to_bits());
            assert_eq!(
                b.dot_strided_as::<f64, f32>(a, (&[][..]).into(), (&[][..]).into())
                    .to_bits(),
                0.0f64.to_bits()
            );
        }
    }
    assert_eq!(dot::<f64>(&[], &[]).to_bits(), 0.0f64.to_bits());
    assert_eq!(dsdot(&[], &[]).to_bits(), 0.0f64.to_bits());
}

#[test]
fn zero_products_give_zero() {
    // Products that are all (signed) zeros, or underflow to zero: the result is zero.
    let tiny = f64::from_bits(1);
    let cases: [(&[f64], &[f64]); 3] = [
        (&[-0.0, 0.0, -0.0], &[0.0, -0.0, 1.0]),
        (&[tiny, -tiny, tiny], &[tiny, tiny, 0.5]),
        (&[-0.0; 100], &[5.0; 100]),
    ];
    for (x, y) in cases {
        for (what, r) in all_f64(x, y) {
            assert_eq!(r, 0.0, "{what}");
        }
    }
}

#[test]
fn canonical_nan_is_the_same_everywhere() {
    // Different input NaN payloads and signs give one NaN on every path.
    same_canonical_nan::<f64>([
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0xfff8_dead_beef_0001),
    ]);
    same_canonical_nan::<f32>([
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001),
        f32::from_bits(0xffc0_beef),
    ]);
}

/// Each of `nans` in a vector of ones gives the same NaN on every path of [`all_as`]: positive
/// and quiet.
fn same_canonical_nan<E: Real + Element + Input<E>>(nans: [E; 4]) {
    let mut bits = Vec::new();
    for (k, nan) in nans.into_iter().enumerate() {
        let mut x = vec![E::one(); 77];
        x[[40, 3, 10, 47][k]] = nan;
        let y = vec![E::one() + E::one(); 77];
        for (what, r) in all_as::<E, E>(&x, &y, "") {
            assert!(
                Float::is_canonical_nan(r),
                "{what}: {r:?} not the canonical NaN"
            );
            bits.push(Float::bits(r));
        }
    }
    assert!(bits.iter().all(|&b| b == bits[0]), "NaNs differ: {bits:x?}");
}
