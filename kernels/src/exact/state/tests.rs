//! The scalar path through the bins against the integer path and testkit's big-integer
//! reference: the same exact sum (all digits), the same flags, the same rounded results.

use super::{CHUNK, ExactState};

// The bins serve `add_products` from `BINNED_FROM` products on: the proptests drive them
// directly at any count, the batch test through `add_products`.
use pdot_testkit::ExactDot;
use proptest::prelude::*;

/// `±(1.frac) · 2^e` for `-1022 <= e <= 1023`, or a subnormal / zero below.
fn float(negative: bool, e: i32, frac: u64) -> f64 {
    let frac = frac & ((1 << 52) - 1);
    let field = (e + 1023).clamp(0, 2046) as u64;
    f64::from_bits(u64::from(negative) << 63 | field << 52 | frac)
}

/// One operand pair: with products anywhere in the exponent range (tiny ones whose error
/// term is subnormal, ones at the top bin and beyond it), any encodings (zeros, subnormals,
/// infinities, NaN), and short significands (exact products, zero error terms).
fn pair() -> impl Strategy<Value = (f64, f64)> {
    let sig = prop_oneof![
        3 => any::<u64>(),
        1 => (0u64..16).prop_map(|v| v << 48),
        1 => Just((1u64 << 52) - 1),
    ];
    let spread = (any::<bool>(), any::<bool>(), -1100i32..1030, 0i32..2000).prop_flat_map(
        move |(sx, sy, pe, part)| {
            // Product exponent `pe` split between the operands within their range.
            let ex = (pe / 2 + part % 400 - 200).clamp(-1074, 1023);
            let ey = (pe - ex).clamp(-1074, 1023);
            (sig.clone(), sig.clone())
                .prop_map(move |(fx, fy)| (float(sx, ex, fx), float(sy, ey, fy)))
        },
    );
    let bits = || {
        prop_oneof![
            8 => any::<u64>().prop_map(f64::from_bits),
            1 => prop::sample::select(vec![0.0, -0.0, f64::INFINITY, -f64::INFINITY, f64::NAN,
                f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 5e-324, -5e-324]),
        ]
    };
    prop_oneof![
        12 => spread,
        1 => (bits(), bits()),
    ]
}

/// Checks the state `binned` of the products `pairs` against the integer path and testkit.
fn check(binned: &ExactState, pairs: &[(f64, f64)]) -> Result<(), TestCaseError> {
    let mut integer = ExactState::new();
    let mut reference = ExactDot::new();
    for &(x, y) in pairs {
        integer.add_product_integer(x, y);
        reference.add(x, y);
    }
    prop_assert_eq!(binned.flags, integer.flags);
    prop_assert_eq!(binned.acc.digits(), integer.acc.digits());
    prop_assert_eq!(
        binned.finish::<f64>().to_bits(),
        reference.to_f64().to_bits()
    );
    prop_assert_eq!(
        binned.finish::<f32>().to_bits(),
        reference.to_f32().to_bits()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 400 } else { 6000 }))]

    /// `f64` products through the bins (any count), with a nonzero state before (its flags and digits
    /// must survive).
    #[test]
    fn binned_f64_products_are_exact(
        pairs in prop::collection::vec(pair(), 0..150),
        first in pair(),
    ) {
        let mut state = ExactState::new();
        state.add_product_integer(first.0, first.1);
        state.add_products_binned(pairs.len(), |j| pairs[j]);
        let mut all = vec![first];
        all.extend_from_slice(&pairs);
        check(&state, &all)?;
    }

    /// `f32` products (exact in `f64`, one value each) through the bins.
    #[test]
    fn binned_f32_products_are_exact(
        pairs in prop::collection::vec(
            (any::<u32>().prop_map(f32::from_bits), any::<u32>().prop_map(f32::from_bits)),
            0..200,
        ),
    ) {
        let mut state = ExactState::new();
        state.add_products_binned(pairs.len(), |j| pairs[j]);
        let wide: Vec<(f64, f64)> = pairs.iter().map(|&(x, y)| (f64::from(x), f64::from(y))).collect();
        check(&state, &wide)?;
    }
}

/// Bins filled to their batch limit: over a batch of [`CHUNK`] products (the most between
/// two flushes) and into the next, every product in the highest bins (products just below
/// 2^998 with full significands, all of one sign; and just below 2^999, beyond the bins)
/// or the lowest (subnormal error terms),
/// each repeated: the reference multiplies one operand by the number of repeats (a power
/// of two, exact).
#[test]
fn full_batches_of_extreme_bins_are_exact() {
    let top = (float(false, 500, u64::MAX), float(false, 496, u64::MAX));
    let top_negative = (float(true, 499, u64::MAX), float(false, 498, u64::MAX - 1));
    // Products near 2^-968 with 53-bit significands: error terms down to 2^-1074.
    let bottom = (
        float(false, -484, u64::MAX),
        float(true, -484, 0x1234_5678_9ABC),
    );
    for pairs in [[top, top, top, top_negative], [top, bottom, top, bottom]] {
        let count = 2 * CHUNK;
        let mut state = ExactState::new();
        state.add_products(count, |j| pairs[j % 4]);
        let repeats = (count / 4) as f64;
        let mut integer = ExactState::new();
        let mut reference = ExactDot::new();
        for &(x, y) in &pairs {
            integer.add_product_integer(x, y * repeats);
            reference.add(x, y * repeats);
        }
        assert_eq!(state.acc.digits(), integer.acc.digits());
        assert_eq!(state.flags, integer.flags);
        assert_eq!(
            state.finish::<f64>().to_bits(),
            reference.to_f64().to_bits()
        );
    }
}
