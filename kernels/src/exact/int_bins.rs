//! Exponent-indexed integer bins: the exact sum of many `f64` values whose exponents spread
//! over any part of the range, two integer additions per value and no test, for the
//! vector kernel's wide spreads ([`crate::kernel::exact_binned`]).
//!
//! # The split
//!
//! A normal `f64` `v` with sign `s`, exponent field `f` (`1 <= f <= 2046`) and fraction `t`
//! is `v = ±m · 2^(f - 1075)` with the integer significand `m = 2^52 + t < 2^53`. Its
//! encoding shifted right by 52 is the **key** `s · 2048 + f`, below 4096. Its two
//! **parts** are `lo = m mod 2^26 = t mod 2^26` and `hi = m div 2^26 < 2^27`, so
//! `v = ±(lo · 2^(f - 1075) + hi · 2^(f + 26 - 1075))`.
//!
//! # The tables
//!
//! Table `lo` has the value's `lo` added at index `key`, table `hi` its `hi` at index
//! `key + 26`: both are unsigned integers, so a table entry at index `s · 2048 + g` counts
//! units of `2^(g - 1075)`, positive for `s = 0`, negative for `s = 1`. The ranges do not
//! overlap: positive `lo` at `1..=2046` and `hi` at `27..=2072`, negative `lo` at
//! `2049..=4094` and `hi` at `2075..=4120`. A zero `v` (key 0 or 2048, `t = 0`) is given
//! the significand `2^52` like a normal one: it adds 0 to `lo` and `2^26` to `hi` at index
//! 26 or 2074, which no nonzero value reaches; those two entries are ignored. Subnormal
//! values must not be given (their significand has no `2^52`).
//!
//! Each part is below `2^27`, so after at most [`IntBins::MAX_VALUES`] = 2^22 values every
//! entry is below `2^49`, and the four entries of one unit make
//! `d(g) = lo[g] - lo[2048 + g] + hi[g] - hi[2048 + g]` (the `lo` terms only for `g <=
//! 2046`, where the positive half of `lo` ends), below 2^50 in magnitude: the exact sum is
//! `Σ d(g) · 2^(g - 1075)`. [`IntBins::flush`] adds it to the superaccumulator in windows
//! of at most 8 units ([`flush_windows`]), whose sums `Σ d(g) · 2^(pos(g) - P)`
//! (`pos(g) - P < 8`) stay below `2^50 · 2^8 = 2^58`.

use super::bins::{FIRST_POS, flush_windows};
use super::superacc::Batch;

/// Entries of each table: the highest index written is 4120 (module documentation).
const LEN: usize = 4128;

/// Index of the negative sign's half.
const NEGATIVE: usize = 2048;

/// The least exponent field of a nonzero value given to the bins.
pub(crate) const LEAST_FIELD: usize = 27;

/// Units between a value's `lo` and `hi` parts.
const SPLIT: usize = 26;

/// The parts of the value with encoding `bits` (module documentation), in one word:
/// `lo + hi · 2^32`. The vector kernel computes the same with its lane operations:
/// `(bits & LO) | ((bits & HI) << 6) | 2^58` with the masks [`LO_BITS`] and [`HI_BITS`].
#[cfg(test)]
pub(crate) fn parts(bits: u64) -> u64 {
    (bits & LO_BITS) | ((bits & HI_BITS) << 6) | 1 << 58
}

/// The fraction bits of a value's `lo` part.
pub(crate) const LO_BITS: u64 = (1 << SPLIT) - 1;

/// The fraction bits of a value's `hi` part (without the implicit bit).
pub(crate) const HI_BITS: u64 = ((1 << 52) - 1) & !LO_BITS;

/// Exact integer sums of normal and zero `f64` values by sign and exponent (see the module
/// documentation).
pub(crate) struct IntBins {
    /// Units by index.
    units: [u64; LEN],
}

impl IntBins {
    /// Most values the bins may take before [`IntBins::flush`].
    pub(crate) const MAX_VALUES: usize = 1 << 22;

    /// Empty bins.
    #[inline(always)]
    pub(crate) fn new() -> Self {
        IntBins { units: [0; LEN] }
    }

    /// Adds the value with encoding `bits`: a normal `f64` or a zero (module
    /// documentation); one of [`IntBins::MAX_VALUES`].
    #[cfg(test)]
    pub(crate) fn add(&mut self, bits: u64) {
        self.add_parts(bits >> 52, parts(bits));
    }

    /// Adds the value with key `key` and parts `packed` ([`parts`]), as [`IntBins::add`]
    /// does for its encoding: the vector kernel computes both.
    #[inline(always)]
    pub(crate) fn add_parts(&mut self, key: u64, packed: u64) {
        // Both indices are below 4096 + 26 <= LEN: no bounds check is compiled.
        let key = (key & 0xFFF) as usize;
        self.units[key] += packed & 0xFFFF_FFFF;
        self.units[key + SPLIT] += packed >> 32;
    }

    /// Adds the sum of the values to `batch`, exactly (module documentation); one addition
    /// of its reserve. Every value given had an exponent field of at most `top <= 2046`,
    /// so no entry above unit `top + 26` is used.
    #[inline(never)]
    pub(crate) fn flush(&mut self, top: usize, batch: &mut Batch<'_>) {
        debug_assert!(top <= 2046);
        let t = &self.units;
        // Entries below 2^49: the conversions are exact. Units from LEAST_FIELD on: the
        // zeros' entries, 26 and 2074, are left out.
        flush_windows(LEAST_FIELD, top + SPLIT, batch, |units, p| {
            let mut sum = 0i64;
            for g in units {
                let d = t[g] as i64 - t[NEGATIVE + g] as i64;
                sum += d << (g + FIRST_POS - p);
            }
            sum
        });
    }
}

#[cfg(test)]
mod tests {
    use super::IntBins;
    use crate::exact::superacc::Superacc;
    use proptest::prelude::*;

    /// Normal values of any sign and exponent field from `LEAST_FIELD` to 2046, and zeros.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            20 => (any::<u64>(), super::LEAST_FIELD as u64..=2046).prop_map(|(b, f)| {
                f64::from_bits((b & (1 << 63 | ((1 << 52) - 1))) | f << 52)
            }),
            1 => Just(0.0),
            1 => Just(-0.0),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The bins' flushed sum equals the values added one by one to a superaccumulator
        /// (three integer digits each), digit for digit.
        #[test]
        fn flush_adds_the_exact_sum(values in prop::collection::vec(value(), 0..600)) {
            let mut bins = IntBins::new();
            let mut want = Superacc::new();
            let mut top = 0;
            for &v in &values {
                bins.add(v.to_bits());
                want.add_f64(v);
                top = top.max(((v.to_bits() >> 52) & 0x7FF) as usize);
            }
            let mut got = Superacc::new();
            bins.flush(top, &mut got.batch(1));
            prop_assert!(got.digits() == want.digits());
        }
    }
}
