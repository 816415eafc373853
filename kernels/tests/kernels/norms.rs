//! Euclidean norms (`nrm2`, `NormPartial`), for every type pair (f64, f32, f32 -> f64):
//!
//! - Exact: bit for bit the independent reference `pdot_testkit::ExactNorm` (exact sum of
//!   squares, big-integer square root, one rounding), on every backend, contiguous and
//!   strided (negative increments included), for random vectors of the testkit families,
//!   elements near overflow, in the subnormal range, spread over the whole exponent range,
//!   single elements (|x| exactly), exact squares (3, 4 -> 5) and ties (the root exactly
//!   halfway between two neighbours, with and without a sticky bit), scaled by random
//!   powers of two, and with special values sprinkled in (+inf wins over NaN);
//! - Fast and Compensated: the correctly rounded square root of the level's own `x · x`
//!   when that is finite and at least 2^(emin + 2p) (one pass); otherwise finite and within
//!   a few ulps (Compensated) or the level's bound (Fast) of the reference; the same bits on
//!   every backend and view;
//! - `NormPartial`: a random split into pieces made on random backends, merged along a
//!   random tree, gives the bits of the one-shot Exact norm; at the other levels it stays
//!   within the bound; the wire form round-trips, and malformed bytes are errors, never a
//!   panic.
//!
//! Cases: 2000 per pair and property (a third in unoptimized builds, `common::cases`).

use crate::common;

use pdot_kernels::{
    Accuracy, Backend, CompensatedPartial, ExactPartial, FastPartial, Input, NormPartial, Partial,
    Real, WireError, dot_as, nrm2, nrm2_as,
};
use pdot_testkit::special::sprinkle;
use pdot_testkit::strategies::lengths;
use pdot_testkit::{
    Element, ExactNorm, Family, Float, SplitMix64, backends, blas_layout, strided_view,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The value `±(1.f) · 2^e` of format `E` with random fraction bits, or the subnormal (at
/// least the smallest) that truncating it gives below the normal range.
fn value<E: Float>(rng: &mut SplitMix64, e: i32) -> E {
    let f = E::FORMAT;
    let (sign, _, trailing) = E::masks();
    let frac = rng.next_u64() & trailing;
    let e = e.clamp(f.lsb_min(), f.emax);
    let bits = if e >= f.emin {
        ((e - f.emin + 1) as u64) << (f.precision - 1) | frac
    } else {
        (((trailing + 1) | frac) >> (f.emin - e)).max(1)
    };
    E::from_bits(if rng.coin() { bits | sign } else { bits })
}

/// How a test vector is made.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A testkit family (uniform, wide exponents, subnormal, small integers).
    Family(u8),
    /// Exponents near the top of the range (squares overflow).
    Huge,
    /// Exponents near the bottom (squares underflow), subnormals included.
    Tiny,
    /// Exponents over the whole range.
    Spread,
    /// Mostly moderate values, a few huge or tiny ones.
    Mixed,
}

fn kinds() -> impl Strategy<Value = Kind> {
    prop_oneof![
        2 => (0..4u8).prop_map(Kind::Family),
        2 => Just(Kind::Huge),
        2 => Just(Kind::Tiny),
        2 => Just(Kind::Spread),
        1 => Just(Kind::Mixed),
    ]
}

fn generate<E: Element>(kind: Kind, n: usize, seed: u64) -> Vec<E> {
    let f = E::FORMAT;
    let mut rng = SplitMix64::new(seed);
    let at = |lo: i32, hi: i32, rng: &mut SplitMix64| {
        let e = rng.range(i64::from(lo), i64::from(hi)) as i32;
        value::<E>(rng, e)
    };
    match kind {
        Kind::Family(k) => {
            let family = match k {
                0 => Family::Uniform,
                1 => Family::WideExponents { spread: 60 },
                2 => Family::Subnormal,
                _ => Family::SmallIntegers,
            };
            E::gen_family(family, n, seed).0
        }
        Kind::Huge => (0..n)
            .map(|_| at(f.emax / 2 - 3, f.emax, &mut rng))
            .collect(),
        Kind::Tiny => (0..n)
            .map(|_| at(f.lsb_min(), f.emin / 2 + 3, &mut rng))
            .collect(),
        Kind::Spread => (0..n).map(|_| at(f.lsb_min(), f.emax, &mut rng)).collect(),
        Kind::Mixed => (0..n)
            .map(|_| match rng.range(0, 9) {
                0 => at(f.emax - 10, f.emax, &mut rng),
                1 => at(f.lsb_min(), f.emin + 10, &mut rng),
                _ => at(-8, 8, &mut rng),
            })
            .collect(),
    }
}

fn name<O: Real, E: Input<O>>() -> &'static str {
    <E as Input<O>>::PRECISION.name()
}

fn same<O: Element>(a: O, b: O) -> bool {
    Float::bits(a) == Float::bits(b)
}

fn show<O: Element>(v: O) -> String {
    format!("{:e} ({:#x})", Float::as_f64(v), Float::bits(v))
}

/// `x` laid out with increment `inc` (NaN elsewhere), as a view, and the norm of that view on
/// backend `b` at `level`.
fn strided_norm<O: Real, E: Input<O> + Element>(
    b: Backend,
    level: Accuracy,
    x: &[E],
    inc: isize,
) -> O {
    let nan = E::from_bits(E::masks().1 | 1 << (E::FORMAT.precision - 2));
    let buf = blas_layout(x, inc, 1, nan);
    b.nrm2_strided_as::<O, E>(level, strided_view(&buf, x.len(), inc, 1))
}

/// Every backend and view gives the bits `want` of `x`'s norm at `level`.
fn every_view<O: Real + Element, E: Input<O> + Element>(
    level: Accuracy,
    x: &[E],
    want: O,
    inc: isize,
    what: &str,
) -> Result<(), TestCaseError> {
    for b in backends() {
        let got = b.nrm2_strided_as::<O, E>(level, x.into());
        prop_assert!(
            same(got, want),
            "{} {level} {what} on {}: got {}, want {}",
            name::<O, E>(),
            b.isa(),
            show(got),
            show(want)
        );
        let got = strided_norm::<O, E>(b, level, x, inc);
        prop_assert!(
            same(got, want),
            "{} {level} {what}, inc {inc}, on {}: got {}, want {}",
            name::<O, E>(),
            b.isa(),
            show(got),
            show(want)
        );
    }
    Ok(())
}

/// Exact equals the reference, everywhere.
fn exact<O: Real + Element, E: Input<O> + Element>(
    x: &[E],
    inc: isize,
) -> Result<(), TestCaseError> {
    let want = O::round_norm(&ExactNorm::of(x));
    every_view::<O, E>(Accuracy::Exact, x, want, inc, "")
}

/// 2^(emin + 2p) of `O`: the smallest sum of squares a single pass keeps.
fn one_pass_floor<O: Element>() -> f64 {
    let f = O::FORMAT;
    2f64.powi(f.emin + 2 * f.precision)
}

/// Fast and Compensated: the contract of the one pass, or accuracy after rescaling; the same
/// bits everywhere.
fn ordered<O: Real + Element, E: Input<O> + Element>(
    x: &[E],
    inc: isize,
) -> Result<(), TestCaseError> {
    let reference = O::round_norm(&ExactNorm::of(x));
    for level in [Accuracy::Fast, Accuracy::Compensated] {
        let got = nrm2_as::<O, E>(level, x);
        every_view::<O, E>(level, x, got, inc, "(as nrm2_as)")?;
        let s = dot_as::<O, E>(level, x, x);
        let s64 = Float::as_f64(s);
        if s64.is_finite() && s64 >= one_pass_floor::<O>() {
            let want = s.sqrt();
            prop_assert!(
                same(got, want),
                "{} {level}: one pass: got {}, want √(x·x) = {}",
                name::<O, E>(),
                show(got),
                show(want)
            );
        }
        within(level, x.len(), got, reference, "nrm2")?;
    }
    Ok(())
}

/// `got` within the bound of `level` of the correctly rounded `reference` (both as f64):
/// Fast `(n + 4) u` relative (the sum of squares errs by at most γ_n relatively, its root
/// by half that, plus the roundings of the root and the scaling), Compensated 4 u; plus 2
/// units of the smallest subnormal (a subnormal norm rounds twice). Infinite or NaN
/// references must be matched exactly.
fn within<O: Element>(
    level: Accuracy,
    n: usize,
    got: O,
    reference: O,
    what: &str,
) -> Result<(), TestCaseError> {
    let (g, r) = (Float::as_f64(got), Float::as_f64(reference));
    let f = O::FORMAT;
    let u = 2f64.powi(-f.precision);
    let rel = match level {
        Accuracy::Fast => (n as f64 + 4.0) * u,
        _ => 4.0 * u,
    };
    let max = Float::as_f64(O::from_bits(O::masks().1 - 1));
    if r.is_nan() {
        prop_assert!(same(got, reference), "{what} {level}: got {g:e}, want NaN");
        return Ok(());
    }
    if r.is_infinite() {
        // +inf, or a finite result within the bound of an overflowing norm.
        prop_assert!(
            g == r || g >= max * (1.0 - rel),
            "{what} {level}: got {g:e}, want {r:e}"
        );
        return Ok(());
    }
    let tol = rel * r + 2.0 * 2f64.powi(f.lsb_min());
    if r * (1.0 + rel) < max {
        prop_assert!(
            g.is_finite(),
            "{what} {level}: got {g:e} for a norm of {r:e}"
        );
    }
    if g.is_finite() {
        prop_assert!(
            (g - r).abs() <= tol,
            "{what} {level}: got {g:e}, want {r:e} within {tol:e} (n = {n})"
        );
    }
    Ok(())
}

/// Random cut points of `0..n` into 1 to 8 pieces, empty ones allowed.
fn split(n: usize, rng: &mut SplitMix64) -> Vec<std::ops::Range<usize>> {
    let k = rng.range(1, 8) as usize;
    let mut cuts: Vec<usize> = (0..k - 1)
        .map(|_| rng.range(0, n as i64) as usize)
        .collect();
    cuts.extend([0, n]);
    cuts.sort_unstable();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The norm partials of a random split of `x`, each on a random backend, merged along a
/// random tree (each through its wire form, which must give it back).
fn merged<P: Partial, E: Input<P::Output>>(
    x: &[E],
    rng: &mut SplitMix64,
) -> Result<(NormPartial<P>, usize), TestCaseError> {
    let all = backends();
    let mut parts: Vec<NormPartial<P>> = Vec::new();
    for r in split(x.len(), rng) {
        let b = all[rng.range(0, all.len() as i64 - 1) as usize];
        let p = NormPartial::<P>::of_strided_on(b, x[r].into());
        let back = NormPartial::<P>::from_wire(&p.to_wire()).map(|b| b.to_wire());
        prop_assert!(
            back == Ok(p.to_wire()),
            "wire round trip of {p:?}: {back:?}"
        );
        parts.push(p);
    }
    let pieces = parts.len();
    while parts.len() > 1 {
        let a = parts.swap_remove(rng.range(0, parts.len() as i64 - 1) as usize);
        let b = parts.swap_remove(rng.range(0, parts.len() as i64 - 1) as usize);
        let (mut l, r) = if rng.coin() { (a, b) } else { (b, a) };
        l.merge(&r);
        parts.push(l);
    }
    Ok((parts.pop().unwrap_or_default(), pieces))
}

fn splits<O: Real + Element, E: Input<O> + Element>(
    x: &[E],
    seed: u64,
) -> Result<(), TestCaseError> {
    let mut rng = SplitMix64::new(seed);
    let reference = O::round_norm(&ExactNorm::of(x));
    let (exact, _) = merged::<ExactPartial<O>, E>(x, &mut rng)?;
    prop_assert!(
        same(exact.finish(), reference),
        "{} exact split: got {}, want {}",
        name::<O, E>(),
        show(exact.finish()),
        show(reference)
    );
    prop_assert_eq!(&exact, &NormPartial::<ExactPartial<O>>::of(x));
    let (fast, k) = merged::<FastPartial<O>, E>(x, &mut rng)?;
    within(
        Accuracy::Fast,
        x.len() + k,
        fast.finish(),
        reference,
        "fast split",
    )?;
    let (comp, _) = merged::<CompensatedPartial<O>, E>(x, &mut rng)?;
    within(
        Accuracy::Compensated,
        x.len(),
        comp.finish(),
        reference,
        "compensated split",
    )?;
    Ok(())
}

/// A vector of `kind`, with special values sprinkled in one case in eight.
fn data<E: Element>(kind: Kind, n: usize, seed: u64) -> Vec<E> {
    let mut x = generate::<E>(kind, n, seed);
    if seed.is_multiple_of(8) {
        sprinkle(
            &mut x,
            1 + (seed >> 8) as usize % 3,
            &mut SplitMix64::new(seed ^ 1),
        );
    }
    x
}

const INCS: [isize; 5] = [-3, -1, 2, 5, 7];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(2000)))]

    #[test]
    fn exact_is_the_reference_f64(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        exact::<f64, f64>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn exact_is_the_reference_f32(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        exact::<f32, f32>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn exact_is_the_reference_f32_f64(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        exact::<f64, f32>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn ordered_levels_f64(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        ordered::<f64, f64>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn ordered_levels_f32(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        ordered::<f32, f32>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn ordered_levels_f32_f64(kind in kinds(), n in lengths(200), seed in any::<u64>(), inc in 0..5usize) {
        ordered::<f64, f32>(&data(kind, n, seed), INCS[inc])?;
    }

    #[test]
    fn partials_merge_in_any_split(kind in kinds(), n in lengths(200), seed in any::<u64>(), pair in 0..3u8) {
        match pair {
            0 => splits::<f64, f64>(&data(kind, n, seed), seed)?,
            1 => splits::<f32, f32>(&data(kind, n, seed), seed)?,
            _ => splits::<f64, f32>(&data(kind, n, seed), seed)?,
        }
    }

    /// Exact squares and ties, scaled by a power of two, in a random order with zeros:
    /// the norm is known (5, or 2^p exactly halfway to its neighbour 2^p + 2, with or
    /// without a sticky bit); Exact gives it, as does the reference.
    #[test]
    fn exact_squares_and_ties(pattern in 0..3u8, scale in any::<i32>(), zeros in 0..40usize, seed in any::<u64>(), pair in 0..3u8) {
        match pair {
            0 => known::<f64, f64>(pattern, scale, zeros, seed)?,
            1 => known::<f32, f32>(pattern, scale, zeros, seed)?,
            _ => known::<f64, f32>(pattern, scale, zeros, seed)?,
        }
    }

    /// Arbitrary bytes are a norm partial (that finishes, merges and re-encodes to the same
    /// bytes) or an error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40), scale in -5000i32..5000, prefix in any::<bool>()) {
        let mut b = bytes;
        if prefix {
            let mut head = b"NRM2".to_vec();
            head.extend(scale.to_le_bytes());
            head.extend(FastPartial::<f64>::of(&[1.0f64], &[1.0]).to_wire());
            let keep = head.len().min(b.len());
            head[..keep].copy_from_slice(&b[..keep]);
            head[..4].copy_from_slice(b"NRM2");
            b = head;
        }
        if let Ok(p) = NormPartial::<FastPartial<f64>>::from_wire(&b) {
            let mut q = p.clone();
            q.merge(&p);
            let _ = q.finish();
            prop_assert_eq!(p.to_wire(), b);
        }
    }
}

/// See `exact_squares_and_ties`.
fn known<O: Real + Element, E: Input<O> + Element>(
    pattern: u8,
    scale: i32,
    zeros: usize,
    seed: u64,
) -> Result<(), TestCaseError> {
    let p = O::FORMAT.precision;
    let fe = E::FORMAT;
    let one = |e: i32| E::from_f64(2f64.powi(e));
    // Units 2^j of the pattern (as f64 exponents) and the known norm in units.
    let (mut units, norm): (Vec<i32>, f64) = match pattern {
        // 3, 4 -> 5 (3 = 2 + 1, 4 = 2^2 as units of one element each: handled below).
        0 => (vec![], 5.0),
        // (2^p + 1)^2 = 2^2p + 2^(p+1) + 1: a tie between 2^p and 2^p + 2, to even: 2^p.
        1 => (vec![p, 0], 2f64.powi(p)),
        // The same plus a tiny square: above the tie, 2^p + 2.
        _ => (vec![p, 0, -p], 2f64.powi(p) + 2.0),
    };
    // 2^(p+1) as squares of powers of two: one if p + 1 is even, two if odd.
    if pattern > 0 {
        if (p + 1) % 2 == 0 {
            units.push((p + 1) / 2);
        } else {
            units.extend([p / 2, p / 2]);
        }
    }
    // Keep every element and the norm (units up to 2^p, down to 2^-p) inside E's range.
    let lo = fe.emin + p + 1;
    let hi = fe.emax - p - 2;
    let s = lo + (scale.rem_euclid(hi - lo + 1));
    let mut x: Vec<E> = if pattern == 0 {
        vec![
            E::from_f64(3.0 * 2f64.powi(s)),
            E::from_f64(4.0 * 2f64.powi(s)),
        ]
    } else {
        units.iter().map(|&j| one(j + s)).collect()
    };
    let mut rng = SplitMix64::new(seed);
    for v in &mut x {
        if rng.coin() {
            *v = E::from_f64(-Float::as_f64(*v));
        }
    }
    x.extend(std::iter::repeat_n(E::from_f64(0.0), zeros));
    let mut y = x.clone();
    rng.shuffle_pair(&mut x, &mut y);
    let want = O::from_f64(norm * 2f64.powi(s));
    let reference = O::round_norm(&ExactNorm::of(&x));
    prop_assert!(
        same(reference, want),
        "reference {} vs known {}",
        show(reference),
        show(want)
    );
    every_view::<O, E>(Accuracy::Exact, &x, want, -2, "known norm")
}

/// Hand-picked cases, every level and pair.
#[test]
fn documented_cases() {
    let r2 = 2f64.sqrt();
    // Squares beyond the range, a representable norm: correct at Exact, close elsewhere.
    let big = [1e200, 1e200];
    assert_eq!(nrm2(Accuracy::Exact, &big), ExactNorm::of(&big).to_f64());
    assert_eq!(nrm2(Accuracy::Exact, &big), 1e200 * r2);
    let tiny = [1e-200; 3];
    assert_eq!(nrm2(Accuracy::Exact, &tiny), ExactNorm::of(&tiny).to_f64());
    for level in Accuracy::ALL.iter().copied() {
        let b = nrm2(level, &big);
        assert!((b / (1e200 * r2) - 1.0).abs() < 4e-16, "{level}: {b:e}");
        let t = nrm2(level, &tiny);
        assert!(
            (t / (3f64.sqrt() * 1e-200) - 1.0).abs() < 4e-16,
            "{level}: {t:e}"
        );
        // A single element: |x| exactly.
        for v in [-3.5e-310, 1e-320, -1e300, f64::MAX, f64::MIN_POSITIVE, 0.1] {
            assert_eq!(nrm2(level, &[v]), v.abs(), "{level}: |{v:e}|");
        }
        for v in [f32::MAX, -1e-45, 3e-39, 1e19, -0.1] {
            assert_eq!(nrm2(level, &[v]), v.abs(), "{level}: |{v:e}|");
            assert_eq!(
                nrm2_as::<f64, f32>(level, &[v]),
                f64::from(v.abs()),
                "{level}: |{v:e}|"
            );
        }
        // Special values: +inf wins over NaN; NaN is canonical; empty and zeros are +0.
        assert_eq!(
            nrm2(level, &[1.0, f64::NAN, f64::NEG_INFINITY]),
            f64::INFINITY
        );
        assert_eq!(nrm2(level, &[f32::INFINITY, f32::NAN]), f32::INFINITY);
        let nan = nrm2(level, &[1.0, -f64::NAN]);
        assert!(
            nan.is_nan() && Float::is_canonical_nan(nan),
            "{level}: {nan:?}"
        );
        assert_eq!(nrm2::<f64>(level, &[]).to_bits(), 0);
        assert_eq!(nrm2(level, &[-0.0f32, 0.0]).to_bits(), 0);
        // 3, 4 -> 5 at every level and pair.
        assert_eq!(nrm2(level, &[3.0f64, -4.0]), 5.0);
        assert_eq!(nrm2(level, &[-3.0f32, 4.0]), 5.0);
        assert_eq!(nrm2_as::<f64, f32>(level, &[3.0, 4.0]), 5.0);
    }
    // A subnormal norm: correctly rounded at Exact.
    let sub = [f64::from_bits(3), f64::from_bits(4)];
    assert_eq!(nrm2(Accuracy::Exact, &sub), f64::from_bits(5));
}

/// Malformed wire forms of norm partials are the right errors.
#[test]
fn wire_errors() {
    type Exact = NormPartial<ExactPartial<f64>>;
    type Fast = NormPartial<FastPartial<f32>>;
    let good = Exact::of(&[3.0f64, 4.0]).to_wire();
    assert!(good.len() <= Exact::WIRE_MAX);
    assert_eq!(Exact::from_wire(&good).map(|p| p.finish()), Ok(5.0));
    assert!(matches!(
        Exact::from_wire(&good[..good.len() - 1]),
        Err(WireError::Length { .. })
    ));
    let mut bad = good.clone();
    bad[4] = 1; // scale 1 at Exact
    assert!(matches!(Exact::from_wire(&bad), Err(WireError::Invalid(m)) if m.contains("scale 0")));
    let mut bad = good.clone();
    bad[..4].copy_from_slice(b"PDOT");
    let err = Exact::from_wire(&bad).unwrap_err();
    assert!(
        matches!(err, WireError::Kind { .. }) && err.to_string().contains("NRM2"),
        "{err}"
    );
    // A dot partial's bytes after a norm prefix, of another level.
    let mut other = b"NRM2\0\0\0\0".to_vec();
    other.extend(ExactPartial::<f32>::of(&[1.0f32], &[1.0]).to_wire());
    assert!(matches!(
        NormPartial::<ExactPartial<f32>>::from_wire(&other),
        Ok(p) if p.finish() == 1.0
    ));
    let mut negative = b"NRM2\0\0\0\0".to_vec();
    negative.extend(FastPartial::<f32>::of(&[-1.0f32], &[1.0]).to_wire());
    assert!(
        matches!(Fast::from_wire(&negative), Err(WireError::Invalid(m)) if m.contains("negative"))
    );
    let mut far = b"NRM2".to_vec();
    far.extend(5000i32.to_le_bytes());
    far.extend(FastPartial::<f32>::of(&[1.0f32], &[1.0]).to_wire());
    assert!(matches!(Fast::from_wire(&far), Err(WireError::Invalid(m)) if m.contains("scale")));
    let mut level = b"NRM2\0\0\0\0".to_vec();
    level.extend(CompensatedPartial::<f32>::new().to_wire());
    level.truncate(Fast::WIRE_MAX);
    assert!(Fast::from_wire(&level).is_err());
}
