//! `Accuracy::Exact` on products confined to bands of binades that change along the vector,
//! against the independent big-integer reference, bit for bit, on every backend.
//!
//! The exact kernel picks, block by block, one window of 40 binades below the block's
//! largest product, or two, three or six levels reaching 84, 126 or 252 binades down, or
//! the integer bins, or the scalar path, and
//! multiplies `x` by a power of two where the window reaches below 2^-968 (products whose
//! TwoProduct error would not be exact). These cases aim at each choice and at the switches
//! between them: bands 10 to 300 binades wide, their tops anywhere from the subnormal range
//! to near overflow, changing every `run` elements (from a few to several blocks), with
//! zeros, subnormal operands and sign mixes. `f64` and `f32` inputs.

use crate::common;

use pdot_kernels::{Accuracy, Strided, dot_with};
use pdot_testkit::SplitMix64;
use pdot_testkit::backends;
use pdot_testkit::hard::pow2;
use pdot_testkit::{ExactSum, exact_dot_ieee, exact_dot_ieee_f32};
use proptest::prelude::*;

/// One band: products `2^(top - width) .. 2^(top + 1)` in magnitude.
#[derive(Clone, Copy, Debug)]
struct Band {
    top: i32,
    width: i32,
}

/// Band widths in binades, around the kernel's thresholds (40, 84, 126, 252).
fn widths() -> impl Strategy<Value = i32> {
    prop_oneof![
        1 => 0..=10i32,
        2 => 30..=50i32,
        2 => 80..=140i32,
        1 => 141..=235i32,
        2 => 236..=270i32,
        1 => 271..=400i32,
    ]
}

/// Bands for `f64` products: [`widths`], tops from the subnormal range (products as small
/// as 2^-1100, which underflow) to near overflow.
fn bands64() -> impl Strategy<Value = Band> {
    let top = prop_oneof![
        3 => -40..=40i32,
        2 => -1060..=-900i32,
        1 => -1100..=1000i32,
        1 => 900..=1000i32,
    ];
    (top, widths()).prop_map(|(top, width)| Band { top, width })
}

/// Bands for `f32` products (exact in `f64`, 2^-298 .. 2^256).
fn bands32() -> impl Strategy<Value = Band> {
    (-290..=250i32, widths()).prop_map(|(top, width)| Band { top, width })
}

/// The testkit's generator, with the draws these cases need.
struct Mix(SplitMix64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() % (hi - lo + 1) as u64) as i32
    }

    /// A significand in [1, 2) with a random sign.
    fn significand(&mut self) -> f64 {
        let m = 1.0 + (self.next() >> 11) as f64 * pow2(-53);
        if self.next() & 1 == 0 { m } else { -m }
    }
}

/// `2^e * m` for any `e` in `-1100..=1023` (rounded into the subnormal range, or to zero,
/// below 2^-1022).
fn scaled(m: f64, e: i32) -> f64 {
    let (a, b) = (e / 2, e - e / 2);
    m * pow2(a.clamp(-1074, 1023)) * pow2(b.clamp(-1074, 1023))
}

/// Pairs whose products lie in `bands[k]` for the `k`-th run of `run` elements (cycling),
/// with a `zeros` in 16 chance of a zero operand.
fn banded(
    n: usize,
    bands: &[Band],
    run: usize,
    zeros: u64,
    seed: u64,
    (emin, emax): (i32, i32),
) -> (Vec<f64>, Vec<f64>) {
    let mut g = Mix(SplitMix64::seeded(seed));
    (0..n)
        .map(|i| {
            let band = bands[(i / run.max(1)) % bands.len()];
            let t = band.top - g.range(0, band.width);
            // Split the product's exponent between the operands, within their range.
            let ex = (t / 2 + g.range(-30, 30)).clamp(emin, emax);
            let ey = (t - ex).clamp(emin, emax);
            let (mut x, mut y) = (scaled(g.significand(), ex), scaled(g.significand(), ey));
            if g.next() % 16 < zeros {
                if g.next() & 1 == 0 {
                    x = 0.0;
                } else {
                    y = -0.0;
                }
            }
            (x, y)
        })
        .unzip()
}

/// Runs: a few elements, about one block, several blocks.
fn runs() -> impl Strategy<Value = usize> {
    prop_oneof![1 => 1..64usize, 2 => 4000..10000usize, 1 => 10000..40000usize]
}

/// Lengths: short (the scalar method on short ranges), a few blocks, many blocks.
fn lengths() -> impl Strategy<Value = usize> {
    prop_oneof![1 => 0..600usize, 3 => 600..20000usize, 1 => 20000..60000usize]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(1500)))]

    /// `f64`: every backend, against the reference.
    #[test]
    fn f64_bands_match_reference(
        bands in prop::collection::vec(bands64(), 1..4),
        run in runs(),
        n in lengths(),
        zeros in 0..6u64,
        seed in any::<u64>(),
    ) {
        let (x, y) = banded(n, &bands, run, zeros, seed, (-1074, 1023));
        let want = exact_dot_ieee(&x, &y).to_f64();
        for b in backends() {
            let got = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(
                got.to_bits(), want.to_bits(),
                "{} {:?} run={} n={} seed={}: {:e} != {:e}", b.isa(), bands, run, n, seed, got, want
            );
        }
        prop_assert_eq!(dot_with(Accuracy::Exact, &x, &y).to_bits(), want.to_bits());
    }

    /// `f64` whose sum cancels down to its last few terms (see [`cancelled`]): every
    /// backend, against the reference.
    #[test]
    fn f64_cancelled_bands_match_reference(
        bands in prop::collection::vec(bands64(), 1..4),
        run in runs(),
        n in lengths(),
        zeros in 0..6u64,
        seed in any::<u64>(),
        keep in 0..3usize,
    ) {
        let (x, y) = cancelled(n, &bands, run, zeros, seed, keep);
        let want = exact_dot_ieee(&x, &y).to_f64();
        for b in backends() {
            let got = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(
                got.to_bits(), want.to_bits(),
                "{} {:?} run={} n={} seed={} keep={}: {:e} != {:e}",
                b.isa(), bands, run, n, seed, keep, got, want
            );
        }
    }

    /// `f32` inputs, `f32` and `f64` results: every backend, against the reference.
    #[test]
    fn f32_bands_match_reference(
        bands in prop::collection::vec(bands32(), 1..4),
        run in runs(),
        n in lengths(),
        zeros in 0..6u64,
        seed in any::<u64>(),
    ) {
        let (x, y) = banded(n, &bands, run, zeros, seed, (-149, 127));
        let (x, y): (Vec<f32>, Vec<f32>) = (
            x.iter().map(|&v| v as f32).collect(),
            y.iter().map(|&v| v as f32).collect(),
        );
        let want = exact_dot_ieee_f32(&x, &y);
        for b in backends() {
            let got32: f32 = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(got32.to_bits(), want.to_f32().to_bits(), "{} f32 {:?} run={} n={} seed={}", b.isa(), bands, run, n, seed);
            let got64 = b.dot_strided_as::<f64, f32>(Accuracy::Exact, Strided::from(&x[..]), Strided::from(&y[..]));
            prop_assert_eq!(got64.to_bits(), want.to_f64().to_bits(), "{} f64 {:?} run={} n={} seed={}", b.isa(), bands, run, n, seed);
        }
    }
}

/// The exact sum `s` as `f64` terms, largest first, each the rounding of what the ones
/// before it leave: their exact sum is `s`, but for a rest below the smallest subnormal
/// number (and the terms stop at one that overflows).
fn expansion(s: &ExactSum) -> Vec<f64> {
    let mut rest = s.clone();
    let mut terms = Vec::new();
    loop {
        let v = rest.to_f64();
        if v == 0.0 || !v.is_finite() {
            return terms;
        }
        terms.push(v);
        rest.add_f64(-v);
    }
}

/// Banded pairs followed by products `-t * 1` that cancel the largest terms of their
/// exact sum ([`expansion`]), all but the last `keep`: the result is what the small terms
/// and the rest leave, so a block that lost any low bit of its products changes it (a
/// rounded sum of products hides errors far below its last place).
fn cancelled(
    n: usize,
    bands: &[Band],
    run: usize,
    zeros: u64,
    seed: u64,
    keep: usize,
) -> (Vec<f64>, Vec<f64>) {
    let (mut x, mut y) = banded(n, bands, run, zeros, seed, (-1074, 1023));
    let terms = expansion(&exact_dot_ieee(&x, &y).sum);
    for &t in &terms[..terms.len().saturating_sub(keep)] {
        x.push(-t);
        y.push(1.0);
    }
    (x, y)
}

/// Short vectors (up to 40 products: the exact value of at most 32 is rounded without the
/// superaccumulator): banded pairs, then some of them again with the product negated and
/// the other operand perturbed by a few units in the last place, so that the sum cancels
/// down to anywhere below the products.
fn short_cancelling(
    n: usize,
    band: Band,
    cancel: usize,
    seed: u64,
    (emin, emax): (i32, i32),
) -> (Vec<f64>, Vec<f64>) {
    let (mut x, mut y) = banded(n, &[band], n.max(1), 1, seed, (emin, emax));
    let mut g = Mix(SplitMix64::seeded(seed ^ 0x5eed));
    for j in 0..cancel.min(n / 2) {
        let (a, b) = (x[j], y[j]);
        let ulps = g.range(-3, 3) as i64;
        // On the encoding (wrapping: -0.0 and its neighbours), a few units in the last
        // place away; a NaN or infinity so made is not used.
        let b2 = f64::from_bits(b.to_bits().wrapping_add_signed(ulps));
        x[n - 1 - j] = -a;
        y[n - 1 - j] = if b2.is_finite() { b2 } else { b };
    }
    (x, y)
}

/// Sums at a tie or next to one: `2^e * m` (m's last bit odd or even), half a unit in the
/// last place `2^(e - 53)` of either sign, and a sticky `2^(e - 53 - t)` of either sign or
/// none, as products with operands 1 and the powers split between x and y.
fn ties(e: i32, odd: bool, half: f64, t: i32, sticky: f64) -> (Vec<f64>, Vec<f64>) {
    let m = 1.0 + if odd { pow2(-52) } else { 2.0 * pow2(-52) };
    let vals = [(m, e), (half, e - 53), (sticky, e - 53 - t)];
    vals.iter()
        .map(|&(v, k)| (scaled(v, k / 2), pow2((k - k / 2).clamp(-1022, 1023))))
        .unzip()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(3000)))]

    /// Short `f64` vectors with cancellation: every backend, against the reference.
    #[test]
    fn f64_short_match_reference(
        band in bands64(),
        n in 0..=40usize,
        cancel in 0..=20usize,
        seed in any::<u64>(),
    ) {
        let (x, y) = short_cancelling(n, band, cancel, seed, (-1074, 1023));
        let want = exact_dot_ieee(&x, &y).to_f64();
        for b in backends() {
            let got = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(
                got.to_bits(), want.to_bits(),
                "{} {:?} n={} seed={}: {:e} != {:e}", b.isa(), band, n, seed, got, want
            );
        }
    }

    /// Short `f32` vectors with cancellation, `f32` and `f64` results.
    #[test]
    fn f32_short_match_reference(
        band in bands32(),
        n in 0..=40usize,
        cancel in 0..=20usize,
        seed in any::<u64>(),
    ) {
        let (x, y) = short_cancelling(n, band, cancel, seed, (-149, 127));
        let (x, y): (Vec<f32>, Vec<f32>) = (
            x.iter().map(|&v| v as f32).collect(),
            y.iter().map(|&v| v as f32).collect(),
        );
        let want = exact_dot_ieee_f32(&x, &y);
        for b in backends() {
            let got32: f32 = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(got32.to_bits(), want.to_f32().to_bits(), "{} f32 {:?} n={} seed={}", b.isa(), band, n, seed);
            let got64 = b.dot_strided_as::<f64, f32>(Accuracy::Exact, Strided::from(&x[..]), Strided::from(&y[..]));
            prop_assert_eq!(got64.to_bits(), want.to_f64().to_bits(), "{} f64 {:?} n={} seed={}", b.isa(), band, n, seed);
        }
    }

    /// Three products summing to a tie of `f64`, or next to one, at any scale.
    #[test]
    fn f64_short_ties_round_to_even(
        e in -960..=1000i32,
        odd in any::<bool>(),
        half in prop_oneof![Just(1.0), Just(-1.0)],
        t in 1..=80i32,
        sticky in prop_oneof![Just(0.0), Just(1.0), Just(-1.0)],
    ) {
        let (x, y) = ties(e, odd, half, t, sticky);
        let want = exact_dot_ieee(&x, &y).to_f64();
        for b in backends() {
            let got = b.dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(got.to_bits(), want.to_bits(), "{} e={} {:?}", b.isa(), e, (&x, &y));
        }
    }
}
