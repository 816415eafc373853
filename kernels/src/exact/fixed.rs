//! The layout of the superaccumulator's fixed-point number: where 2^0 is, and how many
//! 32-bit digits it has (shared by the accumulator, its rounding and its square root).

/// Bit position of 2^0. A multiple of 32 (so digit boundaries fall on whole powers of
/// 2^32) and at least 2148, so that the smallest product of two `f64`, 2^-2148, has a
/// non-negative position.
pub(crate) const BIAS: i32 = 2176;

/// Number of limbs. Products stay below 2^2048 (position 4224), and a sum of fewer than
/// 2^64 of them below 2^4288; the sign needs one more bit: 4289 <= 136 * 32 = 4352.
pub(crate) const LIMBS: usize = 136;
