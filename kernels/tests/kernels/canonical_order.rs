//! `Accuracy::Fast` follows the canonical order documented in the crate root, bit for bit:
//! logical element `i` is accumulated by a fused multiply-add into virtual lane `i % L`
//! (L = 32 for f64 accumulators, 64 for f32), lanes in increasing `i`, starting from +0; then
//! lane `j` absorbs lane `j + h` for `h = L/2, ..., 1`; a NaN result is the canonical NaN.
//!
//! The model below is that sentence written as a scalar loop with `mul_add` (one rounding).
//! Every backend, every alignment and every strided view must reproduce it exactly: this is
//! what lets a strided partial on one rank equal a contiguous partial on another, and what
//! a future backend (aarch64, another width) must match.

use pdot_kernels::{Accuracy, Strided};
use pdot_testkit::backends;
use pdot_testkit::strategies::{families_f32, families_f64, lengths};
use pdot_testkit::{
    Placed, SplitMix64, blas_logical, gen_f32, gen_f64, sprinkle_f32, sprinkle_f64,
};
use proptest::prelude::*;

fn tree_f64(mut lanes: Vec<f64>) -> f64 {
    let mut h = lanes.len() / 2;
    while h > 0 {
        for j in 0..h {
            lanes[j] += lanes[j + h];
        }
        h /= 2;
    }
    lanes[0]
}

fn tree_f32(mut lanes: Vec<f32>) -> f32 {
    let mut h = lanes.len() / 2;
    while h > 0 {
        for j in 0..h {
            lanes[j] += lanes[j + h];
        }
        h /= 2;
    }
    lanes[0]
}

/// The canonical order for `f64` (32 lanes).
fn model_f64(x: &[f64], y: &[f64]) -> f64 {
    let mut lanes = vec![0.0f64; 32];
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        lanes[i % 32] = a.mul_add(b, lanes[i % 32]);
    }
    tree_f64(lanes)
}

/// The canonical order for `f32` (64 lanes).
fn model_f32(x: &[f32], y: &[f32]) -> f32 {
    let mut lanes = vec![0.0f32; 64];
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        lanes[i % 64] = a.mul_add(b, lanes[i % 64]);
    }
    tree_f32(lanes)
}

/// The canonical order for `f32` inputs accumulated in `f64` (32 lanes).
fn model_mixed(x: &[f32], y: &[f32]) -> f64 {
    let mut lanes = vec![0.0f64; 32];
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        lanes[i % 32] = f64::from(a).mul_add(f64::from(b), lanes[i % 32]);
    }
    tree_f64(lanes)
}

/// Same bits, or both NaN (the canonical NaN itself is checked in `backends_agree.rs`).
fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_f32(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Contiguous f64 at any alignment, on every backend.
    #[test]
    fn f64_fast_is_the_canonical_order(
        family in families_f64(),
        n in lengths(3000),
        seed in any::<u64>(),
        specials in 0..2usize,
        off_x in 0..8usize,
        off_y in 0..8usize,
    ) {
        let (mut x, y) = gen_f64(family, n, seed);
        sprinkle_f64(&mut x, specials, &mut SplitMix64::seeded(!seed));
        let want = model_f64(&x, &y);
        let (px, py) = (Placed::new(&x, off_x, f64::NAN), Placed::new(&y, off_y, f64::NAN));
        for b in backends() {
            let got = b.dot(Accuracy::Fast, px.slice(), py.slice());
            prop_assert!(same_f64(got, want), "{}: {:e} != model {:e}", b.isa(), got, want);
        }
    }

    /// Contiguous f32 and mixed f32 -> f64 at any alignment, on every backend.
    #[test]
    fn f32_and_mixed_fast_are_the_canonical_order(
        family in families_f32(),
        n in lengths(3000),
        seed in any::<u64>(),
        specials in 0..2usize,
        off_x in 0..8usize,
        off_y in 0..8usize,
    ) {
        let (mut x, y) = gen_f32(family, n, seed);
        sprinkle_f32(&mut x, specials, &mut SplitMix64::seeded(!seed));
        let (want, want_mixed) = (model_f32(&x, &y), model_mixed(&x, &y));
        let (px, py) = (Placed::new(&x, off_x, f32::NAN), Placed::new(&y, off_y, f32::NAN));
        for b in backends() {
            let got = b.dot(Accuracy::Fast, px.slice(), py.slice());
            prop_assert!(same_f32(got, want), "{} f32: {:e} != model {:e}", b.isa(), got, want);
            let got = b.dot_strided_as::<f64, f32>(Accuracy::Fast, px.slice().into(), py.slice().into());
            prop_assert!(
                same_f64(got, want_mixed),
                "{} f32->f64: {:e} != model {:e}", b.isa(), got, want_mixed
            );
        }
    }

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
            prop_assert!(same_f64(got, want), "{} f64: {:e} != model {:e}", b.isa(), got, want);
            let (xs, ys) = (Strided::new(fx, n, inc_x).unwrap(), Strided::new(fy, n, inc_y).unwrap());
            let got = b.dot_strided(Accuracy::Fast, xs, ys);
            prop_assert!(same_f32(got, want_f32), "{} f32: {:e} != model {:e}", b.isa(), got, want_f32);
            let got = b.dot_strided_as::<f64, f32>(Accuracy::Fast, xs, ys);
            prop_assert!(same_f64(got, want_mixed), "{} f32->f64: {:e} != model {:e}", b.isa(), got, want_mixed);
        }
    }
}
