//! `Accuracy::Exact` against the independent big-integer reference, bit for bit.
//!
//! The reference is `pdot_testkit::ExactDot`: the exact sum of the products (a plain big
//! integer), rounded once to nearest-even, with the IEEE rules for special products (NaN,
//! inf·0, +inf with −inf → NaN; an infinity alone → that infinity; beyond the range → ±inf;
//! an exact zero is +0, and −0 only when every product is −0).
//!
//! Every case is checked for `f64`, `f32` and `f32 → f64` (`dsdot`), on every backend of
//! `Isa::available()` and through the free functions, for the contiguous slices (at an
//! offset into a NaN-filled buffer) and for strided views with random increments (negative
//! and 0 included; the other slots hold NaN). NaN results must be the canonical quiet NaN,
//! zeros must have the right sign: the comparison is of the bits.
//!
//! Inputs (`common::hard`): the families of `common::inputs` (uniform, wide exponent spreads,
//! subnormals, cancellation to exactly zero, small integers), Ogita–Rump–Oishi GenDot with
//! condition numbers up to 1e300 (`f64`) and 1e30 (`f32`), exponents anywhere in the range,
//! products beyond the range that cancel exactly, sums that overflow (or just fail to), ties
//! halfway between two results (and just off, at the largest finite value and in the
//! subnormal range too), signed zeros, and NaN/inf/extremes sprinkled in. Lengths 0…3000
//! with ragged tails, and some cases up to 20000, across the kernel's blocks and chunks.
//! 3000 cases each for `f64` and `f32` inputs (a third in unoptimized builds, see
//! `common::cases`), plus fixed cases for the overflow threshold, cancelling huge products,
//! the signed-zero rule and special products at every position of long vectors.

use crate::common;

use pdot_kernels::{Accuracy, Strided, dot_strided, dot_with, dsdot_strided, dsdot_with};
use pdot_testkit::backends;
use pdot_testkit::hard::{BINARY32, BINARY64, gen_hard_f32, gen_hard_f64, pow2};
use pdot_testkit::strategies::hard;
use pdot_testkit::strategies::lengths;
use pdot_testkit::{ExactDot, exact_dot_ieee, exact_dot_ieee_f32};
use pdot_testkit::{Family, Placed, blas_layout, gen_f64};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const EXACT: Accuracy = Accuracy::Exact;

/// The layout of a case: increments and offsets of the two buffers.
#[derive(Clone, Copy, Debug)]
struct Layout {
    inc_x: isize,
    inc_y: isize,
    off_x: usize,
    off_y: usize,
}

/// Increments: 1 and −1 often, the kernels' 2/2 and 4/4 paths, 0, and other gathers.
fn layouts() -> impl Strategy<Value = Layout> {
    let inc = prop_oneof![
        3 => Just(1isize),
        2 => Just(-1isize),
        1 => Just(2isize),
        1 => Just(4isize),
        3 => -5isize..=5,
    ];
    (inc.clone(), inc, any::<bool>(), 0..8usize, 0..8usize).prop_map(
        |(inc_x, inc_y, same, off_x, off_y)| Layout {
            inc_x,
            inc_y: if same { inc_x } else { inc_y },
            off_x,
            off_y,
        },
    )
}

/// Lengths: mostly up to 3000 (ragged tails, short vectors), sometimes up to 20000 (several
/// of the kernel's blocks).
fn exact_lengths() -> impl Strategy<Value = usize> {
    prop_oneof![8 => lengths(3000), 1 => 3000..=20000usize]
}

/// The logical vector a view with increment `inc` reads: `inc = 0` repeats the first value.
fn logical<T: Copy>(v: &[T], inc: isize) -> Vec<T> {
    if inc == 0 && !v.is_empty() {
        vec![v[0]; v.len()]
    } else {
        v.to_vec()
    }
}

/// A buffer laid out for a view, NaN in every slot the view must not read.
struct Buffer<T> {
    buf: Vec<T>,
    n: usize,
    inc: isize,
    off: usize,
}

impl<T: Copy> Buffer<T> {
    fn new(logical: &[T], inc: isize, off: usize, nan: T) -> Self {
        Buffer {
            buf: blas_layout(logical, inc, off, nan),
            n: logical.len(),
            inc,
            off,
        }
    }

    fn view(&self) -> Strided<'_, T> {
        Strided::new(&self.buf[self.off..], self.n, self.inc).expect("blas_layout fits")
    }
}

fn same64(got: f64, want: f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        got.to_bits() == want.to_bits(),
        "{what}: got {got:e} ({:#018x}), the correctly rounded result is {want:e} ({:#018x})",
        got.to_bits(),
        want.to_bits()
    );
    Ok(())
}

fn same32(got: f32, want: f32, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        got.to_bits() == want.to_bits(),
        "{what}: got {got:e} ({:#010x}), the correctly rounded result is {want:e} ({:#010x})",
        got.to_bits(),
        want.to_bits()
    );
    Ok(())
}

/// Every `f64` entry point, every backend, contiguous and strided, against the reference.
fn check_f64(x: &[f64], y: &[f64], l: Layout, what: &str) -> Result<(), TestCaseError> {
    let want = exact_dot_ieee(x, y).to_f64();
    let (px, py) = (
        Placed::new(x, l.off_x, f64::NAN),
        Placed::new(y, l.off_y, f64::NAN),
    );
    for b in backends() {
        let got = b.dot(EXACT, px.slice(), py.slice());
        same64(got, want, &format!("{what} {} contiguous", b.isa()))?;
    }
    same64(
        dot_with(EXACT, px.slice(), py.slice()),
        want,
        &format!("{what} dot_with"),
    )?;

    let (lx, ly) = (logical(x, l.inc_x), logical(y, l.inc_y));
    let want = if l.inc_x == 0 || l.inc_y == 0 {
        exact_dot_ieee(&lx, &ly).to_f64()
    } else {
        want
    };
    let bx = Buffer::new(&lx, l.inc_x, l.off_x, f64::NAN);
    let by = Buffer::new(&ly, l.inc_y, l.off_y, f64::NAN);
    for b in backends() {
        let got = b.dot_strided(EXACT, bx.view(), by.view());
        same64(got, want, &format!("{what} {} strided {l:?}", b.isa()))?;
    }
    let got = dot_strided(EXACT, bx.view(), by.view());
    same64(got, want, &format!("{what} dot_strided {l:?}"))
}

/// Every `f32` entry point (`f32` and `f64` results), every backend, contiguous and
/// strided, against the reference.
fn check_f32(x: &[f32], y: &[f32], l: Layout, what: &str) -> Result<(), TestCaseError> {
    let r = exact_dot_ieee_f32(x, y);
    let (want32, want64) = (r.to_f32(), r.to_f64());
    let (px, py) = (
        Placed::new(x, l.off_x, f32::NAN),
        Placed::new(y, l.off_y, f32::NAN),
    );
    for b in backends() {
        let got = b.dot(EXACT, px.slice(), py.slice());
        same32(got, want32, &format!("{what} {} f32 contiguous", b.isa()))?;
        let got = b.dot_strided_as::<f64, f32>(EXACT, px.slice().into(), py.slice().into());
        same64(got, want64, &format!("{what} {} dsdot contiguous", b.isa()))?;
    }
    same32(
        dot_with(EXACT, px.slice(), py.slice()),
        want32,
        &format!("{what} dot_with"),
    )?;
    same64(
        dsdot_with(EXACT, px.slice(), py.slice()),
        want64,
        &format!("{what} dsdot_with"),
    )?;

    let (lx, ly) = (logical(x, l.inc_x), logical(y, l.inc_y));
    let (want32, want64) = if l.inc_x == 0 || l.inc_y == 0 {
        let r = exact_dot_ieee_f32(&lx, &ly);
        (r.to_f32(), r.to_f64())
    } else {
        (want32, want64)
    };
    let bx = Buffer::new(&lx, l.inc_x, l.off_x, f32::NAN);
    let by = Buffer::new(&ly, l.inc_y, l.off_y, f32::NAN);
    for b in backends() {
        let got = b.dot_strided(EXACT, bx.view(), by.view());
        same32(
            got,
            want32,
            &format!("{what} {} f32 strided {l:?}", b.isa()),
        )?;
        let got = b.dot_strided_as::<f64, f32>(EXACT, bx.view(), by.view());
        same64(
            got,
            want64,
            &format!("{what} {} dsdot strided {l:?}", b.isa()),
        )?;
    }
    same32(
        dot_strided(EXACT, bx.view(), by.view()),
        want32,
        &format!("{what} dot_strided {l:?}"),
    )?;
    same64(
        dsdot_strided(EXACT, bx.view(), by.view()),
        want64,
        &format!("{what} dsdot_strided {l:?}"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(3000)))]

    /// `f64`: every hard family, every backend, contiguous and strided.
    #[test]
    fn f64_matches_reference(
        h in hard(BINARY64),
        n in exact_lengths(),
        seed in any::<u64>(),
        l in layouts(),
    ) {
        let (x, y) = gen_hard_f64(h, n, seed);
        check_f64(&x, &y, l, &format!("{h:?} n={} seed={seed}", x.len()))?;
    }

    /// `f32` inputs, `f32` and `f64` results; the ties (of `Hard::Ties`) are made for the
    /// format `out64` picks, the other format sees an ordinary sum.
    #[test]
    fn f32_matches_reference(
        h in hard(BINARY32),
        n in exact_lengths(),
        seed in any::<u64>(),
        out64 in any::<bool>(),
        l in layouts(),
    ) {
        let out = if out64 { BINARY64 } else { BINARY32 };
        let (x, y) = gen_hard_f32(h, n, seed, out);
        check_f32(&x, &y, l, &format!("{h:?} n={} seed={seed} out64={out64}", x.len()))?;
    }
}

/// A contiguous layout without offsets.
const PLAIN: Layout = Layout {
    inc_x: 1,
    inc_y: 1,
    off_x: 0,
    off_y: 0,
};

/// A reversed layout at odd offsets.
const REVERSED: Layout = Layout {
    inc_x: -1,
    inc_y: -3,
    off_x: 3,
    off_y: 1,
};

/// Checks `x · y` (contiguous and reversed/strided) and asserts the reference gives `want`.
fn assert_f64(x: &[f64], y: &[f64], want: f64) {
    let r = exact_dot_ieee(x, y).to_f64();
    assert_eq!(
        r.to_bits(),
        want.to_bits(),
        "reference: {r:e}, expected {want:e} for {x:?} · {y:?}"
    );
    for l in [PLAIN, REVERSED] {
        check_f64(x, y, l, &format!("{x:?} · {y:?}")).unwrap();
    }
}

fn assert_f32(x: &[f32], y: &[f32], want32: f32, want64: f64) {
    let r = exact_dot_ieee_f32(x, y);
    assert_eq!(
        r.to_f32().to_bits(),
        want32.to_bits(),
        "reference f32 for {x:?} · {y:?}"
    );
    assert_eq!(
        r.to_f64().to_bits(),
        want64.to_bits(),
        "reference f64 for {x:?} · {y:?}"
    );
    for l in [PLAIN, REVERSED] {
        check_f32(x, y, l, &format!("{x:?} · {y:?}")).unwrap();
    }
}

/// Products far beyond the range of `f64` that cancel exactly leave the small ones.
#[test]
fn huge_products_that_cancel() {
    assert_f64(&[1e200, 1e200], &[1e200, -1e200], 0.0);
    assert_f64(&[1e200, 1e200, 3.0], &[1e200, -1e200, 0.5], 1.5);
    assert_f64(
        &[f64::MAX, 3.0, -f64::MAX],
        &[f64::MAX, 0.25, f64::MAX],
        0.75,
    );
    assert_f64(&[f64::MAX, f64::MAX, -f64::MAX], &[1.0, 1.0, 1.0], f64::MAX);
    // MAX² cancels, leaving the smallest subnormal.
    let tiny = pow2(-1074);
    assert_f64(
        &[f64::MAX, tiny, -f64::MAX],
        &[f64::MAX, 1.0, f64::MAX],
        tiny,
    );
    assert_f32(
        &[f32::MAX, f32::MAX, 1.0],
        &[f32::MAX, -f32::MAX, 0.5],
        0.5,
        0.5,
    );
}

/// The overflow threshold is the midpoint between the largest finite value and 2^1024:
/// ties there round to even, i.e. to infinity.
#[test]
fn overflow_threshold_rounds_to_nearest_even() {
    let half_ulp = pow2(970); // ulp(f64::MAX) = 2^971
    let tiny = pow2(-1074);
    assert_f64(&[f64::MAX, half_ulp], &[1.0, 1.0], f64::INFINITY);
    assert_f64(&[-f64::MAX, -half_ulp], &[1.0, 1.0], f64::NEG_INFINITY);
    assert_f64(&[f64::MAX, half_ulp, -tiny], &[1.0, 1.0, 1.0], f64::MAX);
    assert_f64(
        &[f64::MAX, half_ulp, tiny],
        &[1.0, 1.0, tiny],
        f64::INFINITY,
    );
    assert_f64(&[f64::MAX, pow2(969)], &[1.0, 1.0], f64::MAX);
    assert_f64(&[f64::MAX, f64::MAX], &[1.0, 1.0], f64::INFINITY);
    assert_f64(&[f64::MAX, f64::MAX], &[-1.0, -1.0], f64::NEG_INFINITY);
    // Far beyond the range, then back.
    assert_f64(
        &[f64::MAX, f64::MAX, -f64::MAX],
        &[f64::MAX, 2.0, f64::MAX],
        f64::MAX * 2.0,
    );
    // f32: ulp(f32::MAX) = 2^104; in f64 the same sums are finite.
    let h = pow2(103) as f32;
    let max = f64::from(f32::MAX);
    assert_f32(&[f32::MAX, h], &[1.0, 1.0], f32::INFINITY, max + pow2(103));
    assert_f32(
        &[f32::MAX, h, -f32::from_bits(1)],
        &[1.0, 1.0, 1.0],
        f32::MAX,
        max + pow2(103) - pow2(-149),
    );
    assert_f32(&[f32::MAX, f32::MAX], &[-2.0, 1.0], -f32::MAX, -max);
}

/// Exact zeros are +0, except −0 when every product is −0 (and n > 0), wherever the
/// products sit across lanes, chunks and blocks.
#[test]
fn signed_zero_rule() {
    assert_f64(&[], &[], 0.0);
    assert_f64(&[-0.0], &[1.0], -0.0);
    assert_f64(&[0.0], &[-3.0], -0.0);
    assert_f64(&[-0.0], &[-0.0], 0.0);
    assert_f64(&[-0.0, 0.0], &[1.0, 1.0], 0.0);
    assert_f64(&[1.0, -1.0], &[1.0, 1.0], 0.0);
    assert_f64(&[-1.0, 1.0, -0.0], &[1.0, 1.0, 5.0], 0.0);
    assert_f64(&[f64::MAX, -f64::MAX], &[f64::MAX, f64::MAX], 0.0);
    // A product below half the smallest subnormal rounds to a zero of its own sign.
    assert_f64(&[-pow2(-1074), -0.0], &[0.25, 1.0], -0.0);
    assert_f64(&[pow2(-1074), -0.0], &[0.25, 1.0], 0.0);
    assert_f32(&[-0.0], &[1.0], -0.0, -0.0);
    assert_f32(&[-0.0, 0.0], &[1.0, 1.0], 0.0, 0.0);
    assert_f32(&[], &[], 0.0, 0.0);
    // All −0 but one +0, at every position, in vectors that span several blocks.
    for n in [
        1usize, 31, 32, 33, 64, 65, 127, 128, 129, 4095, 4096, 4097, 9000,
    ] {
        let x: Vec<f64> = (0..n)
            .map(|i| if i % 3 == 0 { -0.0 } else { 0.0 })
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| if i % 3 == 0 { 1.5 } else { -2.0 })
            .collect();
        check_f64(&x, &y, PLAIN, &format!("all -0, n = {n}")).unwrap();
        assert_eq!(
            exact_dot_ieee(&x, &y).to_f64().to_bits(),
            (-0.0f64).to_bits()
        );
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        check_f32(&xf, &yf, REVERSED, &format!("all -0, n = {n}")).unwrap();
        let positions: Vec<usize> = if n > 200 {
            vec![
                0,
                1,
                63,
                127,
                128,
                n / 2,
                4095.min(n - 1),
                4096.min(n - 1),
                n - 1,
            ]
        } else {
            (0..n).collect()
        };
        for &i in &positions {
            let mut x = x.clone();
            x[i] = -x[i]; // this product is now +0
            check_f64(&x, &y, PLAIN, &format!("one +0 at {i}, n = {n}")).unwrap();
            assert_eq!(exact_dot_ieee(&x, &y).to_f64().to_bits(), 0);
            let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            check_f32(&xf, &yf, PLAIN, &format!("one +0 at {i}, n = {n}")).unwrap();
        }
    }
}

/// NaN, inf·0 and +inf with −inf give NaN; an infinity alone gives that infinity, whatever
/// the finite products add up to (even beyond the range, of the other sign); at any
/// position of long vectors.
#[test]
fn special_products() {
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    assert_f64(&[inf], &[2.0], inf);
    assert_f64(&[inf], &[-2.0], -inf);
    assert_f64(&[inf, 0.0], &[0.0, 1.0], nan);
    assert_f64(&[inf, -inf], &[1.0, 1.0], nan);
    assert_f64(&[inf, -inf], &[1.0, -1.0], inf);
    assert_f64(&[-f64::NAN, 1.0], &[1.0, 1.0], nan);
    assert_f64(&[f64::from_bits(0x7ff0_0000_0000_0001)], &[inf], nan);
    assert_f64(
        &[inf, f64::MAX, f64::MAX],
        &[1.0, -f64::MAX, -f64::MAX],
        inf,
    );
    assert_f64(&[-inf, f64::MAX], &[1.0, f64::MAX], -inf);
    assert_f64(&[inf, -0.0], &[pow2(-1074), 1.0], inf);
    assert_f32(
        &[f32::INFINITY, f32::MAX],
        &[1.0, -f32::MAX],
        f32::INFINITY,
        inf,
    );
    assert_f32(&[f32::NAN], &[0.0], f32::NAN, nan);
    assert_f32(&[f32::INFINITY, -0.0], &[-0.0, 1.0], f32::NAN, nan);

    let (x0, y0) = gen_f64(Family::Uniform, 9000, 7);
    for (i, special, partner) in [
        (0, nan, 1.0),
        (4095, inf, 0.0),
        (4096, inf, -1.0),
        (127, -inf, 2.0),
        (8191, inf, 3.0),
        (8999, f64::from_bits(0xfff8_dead_0000_0001), 1.0),
    ] {
        let (mut x, mut y) = (x0.clone(), y0.clone());
        x[i] = special;
        y[i] = partner;
        check_f64(&x, &y, PLAIN, &format!("special at {i}")).unwrap();
        check_f64(&x, &y, REVERSED, &format!("special at {i}")).unwrap();
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        check_f32(&xf, &yf, PLAIN, &format!("special at {i}")).unwrap();
    }
}

/// GenDot really reaches the condition numbers the properties above claim (up to 1e300),
/// without overflowing: cond = |x|·|y| / |x·y|.
#[test]
fn gen_dot_reaches_high_condition_numbers() {
    for log10_cond in [30u32, 100, 200, 300] {
        for seed in 0..20 {
            let (x, y) = gen_f64(Family::IllConditioned { log10_cond }, 100, seed);
            let d = exact_dot_ieee(&x, &y);
            let mut abs = ExactDot::new();
            for (a, b) in x.iter().zip(&y) {
                abs.add(a.abs(), b.abs());
            }
            let (num, den) = (abs.to_f64(), d.to_f64().abs());
            assert!(
                num.is_finite() && den > 0.0,
                "GenDot 1e{log10_cond}: {num:e} / {den:e}"
            );
            let achieved = num.log10() - den.log10();
            assert!(
                achieved > f64::from(log10_cond) - 20.0,
                "GenDot 1e{log10_cond} seed {seed}: condition only 1e{achieved:.0}"
            );
        }
    }
}
