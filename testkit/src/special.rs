//! Special values sprinkled into test vectors: NaNs of every kind, infinities, signed zeros,
//! the largest finite values, subnormals.

use crate::float::Float;
use crate::rng::SplitMix64;

/// Replaces about `count` random elements of `v` by special values: NaNs with various
/// payloads and signs (quiet and signalling), infinities, signed zeros, the largest finite
/// values (whose products overflow), and subnormals.
///
/// ```
/// use pdot_testkit::{SplitMix64, special::sprinkle};
/// let mut v = vec![1.0f32; 4];
/// sprinkle(&mut v, 100, &mut SplitMix64::new(3));
/// assert!(v.iter().any(|a| *a != 1.0));
/// ```
pub fn sprinkle<E: Float>(v: &mut [E], count: usize, rng: &mut SplitMix64) {
    if v.is_empty() {
        return;
    }
    let (sign, inf, trailing) = E::masks();
    let quiet = (trailing + 1) >> 1;
    let max = E::from_bits(inf - 1).as_f64();
    for _ in 0..count {
        let i = rng.range(0, v.len() as i64 - 1) as usize;
        let payload = rng.next_u64() & (quiet - 1);
        v[i] = match rng.range(0, 9) {
            0 => E::from_bits(inf | quiet), // the canonical NaN
            1 => E::from_bits(inf | quiet | payload),
            2 => E::from_bits(sign | inf | quiet | payload),
            3 => E::from_bits(inf | payload | 1), // signalling
            4 => E::from_bits(inf),
            5 => E::from_bits(sign | inf),
            6 => E::from_bits(sign),
            // One rounding: the product of two values of the format is exact in f64.
            7 => E::from_f64(max * E::from_f64(rng.symmetric()).as_f64()),
            8 => E::from_bits(rng.next_u64() & trailing),
            _ => E::from_bits(0),
        };
    }
}

/// [`sprinkle`] for `f64`.
///
/// ```
/// use pdot_testkit::{SplitMix64, sprinkle_f64};
/// let mut v = vec![1.0; 4];
/// sprinkle_f64(&mut v, 100, &mut SplitMix64::new(3));
/// assert!(v.iter().any(|a| *a != 1.0));
/// ```
pub fn sprinkle_f64(v: &mut [f64], count: usize, rng: &mut SplitMix64) {
    sprinkle(v, count, rng);
}

/// [`sprinkle`] for `f32`.
///
/// ```
/// use pdot_testkit::{SplitMix64, sprinkle_f32};
/// let mut v: Vec<f32> = Vec::new();
/// sprinkle_f32(&mut v, 3, &mut SplitMix64::new(3)); // nothing to replace
/// assert!(v.is_empty());
/// ```
pub fn sprinkle_f32(v: &mut [f32], count: usize, rng: &mut SplitMix64) {
    sprinkle(v, count, rng);
}
