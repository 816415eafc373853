//! The exact kernel's way for products spread over more binades than its deepest window
//! (random exponents, ill-conditioned dots): every product `x * y`, as its rounded product
//! `p = fl(x * y)` and TwoProduct error `e = x * y - p` (`e = 0` for `f32` inputs, whose
//! products are exact in `f64`), becomes one 128-bit integer added to an exponent-indexed
//! table ([`IntBins`]), whatever its exponent. The vector code computes `p`, `e` and the
//! integer (the slot of its entry in the table and two words, lane operations on the
//! bits; the smallest slot is kept in the lanes too), and sets aside the few products the
//! bins cannot take; a scalar loop adds the integers to the table (three loads and one
//! 128-bit addition each, no test); one flush per run of blocks adds the table to the
//! superaccumulator.
//!
//! **What the bins take.** A product with `2^-891 <= |p| < ∞` (`LEAST`), exponent field
//! `f >= 132`: `p` is normal and TwoProduct is exact (from 2^-968 on). Its exact value is
//! a multiple of `2^(f - 1128)`: with `x = Mx · 2^qx`, `y = My · 2^qy`, integers `Mx, My
//! < 2^53` (`qx = -1074` for a subnormal `x`), `x * y = Mx My · 2^(qx + qy)` with `Mx My <
//! 2^106 - 2^53`, and `|x * y| >= (1 - 2^-53) 2^(f - 1023) = (2^106 - 2^53) 2^(f - 1129)`
//! (`p` is the rounding to nearest), so `qx + qy > f - 1129`. `p` is a multiple of its ulp
//! `2^(f - 1075)`, so `e` is a multiple of `2^(f - 1128)` too, with `|e| <= 2^(f - 1076)`;
//! a nonzero `e` is at least `2^(132 - 1128)`, normal. [`crate::exact::int_bins`] turns
//! `p` and `e` into one integer on that grid. A product with a zero operand (`p = e = ±0`)
//! goes to the zero products' entry, which is ignored. The others (NaN and infinite
//! products, tiny ones, zeros by underflow) take the scalar path one by one, exactly
//! (`ExactState::add_product_integer`), and are zeroed in the vectors.
//!
//! **Signs of zero.** A product the scalar path takes sets its own flags. A nonzero
//! product sets "not all -0"; if the run has none, the zero products decide, read again
//! one by one (a run of zeros only comes here after a wide spread).

use crate::exact::ExactState;
use crate::exact::int_bins::{FRACTION, IMPLICIT, IntBins, LOW_53, SLOTS, ZERO_KEY};
use crate::exact::state::NOT_NEG_ZERO;
use crate::real::Real;
use crate::simd::{Flags, Load};

use super::exact_step::{PREFETCH_BYTES, groups, lanes, scalar_lanes, zero_operands};
use super::source::Source;

/// The least magnitude of a product the bins take: 2^-891 (module documentation).
const LEAST: f64 = f64::from_bits((1023 - 891) << 52);

/// Products whose entries are computed before the scalar loop adds them: the entries of
/// one chunk stay in the first level of cache.
const CHUNK: usize = 128;

/// Adds the products of the elements `range` exactly to `state`, through the integer bins
/// (module documentation), flushed once at the end.
///
/// The caller sets the flag of a nonempty sum (as [`super::exact::accumulate`] does).
///
/// # Safety
/// `range.end + SLACK` of both sources is at most their length; the length of `range` is a
/// multiple of `groups::<S, E>() * W` and at most [`IntBins::MAX_PRODUCTS`].
#[inline(always)]
pub(crate) unsafe fn binned<S, E, X, Y>(
    s: S,
    x: X,
    y: Y,
    range: core::ops::Range<usize>,
    state: &mut ExactState,
) where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let w = S::W;
    let step = groups::<S, E>() * w;
    let two_product = !E::PRODUCT_EXACT_IN_F64;
    debug_assert!(range.len() <= IntBins::MAX_PRODUCTS);
    debug_assert!(range.len().is_multiple_of(step));
    let mut bins = IntBins::new();
    bins.taken(range.len());
    let (least, infinity) = (s.splat(LEAST), s.splat(f64::INFINITY));
    let ones = s.splat(f64::from_bits(!0));
    let ahead = PREFETCH_BYTES / core::mem::size_of::<E>();
    // The largest |p| (NaN ignored).
    let mut top = s.zero();
    let mut slots = [0.0f64; CHUNK];
    let (mut low_words, mut high_words) = ([0.0f64; CHUNK], [0.0f64; CHUNK]);
    // Constants of the entries' lane operations (`int_bins::entry`), as bits.
    let bits = |v: u64| s.splat(f64::from_bits(v));
    let (not_fraction, implicit) = (bits(!FRACTION), bits(IMPLICIT));
    let not_low_53 = bits(!LOW_53);
    let (fifty_three, top_bit, high_bias) = (bits(53), bits(1 << 63), bits(1 << 52));
    let (two, not_slots, one) = (bits(2), bits(!SLOTS), s.splat(1.0));
    // The lowest slot of a nonzero product, as the bits of `1 + slot * 2^-52` (zero
    // products have the highest slot, that of ZERO_KEY).
    let mut low = s.splat(f64::from_bits(1.0f64.to_bits() | SLOTS));
    let mut i = range.start;
    while i < range.end {
        let stop = range.end.min(i + CHUNK);
        let mut k = 0;
        while i < stop {
            x.prefetch(i + ahead);
            y.prefetch(i + ahead);
            for u in 0..step / w {
                let at = i + u * w;
                // SAFETY: at + W <= range.end, and range.end + SLACK <= n (caller).
                let (vx, vy) = unsafe { (x.vector(s, at), y.vector(s, at)) };
                let mut p = s.mul(vx, vy);
                let mut e = if two_product {
                    s.fms(vx, vy, p)
                } else {
                    s.zero()
                };
                let abs = s.abs(p);
                top = s.max(abs, top);
                let tiny = s.below(abs, least);
                // NaN or infinite (a zero operand with an infinite one included).
                let special = s.and_not(s.below(abs, infinity), ones);
                if s.any(s.or(tiny, special)) {
                    let zero = zero_operands(s, vx, vy);
                    let out = s.or(s.and_not(zero, tiny), special);
                    if s.any(out) {
                        scalar_lanes(&lanes(s, vx), &lanes(s, vy), &lanes(s, out), w, state);
                        p = s.and_not(out, p);
                        e = s.and_not(out, e);
                    }
                }
                // The entry of each lane, as `int_bins::entry` computes it.
                // The field of p (the bins' index takes it less one, zeros to ZERO_KEY).
                let key = s.shift_right::<52>(s.abs(p));
                let sign_p = s.sign_mask(p);
                let m = s.or(s.and_not(not_fraction, p), implicit);
                let mut h = s.sub_bits(s.xor(m, sign_p), sign_p);
                let mut r = s.zero();
                if two_product {
                    let g = s.shift_right::<52>(s.abs(e));
                    let shift = s.sub_bits(s.sub_bits(key, g), fifty_three);
                    let n = s.or(s.and_not(not_fraction, e), implicit);
                    let sign_e = s.sign_mask(e);
                    // `I` (module documentation of `int_bins`): the error on p's grid.
                    let grid_e = s.shift_right_by(n, shift);
                    let grid_e = s.sub_bits(s.xor(grid_e, sign_e), sign_e);
                    h = s.add_bits(h, s.sign_mask(grid_e));
                    r = s.and_not(not_low_53, grid_e);
                }
                let lo = s.or(s.shift_left::<53>(h), r);
                let hi = s.sub_bits(s.shift_right::<11>(s.xor(h, top_bit)), high_bias);
                // The slot of the entry (`int_bins::slot`): `2 (f - 1)`, wrapping, zeros
                // to the slot of ZERO_KEY; the smallest kept as a number in [1, 2).
                let slot = s.and_not(not_slots, s.sub_bits(s.shift_left::<1>(key), two));
                low = s.abs_min(s.or(slot, one), low);
                s.store(slot, &mut slots[k..]);
                s.store(lo, &mut low_words[k..]);
                s.store(hi, &mut high_words[k..]);
                k += w;
            }
            i += step;
        }
        let words = low_words[..k].iter().zip(&high_words[..k]);
        for (slot, (lo, hi)) in slots[..k].iter().zip(words) {
            bins.add(slot.to_bits(), lo.to_bits(), hi.to_bits());
        }
    }
    let mut largest = 0.0f64;
    for &v in &lanes(s, top)[..w] {
        largest = if v > largest { v } else { largest };
    }
    // The lowest key of a nonzero product (plain loops, no closures on the kernel path).
    let mut low_key = ZERO_KEY;
    for v in &lanes(s, low)[..w] {
        low_key = low_key.min((v.to_bits() & SLOTS) / 2);
    }
    if largest > 0.0 {
        state.flags |= NOT_NEG_ZERO;
    } else {
        // SAFETY: every j in range is below n (caller).
        let positive_zero = range
            .clone()
            .any(|j| unsafe { (x.element(j).widen() * y.element(j).widen()).to_bits() == 0 });
        if positive_zero {
            state.flags |= NOT_NEG_ZERO;
        }
    }
    // The key of the largest product (an infinite one went to the scalar path); none if
    // every product is zero or left the vectors.
    if largest > 0.0 && low_key < ZERO_KEY {
        let field = (largest.to_bits() >> 52).min(2046);
        bins.used(low_key, field - 1);
    }
    bins.flush(&mut state.acc.batch(1));
}

#[cfg(test)]
mod tests;
