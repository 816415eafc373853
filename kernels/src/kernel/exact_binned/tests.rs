//! The integer-bin way against the scalar path's integer products, one product at a time
//! (`ExactState::add_product_integer`: the significands multiplied as integers, no
//! floating-point arithmetic): the same exact sum, digit for digit, and the same flags, on
//! every backend this CPU runs.

use proptest::prelude::*;

use super::binned;
use crate::backend::{Backend, Isa};
use crate::element::Element;
use crate::exact::ExactState;
use crate::exact::state::NONEMPTY;
use crate::kernel::source::Contiguous;
use crate::simd::{Kernel, Simd};

/// `binned` over all of `x` and `y` (lengths a multiple of 32: whole steps on every
/// backend), in two runs into the same state.
struct Binned<'a, E> {
    x: &'a [E],
    y: &'a [E],
}

impl<E: Element<f64>> Kernel for Binned<'_, E> {
    type Output = ExactState;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> ExactState {
        let mut state = ExactState::new();
        let n = self.x.len();
        // As the exact kernel does before its blocks.
        state.flags |= NONEMPTY;
        assert!(n == self.y.len() && n.is_multiple_of(32));
        let (x, y) = (Contiguous(self.x.as_ptr()), Contiguous(self.y.as_ptr()));
        // A multiple of 32, like n.
        let half = n / 64 * 32;
        // SAFETY: both slices hold n elements; contiguous sources need no slack; half and n
        // are multiples of every backend's step (at most 16), and n is below 2^17
        // (`IntBins::MAX_PRODUCTS`).
        unsafe { binned(E::wide(s), x, y, 0..half, &mut state) };
        // SAFETY: as above.
        unsafe { binned(E::wide(s), x, y, half..n, &mut state) };
        state
    }
}

/// The reference: each product added as an integer product of the significands.
fn reference(x: &[f64], y: &[f64]) -> ExactState {
    let mut state = ExactState::new();
    for (&a, &b) in x.iter().zip(y) {
        state.add_product_integer(a, b);
    }
    state
}

/// The same exact sum and flags from `binned` on every available backend as from the
/// reference; `widen` the inputs' values as `f64` for the reference.
fn check<E: Element<f64>>(x: &[E], y: &[E]) -> Result<(), TestCaseError> {
    let xw: Vec<f64> = x.iter().map(|v| v.widen()).collect();
    let yw: Vec<f64> = y.iter().map(|v| v.widen()).collect();
    let want = reference(&xw, &yw);
    for isa in Isa::available() {
        let got = Backend::new(isa).unwrap().vectorize(Binned { x, y });
        prop_assert_eq!(got.flags, want.flags, "{:?}: flags", isa);
        prop_assert!(
            got.acc.digits() == want.acc.digits(),
            "{:?}: the exact sums differ",
            isa
        );
        prop_assert_eq!(
            got.finish::<f64>().to_bits(),
            want.finish::<f64>().to_bits(),
            "{:?}: rounded",
            isa
        );
    }
    Ok(())
}

/// An `f64` with a random sign and significand and an exponent in `lo..=hi` (which may
/// reach into the subnormal range and to the largest finite binade), or, rarely, a zero,
/// a subnormal, an infinity or a NaN.
fn value(lo: i32, hi: i32) -> impl Strategy<Value = f64> {
    let finite = (any::<u64>(), lo..=hi).prop_map(|(bits, e)| {
        let m = 1.0 + (bits >> 12) as f64 / 2f64.powi(52);
        let sign = if bits & 1 == 0 { 1.0 } else { -1.0 };
        // Two exact scalings keep every exponent in range.
        sign * m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2)
    });
    prop_oneof![
        40 => finite,
        2 => Just(0.0),
        2 => Just(-0.0),
        1 => any::<u64>().prop_map(|b| f64::from_bits(b & ((1 << 52) - 1))),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::NAN),
    ]
}

/// Pairs of equal length, a multiple of 32, with exponents over a random part of the
/// range: narrow bands, the whole range, the subnormal end, the overflow end.
fn pairs() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    let ranges = prop_oneof![
        Just((-1100, 1023)),
        Just((-60, 60)),
        Just((-1074, -400)),
        Just((400, 1023)),
        Just((-5, 5)),
    ];
    sized(ranges)
}

/// As [`pairs`], over the range of `f32` (converted exactly below).
fn pairs32() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    let ranges = prop_oneof![
        Just((-160, 127)),
        Just((-20, 20)),
        Just((-149, -60)),
        Just((60, 127)),
    ];
    sized(ranges)
}

/// Pairs of `32 k` values, `k <= 24`, with exponents in one of `ranges`.
fn sized(ranges: impl Strategy<Value = (i32, i32)>) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (ranges, 1..=24usize).prop_flat_map(|((lo, hi), k)| {
        let n = 32 * k;
        (
            prop::collection::vec(value(lo, hi), n),
            prop::collection::vec(value(lo, hi), n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// `f64` inputs: `p` and `e` into the bins, the rest one by one.
    #[test]
    fn f64_products_match_the_integer_products((x, y) in pairs()) {
        check(&x, &y)?;
    }

    /// `f32` inputs (products exact in `f64`: `p` only), with `f32` specials.
    #[test]
    fn f32_products_match_the_integer_products((x, y) in pairs32()) {
        // Rounded to f32 (values beyond its range become infinities or zeros).
        let narrow = |v: &[f64]| -> Vec<f32> { v.iter().map(|&a| a as f32).collect() };
        check(&narrow(&x), &narrow(&y))?;
    }
}

/// All products zero: the sign of the sum follows the zero products (-0 only if all are
/// -0), on every backend.
#[test]
fn zero_products_keep_the_sign_rule() {
    let n = 64;
    let neg = vec![-0.0f64; n];
    let pos = vec![1.0f64; n];
    let mut mixed = neg.clone();
    mixed[17] = 0.0;
    for (x, want) in [(&neg, -0.0f64), (&mixed, 0.0)] {
        for isa in Isa::available() {
            let got = Backend::new(isa)
                .unwrap()
                .vectorize(Binned { x, y: &pos })
                .finish::<f64>();
            assert_eq!(got.to_bits(), want.to_bits(), "{isa:?}");
        }
    }
}
