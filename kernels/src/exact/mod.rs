//! Exact dot products: every product added without error into a fixed-point
//! superaccumulator, one rounding at the end.
//!
//! - [`bins`]: exponent-indexed floating-point bins that sum many `f64` exactly before
//!   they go into the superaccumulator (the scalar path's fast way);
//! - [`int_bins`]: exponent-indexed integer bins, one 128-bit addition per product, for the
//!   vector kernel's products spread over more binades than its windows;
//! - [`fixed`]: the fixed-point layout (position of 2^0, number of digits);
//! - [`superacc`]: the fixed-point number (carry-save `i64` limbs of 32-bit digits) that
//!   holds any sum of products of finite `f64` exactly;
//! - [`round`]: its one rounding to nearest-even, into `f64` or `f32`;
//! - [`sqrt`]: its square root, rounded once the same way (the correctly rounded 2-norm);
//! - [`state`]: the superaccumulator with the flags for special products (NaN, infinities,
//!   signed zeros), and the scalar path that adds one product exactly.
//!
//! The SIMD kernel that feeds it ([`crate::kernel::exact`]) keeps short floating-point
//! expansions per lane and only hands this module what they cannot hold exactly.

pub(crate) mod bins;
pub(crate) mod fixed;
pub(crate) mod int_bins;
pub(crate) mod round;
pub(crate) mod sqrt;
pub(crate) mod state;
pub(crate) mod superacc;

pub(crate) use state::ExactState;
