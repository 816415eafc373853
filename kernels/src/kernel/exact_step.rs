//! What the exact kernels' steps share, the fast path ([`super::exact`]) and the integer
//! bins' way ([`super::exact_binned`]): how many register groups a step advances, how far
//! ahead it prefetches, the lanes of a vector as an array, which lanes have a zero operand,
//! and the lanes that leave the vector for the scalar path.

use crate::exact::ExactState;
use crate::real::Real;
use crate::simd::Flags;

/// Most independent accumulator sets (register groups of `W` lanes) a step advances.
pub(crate) const U: usize = 2;

/// Independent accumulator sets for elements `E` on `S`, for instruction-level
/// parallelism: two for `f32` inputs, and for `f64` inputs on AVX-512 (32 registers); one
/// for `f64` on narrower vectors, whose four accumulators per set would otherwise not fit
/// in AVX2's sixteen registers next to the constants and temporaries.
pub(crate) const fn groups<S: Flags, E: Real>() -> usize {
    if E::PRODUCT_EXACT_IN_F64 || core::mem::size_of::<S::V>() >= 64 {
        U
    } else {
        1
    }
}

/// How far ahead of the elements it adds a block prefetches (4 KiB: measured on n = 1e7,
/// memory-bound, Exact/Fast 1.28–1.32 for 2–8 KiB ahead, 1.36–1.41 for a whole block,
/// 64 KiB, ahead as before, 1.38–1.40 without prefetching).
pub(crate) const PREFETCH_BYTES: usize = 4096;

/// The lanes of a vector, in an array.
#[inline(always)]
pub(crate) fn lanes<S: Flags>(s: S, v: S::V) -> [f64; 16] {
    let mut l = [0.0f64; 16];
    s.store(v, &mut l);
    l
}

/// All ones in the lanes where `x` or `y` is ±0 (below the smallest subnormal in
/// magnitude), zero elsewhere.
#[inline(always)]
pub(crate) fn zero_operands<S: Flags>(s: S, x: S::V, y: S::V) -> S::V {
    let least = s.splat(f64::from_bits(1));
    s.or(s.below(s.abs(x), least), s.below(s.abs(y), least))
}

/// Adds the products `x[j] * y[j]` of the lanes `j < w` where `out[j]` is set to `spills`,
/// exactly; returns how many. Out of line, away from the vector loop's registers.
#[cold]
#[inline(never)]
pub(crate) fn scalar_lanes(
    x: &[f64; 16],
    y: &[f64; 16],
    out: &[f64; 16],
    w: usize,
    spills: &mut ExactState,
) -> usize {
    let mut count = 0;
    for j in 0..w {
        if out[j].to_bits() != 0 {
            spills.add_product_integer(x[j], y[j]);
            count += 1;
        }
    }
    count
}
