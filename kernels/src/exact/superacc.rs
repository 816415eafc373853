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

/// Bit position of 2^0. A multiple of 32 (so digit boundaries fall on whole powers of
/// 2^32) and at least 2148, so that the smallest product of two `f64`, 2^-2148, has a
/// non-negative position.
pub(crate) const BIAS: i32 = 2176;

/// Number of limbs. Products stay below 2^2048 (position 4224), and a sum of fewer than
/// 2^64 of them below 2^4288; the sign needs one more bit: 4289 <= 136 * 32 = 4352.
pub(crate) const LIMBS: usize = 136;

/// Additions (of at most one 32-bit digit per limb) a state may hold before its carries
/// must be propagated: far below the 2^31 that would overflow an `i64` limb.
const PENDING_LIMIT: u32 = 1 << 28;

/// An exact fixed-point accumulator (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Superacc {
    /// Carry-save digits, least significant first.
    limbs: [i64; LIMBS],
    /// An upper bound on the additions each limb holds since carries were last propagated
    /// (a normalized state counts as one).
    pending: u32,
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
        }
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
        let i = (pos / 32) as usize;
        let w = u128::from(mag) << (pos % 32);
        let digits = [
            (w as u64 & 0xFFFF_FFFF) as i64,
            ((w >> 32) as u64 & 0xFFFF_FFFF) as i64,
            (w >> 64) as i64,
        ];
        // -d == (d ^ -1) + 1: branch-free negation.
        let flip = -i64::from(negative);
        for (limb, d) in self.limbs[i..i + 3].iter_mut().zip(digits) {
            *limb += (d ^ flip) - flip;
        }
    }

    /// Adds a finite `f64` exactly. Zeros and non-finite values are ignored (the caller
    /// tracks signs of zeros and special values).
    #[inline(always)]
    pub(crate) fn add_f64(&mut self, v: f64) {
        let bits = v.to_bits();
        let field = ((bits >> 52) & 0x7FF) as u32;
        let frac = bits & ((1 << 52) - 1);
        if field == 0x7FF || (field == 0 && frac == 0) {
            return;
        }
        // value = mant * 2^(exp), exp >= -1074: position exp + BIAS >= 1102.
        let (mant, exp) = if field == 0 {
            (frac, -1074)
        } else {
            (frac | 1 << 52, field as i32 - 1075)
        };
        self.add_at(mant, (exp + BIAS) as u32, bits >> 63 != 0);
    }

    /// Adds the exact product `x * y` of two finite `f64`. Zero and non-finite operands are
    /// ignored.
    #[inline]
    pub(crate) fn add_product_f64(&mut self, x: f64, y: f64) {
        let (Some((mx, ex)), Some((my, ey))) = (split(x), split(y)) else {
            return;
        };
        let negative = (x.to_bits() ^ y.to_bits()) >> 63 != 0;
        // The product of two 53-bit mantissas has at most 106 bits; add it as two 64-bit
        // halves. Position of its lowest bit: ex + ey + BIAS >= -2148 + 2176 = 28.
        let prod = u128::from(mx) * u128::from(my);
        let pos = (ex + ey + BIAS) as u32;
        self.add_at(prod as u64, pos, negative);
        let high = (prod >> 64) as u64;
        if high != 0 {
            self.add_at(high, pos + 64, negative);
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
            self.add_limbs(&o.limbs);
            self.pending += o.pending;
        } else {
            self.add_limbs(&other.limbs);
            self.pending += other.pending;
        }
    }

    #[inline]
    fn add_limbs(&mut self, other: &[i64; LIMBS]) {
        for (a, b) in self.limbs.iter_mut().zip(other) {
            *a = a.wrapping_add(*b);
        }
    }

    /// Propagates the carries: afterwards every limb but the last is a digit in
    /// `[0, 2^32)`, and the last one carries the sign.
    pub(crate) fn normalize(&mut self) {
        let mut carry = 0i64;
        for limb in &mut self.limbs[..LIMBS - 1] {
            let v = limb.wrapping_add(carry);
            carry = v >> 32;
            *limb = v & 0xFFFF_FFFF;
        }
        let top = &mut self.limbs[LIMBS - 1];
        *top = top.wrapping_add(carry);
        self.pending = 1;
    }

    /// The value as 32-bit two's-complement digits (least significant first) of a
    /// `32 * LIMBS`-bit integer.
    pub(crate) fn digits(&self) -> [u32; LIMBS] {
        let mut n = self.clone();
        n.normalize();
        n.limbs.map(|l| l as u32)
    }

    /// The accumulator holding the two's-complement digits `digits`.
    pub(crate) fn from_digits(digits: &[u32; LIMBS]) -> Superacc {
        let mut limbs = digits.map(i64::from);
        limbs[LIMBS - 1] = i64::from(digits[LIMBS - 1] as i32);
        Superacc { limbs, pending: 1 }
    }
}

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
    use super::Superacc;

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
