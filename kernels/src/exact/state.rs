//! The state of an exact dot product: the exact sum of the finite products, and what the
//! special products (NaN, infinities, signed zeros) were.

use super::round::{Format, round};
use super::sqrt::sqrt_round;
use super::superacc::Superacc;
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
/// Every flag.
pub(crate) const ALL_FLAGS: u8 = 31;

/// The exact sum of products, and flags for the special ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExactState {
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

    /// Adds the exact product `x * y`, for any values (the scalar path).
    #[inline]
    pub(crate) fn add_product<E: Real>(&mut self, x: E, y: E) {
        let (x, y) = (x.widen(), y.widen());
        self.flags |= NONEMPTY;
        if x.is_finite() && y.is_finite() {
            if x == 0.0 || y == 0.0 {
                if (x.to_bits() ^ y.to_bits()) >> 63 == 0 {
                    self.flags |= NOT_NEG_ZERO;
                }
                return;
            }
            self.flags |= NOT_NEG_ZERO;
            if E::PRODUCT_EXACT_IN_F64 {
                self.acc.add_f64(x * y);
            } else {
                self.acc.add_product_f64(x, y);
            }
            return;
        }
        self.flags |= NOT_NEG_ZERO;
        let p = x * y; // NaN for a NaN operand and for inf * 0
        self.flags |= if p.is_nan() {
            NAN
        } else if p > 0.0 {
            POS_INF
        } else {
            NEG_INF
        };
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
        let r = T::from_raw_bits(round(&self.acc.digits(), Format::of::<T>()));
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
