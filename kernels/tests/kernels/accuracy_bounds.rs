//! Accuracy: each level stays within its documented error bound of the exact dot product.
//!
//! - `Fast`: |r − x·y| ≤ γ_n·|x|·|y| (and the tighter γ_k of the canonical order, see
//!   `common::canonical_depth`);
//! - `Compensated`: |r − x·y| ≤ u·|x·y| + γ_n²·|x|·|y|;
//! - `Exact`: |r − x·y| ≤ u·|x·y| (correct rounding; `exact_mode.rs` checks the bits);
//!
//! plus an underflow allowance when products can be subnormal. The error is computed
//! exactly (`common::exact`) and compared with the bound as explained in `common::inflate`.
//! Inputs: uniform, wide exponent spreads, subnormals, exact cancellation, small integers,
//! and Ogita–Rump–Oishi ill-conditioned dot products (condition 1e5…1e30 for f64, 1e3…1e15
//! for f32); lengths 0…3000 with ragged tails; slices at offsets 0…7 into a larger buffer.
//!
//! These run on the active backend; `backends_agree.rs` shows every backend gives the same
//! bits, so the bounds hold for all of them.

use pdot_kernels::{Accuracy, Input, Real, dot_as, dot_with, dsdot_with};
use pdot_testkit::strategies::{families_f32, families_f64, lengths};
use pdot_testkit::{Element, ExactSum, exact_abs_dot, exact_dot, exact_dot_f32};
use pdot_testkit::{Family, Placed, SplitMix64, gen_f64};
use pdot_testkit::{Rounding, canonical_depth, compensated_bound, error_upper, fast_bound};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Checks both bounds of one result. `r` is the result converted exactly to `f64`.
fn check(
    p: Rounding,
    accuracy: Accuracy,
    r: f64,
    exact: &ExactSum,
    abs_dot: &ExactSum,
    n: usize,
) -> Result<(), TestCaseError> {
    prop_assert!(
        r.is_finite(),
        "{} {accuracy}: non-finite result {r}",
        p.name
    );
    let err = error_upper(r, exact);
    match accuracy {
        Accuracy::Fast => {
            let documented = fast_bound(p, n, n, abs_dot);
            prop_assert!(
                err <= documented,
                "{} fast: error {err:e} > γ_n|x||y| = {documented:e} (n = {n}, r = {r:e}, exact {exact:?})",
                p.name
            );
            let k = canonical_depth(p, n);
            let canonical = fast_bound(p, n, k, abs_dot);
            prop_assert!(
                err <= canonical,
                "{} fast: error {err:e} > γ_{k}|x||y| = {canonical:e} of the canonical order (n = {n})",
                p.name
            );
        }
        Accuracy::Compensated => {
            let bound = compensated_bound(p, n, exact, abs_dot);
            prop_assert!(
                err <= bound,
                "{} compensated: error {err:e} > u|x·y| + γ_n²|x||y| = {bound:e} (n = {n}, r = {r:e}, exact {exact:?})",
                p.name
            );
        }
        Accuracy::Exact => {
            // Correct rounding: within half an ulp, i.e. u·|x·y| (plus half the smallest
            // subnormal when the result is subnormal; `err` is rounded up to a multiple of
            // it, hence a whole eta). `exact_mode.rs` checks the bits themselves.
            let bound = p.u * exact.abs_upper_f64() + p.eta;
            prop_assert!(
                err <= bound,
                "{} exact: error {err:e} > u|x·y| = {bound:e} (n = {n}, r = {r:e}, exact {exact:?})",
                p.name
            );
        }
        other => prop_assert!(false, "no bound known for {other}"),
    }
    Ok(())
}

/// `O` results of `E` inputs: every level within its bounds; small integers give the
/// exact result.
fn within_bounds<O: Real + Element, E: Input<O> + Element>(
    family: Family,
    n: usize,
    seed: u64,
    (off_x, off_y): (usize, usize),
) -> Result<(), TestCaseError> {
    let (x, y) = E::gen_family(family, n, seed);
    let nan = E::from_f64(f64::NAN);
    let (px, py) = (Placed::new(&x, off_x, nan), Placed::new(&y, off_y, nan));
    let exact = E::exact_sum(&x, &y).expect("finite inputs");
    let abs_dot = E::exact_abs_sum(&x, &y).expect("finite inputs");
    for &accuracy in Accuracy::ALL {
        let r = dot_as::<O, E>(accuracy, px.slice(), py.slice()).as_f64();
        check(O::ROUNDING, accuracy, r, &exact, &abs_dot, n)?;
        if family == Family::SmallIntegers {
            prop_assert_eq!(r, exact.to_f64(), "{}: integer dot not exact", accuracy);
        }
    }
    Ok(())
}

/// One proptest (2500 cases) a type pair: [`within_bounds`] over the pair's families.
macro_rules! within_bounds_tests {
    ($($(#[$doc:meta])* $name:ident: $o:ty, $e:ty, $families:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2500))]
            $(
                $(#[$doc])*
                #[test]
                fn $name(
                    family in $families,
                    n in lengths(3000),
                    seed in any::<u64>(),
                    off_x in 0..8usize,
                    off_y in 0..8usize,
                ) {
                    within_bounds::<$o, $e>(family, n, seed, (off_x, off_y))?;
                }
            )*
        }
    };
}

within_bounds_tests! {
    /// f64 inputs: both levels within their bounds; small integers give the exact result.
    f64_within_bounds: f64, f64, families_f64();
    /// f32 inputs accumulated in f32.
    f32_within_bounds: f32, f32, families_f32();
    /// f32 inputs accumulated in f64 (`dsdot`): the bounds of f64 arithmetic.
    mixed_within_bounds: f64, f32, families_f32();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Ill-conditioned inputs (GenDot) only, f64, condition 1e5…1e30: where Compensated's
    /// second term matters and Fast may lose every digit, yet both stay within their bounds.
    #[test]
    fn f64_ill_conditioned_within_bounds(
        log10_cond in 5..=30u32,
        n in 2..=600usize,
        seed in any::<u64>(),
        offset in 0..8usize,
    ) {
        let (x, y) = gen_f64(Family::IllConditioned { log10_cond }, n, seed);
        let (px, py) = (Placed::new(&x, offset, f64::NAN), Placed::new(&y, 7 - offset, f64::NAN));
        let exact = exact_dot(&x, &y).expect("finite inputs");
        let abs_dot = exact_abs_dot(&x, &y).expect("finite inputs");
        for &accuracy in Accuracy::ALL {
            let r = dot_with(accuracy, px.slice(), py.slice());
            check(Rounding::F64, accuracy, r, &exact, &abs_dot, n)?;
        }
    }

    /// Sums whose every partial sum is representable are computed exactly by both levels,
    /// in every order: subnormal multiples of 2^-1074 (f64) and of 2^-149 (f32) times small
    /// powers of two.
    #[test]
    fn representable_partial_sums_are_exact(
        n in lengths(3000),
        seed in any::<u64>(),
        offset in 0..8usize,
    ) {
        let mut rng = SplitMix64::seeded(seed);
        let pow2 = |rng: &mut SplitMix64| -> f64 {
            let v = [1.0, 2.0, 4.0][rng.range(0, 2) as usize];
            if rng.coin() { -v } else { v }
        };
        // |x_i| < 2^34 · 2^-1074 and |y_i| <= 4: every partial sum of up to 4096 terms is a
        // multiple of 2^-1074 below 2^-1026 in magnitude, hence an exact f64.
        let x: Vec<f64> = (0..n)
            .map(|_| f64::from_bits(rng.next_u64() >> 30) * if rng.coin() { -1.0 } else { 1.0 })
            .collect();
        let y: Vec<f64> = (0..n).map(|_| pow2(&mut rng)).collect();
        let exact = exact_dot(&x, &y).expect("finite inputs").to_f64();
        // The same in f32: |x_i| < 2^10 · 2^-149, |y_i| <= 4, n < 2^12: partial sums below 2^24 · 2^-149.
        let xf: Vec<f32> = (0..n)
            .map(|_| f32::from_bits((rng.next_u64() >> 54) as u32) * if rng.coin() { -1.0 } else { 1.0 })
            .collect();
        let yf: Vec<f32> = (0..n).map(|_| pow2(&mut rng) as f32).collect();
        let exact_f = exact_dot_f32(&xf, &yf).expect("finite inputs");
        let (px, py) = (Placed::new(&x, offset, f64::NAN), Placed::new(&y, 0, f64::NAN));
        let (pxf, pyf) = (Placed::new(&xf, offset, f32::NAN), Placed::new(&yf, 0, f32::NAN));
        for &accuracy in Accuracy::ALL {
            prop_assert_eq!(dot_with(accuracy, px.slice(), py.slice()), exact);
            prop_assert_eq!(dot_with(accuracy, pxf.slice(), pyf.slice()), exact_f.to_f32());
            prop_assert_eq!(dsdot_with(accuracy, pxf.slice(), pyf.slice()), exact_f.to_f64());
        }
    }
}
