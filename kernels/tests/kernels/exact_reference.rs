//! Tests of the exact reference itself (`common/exact.rs`) against independent facts: integer
//! arithmetic, IEEE 754 operations that are correctly rounded by definition (`+`, `*`,
//! `mul_add`, integer-to-float conversion), and hand-derived values of ties, underflow and
//! overflow.

use std::cmp::Ordering;

use pdot_testkit::{Element, ExactSum, exact_abs_dot, exact_dot, exact_dot_f32};
use proptest::prelude::*;

fn product(a: f64, b: f64) -> ExactSum {
    let mut s = ExactSum::new();
    s.add_product(a, b);
    s
}

fn sum(terms: &[f64]) -> ExactSum {
    let mut s = ExactSum::new();
    for &t in terms {
        s.add_f64(t);
    }
    s
}

fn p2(e: i32) -> f64 {
    // powi is exact for powers of two in the normal range; build subnormals from bits.
    if e >= -1022 {
        2f64.powi(e)
    } else {
        assert!(e >= -1074);
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// Any finite `E`, subnormals and both zeros included, all exponents equally likely.
fn finite<E: Element>() -> impl Strategy<Value = E>
where
    std::ops::Range<E>: Strategy<Value = E>,
{
    let (_, _, trailing) = E::masks();
    prop_oneof![
        any::<u64>().prop_map(E::from_bits),
        (any::<bool>(), 0..=trailing).prop_map(|(s, f)| {
            let v = E::from_bits(f).as_f64();
            E::from_f64(if s { -v } else { v })
        }),
        E::from_f64(-1e3)..E::from_f64(1e3),
    ]
    .prop_filter("finite", |v| v.as_f64().is_finite())
}

fn finite_f64() -> impl Strategy<Value = f64> {
    finite()
}

fn finite_f32() -> impl Strategy<Value = f32> {
    finite()
}

#[test]
fn zero_and_small_integers() {
    assert!(ExactSum::new().is_zero());
    assert_eq!(ExactSum::new().to_f64().to_bits(), 0.0f64.to_bits());
    assert_eq!(ExactSum::new().to_f32().to_bits(), 0.0f32.to_bits());
    // 1·4 + 2·5 + 3·6 = 32; (-7)·3 + 2·2 = -17.
    assert_eq!(
        exact_dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0])
            .unwrap()
            .to_f64(),
        32.0
    );
    assert_eq!(
        exact_dot(&[-7.0, 2.0], &[3.0, 2.0]).unwrap().to_f64(),
        -17.0
    );
    assert_eq!(
        exact_abs_dot(&[-7.0, 2.0], &[3.0, 2.0]).unwrap().to_f64(),
        25.0
    );
    assert!(exact_dot(&[], &[]).unwrap().is_zero());
    // -0.0 is zero.
    assert!(ExactSum::from_f64(-0.0).is_zero());
    assert!(product(-0.0, 5.0).is_zero());
}

#[test]
fn non_finite_inputs_have_no_exact_value() {
    assert!(exact_dot(&[1.0, f64::NAN], &[1.0, 1.0]).is_none());
    assert!(exact_dot(&[1.0, 0.0], &[1.0, f64::INFINITY]).is_none());
    assert!(exact_dot(&[f64::NEG_INFINITY], &[0.0]).is_none());
    assert!(exact_dot_f32(&[f32::NAN], &[1.0]).is_none());
    assert!(exact_abs_dot(&[f64::INFINITY], &[1.0]).is_none());
}

#[test]
fn smallest_products() {
    let tiny = f64::from_bits(1); // 2^-1074
    let s = product(tiny, tiny); // 2^-2148, the least positive value
    assert!(!s.is_zero());
    assert!(!s.is_negative());
    assert!(s > ExactSum::new());
    assert!(s < ExactSum::from_f64(tiny));
    // Far below half of 2^-1074: rounds to +0, and to -0 when negative.
    assert_eq!(s.to_f64().to_bits(), 0.0f64.to_bits());
    assert_eq!(product(-tiny, tiny).to_f64().to_bits(), (-0.0f64).to_bits());
    // Twice 2^-2148 is 2^-2147.
    let mut twice = s.clone();
    twice.add(&s);
    assert_eq!(twice, product(p2(-1073), tiny));
    // Its upper bound is the smallest subnormal.
    assert_eq!(s.abs_upper_f64(), tiny);
    // And 2^-2148 - 2^-2148 is exactly zero again.
    twice.sub(&s);
    twice.sub(&s);
    assert!(twice.is_zero());
}

#[test]
fn subnormal_ties_round_to_even() {
    let tiny = f64::from_bits(1);
    // 2^-1075 is halfway between 0 and 2^-1074: even is 0.
    assert_eq!(product(tiny, 0.5).to_f64(), 0.0);
    // A hair above the tie rounds up.
    let mut above = product(tiny, 0.5);
    above.add_product(tiny, tiny);
    assert_eq!(above.to_f64(), tiny);
    // 3·2^-1075 is halfway between 2^-1074 (odd) and 2^-1073 (even).
    assert_eq!(product(3.0 * tiny, 0.5).to_f64(), p2(-1073));
    // 5·2^-1075 is halfway between 2·2^-1074 (even) and 3·2^-1074.
    assert_eq!(product(5.0 * tiny, 0.5).to_f64(), p2(-1073));
    // The largest subnormal plus half its spacing rounds to the smallest normal (even).
    let max_sub = f64::from_bits((1u64 << 52) - 1);
    let mut s = ExactSum::from_f64(max_sub);
    s.add_product(tiny, 0.5);
    assert_eq!(s.to_f64(), f64::MIN_POSITIVE);
}

#[test]
fn normal_ties_round_to_even() {
    let u = p2(-53);
    // 1 + 2^-53: halfway between 1 (even) and 1 + 2^-52.
    assert_eq!(sum(&[1.0, u]).to_f64(), 1.0);
    // Just above the tie.
    assert_eq!(sum(&[1.0, u, p2(-1074)]).to_f64(), 1.0 + 2.0 * u);
    // Just below the tie.
    let mut below = sum(&[1.0, u]);
    below.add_product(-p2(-1074), p2(-1074));
    assert_eq!(below.to_f64(), 1.0);
    // 1 + 3·2^-53: halfway between 1 + 2^-52 (odd) and 1 + 2^-51 (even).
    assert_eq!(sum(&[1.0, 3.0 * u]).to_f64(), 1.0 + 4.0 * u);
    // Negative values mirror.
    assert_eq!(sum(&[-1.0, -3.0 * u]).to_f64(), -(1.0 + 4.0 * u));
    // Cancellation down to a value below every input: exact.
    assert_eq!(sum(&[1e300, p2(-1074), -1e300]).to_f64(), p2(-1074));
}

#[test]
fn overflow_rounds_to_infinity() {
    let half_ulp_max = p2(970); // f64::MAX = (2 - 2^-52)·2^1023, ulp 2^971
    // MAX + half an ulp is a tie between MAX (odd) and 2^1024 (even, overflows): +inf.
    assert_eq!(sum(&[f64::MAX, half_ulp_max]).to_f64(), f64::INFINITY);
    assert_eq!(sum(&[-f64::MAX, -half_ulp_max]).to_f64(), f64::NEG_INFINITY);
    // Just below the tie: MAX.
    let mut s = sum(&[f64::MAX, half_ulp_max]);
    s.add_product(-p2(-1074), p2(-1074));
    assert_eq!(s.to_f64(), f64::MAX);
    assert_eq!(s.abs_upper_f64(), f64::INFINITY);
    // MAX · MAX is far beyond.
    assert_eq!(product(f64::MAX, f64::MAX).to_f64(), f64::INFINITY);
    assert_eq!(product(f64::MAX, -f64::MAX).to_f32(), f32::NEG_INFINITY);
    // Headroom: many of the largest products, then all removed again.
    let mut big = ExactSum::new();
    for _ in 0..10_000 {
        big.add_product(f64::MAX, f64::MAX);
    }
    assert_eq!(big.to_f64(), f64::INFINITY);
    assert!(!big.is_negative());
    for _ in 0..10_000 {
        big.add_product(-f64::MAX, f64::MAX);
    }
    assert!(big.is_zero());
}

#[test]
fn f32_rounding_is_direct_not_through_f64() {
    let u = p2(-24);
    // 1 + 2^-24 is a tie in f32: even is 1.
    assert_eq!(sum(&[1.0, u]).to_f32(), 1.0);
    // 1 + 2^-24 + 2^-80 is above the tie: 1 + 2^-23. Rounding to f64 first would give
    // 1 + 2^-24 (the 2^-80 is lost), then the tie would round to 1: double rounding.
    let v = sum(&[1.0, u, p2(-80)]);
    assert_eq!(v.to_f32(), 1.0 + 2.0 * u as f32);
    assert_eq!(
        v.to_f64() as f32,
        1.0,
        "the double rounding this test is about"
    );
    // f32 subnormals: 2^-150 is a tie between 0 and 2^-149; 3·2^-150 rounds to 2^-148.
    assert_eq!(ExactSum::from_f64(p2(-150)).to_f32(), 0.0);
    assert_eq!(
        ExactSum::from_f64(3.0 * p2(-150)).to_f32(),
        f32::from_bits(2)
    );
    assert_eq!(sum(&[p2(-150), p2(-200)]).to_f32(), f32::from_bits(1));
    // f32 overflow: MAX + half an ulp (2^103) is a tie that rounds to +inf.
    let max = f64::from(f32::MAX);
    assert_eq!(sum(&[max, p2(103)]).to_f32(), f32::INFINITY);
    assert_eq!(sum(&[max, p2(103), -p2(-1074)]).to_f32(), f32::MAX);
    assert_eq!(sum(&[-max, -p2(103)]).to_f32(), f32::NEG_INFINITY);
}

#[test]
fn signed_zero_and_f32_zero() {
    assert_eq!(
        product(-p2(-1074), p2(-100)).to_f32().to_bits(),
        (-0.0f32).to_bits()
    );
    assert_eq!(
        product(p2(-1074), p2(-100)).to_f32().to_bits(),
        0.0f32.to_bits()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// IEEE multiplication is correctly rounded: the reference must agree with `*` on every
    /// pair of finite f64, including underflow to subnormals or zero and overflow to inf.
    #[test]
    fn product_rounds_like_ieee_multiplication(a in finite_f64(), b in finite_f64()) {
        let p = product(a, b);
        let (r, ieee) = (p.to_f64(), a * b);
        if p.is_zero() {
            prop_assert_eq!(r.to_bits(), 0.0f64.to_bits());
            prop_assert_eq!(ieee, 0.0);
        } else {
            prop_assert_eq!(r.to_bits(), ieee.to_bits());
        }
    }

    /// IEEE addition and FMA are correctly rounded too.
    #[test]
    fn sums_round_like_ieee_add_and_fma(a in finite_f64(), b in finite_f64(), c in finite_f64()) {
        let s = sum(&[a, b]);
        if (a + b) != 0.0 {
            prop_assert_eq!(s.to_f64().to_bits(), (a + b).to_bits());
        } else {
            prop_assert!(s.is_zero());
        }
        let mut f = product(a, b);
        f.add_f64(c);
        let fma = a.mul_add(b, c);
        if fma != 0.0 {
            prop_assert_eq!(f.to_f64().to_bits(), fma.to_bits());
        } else {
            prop_assert_eq!(f.to_f64(), 0.0);
        }
    }

    /// The same for f32: f32 `*` and `mul_add` are correctly rounded from the exact value.
    #[test]
    fn f32_products_round_like_ieee(a in finite_f32(), b in finite_f32(), c in finite_f32()) {
        let (da, db, dc) = (f64::from(a), f64::from(b), f64::from(c));
        let p = product(da, db);
        if p.is_zero() {
            prop_assert_eq!(p.to_f32(), 0.0);
        } else {
            prop_assert_eq!(p.to_f32().to_bits(), (a * b).to_bits());
        }
        let mut f = p.clone();
        f.add_f64(dc);
        let fma = a.mul_add(b, c);
        if fma != 0.0 {
            prop_assert_eq!(f.to_f32().to_bits(), fma.to_bits());
        }
        // A product of two f32 is exact in f64.
        prop_assert!(p.is_f64());
        prop_assert_eq!(p.to_f64(), da * db);
    }

    /// Integer dot products: the reference equals i128 arithmetic, and its rounding equals
    /// Rust's (correctly rounded) i128 -> f64 and i128 -> f32 conversions, large values with
    /// ties included. Scaling by a power of two shows the fixed point is placed right.
    #[test]
    fn integer_dot_products(
        xs in prop::collection::vec(-(1i64 << 40)..(1i64 << 40), 0..40),
        ys in prop::collection::vec(-(1i64 << 40)..(1i64 << 40), 40),
        scale in -900i32..900,
    ) {
        let n = xs.len();
        let x: Vec<f64> = xs.iter().map(|&v| v as f64).collect();
        let y: Vec<f64> = ys[..n].iter().map(|&v| v as f64).collect();
        let exact: i128 = xs.iter().zip(&ys).map(|(&a, &b)| i128::from(a) * i128::from(b)).sum();
        let s = exact_dot(&x, &y).unwrap();
        prop_assert_eq!(s.to_f64(), exact as f64);
        prop_assert_eq!(s.to_f32(), exact as f32);
        prop_assert_eq!(s.is_negative(), exact < 0);
        prop_assert_eq!(s.is_zero(), exact == 0);
        let abs: i128 = xs.iter().zip(&ys).map(|(&a, &b)| (i128::from(a) * i128::from(b)).abs()).sum();
        prop_assert_eq!(exact_abs_dot(&x, &y).unwrap().to_f64(), abs as f64);
        // x·2^scale · y: the result scales exactly (all values stay normal).
        let xs2: Vec<f64> = x.iter().map(|&v| v * 2f64.powi(scale)).collect();
        prop_assert_eq!(exact_dot(&xs2, &y).unwrap().to_f64(), (exact as f64) * 2f64.powi(scale));
    }

    /// Comparisons agree with f64 comparisons; `abs_upper_f64` is the least f64 upper bound.
    #[test]
    fn comparisons_and_upper_bounds(a in finite_f64(), b in finite_f64(), c in finite_f64()) {
        let (sa, sb) = (ExactSum::from_f64(a), ExactSum::from_f64(b));
        prop_assert_eq!(Some(sa.cmp(&sb)), a.partial_cmp(&b));
        prop_assert_eq!(Some(sa.cmp_abs(&sb)), a.abs().partial_cmp(&b.abs()));
        prop_assert_eq!(sa.abs_upper_f64(), a.abs());
        prop_assert!(sa.is_f64());
        // p = a·b + c is generally not an f64; its upper bound is the next f64 above |p|.
        let mut p = product(a, b);
        p.add_f64(c);
        let up = p.abs_upper_f64();
        prop_assert!(up >= 0.0);
        if up.is_finite() {
            prop_assert!(ExactSum::from_f64(up).cmp_abs(&p) != Ordering::Less);
            if up > 0.0 {
                prop_assert!(ExactSum::from_f64(up.next_down()).cmp_abs(&p) == Ordering::Less);
            }
        } else {
            prop_assert!(ExactSum::from_f64(f64::MAX).cmp_abs(&p) == Ordering::Less);
        }
        // Negation, subtraction and abs_diff are exact.
        let mut z = p.clone();
        z.add(&p.neg());
        prop_assert!(z.is_zero());
        prop_assert_eq!(p.abs_diff(&ExactSum::new()), p.abs());
        prop_assert_eq!(p.neg().to_f64(), -p.to_f64());
    }
}
