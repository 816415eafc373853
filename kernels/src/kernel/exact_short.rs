//! The correctly rounded value of a short exact dot product without the superaccumulator.
//!
//! For a few products, the fixed costs of the exact state dominate: clearing its 1.1 KiB,
//! then normalising and rounding 136 limbs. The shallow method on scalars
//! ([`window_sums`]) already leaves the exact sum of the products as four integers below
//! 2^53 in magnitude on grids 93, 53, 40 and 0 bits above its lowest (`k - 145`, for `k`
//! the scale), so the sum is an integer below 2^147 in magnitude on that grid: a few
//! 128-bit operations build it, and the rounding of the superaccumulator, on five digits
//! instead of 136, rounds it once to nearest-even (subnormal results and overflow
//! included). Where the method does not hold every product (no scale: a NaN or infinite
//! product, all zero, or products too small; or a product below the window), the caller
//! takes the general path.

use crate::exact::round::{Format, round_magnitude};
use crate::exact::superacc::BIAS;
use crate::real::Real;
use crate::strided::{Layout, Strided};

use super::exact::{WindowSums, window_sums};

/// Most products that take this path: below, a whole vector step of every backend
/// (16 `f64` on AVX-512) with room; the fixed costs it saves (about 45 ns) are those of
/// small sums.
pub(crate) const SHORT: usize = 32;

/// The correctly rounded `x · y` in `O` for views of at most [`SHORT`] elements with
/// progressions for layouts, where [`short_value`] takes them; `None` otherwise.
///
/// # Safety
/// `x.len() == y.len()`.
#[inline(always)]
pub(crate) unsafe fn short_dot<O: Real, E: Real>(
    x: &Strided<'_, E>,
    y: &Strided<'_, E>,
) -> Option<O> {
    let n = x.len();
    let (Layout::Step(px, ix), Layout::Step(py, iy)) = (x.layout(), y.layout()) else {
        return None;
    };
    if n > SHORT {
        return None;
    }
    // SAFETY: `short_value` asks for j < n only; logical element j of a `Step` layout is at
    // `first.offset(j * inc)`, inside its view, whose extent fits an isize (`Strided::new`);
    // x and y have n elements each (caller).
    let pair = |j: usize| unsafe {
        (
            px.offset(j as isize * ix).read(),
            py.offset(j as isize * iy).read(),
        )
    };
    short_value(n, pair)
}

/// The exact sum of the products `pair(j)`, `j < count <= SHORT`, rounded once to
/// nearest-even in `O`, if the shallow method on scalars holds every product (see the
/// module documentation); `None` otherwise, having changed nothing.
#[inline(always)]
pub(crate) fn short_value<O: Real, E: Real>(
    count: usize,
    pair: impl Fn(usize) -> (E, E),
) -> Option<O> {
    debug_assert!(count <= SHORT);
    let sums = window_sums::<E>(count, &pair).filter(|s| s.slow == 0)?;
    let (negative, mag) = magnitude(&sums);
    // Bit 0 of `mag` has the weight 2^(k - 145) = 2^(grids[3]); round_magnitude's
    // positions are offset by BIAS. k >= -877 (`scale`), so the base is positive.
    let base = (sums.grids()[3] + BIAS) as u32;
    let bits = round_magnitude(&mag, base, negative, Format::of::<O>());
    // A scale means a nonzero product within the window: an exact zero sum is +0, which
    // is what `round_magnitude` returns for zero.
    Some(O::from_raw_bits(bits))
}

/// The sign and magnitude (five 32-bit digits, least significant first) of the integer
/// `sum_j ints[j] * 2^(grids[j] - grids[3])`: `2^93 i0 + 2^53 i1 + 2^40 i2 + i3`.
///
/// With `|i_j| < 2^53`: `H = 2^40 i0 + i1` and `L = 2^40 i2 + i3` are below 2^94 in
/// magnitude (exact in `i128`), and the sum is `2^53 H + L = 2^53 T + r` with
/// `T = H + floor(L / 2^53)` (`|T| < 2^95`) and `0 <= r < 2^53`. Its sign is `T`'s
/// (`T <= -1` makes it at most `-2^53 + r < 0`), and its magnitude `2^53 MT + mr` with
/// `(MT, mr) = (T, r)`, or for `T < 0`, `(-T, 0)` if `r = 0` and `(-T - 1, 2^53 - r)`
/// otherwise; `MT < 2^95`, so `2^53 MT + mr < 2^148` fits five digits.
#[inline(always)]
fn magnitude(sums: &WindowSums) -> (bool, [u32; 5]) {
    const SHIFT: u32 = 53;
    debug_assert_eq!(
        sums.grids().map(|g| g - sums.grids()[3]),
        [93, 53, 40, 0],
        "the grids this combination assumes"
    );
    let [i0, i1, i2, i3] = sums.ints.map(i128::from);
    let high = (i0 << 40) + i1;
    let low = (i2 << 40) + i3;
    let t = high + (low >> SHIFT);
    let r = (low & ((1 << SHIFT) - 1)) as u128;
    let negative = t < 0;
    let (mt, mr) = match (negative, r) {
        (false, _) => (t as u128, r),
        (true, 0) => (t.unsigned_abs(), 0),
        (true, _) => (t.unsigned_abs() - 1, (1 << SHIFT) - r),
    };
    // 2^53 MT + mr, mr < 2^53: the bits do not overlap.
    let below = (mt << SHIFT) | mr;
    let above = (mt >> (128 - SHIFT)) as u32;
    let mag = [
        below as u32,
        (below >> 32) as u32,
        (below >> 64) as u32,
        (below >> 96) as u32,
        above,
    ];
    (negative, mag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer of `magnitude` computed independently, as an `f64`-free big sum in
    /// 192-bit two's complement.
    fn reference(ints: [i64; 4]) -> (bool, [u32; 5]) {
        let mut acc = [0u64; 3];
        for (v, shift) in ints.iter().zip([93u32, 53, 40, 0]) {
            // v * 2^shift in 192-bit two's complement, added.
            let ext = if *v < 0 { u64::MAX } else { 0 };
            let words = [*v as u64, ext, ext];
            let mut shifted = [0u64; 3];
            for (i, w) in words.iter().enumerate() {
                let bit = i as u32 * 64 + shift;
                let (at, off) = ((bit / 64) as usize, bit % 64);
                if at < 3 {
                    shifted[at] |= w << off;
                }
                if off > 0 && at + 1 < 3 {
                    shifted[at + 1] |= w >> (64 - off);
                }
            }
            let mut carry = 0u128;
            for (a, s) in acc.iter_mut().zip(shifted) {
                let t = *a as u128 + s as u128 + carry;
                *a = t as u64;
                carry = t >> 64;
            }
        }
        let negative = acc[2] >> 63 == 1;
        if negative {
            let mut carry = 1u128;
            for a in acc.iter_mut() {
                let t = (!*a) as u128 + carry;
                *a = t as u64;
                carry = t >> 64;
            }
        }
        assert_eq!(acc[2] >> 20, 0, "below 2^148");
        let d = |i: usize| (acc[i / 2] >> (32 * (i % 2))) as u32;
        (negative, [d(0), d(1), d(2), d(3), d(4)])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// The sign and magnitude of the four grid integers, against a plain 192-bit sum.
        #[test]
        fn magnitude_is_the_exact_sum(
            ints in proptest::array::uniform4(-(1i64 << 53) + 1..(1i64 << 53)),
            zeros in 0u8..16,
        ) {
            let ints: [i64; 4] =
                core::array::from_fn(|j| if zeros >> j & 1 == 1 { 0 } else { ints[j] });
            let sums = WindowSums { k: 0, ints, slow: 0 };
            let got = magnitude(&sums);
            let want = reference(ints);
            proptest::prop_assert_eq!(got.1, want.1);
            if want.1 != [0; 5] {
                proptest::prop_assert_eq!(got.0, want.0);
            }
        }
    }
}
