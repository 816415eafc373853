//! Exponent-indexed integer bins: the exact sum of many products `x * y`, each given as its
//! rounded product `p = fl(x * y)` and TwoProduct error `e = x * y - p`, whose exponents
//! spread over any part of the range: one 128-bit integer addition per product and no
//! test, for the vector kernel's wide spreads ([`crate::kernel::exact_binned`]).
//!
//! # One integer per product
//!
//! Take a product with `2^-891 <= |p| < ∞`, exponent field `f` (`132 <= f <= 2046`) and
//! integer significand `M = 2^52 + fraction < 2^53`: `p = ±M · 2^(f - 1075)`. Its exact
//! value `x * y` is a multiple of `2^(f - 1128)` (the kernel's module documentation proves
//! it), and so is `e`, with `|e| <= ulp(p) / 2 = 2^(f - 1076)`: `e = I · 2^(f - 1128)`
//! with an integer `|I| <= 2^52`. So
//!
//! `x * y = V · 2^(f - 1128)`, `V = ±M · 2^53 + I`, `|V| < 2^106 + 2^53`.
//!
//! `I` comes from `e`'s own bits: a nonzero `e` is normal (`|e| >= 2^(132 - 1128)`), with
//! field `g` and significand `N`, and `I = ±N · 2^(g - f + 53)`, where `g - f + 53 <= 0`
//! (from `|I| <= 2^52 <= N`): `N` shifted right by `f - 53 - g`, exactly (the bits shifted
//! out are zero, `I` being an integer). For `e = 0` the same formula, with `g = 0` and the
//! implicit bit, shifts by `f - 53 >= 79`: zero.
//!
//! As a 128-bit two's complement number, with `S = ±M` and `c = -1` if `I < 0`, else 0:
//! `V = H · 2^53 + r` with `H = S + c` (`|H| <= 2^53`) and `r = I - c · 2^53 = I mod 2^53`,
//! so its low word is `(H << 53) | r` and its high word `H >> 11` (arithmetic shift). The
//! vector kernel computes these three numbers with lane operations, [`entry`] on scalars.
//!
//! # The table
//!
//! Entry `k = f - 1` adds up the `V` of the products of field `f`, in units of
//! `2^(k - 1127)`; a zero product (`p = ±0`, `f = 0`) lands at `k = 2047`, which no other
//! product reaches, and that entry is ignored. After at most [`IntBins::MAX_PRODUCTS`] =
//! 2^17 products every entry is below `2^17 (2^106 + 2^53) < 2^124` in magnitude: no
//! overflow. [`IntBins::flush`] adds the entries to the superaccumulator: each as its low
//! word (unsigned) and its high word (signed, 64 bits higher), in windows of at most 8
//! units ([`flush_windows`]) whose sums stay below `2^64 · 2^8 = 2^72`.

use super::bins::{FIRST_POS, flush_windows};
use super::superacc::Batch;

/// Entries of the table: keys `f - 1` for fields up to 2046, and 2047 for zero products.
const LEN: usize = 2048;

/// The key of zero products, ignored.
pub(crate) const ZERO_KEY: u64 = 2047;

/// Units between a key and the unit `2^(g - 1075)` of the bins' index `g` (the indices of
/// [`flush_windows`]): key `k` counts `2^(k - 1127) = 2^((k - 52) - 1075)`.
const KEY_TO_INDEX: usize = 52;

/// The slots of the keys ([`slot`]): the even indices below `2 LEN`.
pub(crate) const SLOTS: u64 = 2 * ZERO_KEY;

/// The index of the low word of key `key`'s entry in the table (its high word follows):
/// `2 key`, which the vector kernel computes in its lanes, so that the scalar loop that
/// adds the entries does no more than load and add.
#[cfg(test)]
pub(crate) const fn slot(key: u64) -> u64 {
    2 * key
}

/// The fraction bits of an `f64`.
pub(crate) const FRACTION: u64 = (1 << 52) - 1;

/// The implicit bit of a normal `f64`'s significand.
pub(crate) const IMPLICIT: u64 = 1 << 52;

/// The low 53 bits of a word (`r` in the module documentation).
pub(crate) const LOW_53: u64 = (1 << 53) - 1;

/// The key and the two words (low, high) of the product with rounded product `p` and
/// TwoProduct error `e` (module documentation): the lane operations of the vector kernel,
/// on scalars.
#[cfg(test)]
pub(crate) fn entry(p: f64, e: f64) -> (u64, u64, u64) {
    let (p, e) = (p.to_bits(), e.to_bits());
    let sign = |v: u64| ((v as i64) >> 63) as u64;
    let key = ((p << 1).wrapping_sub(1 << 53)) >> 53;
    let m = (p & FRACTION) | IMPLICIT;
    let s = (m ^ sign(p)).wrapping_sub(sign(p));
    let g = (e << 1) >> 53;
    let shift = key.wrapping_sub(g).wrapping_sub(52);
    let n = (e & FRACTION) | IMPLICIT;
    let i = n.checked_shr(shift.min(64) as u32).unwrap_or(0);
    let i = (i ^ sign(e)).wrapping_sub(sign(e));
    let h = s.wrapping_add(sign(i));
    let lo = (h << 53) | (i & LOW_53);
    let hi = ((h ^ 1 << 63) >> 11).wrapping_sub(1 << 52);
    (key, lo, hi)
}

/// Exact integer sums of products by exponent (see the module documentation), and the keys
/// used since the last flush. 32 KiB, meant for the stack: the exact kernel also runs where
/// nothing may allocate (the emulated AVX-512 check runs it without an operating system).
pub(crate) struct IntBins {
    /// Sums by key, two's complement, as two words: the low one at [`slot`]`(key)`, the
    /// high one after it; zero outside `low..=top` (but for [`ZERO_KEY`]).
    words: [u64; 2 * LEN],
    /// The least key of a nonzero product since the last flush ([`ZERO_KEY`] if none).
    low: u64,
    /// The greatest such key (0 if none).
    top: u64,
    /// Products given since the last flush.
    count: usize,
}

impl IntBins {
    /// Most products the bins may take between flushes.
    pub(crate) const MAX_PRODUCTS: usize = 1 << 17;

    /// Empty bins.
    pub(crate) fn new() -> Self {
        IntBins {
            words: [0; 2 * LEN],
            low: ZERO_KEY,
            top: 0,
            count: 0,
        }
    }

    /// Adds the product whose key has the slot `slot` ([`slot`]) and whose words are `lo`,
    /// `hi` ([`entry`]); the caller counts it ([`IntBins::taken`]) and records its key
    /// ([`IntBins::used`]).
    #[inline(always)]
    pub(crate) fn add(&mut self, slot: u64, lo: u64, hi: u64) {
        // An even index below 2 LEN, so `i | 1` is below it too: no bounds check is compiled.
        let i = (slot & SLOTS) as usize;
        let (low, carry) = self.words[i].overflowing_add(lo);
        self.words[i] = low;
        self.words[i | 1] = self.words[i | 1]
            .wrapping_add(hi)
            .wrapping_add(u64::from(carry));
    }

    /// Counts `products` products given to [`IntBins::add`] since the last flush (at most
    /// [`IntBins::MAX_PRODUCTS`] in all).
    #[inline(always)]
    pub(crate) fn taken(&mut self, products: usize) {
        self.count += products;
        debug_assert!(self.count <= Self::MAX_PRODUCTS);
    }

    /// Records that the nonzero products given had keys in `low..=top` (`131 <= low`,
    /// `top <= 2045`).
    #[inline(always)]
    pub(crate) fn used(&mut self, low: u64, top: u64) {
        debug_assert!(131 <= low && low <= top && top <= 2045);
        self.low = self.low.min(low);
        self.top = self.top.max(top);
    }

    /// Adds the sum of the products given since the last flush to `batch`, exactly
    /// (module documentation), and empties the bins; one addition of the batch's reserve.
    /// One pass over the keys used: the low words (unsigned) at their entry's unit, the
    /// high words (signed) 64 units higher.
    #[inline(never)]
    pub(crate) fn flush(&mut self, batch: &mut Batch<'_>) {
        let (low, top) = (self.low as usize, self.top as usize);
        (self.low, self.top, self.count) = (ZERO_KEY, 0, 0);
        if low > top {
            return;
        }
        let t = &mut self.words;
        let (first, last) = (low - KEY_TO_INDEX, top - KEY_TO_INDEX);
        // Each word in two halves, the low one unsigned below 2^32, the high one below 2^32
        // in magnitude: shifted by less than 8, the sixteen halves of a window add up below
        // 2^44 in `i64`, with no chain of carries from unit to unit. An entry is emptied
        // when its high word is read, after its low word.
        flush_windows(first, last + 64, batch, |units, p| {
            let (mut low, mut high) = (0i64, 0i64);
            for g in units {
                let j = (g + FIRST_POS - p) & 7;
                if g <= last {
                    let word = t[2 * (g + KEY_TO_INDEX)];
                    low += ((word & 0xFFFF_FFFF) << j) as i64;
                    high += ((word >> 32) << j) as i64;
                }
                if g >= first + 64 {
                    let at = 2 * (g - 64 + KEY_TO_INDEX);
                    t[at] = 0;
                    let word = core::mem::take(&mut t[at + 1]) as i64;
                    low += ((word as u64 & 0xFFFF_FFFF) << j) as i64;
                    high += (word >> 32) << j;
                }
            }
            (i128::from(high) << 32) + i128::from(low)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{IntBins, ZERO_KEY, entry, slot};
    use crate::exact::superacc::Superacc;
    use proptest::prelude::*;

    /// Finite operands whose products are 0 or at least 2^-891 in magnitude (what the
    /// bins take), exponents over the whole range, zeros and subnormal operands included.
    fn operands() -> impl Strategy<Value = (f64, f64)> {
        let with_field =
            |b: u64, f: u64| f64::from_bits((b & (1 << 63 | ((1 << 52) - 1))) | f << 52);
        let normal = (any::<u64>(), any::<u64>(), 1u64..=2046).prop_map(move |(a, b, fx)| {
            // The product's exponent between -890 and 1022.
            let fy = 1156u64.saturating_sub(fx).max(1) + b % 1000;
            (
                with_field(a, fx),
                with_field(b, fy.min(3068 - fx).min(2046)),
            )
        });
        let subnormal = (any::<u64>(), any::<u64>(), 1800u64..=2046)
            .prop_map(move |(a, b, fy)| (with_field(a, 0), with_field(b, fy)));
        let zero = (any::<u64>(), 1u64..=2046, any::<bool>())
            .prop_map(move |(b, f, neg)| (if neg { -0.0 } else { 0.0 }, with_field(b, f)));
        prop_oneof![20 => normal, 2 => subnormal, 1 => zero]
            .prop_map(|(x, y)| if x.to_bits() & 1 == 0 { (x, y) } else { (y, x) })
            .prop_filter("a product the bins take", |(x, y)| {
                let p = x * y;
                p.is_finite()
                    && (p == 0.0 && (*x == 0.0 || *y == 0.0) || p.abs() >= 2f64.powi(-891))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The bins' flushed sum equals the products added one by one to a
        /// superaccumulator as integer products of the significands, digit for digit; the
        /// products come in two runs, each flushed, so the second run finds emptied bins.
        #[test]
        fn flush_adds_the_exact_sum(
            first in prop::collection::vec(operands(), 0..300),
            second in prop::collection::vec(operands(), 0..300),
        ) {
            let mut bins = IntBins::new();
            let mut want = Superacc::new();
            let mut got = Superacc::new();
            for pairs in [&first, &second] {
                let (mut low, mut top) = (ZERO_KEY, 0);
                for &(x, y) in pairs {
                    let p = x * y;
                    let (key, lo, hi) = entry(p, x.mul_add(y, -p));
                    bins.add(slot(key), lo, hi);
                    want.batch(2).add_product_f64(x, y);
                    if p != 0.0 {
                        (low, top) = (low.min(key), top.max(key));
                    } else {
                        prop_assert_eq!(key, ZERO_KEY);
                    }
                }
                bins.taken(pairs.len());
                if low <= top {
                    bins.used(low, top);
                }
                bins.flush(&mut got.batch(1));
            }
            prop_assert!(got.digits() == want.digits());
        }
    }

    /// The largest values at the largest count: `MAX_PRODUCTS` products of the largest
    /// significand and error, of both signs, in one entry, and their flush.
    #[test]
    fn a_full_entry_does_not_overflow() {
        let x = f64::from_bits(0x43FF_FFFF_FFFF_FFFF);
        let y = f64::from_bits(0x3FFF_FFFF_FFFF_FFFF);
        for y in [y, -y] {
            let p = x * y;
            let (key, lo, hi) = entry(p, x.mul_add(y, -p));
            let mut bins = IntBins::new();
            let mut want = Superacc::new();
            for _ in 0..IntBins::MAX_PRODUCTS {
                bins.add(slot(key), lo, hi);
            }
            bins.taken(IntBins::MAX_PRODUCTS);
            bins.used(key, key);
            for _ in 0..IntBins::MAX_PRODUCTS / 1024 {
                let mut batch = want.batch(2048);
                for _ in 0..1024 {
                    batch.add_product_f64(x, y);
                }
            }
            let mut got = Superacc::new();
            bins.flush(&mut got.batch(1));
            assert!(got.digits() == want.digits(), "{y}");
        }
    }
}
