//! Multi-dot (`mdot`, `mdot_as`, `mdot_strided_as`, `Backend::mdot_strided_as`,
//! `Partial::of_many`, `Partial::of_many_strided_on`): each result `out[j]` has exactly the
//! bits of the single dot `x · y_j` at the same level on the same backend.
//!
//! Proptest, for every type pair (f64, f32, f32 -> f64), every accuracy level and every
//! backend: `k` in 0..=12 vectors `y_j` (more than 8 run in groups), lengths around the
//! multiples of the lane counts and below them, `x` at every alignment offset (so that the
//! peel varies), and views of every kind, mixed in one call: contiguous, BLAS increments
//! (negative and zero included) and blocked views; special values (NaN, infinities, signed
//! zeros, huge and subnormal values) sprinkled in. Exact results are also checked against the
//! testkit's independent reference on the logical elements. The partials made by
//! `of_many_strided_on` have the wire bytes of `of_strided_on` for each `y_j`. Longer vectors
//! (several chunks of the fused sweep and several blocks of the exact kernel) run in a second
//! property with fewer cases. Lengths that disagree panic with messages naming them.

use crate::common;

use pdot_kernels::{
    Accuracy, Backend, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real,
    Strided, dot_as, mdot, mdot_as, mdot_strided_as,
};
use pdot_testkit::special::sprinkle;
use pdot_testkit::strategies::{families_f64, lengths};
use pdot_testkit::{Element, Family, SplitMix64, backends};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// How one operand is laid out in memory.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Contiguous, starting `offset` elements into its buffer.
    Contiguous { offset: usize },
    /// A BLAS view with increment `inc` (possibly negative or zero).
    Step { inc: isize, offset: usize },
    /// Runs of `block` elements whose starts are `stride >= block` apart.
    Blocked { block: usize, stride: usize },
}

/// A random layout: contiguous for `mode` 0, a BLAS view for 1, any kind for 2.
fn kind(rng: &mut SplitMix64, mode: u8) -> Kind {
    let offset = rng.range(0, 7) as usize;
    let pick = match mode {
        0 => 0,
        1 => rng.range(1, 2),
        _ => rng.range(0, 2),
    };
    match pick {
        0 => Kind::Contiguous { offset },
        1 => {
            let inc = [-3, -2, -1, 0, 1, 2, 2, 4, 4, 3][rng.range(0, 9) as usize];
            Kind::Step { inc, offset }
        }
        _ => {
            let block = rng.range(1, 40) as usize;
            let stride = block + rng.range(0, 5) as usize;
            Kind::Blocked { block, stride }
        }
    }
}

/// A buffer holding the logical elements `v` in layout `kind`, `NaN` everywhere else (a read
/// outside the view would show).
fn place<E: Real>(v: &[E], kind: Kind) -> Vec<E> {
    let n = v.len();
    let filler = E::nan();
    match kind {
        Kind::Contiguous { offset } => {
            let mut buf = vec![filler; offset + n + 3];
            buf[offset..offset + n].copy_from_slice(v);
            buf
        }
        Kind::Step { inc, offset } => {
            let span = if n == 0 {
                0
            } else {
                (n - 1) * inc.unsigned_abs() + 1
            };
            let mut buf = vec![filler; offset + span + 2];
            for (i, &e) in v.iter().enumerate() {
                // BLAS: logical i is at i * inc, or (n - 1 - i) * |inc| for inc < 0; with
                // inc = 0 every logical element is the last one written (the first of v).
                let at = if inc >= 0 {
                    i * inc as usize
                } else {
                    (n - 1 - i) * inc.unsigned_abs()
                };
                if inc != 0 || i == 0 {
                    buf[offset + at] = e;
                }
            }
            buf
        }
        Kind::Blocked { block, stride } => {
            let runs = n.div_ceil(block);
            let mut buf = vec![filler; runs * stride + block];
            for (i, &e) in v.iter().enumerate() {
                buf[(i / block) * stride + i % block] = e;
            }
            buf
        }
    }
}

/// The view of `n` elements of `buf` in layout `kind`.
fn view<E: Real>(buf: &[E], n: usize, kind: Kind) -> Strided<'_, E> {
    match kind {
        Kind::Contiguous { offset } => buf[offset..offset + n].into(),
        Kind::Step { inc, offset } => Strided::new(&buf[offset..], n, inc).expect("fits"),
        Kind::Blocked { block, stride } => Strided::blocked(buf, n, block, stride).expect("fits"),
    }
}

/// The vectors of one case: `x` and `k` vectors `y_j`, as buffers and layouts.
struct Case<E> {
    n: usize,
    x: (Vec<E>, Kind),
    ys: Vec<(Vec<E>, Kind)>,
}

impl<E: Element + Real> Case<E> {
    /// `k + 1` vectors of `family`, with about `specials` special values each, laid out by
    /// `mode` (0: contiguous, 1: BLAS views, 2: any kind, mixed).
    fn new(family: Family, n: usize, k: usize, seed: u64, specials: usize, mode: u8) -> Self {
        let mut rng = SplitMix64::seeded(seed);
        let (mut x, y0) = E::gen_family(family, n, seed);
        sprinkle(&mut x, specials, &mut rng);
        let mut ys = Vec::with_capacity(k);
        for j in 0..k {
            let mut y = if j == 0 {
                y0.clone()
            } else {
                E::gen_family(family, n, seed.wrapping_add(j as u64)).1
            };
            sprinkle(&mut y, specials, &mut rng);
            let kind = kind(&mut rng, mode);
            ys.push((place(&y, kind), kind));
        }
        let kx = kind(&mut rng, mode);
        Case {
            n,
            x: (place(&x, kx), kx),
            ys,
        }
    }

    fn x(&self) -> Strided<'_, E> {
        view(&self.x.0, self.n, self.x.1)
    }

    fn ys(&self) -> Vec<Strided<'_, E>> {
        self.ys.iter().map(|(b, k)| view(b, self.n, *k)).collect()
    }
}

/// Bits of a result, widened.
fn bits<O: Real>(v: O) -> u64 {
    v.raw_bits()
}

/// On every backend and level: `mdot_strided_as` gives each single dot's bits (and Exact the
/// reference's); `of_many_strided_on` gives each single partial's wire bytes.
fn agrees<O, E>(case: &Case<E>) -> Result<(), TestCaseError>
where
    O: Element + Real,
    E: Element + Input<O>,
{
    let (x, ys) = (case.x(), case.ys());
    let k = ys.len();
    let xl: Vec<E> = x.iter().collect();
    for backend in backends() {
        for &accuracy in Accuracy::ALL {
            let mut out = vec![O::zero(); k];
            backend.mdot_strided_as(accuracy, x, &ys, &mut out);
            for (j, &y) in ys.iter().enumerate() {
                let single: O = backend.dot_strided_as(accuracy, x, y);
                prop_assert_eq!(
                    bits(out[j]),
                    bits(single),
                    "{:?} {} j = {} of k = {}, n = {}, x {:?}, y {:?}: {:?} vs single {:?}",
                    accuracy,
                    backend.isa(),
                    j,
                    k,
                    case.n,
                    case.x.1,
                    case.ys[j].1,
                    out[j],
                    single
                );
                if accuracy == Accuracy::Exact {
                    let yl: Vec<E> = y.iter().collect();
                    let want = O::round_exact(&E::exact_dot_ieee(&xl, &yl));
                    prop_assert_eq!(bits(out[j]), bits(want), "exact reference, j = {}", j);
                }
            }
        }
        partials_agree::<FastPartial<O>, E>(backend, x, &ys)?;
        partials_agree::<CompensatedPartial<O>, E>(backend, x, &ys)?;
        partials_agree::<ExactPartial<O>, E>(backend, x, &ys)?;
    }
    Ok(())
}

/// `P::of_many_strided_on` is, for each `j`, `P::of_strided_on(x, ys[j])` (same wire bytes).
fn partials_agree<P: Partial, E: Input<P::Output>>(
    backend: Backend,
    x: Strided<'_, E>,
    ys: &[Strided<'_, E>],
) -> Result<(), TestCaseError> {
    let mut out = vec![P::new(); ys.len()];
    P::of_many_strided_on(backend, x, ys, &mut out);
    for (j, (p, &y)) in out.iter().zip(ys).enumerate() {
        let single = P::of_strided_on(backend, x, y);
        prop_assert_eq!(p.to_wire(), single.to_wire(), "{:?} j = {}", P::ACCURACY, j);
    }
    Ok(())
}

/// The slice entry points: `mdot_as` and `P::of_many` on contiguous data, against `dot_as`
/// and `P::of` (active backend).
fn slices_agree<O, E>(case: &Case<E>) -> Result<(), TestCaseError>
where
    O: Element + Real,
    E: Element + Input<O>,
{
    let x: Vec<E> = case.x().iter().collect();
    let ys: Vec<Vec<E>> = case.ys().iter().map(|y| y.iter().collect()).collect();
    let refs: Vec<&[E]> = ys.iter().map(Vec::as_slice).collect();
    for &accuracy in Accuracy::ALL {
        let mut out = vec![O::zero(); refs.len()];
        mdot_as(accuracy, &x, &refs, &mut out);
        for (j, y) in refs.iter().enumerate() {
            prop_assert_eq!(bits(out[j]), bits(dot_as::<O, E>(accuracy, &x, y)));
        }
    }
    let mut exact = vec![ExactPartial::<O>::new(); refs.len()];
    ExactPartial::of_many(&x, &refs, &mut exact);
    for (p, y) in exact.iter().zip(&refs) {
        prop_assert_eq!(p, &ExactPartial::of(&x, y));
    }
    Ok(())
}

/// One case of each type pair.
fn all_pairs(
    family: Family,
    n: usize,
    k: usize,
    seed: u64,
    specials: usize,
    mode: u8,
) -> Result<(), TestCaseError> {
    let c64 = Case::<f64>::new(family, n, k, seed, specials, mode);
    agrees::<f64, f64>(&c64)?;
    slices_agree::<f64, f64>(&c64)?;
    let c32 = Case::<f32>::new(family, n, k, seed, specials, mode);
    agrees::<f32, f32>(&c32)?;
    agrees::<f64, f32>(&c32)?;
    slices_agree::<f32, f32>(&c32)?;
    slices_agree::<f64, f32>(&c32)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(600)))]

    /// Short vectors (ragged ends, n < LANES, the peel), every kind of view, k in 0..=12.
    #[test]
    fn each_result_is_the_single_dot(
        family in families_f64(),
        n in lengths(300),
        k in 0..=12usize,
        seed in any::<u64>(),
        specials in prop_oneof![3 => Just(0usize), 1 => 1..4usize],
        mode in 0..3u8,
    ) {
        all_pairs(family, n, k, seed, specials, mode)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(30)))]

    /// Vectors of several chunks of the fused sweep and several blocks of the exact kernel.
    #[test]
    fn long_vectors(
        family in families_f64(),
        n in 1000..12_000usize,
        k in 1..=9usize,
        seed in any::<u64>(),
        specials in prop_oneof![3 => Just(0usize), 1 => 1..3usize],
        mode in 0..3u8,
    ) {
        all_pairs(family, n, k, seed, specials, mode)?;
    }
}

/// The message of the panic of `f`.
fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = std::panic::catch_unwind(f).expect_err("should panic");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Lengths that disagree panic, naming them; nothing is computed for `k = 0`.
#[test]
fn length_mismatches_panic_naming_lengths() {
    let (x, a, b) = (vec![1.0f64; 5], vec![1.0f64; 5], vec![1.0f64; 4]);
    let msg = panic_message(|| mdot(Accuracy::Fast, &x, &[&a, &b], &mut [0.0; 2]));
    assert!(
        msg.contains("x has 5") && msg.contains("ys[1] has 4"),
        "{msg}"
    );
    let msg = panic_message(|| mdot(Accuracy::Exact, &x, &[&a, &a], &mut [0.0; 3]));
    assert!(msg.contains('2') && msg.contains("out has 3"), "{msg}");
    let msg = panic_message(|| {
        let ys = [Strided::from(&a[..]), Strided::from(&b[..])];
        mdot_strided_as::<f64, f64>(Accuracy::Compensated, x[..].into(), &ys, &mut [0.0; 2]);
    });
    assert!(msg.contains("ys[1] has 4"), "{msg}");
    let msg = panic_message(|| {
        let mut out = vec![ExactPartial::<f64>::new(); 1];
        ExactPartial::of_many(&x, &[&b], &mut out);
    });
    assert!(msg.contains("ys[0] has 4"), "{msg}");
    let mut none: [f64; 0] = [];
    mdot(Accuracy::Exact, &x, &[], &mut none);
}
