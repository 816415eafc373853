//! Special values sprinkled into test vectors: NaNs of every kind, infinities, signed zeros,
//! the largest finite values, subnormals.

use crate::rng::SplitMix64;

/// Replaces about `count` random elements of `v` by special values: NaNs with various
/// payloads and signs (quiet and signalling), infinities, signed zeros, the largest finite
/// values (whose products overflow), and subnormals.
///
/// ```
/// use pdot_testkit::{SplitMix64, sprinkle_f64};
/// let mut v = vec![1.0; 4];
/// sprinkle_f64(&mut v, 100, &mut SplitMix64::new(3));
/// assert!(v.iter().any(|a| *a != 1.0));
/// ```
pub fn sprinkle_f64(v: &mut [f64], count: usize, rng: &mut SplitMix64) {
    if v.is_empty() {
        return;
    }
    for _ in 0..count {
        let i = rng.range(0, v.len() as i64 - 1) as usize;
        let payload = rng.next_u64() & ((1u64 << 51) - 1);
        v[i] = match rng.range(0, 9) {
            0 => f64::NAN,
            1 => f64::from_bits(0x7ff8_0000_0000_0000 | payload),
            2 => f64::from_bits(0xfff8_0000_0000_0000 | payload),
            3 => f64::from_bits(0x7ff0_0000_0000_0000 | payload | 1), // signalling
            4 => f64::INFINITY,
            5 => f64::NEG_INFINITY,
            6 => -0.0,
            7 => f64::MAX * rng.symmetric(),
            8 => f64::from_bits(rng.next_u64() & ((1u64 << 52) - 1)),
            _ => 0.0,
        };
    }
}

/// [`sprinkle_f64`] for `f32`.
///
/// ```
/// use pdot_testkit::{SplitMix64, sprinkle_f32};
/// let mut v: Vec<f32> = Vec::new();
/// sprinkle_f32(&mut v, 3, &mut SplitMix64::new(3)); // nothing to replace
/// assert!(v.is_empty());
/// ```
pub fn sprinkle_f32(v: &mut [f32], count: usize, rng: &mut SplitMix64) {
    if v.is_empty() {
        return;
    }
    for _ in 0..count {
        let i = rng.range(0, v.len() as i64 - 1) as usize;
        let payload = rng.next_u64() as u32 & ((1u32 << 22) - 1);
        v[i] = match rng.range(0, 9) {
            0 => f32::NAN,
            1 => f32::from_bits(0x7fc0_0000 | payload),
            2 => f32::from_bits(0xffc0_0000 | payload),
            3 => f32::from_bits(0x7f80_0000 | payload | 1), // signalling
            4 => f32::INFINITY,
            5 => f32::NEG_INFINITY,
            6 => -0.0,
            7 => f32::MAX * rng.symmetric() as f32,
            8 => f32::from_bits(rng.next_u64() as u32 & ((1u32 << 23) - 1)),
            _ => 0.0,
        };
    }
}
