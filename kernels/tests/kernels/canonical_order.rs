//! `Accuracy::Fast` follows the canonical order documented in the crate root, bit for bit:
//! logical element `i` is accumulated by a fused multiply-add into virtual lane `i % L`
//! (L = 32 for f64 accumulators, 64 for f32), lanes in increasing `i`, starting from +0; then
//! lane `j` absorbs lane `j + h` for `h = L/2, ..., 1`; a NaN result is the canonical NaN.
//!
//! The model below is that sentence written as a scalar loop with `mul_add` (one rounding).
//! Every backend, every alignment and every strided view must reproduce it exactly: this is
//! what lets a strided partial on one rank equal a contiguous partial on another, and what
//! a future backend (aarch64, another width) must match.

use std::fmt::LowerExp;

use pdot_kernels::{Accuracy, Backend, Input, Real, Strided};
use pdot_testkit::backends;
use pdot_testkit::special::sprinkle;
use pdot_testkit::strategies::{families_f32, families_f64, lengths};
use pdot_testkit::{Element, Family, Placed, SplitMix64, blas_logical, gen_f32, gen_f64};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::contiguous_tests;

/// The canonical order for `O` results of `E` inputs (`O::LANES` lanes, each element
/// widened exactly to `O`).
fn model<O: Real + Element, E: Element>(x: &[E], y: &[E]) -> O {
    let mut lanes = vec![O::zero(); O::LANES];
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        let (a, b) = (O::from_f64(a.as_f64()), O::from_f64(b.as_f64()));
        lanes[i % O::LANES] = a.mul_add(b, lanes[i % O::LANES]);
    }
    let mut h = lanes.len() / 2;
    while h > 0 {
        for j in 0..h {
            lanes[j] = lanes[j] + lanes[j + h];
        }
        h /= 2;
    }
    lanes[0]
}

fn model_f64(x: &[f64], y: &[f64]) -> f64 {
    model(x, y)
}

fn model_f32(x: &[f32], y: &[f32]) -> f32 {
    model(x, y)
}

fn model_mixed(x: &[f32], y: &[f32]) -> f64 {
    model(x, y)
}

/// Same bits, or both NaN (the canonical NaN itself is checked in `backends_agree.rs`).
fn same<O: Element>(a: O, b: O) -> bool {
    a.bits() == b.bits() || (a.as_f64().is_nan() && b.as_f64().is_nan())
}

/// `b`'s Fast result of `O` for views `xs`, `ys` with logical elements `lx`, `ly` is the
/// model's.
fn fast_matches<O: Real + Element + LowerExp, E: Input<O> + Element>(
    b: Backend,
    (xs, ys): (Strided<'_, E>, Strided<'_, E>),
    (lx, ly): (&[E], &[E]),
    what: &str,
) -> Result<(), TestCaseError> {
    let want = model::<O, E>(lx, ly);
    let got = b.dot_strided_as::<O, E>(Accuracy::Fast, xs, ys);
    prop_assert!(
        same(got, want),
        "{} {}: {:e} != model {:e}",
        b.isa(),
        what,
        got,
        want
    );
    Ok(())
}

/// Contiguous `E` at offsets `(off_x, off_y)` with special values, on every backend: the
/// `E` results and, if `mixed`, the `f64` ones follow the model.
fn contiguous<E: Real + Element + LowerExp + Input<E> + Input<f64>>(
    family: Family,
    n: usize,
    seed: u64,
    specials: usize,
    (off_x, off_y): (usize, usize),
    mixed: bool,
) -> Result<(), TestCaseError> {
    let (mut x, y) = E::gen_family(family, n, seed);
    sprinkle(&mut x, specials, &mut SplitMix64::seeded(!seed));
    let nan = E::from_f64(f64::NAN);
    let (px, py) = (Placed::new(&x, off_x, nan), Placed::new(&y, off_y, nan));
    let views = (Strided::from(px.slice()), Strided::from(py.slice()));
    let name = std::any::type_name::<E>();
    for b in backends() {
        fast_matches::<E, E>(b, views, (&x, &y), name)?;
        if mixed {
            fast_matches::<f64, E>(b, views, (&x, &y), &format!("{name}->f64"))?;
        }
    }
    Ok(())
}

contiguous_tests! {
    /// Contiguous f64 at any alignment, on every backend.
    f64_fast_is_the_canonical_order: f64, families_f64(), 0..2usize, false;
    /// Contiguous f32 and mixed f32 -> f64 at any alignment, on every backend.
    f32_and_mixed_fast_are_the_canonical_order: f32, families_f32(), 0..2usize, true;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Strided views follow the canonical order of their logical elements.
    #[test]
    fn strided_fast_is_the_canonical_order(
        family in families_f64(),
        n in lengths(500),
        seed in any::<u64>(),
        inc_x in -7isize..=7,
        inc_y in -7isize..=7,
    ) {
        let len = |inc: isize| if n == 0 { 0 } else { (n - 1) * inc.unsigned_abs() + 1 };
        let (dx, dy) = gen_f64(family, len(inc_x).max(len(inc_y)), seed);
        let (dx, dy) = (&dx[..len(inc_x)], &dy[..len(inc_y)]);
        let want = model_f64(&blas_logical(dx, n, inc_x), &blas_logical(dy, n, inc_y));
        let (fx, fy) = gen_f32(family, len(inc_x).max(len(inc_y)), seed);
        let (fx, fy) = (&fx[..len(inc_x)], &fy[..len(inc_y)]);
        let (lx, ly) = (blas_logical(fx, n, inc_x), blas_logical(fy, n, inc_y));
        let (want_f32, want_mixed) = (model_f32(&lx, &ly), model_mixed(&lx, &ly));
        for b in backends() {
            let (xs, ys) = (Strided::new(dx, n, inc_x).unwrap(), Strided::new(dy, n, inc_y).unwrap());
            let got = b.dot_strided(Accuracy::Fast, xs, ys);
            prop_assert!(same(got, want), "{} f64: {:e} != model {:e}", b.isa(), got, want);
            let (xs, ys) = (Strided::new(fx, n, inc_x).unwrap(), Strided::new(fy, n, inc_y).unwrap());
            let got = b.dot_strided(Accuracy::Fast, xs, ys);
            prop_assert!(same(got, want_f32), "{} f32: {:e} != model {:e}", b.isa(), got, want_f32);
            let got = b.dot_strided_as::<f64, f32>(Accuracy::Fast, xs, ys);
            prop_assert!(same(got, want_mixed), "{} f32->f64: {:e} != model {:e}", b.isa(), got, want_mixed);
        }
    }
}
