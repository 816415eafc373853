//! The state of an exact dot product: the exact sum of the finite products, and what the
//! special products (NaN, infinities, signed zeros) were.

use super::bins::{BINS, Bins, TOO_LARGE};
use super::round::Format;
use super::sqrt::sqrt_round;
use super::superacc::{Batch, Superacc};
use crate::real::Real;

/// Some product was NaN (a NaN operand, or inf * 0).
pub(crate) const NAN: u8 = 1;
/// Some product was +inf.
pub(crate) const POS_INF: u8 = 2;
/// Some product was -inf.
pub(crate) const NEG_INF: u8 = 4;
/// Some product was not -0 (nonzero, +0 or special).
pub(crate) const NOT_NEG_ZERO: u8 = 8;
/// Some product was added at all.
pub(crate) const NONEMPTY: u8 = 16;
/// Products below this magnitude may have an inexact TwoProduct error term: it is exact
/// when the product is at least 2^-969 (its exponent leaves the error 53 bits above the
/// subnormal grid); smaller ones are added as integer products of their significands.
pub(crate) const TINY_PRODUCT: f64 = f64::from_bits((1023 - 968) << 52); // 2^-968

/// Products per batch of the scalar path: at most 2^20, two additions each, far below the
/// carries' room.
const CHUNK: usize = 1 << 20;

/// Counts from which the scalar path goes through the bins: below, their fixed cost
/// (clearing 16 KiB, reading the used bins: up to 2048 of them, about 3 µs, for products
/// over the whole exponent range) exceeds what they save (about 4.5 ns a product; measured
/// break-even near 150 products of a narrow range, 650 over the whole range).
const BINNED_FROM: usize = 512;

/// Every flag.
pub(crate) const ALL_FLAGS: u8 = 31;

/// The exact sum of products, and flags for the special ones. `pub` only because
/// [`crate::compiled::Compiled`] names it; unreachable outside the crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExactState {
    /// The exact sum of the finite nonzero products.
    pub(crate) acc: Superacc,
    /// Which special products were seen ([`NAN`], ...).
    pub(crate) flags: u8,
}

impl ExactState {
    /// The state of an empty sum.
    pub(crate) const fn new() -> Self {
        ExactState {
            acc: Superacc::new(),
            flags: 0,
        }
    }

    /// Adds the exact product `x * y`, for any values, without floating-point arithmetic
    /// (integer product of the significands): for callers outside the vector kernels'
    /// target features, where an FMA would be a library call.
    #[inline(never)]
    pub(crate) fn add_product_integer(&mut self, x: f64, y: f64) {
        let (flags, finite) = record_rare(self.flags, x, y);
        self.flags = flags;
        if finite {
            self.acc.batch(2).add_product_f64(x, y);
        }
    }

    /// Adds the exact products of the pairs `pair(j)`, `j < count`, for any values (the
    /// scalar path).
    ///
    /// The common case is short: a finite product far enough from the subnormal range is
    /// `p + e` with `p = fl(x * y)` and `e = x * y - p` (one FMA, TwoProduct), both `f64`
    /// added exactly; for `f32` inputs `p` is the exact product itself. Everything else
    /// (zeros, tiny and special products) takes [`record_rare`] and the integer product.
    /// From [`BINNED_FROM`] products on, `p` and `e` go to exponent-indexed floating-point
    /// bins ([`Bins`]), flushed into the superaccumulator at the end; fewer are added to
    /// it directly. The sum is the same exact value either way.
    ///
    /// Always inlined, so that the FMA is the instruction of the caller's target features,
    /// not a library call.
    #[inline(always)]
    pub(crate) fn add_products<E: Real>(
        &mut self,
        count: usize,
        pair: impl FnMut(usize) -> (E, E),
    ) {
        if count >= BINNED_FROM {
            self.add_products_binned(count, pair);
        } else {
            self.add_products_direct(count, pair);
        }
    }

    /// [`ExactState::add_products`] through the bins.
    #[inline(always)]
    fn add_products_binned<E: Real>(
        &mut self,
        count: usize,
        mut pair: impl FnMut(usize) -> (E, E),
    ) {
        // The bins take at most four values per product between flushes.
        const _: () = assert!(4 * CHUNK <= Bins::MAX_VALUES);
        let mut flags = self.flags;
        let mut sums = [0.0; BINS];
        let mut bins = Bins::new(&mut sums);
        for from in (0..count).step_by(CHUNK) {
            let to = count.min(from + CHUNK);
            // Two additions for each product that takes the integer path, one for the flush.
            let mut batch = self.acc.batch(2 * (to - from) as u32 + 1);
            let mut j = from;
            while j < to {
                let (x, y) = pair(j);
                let (x, y) = (x.widen(), y.widen());
                j += 1;
                if E::PRODUCT_EXACT_IN_F64 {
                    // Products of two finite nonzero `f32` are exact in `f64`, in
                    // [2^-298, 2^256].
                    let p = x * y;
                    if p != 0.0 && p.is_finite() {
                        // SAFETY: |p| <= 2^256 < TOO_LARGE.
                        unsafe { bins.add(p) };
                        continue;
                    }
                } else if let Some(reach) = binnable(x, y) {
                    let p = x * y;
                    let e = x.mul_add(y, -p);
                    // SAFETY: 2^-968 <= |p| <= 2^998 < TOO_LARGE (`binnable`), and |e| <=
                    // ulp(p) / 2 < |p|.
                    unsafe { bins.add_two_product(p, e, reach) };
                    continue;
                }
                flags = add_rare(flags, &mut batch, x, y);
            }
            if bins.flush(&mut batch) {
                // Some product went to the bins: finite and nonzero.
                flags |= NONEMPTY | NOT_NEG_ZERO;
            }
        }
        self.flags = flags;
    }

    /// [`ExactState::add_products`] straight into the superaccumulator.
    #[inline(always)]
    fn add_products_direct<E: Real>(
        &mut self,
        count: usize,
        mut pair: impl FnMut(usize) -> (E, E),
    ) {
        let mut flags = self.flags;
        for from in (0..count).step_by(CHUNK) {
            let to = count.min(from + CHUNK);
            let mut batch = self.acc.batch(2 * (to - from) as u32);
            for j in from..to {
                let (x, y) = pair(j);
                let (x, y) = (x.widen(), y.widen());
                if !E::PRODUCT_EXACT_IN_F64 && tiny_or_zero(x, y) {
                    // Checked on the exponent fields: multiplying into the subnormal range
                    // costs a microcode assist of a hundred cycles or more.
                    let (f, finite) = record_rare(flags, x, y);
                    flags = f;
                    if finite {
                        batch.add_product_f64(x, y);
                    }
                    continue;
                }
                let p = x * y;
                if E::PRODUCT_EXACT_IN_F64 {
                    // Products of two finite nonzero `f32` are exact in `f64`, >= 2^-298.
                    if p != 0.0 && p.is_finite() {
                        flags |= NONEMPTY | NOT_NEG_ZERO;
                        batch.add_f64(p);
                        continue;
                    }
                } else if (TINY_PRODUCT..f64::INFINITY).contains(&p.abs()) {
                    // TwoProduct is exact for products of at least 2^-968 (`TINY_PRODUCT`).
                    flags |= NONEMPTY | NOT_NEG_ZERO;
                    batch.add_f64(p);
                    batch.add_f64(x.mul_add(y, -p));
                    continue;
                }
                let (f, finite) = record_rare(flags, x, y);
                flags = f;
                if finite {
                    // Tiny: the integer product of the significands.
                    batch.add_product_f64(x, y);
                }
            }
        }
        self.flags = flags;
    }

    /// Adds another state.
    pub(crate) fn merge(&mut self, other: &ExactState) {
        self.acc.add(&other.acc);
        self.flags |= other.flags;
    }

    /// The exact sum rounded once to nearest-even in `T` (bits of `T` in the low bits).
    pub(crate) fn finish<T: Real>(&self) -> T {
        let f = self.flags;
        if f & NAN != 0 || f & (POS_INF | NEG_INF) == POS_INF | NEG_INF {
            return T::nan();
        }
        if f & POS_INF != 0 {
            return T::infinity();
        }
        if f & NEG_INF != 0 {
            return T::neg_infinity();
        }
        let r = T::from_raw_bits(self.acc.round(Format::of::<T>()));
        if r == T::zero() && r.is_sign_positive() && f & (NONEMPTY | NOT_NEG_ZERO) == NONEMPTY {
            return T::neg_zero();
        }
        r
    }

    /// The square root of the exact sum, rounded once to nearest-even in `T`, with the
    /// conventions of a 2-norm (`hypot`): an infinite product (an infinite element) gives
    /// +inf even beside a NaN; otherwise a NaN, a −inf product or a negative sum (states no
    /// sum of squares has) give NaN; zero gives +0.
    pub(crate) fn finish_sqrt<T: Real>(&self) -> T {
        let f = self.flags;
        if f & POS_INF != 0 {
            return T::infinity();
        }
        if f & (NAN | NEG_INF) != 0 {
            return T::nan();
        }
        match sqrt_round(&self.acc.digits(), Format::of::<T>()) {
            Some(bits) => T::from_raw_bits(bits),
            None => T::nan(),
        }
    }
}

/// Whether `|x * y|` may be below [`TINY_PRODUCT`] (zeros and subnormal operands
/// included), from the exponent fields alone: `|x| >= 2^(fx - 1023)` for a normal `x`, so
/// fields adding up to at least `2046 - 968` give a product of at least 2^-968.
#[inline(always)]
fn tiny_or_zero(x: f64, y: f64) -> bool {
    let field = |v: f64| (v.to_bits() >> 52) & 0x7FF;
    field(x).min(1) * field(y).min(1) == 0 || field(x) + field(y) < 2046 - 968
}

/// Whether the product of `x` and `y` goes to the bins, and then the sum of their
/// exponent fields: both normal and finite (fields in `1..=2046`), with fields adding up to
/// between 1078 and 3042. Then `2^(fx + fy - 2046) <= |x y| < 2^(fx + fy - 2044)`: the
/// product and its rounding `p` lie between 2^-968 ([`TINY_PRODUCT`], TwoProduct exact)
/// and 2^998 (below [`TOO_LARGE`]). Decided on the encodings, before multiplying (a
/// product in the subnormal range costs a microcode assist).
#[inline(always)]
fn binnable(x: f64, y: f64) -> Option<usize> {
    const _: () = assert!(f64::from_bits((998 + 1023) << 52) < TOO_LARGE);
    let field = |v: f64| ((v.to_bits() << 1) >> 53) as usize;
    let (fx, fy) = (field(x), field(y));
    // Both in 1..=2046: f - 1 (wrapping) and f + 1 below 2048, so their `|` too.
    let normal = (fx.wrapping_sub(1) | fy.wrapping_sub(1) | (fx + 1) | (fy + 1)) < 2048;
    let reach = fx + fy;
    (normal & (reach.wrapping_sub(1078) <= 3042 - 1078)).then_some(reach)
}

/// The flags `flags` with the product `x * y` recorded (as [`record_rare`]), and the
/// product added to `batch` exactly as the integer product of the significands if it is
/// finite and nonzero; two additions of the batch's reserve. For any values; out of line.
#[cold]
#[inline(never)]
fn add_rare(flags: u8, batch: &mut Batch<'_>, x: f64, y: f64) -> u8 {
    let (flags, finite) = record_rare(flags, x, y);
    if finite {
        batch.add_product_f64(x, y);
    }
    flags
}

/// The flags `flags` with the product `x * y` recorded, for any values: zeros (their
/// signs), NaN and infinities; and whether the product is finite and nonzero (then the
/// caller adds it, exactly). Out of line: no accumulator passes through it, so the
/// caller's stay in registers.
#[cold]
#[inline(never)]
fn record_rare(mut flags: u8, x: f64, y: f64) -> (u8, bool) {
    flags |= NONEMPTY;
    if x.is_finite() && y.is_finite() {
        if x == 0.0 || y == 0.0 {
            if (x.to_bits() ^ y.to_bits()) >> 63 == 0 {
                flags |= NOT_NEG_ZERO;
            }
            return (flags, false);
        }
        return (flags | NOT_NEG_ZERO, true);
    }
    let p = x * y; // NaN for a NaN operand and for inf * 0
    let special = if p.is_nan() {
        NAN
    } else if p > 0.0 {
        POS_INF
    } else {
        NEG_INF
    };
    (flags | NOT_NEG_ZERO | special, false)
}

#[cfg(test)]
mod tests;
