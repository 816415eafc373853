//! The superaccumulator: a fixed-point number wide enough to hold any sum of products of
//! finite `f64` exactly.
//!
//! Every finite `f64` is an integer multiple of 2^-1074, so a product of two is an integer
//! multiple of 2^-2148, below 2^2048 in magnitude. The accumulator stands for the integer
//! `Σ limbs[i] · 2^(32 i)` times 2^-[`BIAS`]: bit position `k + BIAS` has weight 2^k.
//!
//! Each limb is an `i64` holding one 32-bit digit plus carries not yet propagated
//! (carry-save): adding a value touches two or three limbs with plain additions and never
//! propagates a carry. A limb can absorb 2^31 additions of a 32-bit digit before it could
//! overflow; [`Superacc::normalize`] propagates the carries long before that, so the
//! arithmetic below never wraps on any state this module builds.

pub(crate) use super::fixed::{BIAS, LIMBS};

/// Additions (of at most one 32-bit digit per limb) a state may hold before its carries
/// must be propagated: far below the 2^31 that would overflow an `i64` limb.
const PENDING_LIMIT: u32 = 1 << 28;

/// An exact fixed-point accumulator (see the module documentation).
///
/// It also keeps the range of limbs `lo..hi` outside which every limb is zero, so that
/// merging, propagating carries and rounding (the fixed cost of every exact dot product)
/// touch only the limbs a sum actually used, not all [`LIMBS`].
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Superacc {
    /// Carry-save digits, least significant first.
    limbs: [i64; LIMBS],
    /// An upper bound on the additions each limb holds since carries were last propagated
    /// (a normalized state counts as one).
    pending: u32,
    /// Every limb below `lo` is zero (`LIMBS` when all are).
    lo: u32,
    /// Every limb from `hi` on is zero.
    hi: u32,
}

impl core::fmt::Debug for Superacc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used: Vec<(usize, i64)> = self
            .limbs
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, l)| l != 0)
            .collect();
        f.debug_struct("Superacc")
            .field("nonzero_limbs", &used)
            .field("pending", &self.pending)
            .finish()
    }
}

impl Default for Superacc {
    fn default() -> Self {
        Self::new()
    }
}

impl Superacc {
    /// Zero.
    pub(crate) const fn new() -> Self {
        Superacc {
            limbs: [0; LIMBS],
            pending: 0,
            lo: LIMBS as u32,
            hi: 0,
        }
    }

    /// The limbs that may be nonzero.
    #[inline(always)]
    fn used(&self) -> core::ops::Range<usize> {
        self.lo as usize..(self.hi as usize).max(self.lo as usize)
    }

    /// Widens the range of limbs that may be nonzero to include `range`.
    #[inline(always)]
    fn touch(&mut self, from: usize, to: usize) {
        self.lo = self.lo.min(from as u32);
        self.hi = self.hi.max(to as u32);
    }

    /// Adds `±mag · 2^(pos - BIAS)`.
    ///
    /// `pos + 95 < 32 * LIMBS` (the shifted magnitude spans at most three digits).
    #[inline(always)]
    fn add_at(&mut self, mag: u64, pos: u32, negative: bool) {
        if self.pending >= PENDING_LIMIT {
            self.normalize();
        }
        self.pending += 1;
        let i = add_digits(&mut self.limbs, mag, pos, negative);
        self.touch(i, i + 3);
    }

    /// A batch of at most `adds` additions ([`Batch`]): the carries are propagated first
    /// if the limbs could not take that many more.
    #[inline(always)]
    pub(crate) fn batch(&mut self, adds: u32) -> Batch<'_> {
        if self.pending.saturating_add(adds) >= PENDING_LIMIT {
            self.normalize();
        }
        self.pending += adds;
        Batch {
            lo: self.lo,
            hi: self.hi,
            acc: self,
        }
    }

    /// Adds `v · 2^(pos - BIAS)`, `pos + 95 < 32 * LIMBS`.
    #[inline(always)]
    pub(crate) fn add_i64_at(&mut self, v: i64, pos: u32) {
        if v != 0 {
            self.add_at(v.unsigned_abs(), pos, v < 0);
        }
    }

    /// Adds a finite `f64` exactly. Zeros and non-finite values are ignored (the caller
    /// tracks signs of zeros and special values).
    #[cfg(test)]
    pub(crate) fn add_f64(&mut self, v: f64) {
        if v.is_finite() {
            self.batch(1).add_f64(v);
        }
    }

    /// Adds another accumulator.
    pub(crate) fn add(&mut self, other: &Superacc) {
        if self.pending.saturating_add(other.pending) >= PENDING_LIMIT {
            self.normalize();
        }
        if self.pending.saturating_add(other.pending) >= PENDING_LIMIT {
            // Only for an `other` itself close to the limit: propagate its carries too.
            let mut o = other.clone();
            o.normalize();
            self.add_limbs(&o);
            self.pending += o.pending;
        } else {
            self.add_limbs(other);
            self.pending += other.pending;
        }
    }

    #[inline]
    fn add_limbs(&mut self, other: &Superacc) {
        let range = other.used();
        for (a, b) in self.limbs[range.clone()]
            .iter_mut()
            .zip(&other.limbs[range.clone()])
        {
            *a = a.wrapping_add(*b);
        }
        self.touch(range.start, range.end);
    }

    /// Propagates the carries of the used limbs: afterwards every limb is a digit in
    /// `[0, 2^32)` but the highest used one, which carries the sign (a small signed
    /// number). The value is unchanged.
    pub(crate) fn normalize(&mut self) {
        let range = self.used();
        if range.is_empty() {
            self.pending = 1;
            return;
        }
        // Two more limbs take the carries out of the used ones (each below 2^31 in
        // magnitude), when there is room; the top limb takes whatever is left.
        let top = (range.end + 1).min(LIMBS - 1);
        let mut carry = 0i64;
        for limb in &mut self.limbs[range.start..top] {
            let v = limb.wrapping_add(carry);
            carry = v >> 32;
            *limb = v & 0xFFFF_FFFF;
        }
        let last = &mut self.limbs[top];
        *last = last.wrapping_add(carry);
        self.touch(range.start, top + 1);
        self.pending = 1;
    }

    /// The value as 32-bit two's-complement digits (least significant first) of a
    /// `32 * LIMBS`-bit integer.
    pub(crate) fn digits(&self) -> [u32; LIMBS] {
        let mut out = [0u32; LIMBS];
        let range = self.used();
        // The carries out of the used limbs (below 2^63 in magnitude) shrink to -1 or 0
        // within two more limbs: the sign, extended to the top.
        let end = (range.end + 2).min(LIMBS);
        let mut carry = 0i64;
        for (o, &limb) in out[range.start.min(end)..end]
            .iter_mut()
            .zip(&self.limbs[range.start.min(end)..end])
        {
            let v = limb.wrapping_add(carry);
            carry = v >> 32;
            *o = v as u32;
        }
        if carry < 0 {
            out[end..].fill(u32::MAX);
        }
        out
    }

    /// The accumulator holding the two's-complement digits `digits`, in the short form:
    /// the digits up to the highest that is not sign extension, then `-1` for a negative
    /// value, so that the used range is only as long as the value.
    pub(crate) fn from_digits(digits: &[u32; LIMBS]) -> Superacc {
        let negative = digits[LIMBS - 1] >> 31 != 0;
        let fill = if negative { u32::MAX } else { 0 };
        let Some(top) = digits.iter().rposition(|&d| d != fill) else {
            // 0, or -1 in every digit: -1.
            let mut acc = Superacc::new();
            if negative {
                acc.limbs[0] = -1;
                acc.touch(0, 1);
            }
            acc.pending = 1;
            return acc;
        };
        let lo = digits.iter().position(|&d| d != 0).unwrap_or(top).min(top);
        let mut acc = Superacc::new();
        for (limb, &d) in acc.limbs[lo..=top].iter_mut().zip(&digits[lo..=top]) {
            *limb = i64::from(d);
        }
        let mut hi = top + 1;
        if negative {
            // Value = digits[..=top] - 2^(32 (top + 1)): the sign one limb up (or, at the
            // top limb, that limb read as signed).
            if top + 1 < LIMBS {
                acc.limbs[top + 1] = -1;
                hi = top + 2;
            } else {
                acc.limbs[top] = i64::from(digits[top] as i32);
            }
        } else if top == LIMBS - 1 {
            acc.limbs[top] = i64::from(digits[top] as i32);
        }
        acc.lo = lo as u32;
        acc.hi = hi as u32;
        acc.pending = 1;
        acc
    }

    /// The value rounded once to nearest-even in `format` (its bits in the low bits, as
    /// [`round`]), from the used limbs only.
    pub(crate) fn round(&self, format: Format) -> u64 {
        let range = self.used();
        // Room for the used limbs and the two that take their carries.
        const ROOM: usize = 16;
        if range.len() + 2 > ROOM {
            return round(&self.digits(), format);
        }
        let mut digits = [0u32; ROOM];
        let mut carry = 0i64;
        for (j, d) in digits.iter_mut().enumerate() {
            let limb = self.limbs.get(range.start + j).copied().unwrap_or(0);
            let v = if j < range.len() { limb } else { 0 }.wrapping_add(carry);
            carry = v >> 32;
            *d = v as u32;
        }
        // The carries out of limbs below 2^63 in magnitude shrink to -1 or 0 within two
        // limbs past the used ones: the sign, extended above.
        let negative = carry < 0;
        let mag = if negative { negate(&digits) } else { digits };
        round_magnitude(&mag, 32 * range.start as u32, negative, format)
    }
}

use super::round::{Format, negate, round, round_magnitude};

impl Superacc {
    /// The value times `2^k`: an arithmetic shift of the fixed-point number by `k` bits.
    /// Exact when the result is still a multiple of 2^-[`BIAS`] and within the
    /// accumulator's range; otherwise bits shifted out below are dropped (rounding toward
    /// −inf) and bits shifted out above are lost.
    pub(crate) fn shifted(&self, k: i32) -> Superacc {
        let digits = self.digits();
        let fill = if digits[LIMBS - 1] >> 31 != 0 {
            u32::MAX
        } else {
            0
        };
        // Bit j of the source, sign-extended above and zero below.
        let bit = |j: i64| -> u32 {
            if j < 0 {
                0
            } else if j >= 32 * LIMBS as i64 {
                fill & 1
            } else {
                (digits[(j / 32) as usize] >> (j % 32)) & 1
            }
        };
        let mut out = [0u32; LIMBS];
        for (i, o) in out.iter_mut().enumerate() {
            let from = 32 * i as i64 - i64::from(k);
            if from % 32 == 0 && (0..LIMBS as i64).contains(&(from / 32)) {
                *o = digits[(from / 32) as usize];
            } else {
                *o = (0..32).fold(0, |acc, b| acc | bit(from + b) << b);
            }
        }
        Superacc::from_digits(&out)
    }
}

/// Adds `±mag · 2^(pos - BIAS)` to the carry-save `limbs` (`pos + 95 < 32 * LIMBS`): two
/// digits in `[0, 2^32)` and a signed top, below 2^32 in magnitude, to limbs `i..i + 3`;
/// returns `i`.
#[inline(always)]
fn add_digits(limbs: &mut [i64; LIMBS], mag: u64, pos: u32, negative: bool) -> usize {
    let i = (pos / 32) as usize;
    // The signed value, below 2^96 in magnitude: -w == (w ^ -1) + 1.
    let flip = -i128::from(negative);
    let w = ((i128::from(mag) << (pos % 32)) ^ flip) - flip;
    // Three scalar additions. Merged into a 16-byte vector one (as the compiler would),
    // the next addition's load, often overlapping that store by half, could not be
    // forwarded from it and would stall; the opaque index keeps them apart.
    let j = core::hint::black_box(i);
    limbs[i] += w as i64 & 0xFFFF_FFFF;
    limbs[i + 2] += (w >> 64) as i64;
    limbs[j + 1] += (w >> 32) as i64 & 0xFFFF_FFFF;
    i
}

/// A run of additions to a [`Superacc`] whose carries have room for them all (made by
/// [`Superacc::batch`]): no check per addition, and the range of used limbs kept in
/// registers until the batch ends.
pub(crate) struct Batch<'a> {
    acc: &'a mut Superacc,
    lo: u32,
    hi: u32,
}

impl Batch<'_> {
    /// As [`Superacc::add_at`], within the batch's reserve.
    #[inline(always)]
    fn add_at(&mut self, mag: u64, pos: u32, negative: bool) {
        let i = add_digits(&mut self.acc.limbs, mag, pos, negative) as u32;
        self.lo = self.lo.min(i);
        self.hi = self.hi.max(i + 3);
    }

    /// Adds a finite `f64` (zero included) exactly; one addition of the reserve. No
    /// branch: a zero adds zero digits.
    #[inline(always)]
    pub(crate) fn add_f64(&mut self, v: f64) {
        let bits = v.to_bits();
        let field = (bits >> 52) & 0x7FF;
        debug_assert!(field != 0x7FF, "add_f64 of a non-finite value");
        let normal = u64::from(field != 0);
        // v = mant * 2^(e - 1075), e = field for normal numbers and 1 for subnormals (and
        // zero); position e - 1075 + BIAS >= 1102, and below 2047 + 1101 + 95 < 32 * LIMBS.
        let mant = (bits & ((1 << 52) - 1)) | normal << 52;
        let pos = (field + (1 - normal)) as u32 + (BIAS as u32 - 1075);
        self.add_at(mant, pos, bits >> 63 != 0);
    }

    /// Adds `d · 2^(32 i - BIAS)`, `|d| <= 2^32`, to limb `i`. Digits for distinct limbs
    /// together count as one addition of the reserve (as the two or three digits of
    /// [`Batch::add_f64`] do): each limb takes at most one 32-bit digit of them.
    #[inline(always)]
    pub(crate) fn add_digit(&mut self, i: usize, d: i64) {
        self.acc.limbs[i] += d;
        self.lo = self.lo.min(i as u32);
        self.hi = self.hi.max(i as u32 + 1);
    }

    /// As [`Superacc::add_product_f64`]; two additions of the reserve.
    #[inline(always)]
    pub(crate) fn add_product_f64(&mut self, x: f64, y: f64) {
        let (Some((mx, ex)), Some((my, ey))) = (split(x), split(y)) else {
            return;
        };
        let negative = (x.to_bits() ^ y.to_bits()) >> 63 != 0;
        // Position of the lowest bit: ex + ey + BIAS >= -2148 + 2176 = 28.
        let prod = u128::from(mx) * u128::from(my);
        let pos = (ex + ey + BIAS) as u32;
        self.add_at(prod as u64, pos, negative);
        let high = (prod >> 64) as u64;
        if high != 0 {
            self.add_at(high, pos + 64, negative);
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        self.acc.lo = self.lo;
        self.acc.hi = self.hi;
    }
}

/// `v = mant * 2^exp` with a 53-bit integer `mant`, for finite nonzero `v`.
#[inline(always)]
fn split(v: f64) -> Option<(u64, i32)> {
    let bits = v.to_bits();
    let field = ((bits >> 52) & 0x7FF) as i32;
    let frac = bits & ((1 << 52) - 1);
    match field {
        0x7FF => None,
        0 if frac == 0 => None,
        0 => Some((frac, -1074)),
        _ => Some((frac | 1 << 52, field - 1075)),
    }
}

#[cfg(test)]
mod tests {
    use super::{LIMBS, Superacc};
    use crate::exact::round::{Format, round};
    use proptest::prelude::*;

    /// A finite `f64` of any sign and exponent, zero and subnormals included.
    fn any_finite() -> impl Strategy<Value = f64> {
        (any::<bool>(), 0u64..0x7FF, any::<u64>()).prop_map(|(neg, field, frac)| {
            f64::from_bits(u64::from(neg) << 63 | field << 52 | frac & ((1 << 52) - 1))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Rounding from the used limbs only (with its carries, signs and short buffer)
        /// equals rounding the full two's-complement digits, in both formats; merging
        /// and propagating carries over the used range keep the value.
        #[test]
        fn range_rounding_matches_full_rounding(
            a in prop::collection::vec(any_finite(), 0..40),
            b in prop::collection::vec(any_finite(), 0..40),
            scale in -60i32..60,
        ) {
            let mut x = Superacc::new();
            for &v in &a {
                x.add_f64(v);
                x.add_f64(v * 2f64.powi(scale));
            }
            let mut y = Superacc::new();
            for &v in &b {
                y.add_f64(-v);
            }
            let before = x.digits();
            x.add(&y);
            let mut z = x.clone();
            z.normalize();
            prop_assert_eq!(z.digits(), x.digits());
            let mut sum = Superacc::from_digits(&before);
            sum.add(&Superacc::from_digits(&y.digits()));
            prop_assert_eq!(sum.digits(), x.digits());
            for f in [Format { precision: 53, exponent_bits: 11 }, Format { precision: 24, exponent_bits: 8 }] {
                let full = round(&x.digits(), f);
                prop_assert_eq!(x.round(f), full);
                prop_assert_eq!(z.round(f), full);
            }
        }
    }

    /// Digits round trip through the short form, for values whose highest non-sign digit
    /// is zero, for -1, 0, and the extremes of the range.
    #[test]
    fn short_form_round_trips() {
        let mut cases = vec![[0u32; LIMBS], [u32::MAX; LIMBS]];
        for k in [0, 1, 5, LIMBS - 2, LIMBS - 1] {
            let mut neg = [u32::MAX; LIMBS];
            neg[..k].fill(0); // -2^(32 k)
            cases.push(neg);
            let mut pos = [0u32; LIMBS];
            pos[k] = 0x7FFF_FFFF;
            cases.push(pos);
            let mut odd = [u32::MAX; LIMBS];
            odd[k] = 0;
            cases.push(odd);
        }
        for d in cases {
            let acc = Superacc::from_digits(&d);
            assert_eq!(acc.digits(), d);
            // Doubling, against a one-bit shift of the digits (where it fits the range).
            if (d[LIMBS - 1] >> 30) & 1 == d[LIMBS - 1] >> 31 {
                let mut twice = acc.clone();
                twice.add(&acc);
                let mut want = [0u32; LIMBS];
                for i in 0..LIMBS {
                    want[i] = d[i] << 1 | if i > 0 { d[i - 1] >> 31 } else { 0 };
                }
                assert_eq!(twice.digits(), want);
            }
        }
    }

    /// Rounding an empty, a cancelled and a full-width state.
    #[test]
    fn range_rounding_edge_states() {
        let f = Format {
            precision: 53,
            exponent_bits: 11,
        };
        let mut a = Superacc::new();
        assert_eq!(a.round(f), 0);
        a.add_f64(1.5);
        a.add_f64(-1.5);
        assert_eq!(a.round(f), 0);
        let mut wide = Superacc::new();
        wide.add_f64(f64::MAX);
        wide.add_f64(f64::from_bits(1));
        wide.add_f64(-3.0);
        assert_eq!(wide.round(f), round(&wide.digits(), f));
    }

    /// Shifting by `k` scales by 2^k exactly within range, for both signs.
    #[test]
    fn shifts_scale_by_powers_of_two() {
        for v in [3.0, -3.0, 0.75, -1e-300, 1e300, 5e-324] {
            let mut a = Superacc::new();
            a.add_f64(v);
            for k in [-40, -33, -32, -1, 0, 1, 31, 32, 64, 100] {
                let want = v * 2f64.powi(k);
                if want == 0.0 || !want.is_finite() || want.abs() < f64::MIN_POSITIVE {
                    continue;
                }
                let mut b = Superacc::new();
                b.add_f64(want);
                assert_eq!(a.shifted(k).digits(), b.digits(), "{v:e} * 2^{k}");
            }
        }
    }
}
