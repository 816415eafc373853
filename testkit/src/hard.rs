//! Inputs that are hard for an *exact* dot product, on top of the families of
//! [`crate::families`]: values anywhere in the exponent range (subnormals and the overflow range
//! included), products beyond the format's range that cancel exactly, sums that overflow or
//! just fail to, sums that fall exactly halfway between two neighbouring results (and just
//! off), signed zeros, and special values.
//!
//! Every generator makes `f64` values that are representable in the *input* format (`f64`
//! or `f32`), so one code path serves `dot` of `f64`, `dot` of `f32` and `dsdot`; the
//! `*_f32` functions narrow them (exactly). Which results are hard depends on the *output*
//! format too (a tie of `f64` is no tie of `f32`), so the generators take both.
//!
//! The expected results always come from the reference ([`crate::ExactDot`]), never
//! from the construction: the constructions only make sure the hard cases occur.

use crate::families::{Family, gen_f32, gen_f64};
use crate::float::Float;
pub use crate::float::{BINARY32, BINARY64, Format};
use crate::rng::SplitMix64;
use crate::special::sprinkle;

/// `2^k`, exactly, for `-1074 <= k <= 1023`.
///
/// ```
/// assert_eq!(pdot_testkit::hard::pow2(-1074), f64::from_bits(1));
/// ```
pub fn pow2(k: i32) -> f64 {
    assert!((-1074..=1023).contains(&k), "2^{k} is not an f64");
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// `±m · 2^k`, exactly: `m < 2^53` and the value must be representable in `f64`.
///
/// ```
/// assert_eq!(pdot_testkit::hard::scaled(true, 3, -1), -1.5);
/// ```
pub fn scaled(negative: bool, m: u64, k: i32) -> f64 {
    assert!(m < 1 << 53);
    if m == 0 {
        return if negative { -0.0 } else { 0.0 };
    }
    let tz = m.trailing_zeros();
    let (m, k) = (m >> tz, k + tz as i32);
    let bits = 64 - m.leading_zeros() as i32;
    assert!(k >= -1074 && k + bits <= 1024, "{m} * 2^{k} is not an f64");
    // Two exact steps: m · 2^(k/2) stays well inside the normal range.
    let half = k / 2;
    let v = (m as f64) * pow2(half) * pow2(k - half);
    if negative { -v } else { v }
}

/// Whether `v` is exactly representable in `f`.
///
/// ```
/// use pdot_testkit::hard::{BINARY32, representable};
/// assert!(representable(0.5, BINARY32));
/// assert!(!representable(0.1, BINARY32));
/// ```
pub fn representable(v: f64, f: Format) -> bool {
    if !v.is_finite() {
        return true;
    }
    if f == BINARY64 {
        return true;
    }
    f64::from(v as f32).to_bits() == v.to_bits()
}

/// A random `±m · 2^(e - precision + 1)` of format `f` in `[2^e, 2^(e+1))` (fewer bits when
/// that is subnormal), `f.lsb_min() <= e <= f.emax`.
///
/// ```
/// use pdot_testkit::{SplitMix64, hard::{BINARY64, value_at}};
/// let v = value_at(&mut SplitMix64::new(1), BINARY64, 3);
/// assert!((8.0..16.0).contains(&v.abs()));
/// ```
pub fn value_at(rng: &mut SplitMix64, f: Format, e: i32) -> f64 {
    let e = e.clamp(f.lsb_min(), f.emax);
    let lsb = (e - f.precision + 1).max(f.lsb_min());
    let bits = e - lsb + 1;
    let top = 1u64 << (bits - 1);
    let m = top | (rng.next_u64() & (top - 1));
    scaled(rng.coin(), m, lsb)
}

/// [`value_at`] with an exponent uniform in `lo..=hi`.
///
/// ```
/// use pdot_testkit::{SplitMix64, hard::{BINARY32, value_in}};
/// let v = value_in(&mut SplitMix64::new(1), BINARY32, -2, 2);
/// assert!((0.25..8.0).contains(&v.abs()));
/// ```
pub fn value_in(rng: &mut SplitMix64, f: Format, lo: i32, hi: i32) -> f64 {
    let e = rng.range(i64::from(lo), i64::from(hi)) as i32;
    value_at(rng, f, e)
}

/// How a case is built.
///
/// ```
/// use pdot_testkit::{exact_dot_ieee, hard::{Hard, gen_hard_f64}};
/// let (x, y) = gen_hard_f64(Hard::SignedZeros { all_neg: true, cancelling: false, tiny: false }, 16, 1);
/// let r = exact_dot_ieee(&x, &y).to_f64();
/// assert!(r == 0.0 && r.is_sign_negative());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hard {
    /// A family of [`crate::families`].
    Base(Family),
    /// Every exponent in `lo..=lo + width` equally likely (clamped to the input format):
    /// subnormals, the overflow range of the products, anything.
    Window {
        /// The lowest exponent.
        lo: i32,
        /// How many exponents above `lo`.
        width: i32,
    },
    /// Products at the top of the range (beyond the output format's when the input allows)
    /// in pairs that cancel exactly (`a·b` with `−a·b`, `a·−b`, `b·−a`), among ordinary
    /// products. With `miss`, some partners are off by a few units in the last place, which
    /// leaves a residual that may itself be beyond the range.
    HugeCancel {
        /// Some partners miss by a few units in the last place.
        miss: bool,
    },
    /// Products near the top of the output range, mostly of one sign: sums that overflow to
    /// ±inf or stay just inside.
    Overflow,
    /// A value `B` of the output format plus exactly half its unit in the last place (a
    /// tie), and with `sticky` a much smaller term that breaks the tie; `B` is sometimes the
    /// largest finite value or subnormal. Each term is split into products of the input
    /// format, hidden among pairs of products that cancel exactly.
    Ties {
        /// A much smaller term breaks the tie.
        sticky: bool,
    },
    /// Zero products of both signs; with `all_neg` every one is −0. With `cancelling`, pairs
    /// of nonzero products that cancel exactly; with `tiny`, one product far below the
    /// output format's smallest subnormal.
    SignedZeros {
        /// Every zero product is −0.
        all_neg: bool,
        /// Pairs of nonzero products that cancel exactly.
        cancelling: bool,
        /// One product far below the smallest subnormal.
        tiny: bool,
    },
    /// A [`Hard::Base`] family with NaN (various payloads), ±inf, ±0, the largest finite
    /// values and subnormals sprinkled in.
    Specials(Family),
}

/// [`Hard::Specials`]: a family with a few special values sprinkled into `x` and `y`.
fn with_specials<E: Float>((mut x, mut y): (Vec<E>, Vec<E>), seed: u64) -> (Vec<E>, Vec<E>) {
    let mut rng = SplitMix64::seeded(seed ^ 0x5bec_1a15);
    let count = rng.range(1, 3) as usize;
    sprinkle(&mut x, count, &mut rng);
    sprinkle(&mut y, rng.range(0, 1) as usize, &mut rng);
    (x, y)
}

/// `f64` inputs for an `f64` result: about `n` pairs (the constructions of
/// [`Hard::Ties`] need a few elements, so short cases may come out longer).
///
/// ```
/// use pdot_testkit::hard::{Hard, gen_hard_f64};
/// let (x, y) = gen_hard_f64(Hard::Overflow, 20, 5);
/// assert_eq!(x.len(), y.len());
/// ```
pub fn gen_hard_f64(h: Hard, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    match h {
        Hard::Base(family) => gen_f64(family, n, seed),
        Hard::Specials(family) => with_specials(gen_f64(family, n, seed), seed),
        _ => build(h, n, seed, BINARY64, BINARY64),
    }
}

/// `f32` inputs, the hard cases made for an `out` result (`BINARY32` for `dot`, `BINARY64`
/// for `dsdot`).
///
/// ```
/// use pdot_testkit::hard::{BINARY64, Hard, gen_hard_f32};
/// let (x, y) = gen_hard_f32(Hard::Ties { sticky: false }, 10, 5, BINARY64);
/// assert_eq!(x.len(), y.len());
/// ```
pub fn gen_hard_f32(h: Hard, n: usize, seed: u64, out: Format) -> (Vec<f32>, Vec<f32>) {
    match h {
        Hard::Base(family) => gen_f32(family, n, seed),
        Hard::Specials(family) => with_specials(gen_f32(family, n, seed), seed),
        _ => {
            let (x, y) = build(h, n, seed, BINARY32, out);
            (narrow(&x), narrow(&y))
        }
    }
}

/// `v` as `f32`, checking that nothing is lost.
///
/// ```
/// assert_eq!(pdot_testkit::hard::narrow(&[0.5, -2.0]), vec![0.5f32, -2.0]);
/// ```
pub fn narrow(v: &[f64]) -> Vec<f32> {
    v.iter()
        .map(|&a| {
            assert!(representable(a, BINARY32), "{a:e} is not an f32");
            a as f32
        })
        .collect()
}

/// A term `±m · 2^k` of an exact sum (`m < 2^53`).
#[derive(Clone, Copy, Debug)]
struct Term {
    negative: bool,
    m: u64,
    k: i32,
}

/// The constructed families, in `f64` values representable in `fi`.
fn build(h: Hard, n: usize, seed: u64, fi: Format, fo: Format) -> (Vec<f64>, Vec<f64>) {
    let mut rng = SplitMix64::seeded(seed);
    let (mut x, mut y) = (Vec::with_capacity(n + 8), Vec::with_capacity(n + 8));
    match h {
        Hard::Base(_) | Hard::Specials(_) => unreachable!("not constructed here"),
        Hard::Window { lo, width } => {
            let lo = lo.clamp(fi.lsb_min(), fi.emax);
            let hi = (lo + width).min(fi.emax);
            for _ in 0..n {
                let ex = rng.range(i64::from(lo), i64::from(hi)) as i32;
                let ey = rng.range(i64::from(lo), i64::from(hi)) as i32;
                x.push(value_at(&mut rng, fi, ex));
                y.push(value_at(&mut rng, fi, ey));
            }
        }
        Hard::HugeCancel { miss } => {
            // Product exponents at the top of what the input allows, beyond the output's
            // range when the input allows that.
            let top = 2 * fi.emax;
            let low = (fo.emax - 8).min(top - 16);
            let small = rng.range(0, (n / 4) as i64 + 1) as usize;
            let small = small.min(n);
            for _ in 0..small {
                x.push(value_in(&mut rng, fi, -40, 40));
                y.push(value_in(&mut rng, fi, -40, 40));
            }
            while x.len() + 2 <= n {
                let p = rng.range(i64::from(low), i64::from(top)) as i32;
                let ea = rng.range(i64::from(p - fi.emax), i64::from(fi.emax)) as i32;
                let (a, b) = (value_at(&mut rng, fi, ea), value_at(&mut rng, fi, p - ea));
                x.push(a);
                y.push(b);
                let (mut c, mut d) = match rng.range(0, 3) {
                    0 => (-a, b),
                    1 => (a, -b),
                    2 => (b, -a),
                    _ => (-b, a),
                };
                if miss && rng.range(0, 3) == 0 {
                    // One to three units in the last place off (towards zero, so that it
                    // stays finite).
                    let steps = rng.range(1, 3) as u64;
                    let bits = c.to_bits();
                    if bits & ((1 << 52) - 1) >= steps << 29 {
                        c = f64::from_bits(bits - (steps << (53 - fi.precision)));
                    }
                    std::mem::swap(&mut c, &mut d);
                }
                x.push(c);
                y.push(d);
            }
            if x.len() < n {
                x.push(value_at(&mut rng, fi, 0));
                y.push(0.0);
            }
        }
        Hard::Overflow => {
            let top = (fo.emax + 1).min(2 * fi.emax);
            let one_sign = rng.coin();
            let negative = rng.coin();
            for _ in 0..n {
                let p = rng.range(i64::from(top - 4), i64::from(top)) as i32;
                let ea = rng.range(i64::from(p - fi.emax), i64::from(fi.emax)) as i32;
                let (a, b) = (value_at(&mut rng, fi, ea), value_at(&mut rng, fi, p - ea));
                let want_negative = if one_sign { negative } else { rng.coin() };
                let b = if (a < 0.0) != (b < 0.0) { b } else { -b };
                // a·b is now negative; flip to the wanted sign.
                let b = if want_negative { b } else { -b };
                x.push(a);
                y.push(b);
            }
        }
        Hard::Ties { sticky } => {
            let terms = tie_terms(&mut rng, sticky, fi, fo);
            for t in terms {
                for (a, b) in products_of(&mut rng, t, fi) {
                    x.push(a);
                    y.push(b);
                }
            }
            // Noise: pairs of products that cancel exactly, near the scale of the tie.
            let scale = rng.range(-60, 60) as i32;
            while x.len() + 2 <= n {
                let ea = rng.range(i64::from(fi.lsb_min()), i64::from(fi.emax)) as i32;
                let eb = (scale - ea).clamp(fi.lsb_min(), fi.emax);
                let (a, b) = (value_at(&mut rng, fi, ea), value_at(&mut rng, fi, eb));
                x.push(a);
                y.push(b);
                x.push(-a);
                y.push(b);
            }
            if x.len() < n {
                x.push(0.0);
                y.push(value_at(&mut rng, fi, 0));
            }
        }
        Hard::SignedZeros {
            all_neg,
            cancelling,
            tiny,
        } => {
            for _ in 0..n {
                let other = match rng.range(0, 3) {
                    0 => 0.0,
                    1 => pow2(fi.lsb_min()),
                    _ => value_in(&mut rng, fi, -10, 10),
                };
                let other = if rng.coin() { -other } else { other };
                let zero_negative = if all_neg {
                    !other.is_sign_negative()
                } else {
                    rng.coin()
                };
                let zero = if zero_negative { -0.0 } else { 0.0 };
                if rng.coin() {
                    x.push(zero);
                    y.push(other);
                } else {
                    x.push(other);
                    y.push(zero);
                }
            }
            if cancelling && n >= 2 {
                for _ in 0..rng.range(1, 3) {
                    let i = rng.range(0, n as i64 - 1) as usize;
                    let j = rng.range(0, n as i64 - 1) as usize;
                    if i == j {
                        continue;
                    }
                    let a = value_in(&mut rng, fi, -20, 20);
                    let b = value_in(&mut rng, fi, -20, 20);
                    (x[i], y[i], x[j], y[j]) = (a, b, -a, b);
                }
            }
            if tiny && n >= 1 {
                // Far below the output's smallest subnormal, when the input allows it.
                let i = rng.range(0, n as i64 - 1) as usize;
                let a = pow2(fi.lsb_min());
                let e = (fo.lsb_min() - 2 - fi.lsb_min()).clamp(fi.lsb_min(), fi.emax);
                let b = value_at(&mut rng, fi, e);
                x[i] = a;
                y[i] = b;
            }
        }
    }
    rng.shuffle_pair(&mut x, &mut y);
    debug_assert!(x.iter().chain(&y).all(|&v| representable(v, fi)));
    (x, y)
}

/// The terms of a sum exactly halfway between two neighbours of format `fo` (or just off,
/// with `sticky`), each small enough to be split into products of `fi`.
fn tie_terms(rng: &mut SplitMix64, sticky: bool, fi: Format, fo: Format) -> Vec<Term> {
    // Products of fi lie in [2^(2 lsb_min), 2^(2 emax + 2)): keep every term inside.
    let lowest = 2 * fi.lsb_min() + 2;
    let highest = (2 * fi.emax).min(fo.emax);
    // Exponent of B: the largest finite value, the subnormal range, or anything feasible.
    let e_min_feasible = (lowest + fo.precision + 130).max(fo.lsb_min());
    let e_b = match rng.range(0, 4) {
        0 => highest,
        1 if fo.lsb_min() >= lowest + 130 => {
            rng.range(i64::from(fo.lsb_min()), i64::from(fo.emin)) as i32
        }
        _ => rng.range(i64::from(e_min_feasible), i64::from(highest)) as i32,
    };
    // The unit in the last place of B (subnormals: the smallest subnormal).
    let ulp = (e_b - fo.precision + 1).max(fo.lsb_min());
    let bits = e_b - ulp + 1;
    let top = 1u64 << (bits - 1);
    let m = if rng.range(0, 3) == 0 {
        // All ones: rounding up carries through the whole mantissa.
        (top << 1) - 1
    } else {
        top | (rng.next_u64() & (top - 1))
    };
    let negative = rng.coin();
    let mut terms = vec![
        Term {
            negative,
            m,
            k: ulp,
        },
        // Half an ulp, either way: B + ulp/2 and B - ulp/2 are both ties.
        Term {
            negative: rng.coin(),
            m: 1,
            k: ulp - 1,
        },
    ];
    if sticky {
        // At most 8 bits, all below the half ulp.
        let below = rng.range(1, 120) as i32;
        let k = (ulp - 9 - below).max(lowest);
        let m = (rng.next_u64() & 0xff) | 1;
        terms.push(Term {
            negative: rng.coin(),
            m,
            k,
        });
    }
    terms
}

/// Products `x·y` of format `fi` that add up to `t` exactly: the mantissa in chunks of at
/// most `fi.precision` bits, each chunk times a power of two split between `x` and `y`.
fn products_of(rng: &mut SplitMix64, t: Term, fi: Format) -> Vec<(f64, f64)> {
    let p = fi.precision as u32;
    let mut out = Vec::new();
    let mut m = t.m;
    let mut k = t.k;
    while m != 0 {
        let chunk = m & ((1u64 << p) - 1);
        if chunk != 0 {
            let len = 64 - chunk.leading_zeros() as i32;
            // x = chunk · 2^k1, y = 2^k2, k1 + k2 = k, both in fi's range.
            let k2_lo = fi.lsb_min().max(k - (fi.emax - len + 1));
            let k2_hi = fi.emax.min(k - fi.lsb_min());
            assert!(k2_lo <= k2_hi, "harness bug: cannot split {chunk} * 2^{k}");
            let k2 = rng.range(i64::from(k2_lo), i64::from(k2_hi)) as i32;
            let a = scaled(false, chunk, k - k2);
            let b = pow2(k2);
            // The sign goes to either side.
            let (a, b) = match (t.negative, rng.coin()) {
                (false, _) => (a, b),
                (true, true) => (-a, b),
                (true, false) => (a, -b),
            };
            out.push(if rng.coin() { (a, b) } else { (b, a) });
        }
        m >>= p;
        k += p as i32;
    }
    out
}
