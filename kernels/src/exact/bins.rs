//! Exponent-indexed floating-point bins: the scalar path's way of adding many `f64` values
//! exactly with a few floating-point additions each, instead of three read-modify-writes
//! of superaccumulator limbs.
//!
//! # The split
//!
//! A finite `f64` `v` with exponent field `f` is `v = ±m · 2^(F - 1075)` with an integer
//! significand `m` and `F = max(f, 1)`: `m < 2^53` for a normal `v`, `m < 2^52` for a
//! subnormal or zero one (`f = 0`, `F = 1`); so `|v| < 2^(f - 1022)` when `f >= 1` and
//! `|v| < 2^-1022` when `f = 0`. Clearing the low 26 bits of its encoding (the low 26 bits
//! of `m`; sign and exponent field stay) gives `hi = ±(m - m mod 2^26) · 2^(F - 1075)`:
//!
//! - `hi` is a multiple of `2^(F - 1049)`, and `|hi| <= |v|`;
//! - `lo = v - hi = ±(m mod 2^26) · 2^(F - 1075)` is representable (fewer than 26
//!   significant bits on the grid `2^(F - 1075) >= 2^-1074`), so the floating-point
//!   subtraction computes it exactly; `|lo| < 2^(F - 1049)`.
//!
//! # The bins
//!
//! Bin index `i` (`0 <= i < 2048`) has the unit `u = 2^(i - 1075)`; `hi` goes to index
//! `f + 26`, `lo` to index `f`. Whatever a bin receives is an integer number of units below
//! 2^27 in magnitude:
//!
//! - `hi` at `i = f + 26`, `u = 2^(f - 1049)`: for `f >= 1` a multiple of `2^(f - 1049) = u`
//!   below `2^(f - 1022) = 2^27 u`; for `f = 0` a multiple of `2^-1048 = 2u` below
//!   `2^-1022 = 2^27 u`.
//! - `lo` at `i = f`, `u = 2^(f - 1075)`: for `f >= 1` a multiple of `u` below `2^(f -
//!   1049) = 2^26 u`; for `f = 0` a multiple of `2^-1074 = 2u` below `2^-1048 = 2^27 u`.
//!
//! Index 0 (`u = 2^-1075`, off the `f64` grid) only receives the `lo` of subnormals: even
//! numbers of units, multiples of 2^-1074.
//!
//! Between two flushes at most [`Bins::MAX_VALUES`] = 2^22 values go into the bins (all
//! together, so into any one bin). Every partial sum of a bin is then an integer number of
//! units `u` below `2^22 · 2^27 = 2^49` in magnitude (an even one at index 0). Such a
//! number is an `f64`: its significand has at most 49 bits on the grid `u >= 2^-1074`
//! (`i >= 1`) or `2u = 2^-1074` (`i = 0`), and it is below `2^49 u = 2^(i - 1026) <=
//! 2^1021`, finite. Since the exact sum of a bin and a new value is representable, the
//! floating-point addition returns it: every bin holds the exact sum of its values, an
//! integer number of its units, which [`flush_range`] moves to the superaccumulator.
//!
//! The values given to the bins have fields at most [`MAX_FIELD`] = 2021 (below
//! [`TOO_LARGE`] = 2^999, so that `hi`'s index is below 2048): the callers send larger
//! ones down the integer path.

use super::superacc::{BIAS, Batch};

/// Number of bins: index `i` has the unit `2^(i - 1075)`.
pub(crate) const BINS: usize = 2048;

/// Bits of the significand that go to the low part.
const SPLIT: usize = 26;

/// The largest exponent field of a value given to the bins: its `hi` goes to the highest
/// index, `2047 = BINS - 1`.
const MAX_FIELD: usize = BINS - 1 - SPLIT;

/// The magnitude from which values have a field above [`MAX_FIELD`]: 2^999.
pub(crate) const TOO_LARGE: f64 = f64::from_bits(((MAX_FIELD + 1) as u64) << 52);

/// Reach of a value: the bins it touches lie in `reach - BELOW ..= reach - ABOVE` (within
/// `0..BINS`). For a product of normal `x` and `y` the reach is the sum of their exponent
/// fields ([`Bins::add_two_product`]); for a value of field `f`, `f + 1021` ([`Bins::add`]).
const BELOW: usize = 1127;
/// See [`BELOW`].
const ABOVE: usize = 995;

/// Exact sums of floating-point values by exponent (see the module documentation), in an
/// array of the caller (on its stack): this small struct itself never goes through memory,
/// so that the range of used bins stays in registers.
pub(crate) struct Bins<'a> {
    /// The bins, by index.
    sums: &'a mut [f64; BINS],
    /// The least reach ([`BELOW`]) of the values added (`usize::MAX` for none): every bin
    /// below index `lo - BELOW` is zero.
    lo: usize,
    /// The greatest reach of the values added (0 for none): every bin above index
    /// `hi - ABOVE` is zero.
    hi: usize,
}

impl<'a> Bins<'a> {
    /// Most values (two per [`Bins::add`], four per [`Bins::add_two_product`]) the bins may
    /// take between two flushes.
    pub(crate) const MAX_VALUES: usize = 1 << 22;

    /// Empty bins in `sums`, which must be all zero (flushing leaves them so).
    #[inline(always)]
    pub(crate) fn new(sums: &'a mut [f64; BINS]) -> Self {
        debug_assert!(sums.iter().all(|&v| v == 0.0));
        Bins {
            sums,
            lo: usize::MAX,
            hi: 0,
        }
    }

    /// Adds `v`'s two parts to the bins at indices `f + 26` (`hi`) and `f` (`lo`), exactly
    /// (module documentation).
    ///
    /// # Safety
    /// `f <= MAX_FIELD`, so that both indices are below `BINS`.
    #[inline(always)]
    unsafe fn put(&mut self, v: f64, f: usize) {
        debug_assert!(f <= MAX_FIELD);
        let hi = f64::from_bits(v.to_bits() & !((1 << SPLIT) - 1));
        let lo = v - hi;
        // SAFETY: f < f + SPLIT <= MAX_FIELD + SPLIT = BINS - 1 (caller).
        unsafe {
            *self.sums.get_unchecked_mut(f + SPLIT) += hi;
            *self.sums.get_unchecked_mut(f) += lo;
        }
    }

    /// Adds a finite `v` (zero and subnormals included) exactly; two values of
    /// [`Bins::MAX_VALUES`]. Its bins, `f` and `f + 26`, are within its reach `f + 1021`.
    ///
    /// # Safety
    /// `|v| < TOO_LARGE`.
    #[inline(always)]
    pub(crate) unsafe fn add(&mut self, v: f64) {
        let f = field(v);
        // SAFETY: |v| < 2^999 has a field at most 2021 = MAX_FIELD (caller).
        unsafe { self.put(v, f) };
        self.lo = self.lo.min(f + 1021);
        self.hi = self.hi.max(f + 1021);
    }

    /// Adds `p + e` exactly, for the rounded product `p = fl(x * y)` of normal `x` and `y`
    /// whose exponent fields add up to `reach = fx + fy`, and its exact error
    /// `e = x * y - p` (TwoProduct); four values of [`Bins::MAX_VALUES`].
    ///
    /// The bins touched are within the reach: `|x y| < 2^(reach - 2044)`, so `p`'s field is
    /// at most `reach - 1021` and its highest bin at most `reach - 995`. A nonzero `e` is a
    /// multiple of the product of the operands' lowest bits, `2^(fx - 1075) 2^(fy - 1075)`:
    /// if normal, its field is at least `reach - 2150 + 1023 = reach - 1127`; if subnormal
    /// (field 0), then `2^(reach - 2150) < 2^-1022`, `reach - 1127 <= 0`. Its lowest bin, at
    /// its field, is at least `reach - 1127` either way. A zero `e` adds zeros to bins 0 and
    /// 26, which changes no bin (a bin is never −0: `+0 + −0 = +0`).
    ///
    /// # Safety
    /// `|p| < TOO_LARGE` and `|e| <= |p|` (then all four indices are below `BINS`).
    #[inline(always)]
    pub(crate) unsafe fn add_two_product(&mut self, p: f64, e: f64, reach: usize) {
        let fp = field(p);
        debug_assert!(fp <= reach - 1021 && e.abs() <= p.abs());
        // SAFETY: fp <= MAX_FIELD as |p| < 2^999, and e's field is at most fp as |e| <= |p|
        // (caller).
        unsafe {
            self.put(p, fp);
            self.put(e, field(e));
        }
        self.lo = self.lo.min(reach);
        self.hi = self.hi.max(reach);
    }

    /// Adds the sums of the used bins to `batch`, exactly, and empties the bins; one
    /// addition of the batch's reserve (every limb gets at most one digit). Returns whether
    /// any value was added to the bins since they were made or last flushed.
    #[inline(always)]
    pub(crate) fn flush(&mut self, batch: &mut Batch<'_>) -> bool {
        let used = self.lo <= self.hi;
        if used {
            let lo = self.lo.saturating_sub(BELOW);
            let hi = (self.hi - ABOVE).min(BINS - 1);
            flush_range(self.sums, lo, hi, batch);
        }
        self.lo = usize::MAX;
        self.hi = 0;
        used
    }
}

/// Adds the sums of the bins at indices `lo..=hi` to `batch`, exactly, and zeroes them;
/// one addition of the batch's reserve. Out of line (the bins' range, kept in registers
/// by the caller, does not pass through memory).
///
/// Bin index `i` holds `v = k · 2^(i - 1075)` with an integer `|k| < 2^49` (module
/// documentation): bit position `pos(i) = i - 1075 + BIAS` of the accumulator. In each
/// window of [`flush_windows`], `t = v · 2^(BIAS - P) = k · 2^(pos(i) - P)` is an integer
/// below 2^56 in magnitude (exact: two scalings by powers of two, `v`, the halfway value
/// and `t` being 0 or between 2^-1074 and 2^56, the halfway value normal), converted
/// exactly to an `i64`; the window's sum is below 2^59.
#[inline(never)]
fn flush_range(sums: &mut [f64; BINS], lo: usize, hi: usize, batch: &mut Batch<'_>) {
    let pow2 = |e: i32| f64::from_bits(((e + 1023) as u64) << 52);
    flush_windows(lo, hi, batch, |bins, p| {
        let c = BIAS - p as i32;
        let (a, b) = (pow2(c / 2), pow2(c - c / 2));
        let mut sum = 0i64;
        for v in &mut sums[bins] {
            // An integer below 2^56: converted exactly.
            sum += (core::mem::take(v) * a * b) as i64;
        }
        i128::from(sum)
    });
}

/// The position in the superaccumulator of unit `2^(i - 1075)`, bin index `i`'s: `pos(i) =
/// i + FIRST_POS`.
pub(crate) const FIRST_POS: usize = BIAS as usize - 1075;

/// Adds `Σ k_i · 2^(i - 1075)` over the indices `i` in `lo..=hi` to `batch`, exactly; one
/// addition of the batch's reserve. The indices go in windows of those (at most 8) whose
/// positions `pos(i) = i + FIRST_POS` lie in `[P, P + 8)`, `P` a multiple of 8;
/// `window(range, P)` returns `Σ k_i · 2^(pos(i) - P)` over the window's indices, which must
/// be below 2^72 in magnitude.
///
/// A 128-bit number collects the windows' sums from the current limb `L` on (`sum · 2^(P -
/// 32 L)`, shifted by at most 24 bits): when a window starts at the next limb, its low 32
/// bits go to limb `L` as one digit and it shifts down by 32. It holds at most four
/// windows' sums (each below 2^96) and the carry of the previous limbs: below 2^99 in
/// magnitude; at the end, three digits and a signed rest below 2^3 go to the next four
/// limbs. Positions: `pos(0) = 1101` and `pos(2075) = 3176`, so for `hi <= 2075` the limbs
/// written are below `3176 / 32 + 4 = 103 < LIMBS`.
#[inline(always)]
pub(crate) fn flush_windows(
    lo: usize,
    hi: usize,
    batch: &mut Batch<'_>,
    mut window: impl FnMut(core::ops::Range<usize>, usize) -> i128,
) {
    debug_assert!(hi <= 2075);
    let mut limb = (lo + FIRST_POS) / 32;
    let mut acc = 0i128;
    let mut i = lo;
    while i <= hi {
        // The window of bins `i..end`, positions from `P` on.
        let p = (i + FIRST_POS) & !7;
        let end = (p + 8 - FIRST_POS).min(hi + 1);
        let sum = window(i..end, p);
        if p >= 32 * (limb + 1) {
            batch.add_digit(limb, (acc & 0xFFFF_FFFF) as i64);
            acc >>= 32;
            limb += 1;
        }
        acc += sum << (p - 32 * limb);
        i = end;
    }
    for _ in 0..3 {
        batch.add_digit(limb, (acc & 0xFFFF_FFFF) as i64);
        acc >>= 32;
        limb += 1;
    }
    batch.add_digit(limb, acc as i64);
}

/// The exponent field of `v`.
#[inline(always)]
fn field(v: f64) -> usize {
    ((v.to_bits() >> 52) & 0x7FF) as usize
}
