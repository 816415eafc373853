//! proptest strategies (feature `proptest`): lengths that matter to the kernels, the data
//! families and the hard cases, each drawn as a small value that a seed turns into vectors.

use std::ops::RangeInclusive;

use proptest::prelude::*;

use crate::families::Family;
use crate::hard::{BINARY64, Format, Hard};

/// Lengths that matter to the kernels: empty and short vectors (below one pass of the lanes,
/// 32 for f64 and 64 for f32), lengths within a few elements of multiples of 32 and 64 (the
/// ragged tails), and anything up to `max`.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let n = pdot_testkit::strategies::lengths(100).new_tree(&mut TestRunner::default()).unwrap().current();
/// assert!(n <= 100);
/// ```
pub fn lengths(max: usize) -> impl Strategy<Value = usize> {
    let near_multiple = (1..=max / 32, -4i64..=4).prop_map(move |(k, d)| {
        let n = (k * 32) as i64 + d;
        n.clamp(0, max as i64) as usize
    });
    prop_oneof![
        3 => 0..=70usize,
        3 => near_multiple,
        2 => 0..=max,
    ]
}

/// The weights of [`families_f64`] and [`families_f32`]: ill-conditioned inputs most often.
const ACCURACY_WEIGHTS: [u32; 6] = [2, 2, 1, 1, 1, 3];

/// Every [`Family`], with `weights` in the order of the enum: `WideExponents` up to
/// `spread_max`, `IllConditioned` over `log10_cond`.
fn families(
    weights: [u32; 6],
    spread_max: i32,
    log10_cond: RangeInclusive<u32>,
) -> impl Strategy<Value = Family> {
    let [uniform, wide, subnormal, cancellation, small, ill] = weights;
    prop_oneof![
        uniform => Just(Family::Uniform),
        wide => (1..=spread_max).prop_map(|spread| Family::WideExponents { spread }),
        subnormal => Just(Family::Subnormal),
        cancellation => Just(Family::Cancellation),
        small => Just(Family::SmallIntegers),
        ill => log10_cond.prop_map(|log10_cond| Family::IllConditioned { log10_cond }),
    ]
}

/// The families for `f64` accuracy properties (no family makes the sum overflow).
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let f = pdot_testkit::strategies::families_f64().new_tree(&mut TestRunner::default()).unwrap().current();
/// let (x, _) = pdot_testkit::gen_f64(f, 10, 1);
/// assert_eq!(x.len(), 10);
/// ```
pub fn families_f64() -> impl Strategy<Value = Family> {
    families(ACCURACY_WEIGHTS, 300, 5..=30)
}

/// The families for `f32` (and mixed `f32 -> f64`) accuracy properties.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let f = pdot_testkit::strategies::families_f32().new_tree(&mut TestRunner::default()).unwrap().current();
/// let (x, _) = pdot_testkit::gen_f32(f, 10, 1);
/// assert_eq!(x.len(), 10);
/// ```
pub fn families_f32() -> impl Strategy<Value = Family> {
    families(ACCURACY_WEIGHTS, 60, 3..=15)
}

/// The [`Family`]s of [`crate::families`] for exact `f64` dot products: every one, GenDot up
/// to condition 1e300.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let f = pdot_testkit::strategies::base_f64().new_tree(&mut TestRunner::default()).unwrap().current();
/// assert_eq!(pdot_testkit::gen_f64(f, 3, 1).0.len(), 3);
/// ```
pub fn base_f64() -> impl Strategy<Value = Family> {
    families([1; 6], 1000, 5..=300)
}

/// The [`Family`]s for `f32` inputs: GenDot up to condition 1e30 (beyond that its
/// corrections overflow `f32`).
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let f = pdot_testkit::strategies::base_f32().new_tree(&mut TestRunner::default()).unwrap().current();
/// assert_eq!(pdot_testkit::gen_f32(f, 3, 1).0.len(), 3);
/// ```
pub fn base_f32() -> impl Strategy<Value = Family> {
    families([1; 6], 60, 3..=30)
}

/// Every kind of hard case for input format `f`.
///
/// ```
/// use pdot_testkit::hard::{BINARY64, gen_hard_f64};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let h = pdot_testkit::strategies::hard(BINARY64).new_tree(&mut TestRunner::default()).unwrap().current();
/// let (x, y) = gen_hard_f64(h, 8, 2);
/// assert_eq!(x.len(), y.len());
/// ```
pub fn hard(f: Format) -> impl Strategy<Value = Hard> {
    let (base, cond_max): (BoxedStrategy<Family>, u32) = if f == BINARY64 {
        (base_f64().boxed(), 300)
    } else {
        (base_f32().boxed(), 30)
    };
    prop_oneof![
        2 => base.clone().prop_map(Hard::Base),
        2 => (5..=cond_max).prop_map(|log10_cond| Hard::Base(Family::IllConditioned { log10_cond })),
        2 => (f.lsb_min()..=f.emax, 0..=80i32).prop_map(|(lo, width)| Hard::Window { lo, width }),
        2 => any::<bool>().prop_map(|miss| Hard::HugeCancel { miss }),
        1 => Just(Hard::Overflow),
        2 => any::<bool>().prop_map(|sticky| Hard::Ties { sticky }),
        1 => (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(all_neg, cancelling, tiny)| {
            Hard::SignedZeros { all_neg, cancelling, tiny }
        }),
        1 => base.prop_map(Hard::Specials),
    ]
}
