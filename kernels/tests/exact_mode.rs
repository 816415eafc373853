//! Accuracy::Exact against the independent big-integer reference: bit for bit.

mod common;

use common::exact::{ExactSum, exact_dot, exact_dot_f32};
use common::inputs::{families_f32, families_f64, gen_f32, gen_f64, lengths};
use pdot_kernels::{Accuracy, Backend, Isa, dot_with, dsdot_with};
use proptest::prelude::*;

/// The sign rule of an exact zero: -0 only when every product is -0.
fn all_products_neg_zero(x: &[f64], y: &[f64]) -> bool {
    !x.is_empty()
        && x.iter().zip(y).all(|(a, b)| {
            (a * b) == 0.0
                && (*a == 0.0 || *b == 0.0)
                && (a.is_sign_negative() != b.is_sign_negative())
        })
}

fn expected_f64(x: &[f64], y: &[f64], s: &ExactSum) -> f64 {
    if s.is_zero() && all_products_neg_zero(x, y) {
        -0.0
    } else {
        s.to_f64()
    }
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&a| f64::from(a)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn f64_matches_reference(family in families_f64(), n in lengths(3000), seed in any::<u64>()) {
        let (x, y) = gen_f64(family, n, seed);
        let s = exact_dot(&x, &y).unwrap();
        let want = expected_f64(&x, &y, &s);
        for isa in Isa::available() {
            let got = Backend::new(isa).unwrap().dot(Accuracy::Exact, &x, &y);
            prop_assert_eq!(got.to_bits(), want.to_bits(), "{:?} n={} {}: {} vs {}", family, n, isa, got, want);
        }
        prop_assert_eq!(dot_with(Accuracy::Exact, &x, &y).to_bits(), want.to_bits());
    }

    #[test]
    fn f32_matches_reference(family in families_f32(), n in lengths(3000), seed in any::<u64>()) {
        let (x, y) = gen_f32(family, n, seed);
        let s = exact_dot_f32(&x, &y).unwrap();
        let (wx, wy) = (widen(&x), widen(&y));
        let neg = s.is_zero() && all_products_neg_zero(&wx, &wy);
        let want32 = if neg { -0.0f32 } else { s.to_f32() };
        let want64 = if neg { -0.0f64 } else { s.to_f64() };
        prop_assert_eq!(dot_with(Accuracy::Exact, &x, &y).to_bits(), want32.to_bits());
        prop_assert_eq!(dsdot_with(Accuracy::Exact, &x, &y).to_bits(), want64.to_bits());
    }
}
