//! Special values follow IEEE 754 (DESIGN.md): any NaN, or inf·0, or +inf and −inf products
//! give NaN; infinite products of one sign give that infinity; a sum that overflows gives
//! ±inf; n = 0 gives +0. Checked on every backend, at every level, for f64, f32 and mixed
//! f32 -> f64, contiguous and reversed (inc = −1).

use pdot_kernels::{Accuracy, Strided, dot, dsdot};
use pdot_testkit::SplitMix64;
use pdot_testkit::backends;
use proptest::prelude::*;

/// The whole of `v`, backwards (`inc = -1`).
fn back<T: Copy>(v: &[T]) -> Strided<'_, T> {
    Strided::new(v, v.len(), -1).unwrap()
}

/// Every way to compute `x · y` for f64 inputs: each backend and level, forwards, and
/// backwards on reversed copies (the same logical vectors).
fn all_f64(x: &[f64], y: &[f64]) -> Vec<(String, f64)> {
    let rx: Vec<f64> = x.iter().rev().copied().collect();
    let ry: Vec<f64> = y.iter().rev().copied().collect();
    let mut out = Vec::new();
    for b in backends() {
        for &a in Accuracy::ALL {
            out.push((format!("{} {a}", b.isa()), b.dot(a, x, y)));
            out.push((
                format!("{} {a} inc=-1", b.isa()),
                b.dot_strided(a, back(&rx), back(&ry)),
            ));
        }
    }
    out
}

/// The same for f32 inputs: f32 results widened to f64 (exactly), and mixed results.
fn all_f32(x: &[f32], y: &[f32]) -> Vec<(String, f64)> {
    let rx: Vec<f32> = x.iter().rev().copied().collect();
    let ry: Vec<f32> = y.iter().rev().copied().collect();
    let mut out = Vec::new();
    for b in backends() {
        for &a in Accuracy::ALL {
            out.push((format!("{} {a} f32", b.isa()), f64::from(b.dot(a, x, y))));
            out.push((
                format!("{} {a} f32 inc=-1", b.isa()),
                f64::from(b.dot_strided(a, back(&rx), back(&ry))),
            ));
            out.push((
                format!("{} {a} f32->f64", b.isa()),
                b.dot_strided_as::<f64, f32>(a, x.into(), y.into()),
            ));
            out.push((
                format!("{} {a} f32->f64 inc=-1", b.isa()),
                b.dot_strided_as::<f64, f32>(a, back(&rx), back(&ry)),
            ));
        }
    }
    out
}

/// Finite values of moderate size: no product or sum of a few thousand overflows.
fn moderate(n: usize, rng: &mut SplitMix64) -> Vec<f64> {
    (0..n).map(|_| rng.wide(-20, 20)).collect()
}

/// A NaN with a random payload and sign (quiet or signalling).
fn any_nan(rng: &mut SplitMix64) -> f64 {
    let payload = rng.next_u64() & ((1u64 << 52) - 1);
    f64::from_bits(0x7ff0_0000_0000_0000 | payload | 1 | (rng.next_u64() & (1 << 63)))
}

fn any_nan_f32(rng: &mut SplitMix64) -> f32 {
    let payload = rng.next_u64() as u32 & ((1u32 << 23) - 1);
    f32::from_bits(0x7f80_0000 | payload | 1 | (rng.next_u64() as u32 & (1 << 31)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// One NaN anywhere, in x or y, whatever else is there (infinities included): NaN.
    #[test]
    fn any_nan_gives_nan(n in 1..300usize, seed in any::<u64>(), infs in 0..3usize) {
        let mut rng = SplitMix64::seeded(seed);
        let (mut x, mut y) = (moderate(n, &mut rng), moderate(n, &mut rng));
        for _ in 0..infs {
            let i = rng.range(0, n as i64 - 1) as usize;
            x[i] = if rng.coin() { f64::INFINITY } else { f64::NEG_INFINITY };
        }
        let i = rng.range(0, n as i64 - 1) as usize;
        if rng.coin() { x[i] = any_nan(&mut rng) } else { y[i] = any_nan(&mut rng) }
        for (what, r) in all_f64(&x, &y) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
        let (mut xf, yf): (Vec<f32>, Vec<f32>) = (x.iter().map(|&v| v as f32).collect(), y.iter().map(|&v| v as f32).collect());
        xf[rng.range(0, n as i64 - 1) as usize] = any_nan_f32(&mut rng);
        for (what, r) in all_f32(&xf, &yf) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
    }

    /// inf · 0 anywhere: NaN.
    #[test]
    fn infinity_times_zero_gives_nan(n in 1..300usize, seed in any::<u64>()) {
        let mut rng = SplitMix64::seeded(seed);
        let (mut x, mut y) = (moderate(n, &mut rng), moderate(n, &mut rng));
        let i = rng.range(0, n as i64 - 1) as usize;
        let inf = if rng.coin() { f64::INFINITY } else { f64::NEG_INFINITY };
        let zero = if rng.coin() { 0.0 } else { -0.0 };
        if rng.coin() { (x[i], y[i]) = (inf, zero) } else { (x[i], y[i]) = (zero, inf) }
        for (what, r) in all_f64(&x, &y) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
        let (xf, yf): (Vec<f32>, Vec<f32>) = (x.iter().map(|&v| v as f32).collect(), y.iter().map(|&v| v as f32).collect());
        for (what, r) in all_f32(&xf, &yf) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
    }

    /// A +inf product and a −inf product, wherever they are: NaN.
    #[test]
    fn opposite_infinite_products_give_nan(n in 2..300usize, seed in any::<u64>()) {
        let mut rng = SplitMix64::seeded(seed);
        let (mut x, mut y) = (moderate(n, &mut rng), moderate(n, &mut rng));
        let i = rng.range(0, n as i64 - 1) as usize;
        let j = (i + 1 + rng.range(0, n as i64 - 2) as usize) % n;
        x[i] = f64::INFINITY;
        x[j] = f64::INFINITY;
        y[i] = y[i].abs();
        y[j] = -y[j].abs();
        if rng.coin() {
            // The infinities may sit in y instead, and the signs in x.
            std::mem::swap(&mut x, &mut y);
        }
        for (what, r) in all_f64(&x, &y) {
            prop_assert!(r.is_nan(), "{}: {} instead of NaN", what, r);
        }
        let (xf, yf): (Vec<f32>, Vec<f32>) = (x.iter().map(|&v| v as f32).collect(), y.iter().map(|&v| v as f32).collect());
        for (what, r) in all_f32(&xf, &yf) {
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
        let mut rng = SplitMix64::seeded(seed);
        let (mut x, mut y) = (moderate(n, &mut rng), moderate(n, &mut rng));
        for _ in 0..count {
            let i = rng.range(0, n as i64 - 1) as usize;
            // Random signs on each side, product of the chosen sign.
            let s = if rng.coin() { 1.0 } else { -1.0 };
            x[i] = s * f64::INFINITY;
            y[i] = s * y[i].abs() * if negative { -1.0 } else { 1.0 };
        }
        let want = if negative { f64::NEG_INFINITY } else { f64::INFINITY };
        for (what, r) in all_f64(&x, &y) {
            prop_assert_eq!(r, want, "{}", what);
        }
        let (xf, yf): (Vec<f32>, Vec<f32>) = (x.iter().map(|&v| v as f32).collect(), y.iter().map(|&v| v as f32).collect());
        for (what, r) in all_f32(&xf, &yf) {
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
    let mut bits = Vec::new();
    for nan in [
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::from_bits(0xfff8_dead_beef_0001),
    ] {
        let mut x = vec![1.0; 77];
        x[40] = nan;
        for (_, r) in all_f64(&x, &[2.0; 77]) {
            bits.push(r.to_bits());
        }
    }
    let mut fbits = Vec::new();
    for nan in [
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001),
        f32::from_bits(0xffc0_beef),
    ] {
        let mut x = vec![1.0f32; 77];
        x[3] = nan;
        for b in backends() {
            for &a in Accuracy::ALL {
                fbits.push(b.dot(a, &x, &[2.0; 77]).to_bits());
            }
        }
    }
    assert!(f64::from_bits(bits[0]).is_nan() && f32::from_bits(fbits[0]).is_nan());
    assert!(
        bits.iter().all(|&b| b == bits[0]),
        "f64 NaNs differ: {bits:x?}"
    );
    assert!(
        fbits.iter().all(|&b| b == fbits[0]),
        "f32 NaNs differ: {fbits:x?}"
    );
    // Positive and quiet.
    assert_eq!(bits[0] >> 63, 0);
    assert_ne!(bits[0] & (1 << 51), 0);
    assert_eq!(fbits[0] >> 31, 0);
    assert_ne!(fbits[0] & (1 << 22), 0);
}
