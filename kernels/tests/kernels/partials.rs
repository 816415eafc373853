//! Partial dot products (`Partial`): splitting, merging and the wire form.
//!
//! - `ExactPartial` (f64, f32, and f64 from f32 inputs): the vectors are split at random
//!   into up to 10 pieces (empty ones included), each piece's partial is made on a random
//!   backend and layout, and the partials are merged in a random order and bracketing (a
//!   random binary tree); the same again after a random permutation of the elements. Every
//!   way finishes to the bits of one-shot `Accuracy::Exact` and of the reference
//!   (`pdot_testkit::ExactDot`); the merged partials are `==` to the one-shot partial and
//!   have the same wire bytes; merging with `new()` changes nothing; a partial merged with
//!   itself `k` times is the exact sum times `2^k`. Inputs: the hard cases of
//!   `common::hard` (overflowing products that cancel, ties, signed zeros, NaN and
//!   infinities, GenDot up to 1e300, ...).
//! - `FastPartial`, `CompensatedPartial`: the partial of the whole finishes to the bits of
//!   one-shot `dot_with` (contiguous, and strided on every backend); a merged split stays
//!   within the documented bound of its level (γ_n·|x|·|y| for Fast, u·|x·y| + γ_n²·|x|·|y|
//!   for Compensated, with the underflow allowances of `common`).
//! - The wire form: `from_wire(to_wire(p))` gives `p` back with the same bytes, of at most
//!   `WIRE_MAX <= 2048` bytes (exact partials: the canonical digit range of the layout their
//!   documentation gives, checked against an encoder written here from that description); every malformed buffer is the right `WireError` (wrong lengths,
//!   magic, version, another level or result type, impossible states of an exact partial)
//!   whose message names the problem; and arbitrary bytes (proptest) never panic: they are
//!   an error, or a state that finishes, merges and re-encodes to the same bytes.
//!
//! `accepted_exact_states_stay_decodable_when_merged` is the regression test of a bug these
//! tests found: `from_wire` accepted exact sums far beyond any dot product's range, whose
//! merges no longer decoded.
//!
//! Cases: 2000 per exact flavor, 1500 per flavor for Fast and Compensated (a third of these
//! in unoptimized builds, see `common::cases`), 5000 of arbitrary bytes.

use crate::common;

use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real, Strided,
    WireError, dot_as, dot_strided_as,
};
use pdot_testkit::hard::{BINARY32, BINARY64, Hard, gen_hard_f32};
use pdot_testkit::strategies::hard;
use pdot_testkit::strategies::{families_f32, families_f64, lengths};
use pdot_testkit::{Element, ExactSum, Family, Float};
use pdot_testkit::{SplitMix64, backends, compensated_bound, error_upper, fast_bound};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The name of the pair `(O, E)` in messages: `f64`, `f32`, `f32-f64`.
fn name<O: Real, E: Input<O>>() -> &'static str {
    <E as Input<O>>::PRECISION.name()
}

/// Random cut points: `k` pieces (`1 <= k <= 10`), empty ones allowed.
fn split(n: usize, rng: &mut SplitMix64) -> Vec<std::ops::Range<usize>> {
    let k = rng.range(1, 10) as usize;
    let mut cuts: Vec<usize> = (0..k - 1)
        .map(|_| rng.range(0, n as i64) as usize)
        .collect();
    cuts.push(0);
    cuts.push(n);
    cuts.sort_unstable();
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The partials of a random split of `x · y` (see [`make`]).
fn pieces<O: Real + Element, E: Input<O> + Element, P>(
    x: &[E],
    y: &[E],
    rng: &mut SplitMix64,
) -> Vec<P>
where
    P: Partial<Output = O>,
{
    split(x.len(), rng)
        .into_iter()
        .map(|r| make::<O, E, P>(&x[r.clone()], &y[r], rng))
        .collect()
}

/// The partial of `x · y`, made one of several ways: `of`, `of_strided_on` a random backend,
/// or `of_strided_on` reversed copies read with `inc = -1` (the same logical vectors).
fn make<O: Real + Element, E: Input<O> + Element, P: Partial<Output = O>>(
    x: &[E],
    y: &[E],
    rng: &mut SplitMix64,
) -> P {
    let all = backends();
    let b = all[rng.range(0, all.len() as i64 - 1) as usize];
    match rng.range(0, 2) {
        0 => P::of(x, y),
        1 => P::of_strided_on(b, x.into(), y.into()),
        _ => {
            let xr: Vec<E> = x.iter().rev().copied().collect();
            let yr: Vec<E> = y.iter().rev().copied().collect();
            let n = x.len();
            P::of_strided_on(
                b,
                Strided::new(&xr, n, -1).unwrap(),
                Strided::new(&yr, n, -1).unwrap(),
            )
        }
    }
}

/// Merges `parts` along a random binary tree: two random partials (in a random order) are
/// merged until one is left; no parts give `new()`.
fn merge_tree<P: Partial>(mut parts: Vec<P>, rng: &mut SplitMix64) -> P {
    while parts.len() > 1 {
        let a = parts.swap_remove(rng.range(0, parts.len() as i64 - 1) as usize);
        let b = parts.swap_remove(rng.range(0, parts.len() as i64 - 1) as usize);
        let (mut l, r) = if rng.coin() { (a, b) } else { (b, a) };
        l.merge(&r);
        parts.push(l);
    }
    parts.pop().unwrap_or_else(P::new)
}

fn bits_msg<O: Element>(got: O, want: O) -> String {
    format!(
        "got {:e} ({:#x}), want {:e} ({:#x})",
        Float::as_f64(got),
        Float::bits(got),
        Float::as_f64(want),
        Float::bits(want)
    )
}

/// The properties of `ExactPartial` for one case (see the module documentation).
fn check_exact<O: Real + Element, E: Input<O> + Element>(
    x: &[E],
    y: &[E],
    seed: u64,
    doublings: u32,
) -> Result<(), TestCaseError> {
    type P<O> = ExactPartial<O>;
    let mut rng = SplitMix64::seeded(seed);
    let d = E::exact_dot_ieee(x, y);
    let want = O::round_exact(&d);
    let one_shot = dot_as::<O, E>(Accuracy::Exact, x, y);
    prop_assert_eq!(
        Float::bits(one_shot),
        Float::bits(want),
        "{} one-shot: {}",
        name::<O, E>(),
        bits_msg(one_shot, want)
    );

    let whole = P::<O>::of(x, y);
    prop_assert_eq!(
        Float::bits(whole.finish()),
        Float::bits(want),
        "{} of: {}",
        name::<O, E>(),
        bits_msg(whole.finish(), want)
    );
    let wire = whole.to_wire();
    prop_assert!(wire.len() <= P::<O>::WIRE_MAX);
    prop_assert!(
        wire == exact_wire(&wire[..8], &exact_digits(&wire)),
        "{}: not the canonical compact form",
        name::<O, E>()
    );

    // Random split, random tree.
    let merged: P<O> = merge_tree(pieces::<O, E, P<O>>(x, y, &mut rng), &mut rng);
    prop_assert_eq!(
        Float::bits(merged.finish()),
        Float::bits(want),
        "{} split: {}",
        name::<O, E>(),
        bits_msg(merged.finish(), want)
    );
    prop_assert!(
        merged == whole,
        "{} split: {:?} != {:?}",
        name::<O, E>(),
        merged,
        whole
    );
    prop_assert!(
        merged.to_wire() == wire,
        "{}: equal partials, different bytes",
        name::<O, E>()
    );

    // A random permutation, split and merged again.
    let (mut px, mut py) = (x.to_vec(), y.to_vec());
    rng.shuffle_pair(&mut px, &mut py);
    let permuted: P<O> = merge_tree(pieces::<O, E, P<O>>(&px, &py, &mut rng), &mut rng);
    prop_assert_eq!(
        Float::bits(permuted.finish()),
        Float::bits(want),
        "{} permuted: {}",
        name::<O, E>(),
        bits_msg(permuted.finish(), want)
    );
    prop_assert!(
        permuted == whole,
        "{} permuted: {:?} != {:?}",
        name::<O, E>(),
        permuted,
        whole
    );
    prop_assert!(
        permuted.to_wire() == wire,
        "{} permuted: different bytes",
        name::<O, E>()
    );

    // The wire form round trip, and write_wire.
    let back = P::<O>::from_wire(&wire);
    prop_assert!(
        back.as_ref() == Ok(&whole),
        "{}: from_wire(to_wire(p)) = {:?}",
        name::<O, E>(),
        back
    );
    let back = back.unwrap();
    prop_assert!(back.to_wire() == wire);
    prop_assert_eq!(Float::bits(back.finish()), Float::bits(want));
    let mut buf = vec![0xa5; P::<O>::WIRE_MAX + 3];
    prop_assert_eq!(whole.write_wire(&mut buf), Ok(wire.len()));
    prop_assert!(
        buf[..wire.len()] == wire[..],
        "write_wire and to_wire differ"
    );
    prop_assert!(
        buf[wire.len()..].iter().all(|&b| b == 0xa5),
        "write_wire wrote past its form"
    );

    // new() is the neutral element, on either side.
    let mut e = P::<O>::new();
    e.merge(&whole);
    prop_assert!(e == whole);
    let mut w = whole.clone();
    w.merge(&P::<O>::new());
    prop_assert!(w == whole);

    // Merged with itself k times: the exact sum times 2^k, rounded once.
    let (mut p, mut s) = (whole, d);
    for _ in 0..doublings {
        let c = p.clone();
        p.merge(&c);
        let t = s.sum.clone();
        s.sum.add(&t);
    }
    let want = O::round_exact(&s);
    prop_assert_eq!(
        Float::bits(p.finish()),
        Float::bits(want),
        "{} doubled {} times: {}",
        name::<O, E>(),
        doublings,
        bits_msg(p.finish(), want)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(2000)))]

    #[test]
    fn exact_f64_partials_merge_to_the_one_shot_bits(
        h in hard(<f64 as Float>::FORMAT), n in lengths(3000), seed in any::<u64>(), k in 0..80u32,
    ) {
        let (x, y) = <f64 as Element>::gen_hard(h, n, seed, BINARY64);
        check_exact::<f64, f64>(&x, &y, seed, k)?;
    }

    #[test]
    fn exact_f32_partials_merge_to_the_one_shot_bits(
        h in hard(<f32 as Float>::FORMAT), n in lengths(3000), seed in any::<u64>(), k in 0..80u32,
    ) {
        let (x, y) = <f32 as Element>::gen_hard(h, n, seed, BINARY32);
        check_exact::<f32, f32>(&x, &y, seed, k)?;
    }

    #[test]
    fn exact_f32_to_f64_partials_merge_to_the_one_shot_bits(
        h in hard(<f32 as Float>::FORMAT), n in lengths(3000), seed in any::<u64>(), k in 0..80u32,
    ) {
        let (x, y) = <f32 as Element>::gen_hard(h, n, seed, BINARY64);
        check_exact::<f64, f32>(&x, &y, seed, k)?;
    }
}

/// Fast or Compensated: the partial of the whole gives the one-shot bits (contiguous and
/// strided, on every backend), its wire form round-trips bit for bit, and a merged random
/// split stays within the level's documented bound.
fn check_float<O: Real + Element, E: Input<O> + Element, P: Partial<Output = O>>(
    x: &[E],
    y: &[E],
    seed: u64,
) -> Result<(), TestCaseError> {
    let acc = P::ACCURACY;
    let mut rng = SplitMix64::seeded(seed);
    let n = x.len();
    let whole = P::of(x, y);
    let one_shot = dot_as::<O, E>(acc, x, y);
    prop_assert_eq!(
        Float::bits(whole.finish()),
        Float::bits(one_shot),
        "{} {}: {}",
        name::<O, E>(),
        acc,
        bits_msg(whole.finish(), one_shot)
    );

    // Strided (every other element of a NaN-filled buffer, and reversed), every backend.
    let mut bx = vec![<E as num_traits::Float>::nan(); 2 * n + 1];
    let mut by = vec![<E as num_traits::Float>::nan(); 3 * n + 1];
    for i in 0..n {
        bx[2 * i] = x[i];
        by[3 * (n - 1 - i)] = y[i];
    }
    let xs = Strided::new(&bx, n, 2).unwrap();
    let ys = Strided::new(&by, n, -3).unwrap();
    let want = dot_strided_as::<O, E>(acc, xs, ys);
    prop_assert_eq!(
        Float::bits(P::of_strided(xs, ys).finish()),
        Float::bits(want)
    );
    prop_assert_eq!(
        Float::bits(want),
        Float::bits(one_shot),
        "{} {}: strided and contiguous differ",
        name::<O, E>(),
        acc
    );
    for b in backends() {
        let got = P::of_strided_on(b, xs, ys).finish();
        let want = b.dot_strided_as::<O, E>(acc, xs, ys);
        prop_assert_eq!(
            Float::bits(got),
            Float::bits(want),
            "{} {} on {}: {}",
            name::<O, E>(),
            acc,
            b.isa(),
            bits_msg(got, want)
        );
    }

    // Wire round trip, bit for bit.
    let wire = whole.to_wire();
    prop_assert_eq!(wire.len(), P::WIRE_MAX);
    let back = P::from_wire(&wire);
    prop_assert!(back.is_ok(), "{} {}: {:?}", name::<O, E>(), acc, back);
    let back = back.unwrap();
    prop_assert!(back.to_wire() == wire);
    prop_assert_eq!(Float::bits(back.finish()), Float::bits(whole.finish()));

    // A merged split, within the bound (the inputs do not overflow).
    let merged: P = merge_tree(pieces::<O, E, P>(x, y, &mut rng), &mut rng);
    let r = Float::as_f64(merged.finish());
    let exact = E::exact_dot_ieee(x, y).sum;
    let mut abs = ExactSum::new();
    for (&a, &b) in x.iter().zip(y) {
        abs.add_abs_product(a.as_f64(), b.as_f64());
    }
    prop_assert!(r.is_finite(), "{} {} split: {:e}", name::<O, E>(), acc, r);
    let err = error_upper(r, &exact);
    let bound = if acc == Accuracy::Fast {
        fast_bound(O::ROUNDING, n, n, &abs)
    } else {
        compensated_bound(O::ROUNDING, n, &exact, &abs)
    };
    prop_assert!(
        err <= bound,
        "{} {} split: error {err:e} > bound {bound:e} (n = {n}, r = {r:e}, exact {exact:?})",
        name::<O, E>(),
        acc
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(1500)))]

    #[test]
    fn float_partials_f64(family in families_f64(), n in lengths(3000), seed in any::<u64>()) {
        let (x, y) = <f64 as Element>::gen_family(family, n, seed);
        check_float::<f64, f64, FastPartial<f64>>(&x, &y, seed)?;
        check_float::<f64, f64, CompensatedPartial<f64>>(&x, &y, seed)?;
    }

    #[test]
    fn float_partials_f32(family in families_f32(), n in lengths(3000), seed in any::<u64>()) {
        let (x, y) = <f32 as Element>::gen_family(family, n, seed);
        check_float::<f32, f32, FastPartial<f32>>(&x, &y, seed)?;
        check_float::<f32, f32, CompensatedPartial<f32>>(&x, &y, seed)?;
    }

    #[test]
    fn float_partials_f32_to_f64(family in families_f32(), n in lengths(3000), seed in any::<u64>()) {
        let (x, y) = <f32 as Element>::gen_family(family, n, seed);
        check_float::<f64, f32, FastPartial<f64>>(&x, &y, seed)?;
        check_float::<f64, f32, CompensatedPartial<f64>>(&x, &y, seed)?;
    }
}

// ---------------------------------------------------------------------------------------
// The wire form: malformed buffers.

/// One partial type, type-erased for tables of wire tests.
struct Kind {
    /// As the error messages name it: `exact f64`, `fast f32`, ...
    name: &'static str,
    len: usize,
    /// A wire form of a small real dot product.
    sample: Vec<u8>,
    decode: fn(&[u8]) -> Result<(), WireError>,
    /// The wire form of the partial of a random hard case.
    real: fn(u64) -> Vec<u8>,
    /// [`exercise`] of this type.
    exercise: fn(&[u8]) -> Result<(), TestCaseError>,
}

fn decode<P: Partial>(bytes: &[u8]) -> Result<(), WireError> {
    P::from_wire(bytes).map(drop)
}

fn real<P: Partial>(seed: u64) -> Vec<u8>
where
    f32: Input<P::Output>,
{
    let mut rng = SplitMix64::seeded(seed);
    let h = match rng.range(0, 3) {
        0 => Hard::Specials(Family::Uniform),
        1 => Hard::Window {
            lo: rng.range(-149, 127) as i32,
            width: 40,
        },
        2 => Hard::HugeCancel { miss: true },
        _ => Hard::SignedZeros {
            all_neg: rng.coin(),
            cancelling: rng.coin(),
            tiny: rng.coin(),
        },
    };
    let (x, y) = gen_hard_f32(h, rng.range(0, 100) as usize, seed, BINARY32);
    P::of(&x, &y).to_wire()
}

fn kind<P: Partial>(name: &'static str) -> Kind
where
    f32: Input<P::Output>,
{
    Kind {
        name,
        len: P::WIRE_MAX,
        sample: P::of(&[1.5f32, -2.0, 0.0], &[3.0f32, 0.25, -1.0]).to_wire(),
        decode: decode::<P>,
        real: real::<P>,
        exercise: exercise::<P>,
    }
}

fn kinds() -> Vec<Kind> {
    vec![
        kind::<ExactPartial<f64>>("exact f64"),
        kind::<ExactPartial<f32>>("exact f32"),
        kind::<FastPartial<f64>>("fast f64"),
        kind::<FastPartial<f32>>("fast f32"),
        kind::<CompensatedPartial<f64>>("compensated f64"),
        kind::<CompensatedPartial<f32>>("compensated f32"),
    ]
}

/// Whether `p == p` (false for states holding a NaN).
fn holds_no_nan<P: PartialEq>(p: &P) -> bool {
    p.eq(p)
}

/// Bytes that decode to a state must behave: it finishes, merges (with itself, and either
/// way with a real partial; exact merges commute) and re-encodes to the same bytes, which
/// decode again (to an equal state, when the state equals itself, i.e. holds no NaN). Errors
/// have a message; a buffer longer than `WIRE_MAX` (of any length but `WIRE_MAX`, for the
/// fixed-size Fast and Compensated forms) is always a length error, and a length error names
/// the buffer's length.
///
/// (The one exception to "the same bytes": a compensated partial whose sum is not finite
/// and whose error term is −0 decodes with a +0 error term.)
fn exercise<P: Partial>(bytes: &[u8]) -> Result<(), TestCaseError>
where
    f32: Input<P::Output>,
{
    match P::from_wire(bytes) {
        Err(e) => {
            prop_assert!(!e.to_string().is_empty());
            let fixed = P::ACCURACY != Accuracy::Exact;
            if bytes.len() > P::WIRE_MAX || fixed && bytes.len() != P::WIRE_MAX {
                prop_assert_eq!(
                    &e,
                    &WireError::Length {
                        expected: P::WIRE_MAX,
                        found: bytes.len()
                    }
                );
            }
            if let WireError::Length { expected, found } = e {
                prop_assert!(found == bytes.len() && expected != found);
            }
        }
        Ok(p) => {
            let _ = p.finish();
            let canonical = p.to_wire();
            if P::ACCURACY == Accuracy::Compensated && canonical != bytes {
                // The one non-canonical encoding: a −0 error term next to a non-finite sum
                // decodes (as +0).
                let (hi, lo) = (&bytes[8..16], &bytes[16..24]);
                prop_assert!(
                    !f64::from_le_bytes(hi.try_into().unwrap()).is_finite()
                        && lo == (-0.0f64).to_le_bytes()
                        && canonical[..16] == bytes[..16]
                        && canonical[16..] == 0.0f64.to_le_bytes(),
                    "{:?} re-encodes to other bytes",
                    p
                );
            } else {
                prop_assert!(canonical == bytes, "{:?} re-encodes to other bytes", p);
            }
            let again = P::from_wire(&p.to_wire());
            prop_assert!(again.is_ok(), "{:?}: {:?}", p, again);
            let again = again.unwrap();
            if holds_no_nan(&p) {
                prop_assert!(again == p);
            }
            let mut twice = p.clone();
            twice.merge(&p);
            let _ = twice.finish();
            let _ = twice.to_wire();
            let real = P::of(&[1.5f32, -2.0, 1e30], &[3.0f32, 0.25, -1e-30]);
            let (mut a, mut b) = (p.clone(), real.clone());
            a.merge(&real);
            b.merge(&p);
            let (ra, rb) = (a.finish(), b.finish());
            if P::ACCURACY == Accuracy::Exact {
                prop_assert!(a == b, "exact merges do not commute: {:?} {:?}", a, b);
                let nan = |v: P::Output| num_traits::Float::is_nan(v);
                prop_assert!(ra == rb || nan(ra) && nan(rb), "{:?} vs {:?}", ra, rb);
            }
        }
    }
    Ok(())
}

#[test]
fn wire_lengths() {
    for k in kinds() {
        assert!(k.len <= 2048, "{}: WIRE_MAX {} > 2048", k.name, k.len);
        if k.name.starts_with("exact") {
            assert!(k.sample.len() < k.len, "{}", k.name);
        } else {
            assert_eq!(k.sample.len(), k.len, "{}", k.name);
        }
        assert_eq!((k.decode)(&k.sample), Ok(()), "{}", k.name);
    }
    assert_eq!(ExactPartial::<f64>::WIRE_MAX, ExactPartial::<f32>::WIRE_MAX);
    // The longest exact form of a dot product: digits up to the top of its range; and all
    // digits, from a state beyond that range (which merges reach), which does not decode.
    let mut top = [0u32; LIMBS];
    top[LIMBS - 3] = 0x7fff_ffff;
    top[0] = 1;
    let head = ExactPartial::<f64>::of(&[1.0f64], &[1.0]).to_wire();
    let longest = exact_wire(&head[..8], &top);
    assert_eq!(longest.len(), 12 + 4 * (LIMBS - 2));
    assert_eq!(decode::<ExactPartial<f64>>(&longest), Ok(()));
    let mut beyond = ExactPartial::<f64>::from_wire(&longest).unwrap();
    for _ in 0..3 {
        beyond.merge(&beyond.clone());
    }
    let beyond = beyond.to_wire();
    assert!(longest.len() < beyond.len() && beyond.len() <= ExactPartial::<f64>::WIRE_MAX);
    assert_eq!(beyond, exact_wire(&head[..8], &exact_digits(&beyond)));
    invalid(
        ExactPartial::<f64>::from_wire(&beyond).unwrap_err(),
        "range",
    );
}

/// Every length but the right one, from 0 to `WIRE_MAX + 8` (a real wire form cut short or
/// padded): `WireError::Length`, whose message names both lengths (the fixed-size forms:
/// `WIRE_MAX` and the buffer's). `write_wire` into a buffer shorter than `WIRE_MAX` is a
/// length error too; into a longer one it writes the form at the start.
#[test]
fn wrong_lengths_are_length_errors() {
    fn write<P: Partial>(len: usize) -> Result<usize, WireError>
    where
        f32: Input<P::Output>,
    {
        P::of(&[1.5f32, -2.0, 0.0], &[3.0f32, 0.25, -1.0]).write_wire(&mut vec![0; len])
    }
    let writers: [fn(usize) -> Result<usize, WireError>; 6] = [
        write::<ExactPartial<f64>>,
        write::<ExactPartial<f32>>,
        write::<FastPartial<f64>>,
        write::<FastPartial<f32>>,
        write::<CompensatedPartial<f64>>,
        write::<CompensatedPartial<f32>>,
    ];
    for (k, write) in kinds().iter().zip(writers) {
        let form = k.sample.len();
        for len in (0..k.len + 8).filter(|&l| l != form) {
            let mut bytes = k.sample.clone();
            bytes.resize(len, 0);
            let err = (k.decode)(&bytes).unwrap_err();
            let WireError::Length { expected, found } = err else {
                panic!("{} from {len} bytes: {err:?}", k.name);
            };
            assert_eq!(found, len, "{}", k.name);
            if len > k.len || form == k.len {
                // Beyond the longest form, or a fixed-size form.
                assert_eq!(expected, k.len, "{} from {len} bytes", k.name);
            } else if len >= 12 {
                // The exact form's header is there: it gives the form's length.
                assert_eq!(expected, form, "{} from {len} bytes", k.name);
            } else {
                assert!(expected > len, "{} from {len} bytes: {expected}", k.name);
            }
            let msg = err.to_string();
            assert!(
                msg.contains(&format!("{expected} bytes")) && msg.contains(&format!("{len} bytes")),
                "{}: {msg:?} does not name both lengths",
                k.name
            );
            let written = write(len);
            if len < k.len {
                let want = WireError::Length {
                    expected: k.len,
                    found: len,
                };
                assert_eq!(
                    written,
                    Err(want),
                    "{}: write_wire into {len} bytes",
                    k.name
                );
            } else {
                assert_eq!(written, Ok(form), "{}: write_wire into {len} bytes", k.name);
            }
        }
        assert_eq!(write(k.len), Ok(form));
    }
}

#[test]
fn wrong_magic_and_version() {
    for k in kinds() {
        for i in 0..4 {
            for v in [0u8, b'p', 0xff, k.sample[i] ^ 1] {
                let mut bytes = k.sample.clone();
                bytes[i] = v;
                let err = (k.decode)(&bytes).unwrap_err();
                assert_eq!(err, WireError::Magic, "{}: byte {i} = {v}", k.name);
                assert!(err.to_string().contains("PDOT"), "{err}");
            }
        }
        for v in (0..=255u8).filter(|&v| v != k.sample[4]) {
            let mut bytes = k.sample.clone();
            bytes[4] = v;
            let err = (k.decode)(&bytes).unwrap_err();
            assert_eq!(err, WireError::Version(v), "{}", k.name);
            assert!(err.to_string().contains(&format!("version {v}")), "{err}");
        }
    }
}

/// The header of one kind of partial (level, result type), with the length of another:
/// `WireError::Kind` naming both. (At its own length a partial of another kind is a length
/// error, unless the lengths agree.)
#[test]
fn another_kind_of_partial() {
    let kinds = kinds();
    for src in &kinds {
        for dst in &kinds {
            if src.name == dst.name {
                assert_eq!((dst.decode)(&src.sample), Ok(()));
                continue;
            }
            let mut bytes = src.sample.clone();
            bytes.resize(dst.len, 0);
            let got = (dst.decode)(&bytes);
            let want = WireError::Kind {
                expected: dst.name.to_owned(),
                found: src.name.to_owned(),
            };
            let err = got.unwrap_err();
            assert_eq!(err, want, "{} bytes fed to {}", src.name, dst.name);
            let msg = err.to_string();
            assert!(msg.contains(dst.name) && msg.contains(src.name), "{msg}");
            // The unmodified bytes: a length error unless the lengths agree, or the exact
            // form's variable length lets its header be read.
            let err = (dst.decode)(&src.sample).unwrap_err();
            let readable = dst.name.starts_with("exact") && src.sample.len() >= 12;
            if src.sample.len() == dst.sample.len() || readable {
                assert!(matches!(err, WireError::Kind { .. }), "{err:?}");
            } else {
                assert!(matches!(err, WireError::Length { .. }), "{err:?}");
            }
        }
        // Unknown levels and result types.
        for (at, v, found) in [
            (5, 0u8, "level#0"),
            (5, 9, "level#9"),
            (6, 2, "type#2"),
            (6, 16, "type#16"),
        ] {
            let mut bytes = src.sample.clone();
            bytes[at] = v;
            let err = (src.decode)(&bytes).unwrap_err();
            assert!(
                matches!(&err, WireError::Kind { expected, found: f } if expected == src.name && f.contains(found)),
                "{}: {err:?}",
                src.name
            );
        }
    }
}

/// Digits of the fixed-point number of an exact partial.
const LIMBS: usize = 136;

/// The digits of an exact partial's wire form, read by the layout its documentation gives
/// (after the 8-byte header: start, count, sign, 0, then `count` little-endian digits from
/// `start` on; zeros below, sign extension above), independently of the crate's decoder.
fn exact_digits(wire: &[u8]) -> [u32; LIMBS] {
    let (start, count, negative) = (wire[8] as usize, wire[9] as usize, wire[10] == 1);
    let mut d = [if negative { u32::MAX } else { 0 }; LIMBS];
    d[..start].fill(0);
    for (i, chunk) in wire[12..12 + 4 * count].chunks_exact(4).enumerate() {
        d[start + i] = u32::from_le_bytes(chunk.try_into().unwrap());
    }
    d
}

/// The canonical wire form of the digits `d` after the header `head` (its first 8 bytes),
/// written from the documented layout: from the lowest nonzero digit to the highest one
/// that is not sign extension (all digits, if the top one is not).
fn exact_wire(head: &[u8], d: &[u32; LIMBS]) -> Vec<u8> {
    let negative = d[LIMBS - 1] >> 31 == 1;
    let fill = if negative { u32::MAX } else { 0 };
    let start = d.iter().position(|&v| v != 0).unwrap_or(0);
    let mut end = LIMBS;
    while end > start && d[end - 1] == fill {
        end -= 1;
    }
    let mut w = head[..8].to_vec();
    w.extend([start as u8, (end - start) as u8, u8::from(negative), 0]);
    for v in &d[start..end] {
        w.extend(v.to_le_bytes());
    }
    w
}

/// Sets bit `pos` of the fixed-point number.
fn set_bit(d: &mut [u32; LIMBS], pos: usize) {
    d[pos / 32] |= 1 << (pos % 32);
}

/// The one set bit of a fixed-point number.
fn only_bit(d: &[u32; LIMBS]) -> usize {
    let set: Vec<usize> = (0..LIMBS * 32)
        .filter(|&k| d[k / 32] >> (k % 32) & 1 == 1)
        .collect();
    assert_eq!(set.len(), 1, "{set:?}");
    set[0]
}

fn flags_of(x: f64, y: f64) -> u8 {
    ExactPartial::<f64>::of(&[x], &[y]).to_wire()[7]
}

fn invalid(err: WireError, what: &str) {
    match &err {
        WireError::Invalid(why) => {
            assert!(err.to_string().contains(why), "{err}");
            assert!(
                why.contains(what),
                "the message {why:?} does not name the problem ({what})"
            );
        }
        other => panic!("expected WireError::Invalid ({what}), got {other:?}"),
    }
}

/// States of an exact partial that no dot product has: `WireError::Invalid`, naming why.
#[test]
fn impossible_exact_states() {
    // The flags, as real dot products set them.
    let value = flags_of(1.0, 1.0);
    let neg_zero = flags_of(-0.0, 1.0);
    let known = value
        | neg_zero
        | flags_of(f64::NAN, 1.0)
        | flags_of(f64::INFINITY, 1.0)
        | flags_of(f64::NEG_INFINITY, 1.0);
    assert_eq!(ExactPartial::<f64>::new().to_wire()[7], 0);
    assert_ne!(value, neg_zero);
    let one64 = ExactPartial::<f64>::of(&[1.0f64], &[1.0]).to_wire();
    let one32 = ExactPartial::<f32>::of(&[1.0f32], &[1.0]).to_wire();
    let empty64 = ExactPartial::<f64>::new().to_wire();
    let empty32 = ExactPartial::<f32>::new().to_wire();
    let d64: fn(&[u8]) -> Result<(), WireError> = decode::<ExactPartial<f64>>;
    let d32: fn(&[u8]) -> Result<(), WireError> = decode::<ExactPartial<f32>>;
    let neg64 = ExactPartial::<f64>::of(&[-1.0f64], &[1.0]).to_wire();
    let neg32 = ExactPartial::<f32>::of(&[-1.0f32], &[1.0]).to_wire();
    for (empty, one, neg, d) in [
        (&empty64, &one64, &neg64, d64),
        (&empty32, &one32, &neg32, d32),
    ] {
        // Unknown flag bits, with or without a value.
        for f in (0..=255u8).filter(|f| f & !known != 0) {
            for base in [empty, one] {
                let mut bytes = base.clone();
                bytes[7] = f;
                invalid(d(&bytes).unwrap_err(), "flag");
            }
        }
        // A nonzero sum without products, or with only −0 products.
        for f in [0, neg_zero] {
            let mut bytes = one.clone();
            bytes[7] = f;
            invalid(d(&bytes).unwrap_err(), "zero");
        }
        // Special products recorded in an empty sum.
        for f in (1..=known).filter(|f| f & !known == 0 && f & neg_zero == 0) {
            let mut bytes = empty.clone();
            bytes[7] = f;
            invalid(d(&bytes).unwrap_err(), "empty");
        }
        // The top two digits are not a sign extension.
        for top in [1u32, 0x8000_0000, 0x7fff_ffff, 0xffff_fffe, 0x0001_0000] {
            for (at, base) in [(LIMBS - 1, one), (LIMBS - 2, one), (LIMBS - 2, neg)] {
                let mut digits = exact_digits(base);
                digits[at] = top;
                invalid(d(&exact_wire(base, &digits)).unwrap_err(), "range");
            }
        }
        // A range past the top, whatever the digits say.
        for (start, count) in [(1u8, 134u8), (134, 1), (130, 5), (255, 0), (200, 3)] {
            let mut bytes = one.clone();
            bytes[8] = start;
            bytes[9] = count;
            bytes.resize(12 + 4 * count as usize, 1);
            invalid(d(&bytes).unwrap_err(), "range");
        }
        // Bad sign and reserved bytes.
        for (at, v) in [(10, 2u8), (10, 0xff), (11, 1), (11, 0x80)] {
            let mut bytes = one.clone();
            bytes[at] = v;
            invalid(d(&bytes).unwrap_err(), "sign");
        }
        // Ranges that are not the canonical one: a zero digit at either end, zero digits
        // sent, or a sum of zero not at start 0.
        let digits = exact_digits(one);
        let start = one[8] as usize;
        for (from, to) in [(start - 1, start + 1), (start, start + 2), (start, start)] {
            let mut bytes = one[..8].to_vec();
            bytes.extend([from as u8, (to - from) as u8, 0, 0]);
            for v in &digits[from..to] {
                bytes.extend(v.to_le_bytes());
            }
            invalid(d(&bytes).unwrap_err(), "canonical");
        }
        let mut bytes = empty.clone();
        bytes[8] = 3;
        invalid(d(&bytes).unwrap_err(), "canonical");
        let mut bytes = neg.clone();
        let top = neg[8] as usize + neg[9] as usize;
        bytes[9] += 1;
        bytes.extend(u32::MAX.to_le_bytes());
        assert_eq!(exact_digits(&bytes)[top], u32::MAX);
        invalid(d(&bytes).unwrap_err(), "canonical");
        // ... while 0 and all ones are (a negative sum is all ones on top).
        assert_eq!(d(neg), Ok(()));
        assert_eq!(d(one), Ok(()));
    }

    // f32 partials: every bit down to 2^-298 (2^-149 squared), none below.
    let unit = only_bit(&exact_digits(&one64));
    assert_eq!(unit, only_bit(&exact_digits(&one32)));
    let lowest = unit - 298;
    let mut digits = [0u32; LIMBS];
    set_bit(&mut digits, lowest);
    let bytes = exact_wire(&one32, &digits);
    let p = ExactPartial::<f32>::from_wire(&bytes).expect("2^-298 is a product of f32");
    let tiny = f32::from_bits(1);
    assert_eq!(p, ExactPartial::<f32>::of(&[tiny], &[tiny]));
    for below in [lowest - 1, lowest - 2, lowest - 31, lowest - 32, 0] {
        let mut low = digits;
        set_bit(&mut low, below);
        let b = exact_wire(&one32, &low);
        invalid(d32(&b).unwrap_err(), "f32");
        // A negative sum whose lowest nonzero digit is all ones (no digit sent).
        let mut negative = [u32::MAX; LIMBS];
        negative[..below / 32].fill(0);
        let nb = exact_wire(&one32, &negative);
        assert_eq!(nb[9], 0);
        invalid(d32(&nb).unwrap_err(), "f32");
        // An f64 partial holds such bits.
        for mut b64 in [b.clone(), nb] {
            b64[6] = 8;
            assert_eq!(d64(&b64), Ok(()), "bit {below} in an f64 partial");
        }
    }
}

/// A compensated partial's error term is finite, and 0 when its sum is not; neither has
/// flags.
#[test]
fn impossible_float_states() {
    let comp = |hi: f64, lo: f64, flags: u8| -> Result<CompensatedPartial<f64>, WireError> {
        let mut b = CompensatedPartial::<f64>::new().to_wire();
        b[7] = flags;
        b[8..16].copy_from_slice(&hi.to_le_bytes());
        b[16..24].copy_from_slice(&lo.to_le_bytes());
        CompensatedPartial::<f64>::from_wire(&b)
    };
    assert_eq!(comp(1.0, 1e-17, 0).map(|p| p.parts()), Ok((1.0, 1e-17)));
    assert_eq!(
        comp(f64::INFINITY, 0.0, 0).map(|p| p.finish()),
        Ok(f64::INFINITY)
    );
    assert!(comp(f64::NAN, 0.0, 0).unwrap().finish().is_nan());
    for (hi, lo) in [
        (1.0, f64::NAN),
        (1.0, f64::INFINITY),
        (f64::INFINITY, 1.0),
        (f64::NAN, -1e-300),
        (f64::NEG_INFINITY, f64::NAN),
    ] {
        invalid(comp(hi, lo, 0).unwrap_err(), "error term");
    }
    for f in 1..=255u8 {
        invalid(comp(1.0, 0.0, f).unwrap_err(), "flags");
        let mut b = FastPartial::<f32>::new().to_wire();
        b[7] = f;
        invalid(FastPartial::<f32>::from_wire(&b).unwrap_err(), "flags");
    }
    // Any bits are a fast partial's sum: NaN finishes to the canonical NaN.
    let mut b = FastPartial::<f64>::new().to_wire();
    b[8..].copy_from_slice(&0xfff0_0000_0000_0001u64.to_le_bytes());
    let p = FastPartial::<f64>::from_wire(&b).unwrap();
    assert_eq!(p.finish().to_bits(), f64::NAN.to_bits());
    assert_eq!(p.to_wire(), b);
}

/// The flags byte of every state real exact partials reach (merges of a −0 product, a
/// nonzero one, a NaN, +inf and −inf), and the bit that says "some product is not −0".
fn reachable_flags() -> &'static (Vec<u8>, u8) {
    static FLAGS: std::sync::OnceLock<(Vec<u8>, u8)> = std::sync::OnceLock::new();
    FLAGS.get_or_init(|| {
        let samples = [
            (-0.0, 1.0),
            (1.0, 1.0),
            (f64::NAN, 1.0),
            (f64::INFINITY, 1.0),
            (f64::NEG_INFINITY, 1.0),
        ];
        let all = (0..1u32 << samples.len())
            .map(|mask| {
                let mut p = ExactPartial::<f64>::new();
                for (i, &(a, b)) in samples.iter().enumerate() {
                    if mask >> i & 1 == 1 {
                        p.merge(&ExactPartial::of(&[a], &[b]));
                    }
                }
                p.to_wire()[7]
            })
            .collect();
        (all, flags_of(1.0, 1.0) & !flags_of(-0.0, 1.0))
    })
}

/// An exact partial's wire form after the header of `sample`: flags mostly of a reachable
/// state; digits mostly zero, some all ones, some random (none below 2^-298 half the time,
/// as in `f32` partials; all zero when the flags say every product is −0, mostly); the top
/// two digits mostly a sign extension; in the canonical compact form (see `exact_wire`),
/// whose range bytes are sometimes changed at random.
fn random_exact_wire(sample: &[u8], rng: &mut SplitMix64) -> Vec<u8> {
    let (reachable, not_neg_zero) = reachable_flags();
    let flags = if rng.range(0, 2) == 0 {
        rng.next_u64() as u8
    } else {
        reachable[rng.range(0, reachable.len() as i64 - 1) as usize]
    };
    let mut digits = [0u32; LIMBS];
    let zero = flags & not_neg_zero == 0 && rng.range(0, 3) > 0;
    let clean_below = if rng.coin() { LIMBS / 2 } else { 0 };
    // Mostly short ranges, as real sums have.
    let (lo, hi) = if rng.coin() {
        let lo = rng.range(0, LIMBS as i64 - 1) as usize;
        (lo, (lo + rng.range(1, 6) as usize).min(LIMBS))
    } else {
        (0, LIMBS)
    };
    for (i, d) in digits.iter_mut().enumerate().take(hi).skip(lo) {
        *d = match rng.range(0, 9) {
            _ if zero || i < clean_below => 0,
            0..=5 => 0,
            6 => u32::MAX,
            _ => rng.next_u64() as u32,
        };
    }
    if !zero {
        let fill = if rng.coin() { 0 } else { u32::MAX };
        let top = match rng.range(0, 7) {
            0..=5 => fill,
            _ => rng.next_u64() as u32,
        };
        for (i, d) in digits.iter_mut().enumerate().skip(hi.max(LIMBS - 2)) {
            *d = if i == LIMBS - 1 { top } else { fill };
        }
        if rng.coin() {
            for d in &mut digits[hi..] {
                *d = fill;
            }
        }
    }
    let mut head = sample[..8].to_vec();
    head[7] = flags;
    let mut b = exact_wire(&head, &digits);
    if rng.range(0, 5) == 0 {
        let at = rng.range(8, 11) as usize;
        b[at] = rng.next_u64() as u8;
    }
    b
}

/// Random bytes for a wire decoder, in one of several shapes (see the proptest below).
fn random_wire(mode: u8, seed: u64, kinds: &[Kind]) -> Vec<u8> {
    let mut rng = SplitMix64::seeded(seed);
    let pick = |rng: &mut SplitMix64| rng.range(0, kinds.len() as i64 - 1) as usize;
    let k = &kinds[pick(&mut rng)];
    match mode {
        // Anything, mostly at or near a wire length.
        0 => {
            let len = if rng.range(0, 3) > 0 {
                (kinds[pick(&mut rng)].len as i64 + rng.range(-2, 2)).max(0) as usize
            } else {
                rng.range(0, 700) as usize
            };
            let mut b: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if len >= 4 && rng.coin() {
                b[..4].copy_from_slice(b"PDOT");
            }
            b
        }
        // A valid header and a random payload.
        1 => {
            let mut b = k.sample.clone();
            if k.name.starts_with("exact") {
                b = random_exact_wire(&k.sample, &mut rng);
            } else {
                for v in &mut b[8..] {
                    *v = rng.next_u64() as u8;
                }
                if rng.coin() {
                    b[7] = 0;
                }
                if b.len() >= 16 && rng.coin() {
                    let special =
                        [f64::NAN, f64::INFINITY, -0.0, f64::MAX, 1e-310][rng.range(0, 4) as usize];
                    b[8..16].copy_from_slice(&special.to_le_bytes());
                }
            }
            b
        }
        // A real wire form with a few bits or bytes changed.
        2 => {
            let mut b = (k.real)(rng.next_u64());
            for _ in 0..rng.range(1, 4) {
                let i = rng.range(0, b.len() as i64 - 1) as usize;
                if rng.coin() {
                    b[i] ^= 1 << rng.range(0, 7);
                } else {
                    b[i] = rng.next_u64() as u8;
                }
            }
            b
        }
        // The header of one kind, the length of another, or random header bytes.
        _ => {
            let mut b = k.sample.clone();
            b.resize(kinds[pick(&mut rng)].len, 0);
            if rng.coin() {
                let i = rng.range(4, 7) as usize;
                b[i] = rng.next_u64() as u8;
            }
            b
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// Arbitrary bytes, fed to every partial type: never a panic (see [`exercise`]).
    #[test]
    fn arbitrary_bytes_never_panic(mode in 0..4u8, seed in any::<u64>()) {
        let kinds = kinds();
        let bytes = random_wire(mode, seed, &kinds);
        for k in &kinds {
            (k.exercise)(&bytes)?;
        }
    }
}

/// A state `from_wire` accepts, merged with itself, must encode to bytes `from_wire`
/// accepts (and keep its sign). Found by these tests: the range check looked at the top
/// digit only, so a value of about 2^4320 (bits far above anything a dot product reaches,
/// just below the top digit) was accepted; merged with itself once it no longer decoded,
/// and after 32 self-merges its sign flipped (+inf became −inf).
#[test]
fn accepted_exact_states_stay_decodable_when_merged() {
    let one = ExactPartial::<f64>::of(&[1.0f64], &[1.0]).to_wire();
    let mut digits = exact_digits(&one);
    // Digit LIMBS - 2 (bits 4288..4320 of 4352): all ones; the top digit stays 0.
    digits[LIMBS - 2] = u32::MAX;
    let bytes = exact_wire(&one, &digits);
    let Ok(p) = ExactPartial::<f64>::from_wire(&bytes) else {
        return; // rejected: fine
    };
    let mut q = p.clone();
    q.merge(&p);
    assert!(
        ExactPartial::<f64>::from_wire(&q.to_wire()).is_ok(),
        "a merge of accepted states does not decode"
    );
    let mut r = p.clone();
    for _ in 0..40 {
        let c = r.clone();
        r.merge(&c);
    }
    assert_eq!(r.finish(), p.finish(), "the sign flipped");
}
