//! The dot-product kernels, written once against the [`crate::simd`] vocabulary.
//!
//! Each kernel is a type implementing [`crate::simd::Kernel`]: a backend runs it with
//! [`crate::simd::Simd::vectorize`] (through [`crate::Backend`]), and adding one touches no
//! backend.
//!
//! - [`ordered`]: [`FastDot`] and [`CompensatedDot`], the levels that follow the canonical
//!   order;
//! - [`exact`]: [`ExactDot`], every product added exactly to an exact state;
//! - [`exact_binned`]: the exact kernel's way for products spread wider than its
//!   windows, through exponent-indexed integer bins;
//! - [`exact_step`]: the shape of the exact kernels' steps (groups, prefetching, lanes);
//! - [`exact_short`]: the correctly rounded value of a short exact dot, without the
//!   exact state;
//! - [`exact_value`]: [`ExactDotValue`], the correctly rounded exact dot (short ones by
//!   `exact_short`);
//! - [`multi`]: [`FastMany`], [`CompensatedMany`], [`ExactMany`], `x · y_j` for several
//!   `y_j` in one pass over `x`, each with the bits of the single dot;
//! - [`sweep`] walks two logical vectors in the canonical order and hands register-wide
//!   groups of lanes to an accumulation [`method::Method`];
//! - [`method`] holds the per-lane arithmetic of each accuracy level and the fixed pairwise
//!   trees that combine the lanes;
//! - [`source`] reads the vectors of each kind of view.

/// Runs `$body` with `$j` = 0, 1, ..., `$k - 1` (`$k <= 8`), unrolled, so that register
/// indices are constants and the registers stay in registers.
macro_rules! unrolled {
    ($k:expr, |$j:ident| $body:block) => {{
        unrolled!(@one $k, 0, $j, $body);
        unrolled!(@one $k, 1, $j, $body);
        unrolled!(@one $k, 2, $j, $body);
        unrolled!(@one $k, 3, $j, $body);
        unrolled!(@one $k, 4, $j, $body);
        unrolled!(@one $k, 5, $j, $body);
        unrolled!(@one $k, 6, $j, $body);
        unrolled!(@one $k, 7, $j, $body);
    }};
    (@one $k:expr, $n:literal, $j:ident, $body:block) => {
        if $n < $k {
            let $j: usize = $n;
            $body
        }
    };
}

pub(crate) mod exact;
pub(crate) mod exact_binned;
pub(crate) mod exact_short;
pub(crate) mod exact_step;
pub(crate) mod exact_value;
pub(crate) mod method;
pub(crate) mod multi;
pub(crate) mod operands;
pub(crate) mod ordered;
pub(crate) mod source;
pub(crate) mod sweep;

pub(crate) use exact::ExactDot;
pub(crate) use exact_value::ExactDotValue;
pub(crate) use multi::{CompensatedMany, ExactMany, FastMany, MAX_DOTS};
pub(crate) use ordered::{CompensatedDot, FastDot};
