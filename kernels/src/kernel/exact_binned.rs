//! The exact kernel's way for products spread over more binades than its deepest window
//! (random exponents, ill-conditioned dots): every product's `p = fl(x * y)` and its
//! TwoProduct error `e = x * y - p` (none for `f32` inputs, whose products are exact in
//! `f64`) go into exponent-indexed integer bins ([`IntBins`]), two integer additions each,
//! whatever their exponents. The vector code computes `p` and `e` and sets aside the few
//! products the bins cannot take; a scalar loop adds the values to the bins; one flush per
//! run of blocks adds the bins to the superaccumulator.
//!
//! **What the bins take.** A product with `2^-915 <= |p| < ∞` (`LEAST`): `p` is
//! normal, TwoProduct is exact (from 2^-968 on), and a nonzero `e` is normal. The exact
//! product of finite `x` and `y` is a multiple of `2^(qx + qy)`, `q` the exponent of an
//! operand's last bit, and so is `e`. For normal operands `qx + qy = E(x) + E(y) - 104 >=
//! E(p) - 105 >= -1020`; a subnormal `x` (`qx = -1074`) has `|x| < 2^-1022`, so `|y| >
//! 2^107` and `qx + qy >= -1074 + 107 - 52 = -1019`. Either way `|e| >= 2^-1020` or
//! `e = 0`. A product with a zero operand (`p = e = ±0`) is a zero for the bins, which
//! adds nothing. The others (NaN and infinite products, tiny ones, zeros by underflow)
//! take the scalar path one by one, exactly (`ExactState::add_product_integer`), and are
//! zeroed in the vectors.
//!
//! **Signs of zero.** A product the scalar path takes sets its own flags. A nonzero
//! product sets "not all -0"; if the run has none, the zero products decide, read again
//! one by one (a run of zeros only comes here after a wide spread).

use crate::exact::ExactState;
use crate::exact::int_bins::{HI_BITS, IntBins, LO_BITS};
use crate::exact::state::NOT_NEG_ZERO;
use crate::real::Real;
use crate::simd::{Flags, Load};

use super::exact_step::{PREFETCH_BYTES, groups, lanes, scalar_lanes, zero_operands};
use super::source::Source;

/// The least magnitude of a product the bins take: 2^-915 (module documentation).
const LEAST: f64 = f64::from_bits((1023 - 891) << 52);

/// Products whose values are computed before the scalar loop adds them: the values of
/// one chunk stay in the first level of cache.
const CHUNK: usize = 128;

/// Adds the products of the elements `range` exactly to `state`, through the integer bins
/// (module documentation).
///
/// The caller sets the flag of a nonempty sum (as [`super::exact::accumulate`] does).
///
/// # Safety
/// `range.end + SLACK` of both sources is at most their length; the length of `range` is a
/// multiple of `groups::<S, E>() * W` and at most 2^20.
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
    // Two values a product at most.
    debug_assert!(2 * range.len() <= IntBins::MAX_VALUES);
    debug_assert!(range.len().is_multiple_of(step));
    let mut bins = IntBins::new();
    let (least, infinity) = (s.splat(LEAST), s.splat(f64::INFINITY));
    let ones = s.splat(f64::from_bits(!0));
    let ahead = PREFETCH_BYTES / core::mem::size_of::<E>();
    // The largest |p| (NaN ignored).
    let mut top = s.zero();
    let (mut keys, mut values) = ([0.0f64; 2 * CHUNK], [0.0f64; 2 * CHUNK]);
    // The masks of the parts' bits, complemented (for `and_not`), and the implicit bit of
    // `hi` at its place in the packed parts.
    let not_lo = s.splat(f64::from_bits(!LO_BITS));
    let not_hi = s.splat(f64::from_bits(!HI_BITS));
    let implicit = s.splat(f64::from_bits(1 << 58));
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
                for v in [p, e].iter().take(if two_product { 2 } else { 1 }) {
                    // The bins' key and parts of each lane (see `IntBins::add_parts`).
                    let key = s.shift_right::<52>(*v);
                    let hi = s.shift_left::<6>(s.and_not(not_hi, *v));
                    let packed = s.or(s.or(s.and_not(not_lo, *v), hi), implicit);
                    s.store(key, &mut keys[k..]);
                    s.store(packed, &mut values[k..]);
                    k += w;
                }
            }
            i += step;
        }
        for (key, packed) in keys[..k].iter().zip(&values[..k]) {
            bins.add_parts(key.to_bits(), packed.to_bits());
        }
    }
    let mut largest = 0.0f64;
    for &v in &lanes(s, top)[..w] {
        largest = if v > largest { v } else { largest };
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
    // The exponent field of the largest value (an infinite one went to the scalar path).
    let field = ((largest.to_bits() >> 52) as usize).min(2046);
    bins.flush(field, &mut state.acc.batch(1));
}

#[cfg(test)]
mod tests;
