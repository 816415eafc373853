//! Rounding error bounds of the Fast and Compensated levels, evaluated so that they are
//! upper bounds of the mathematical ones (see [`inflate`]).

use crate::exact::ExactSum;

/// The parameters of a rounding error analysis for one accumulator format.
///
/// ```
/// use pdot_testkit::Rounding;
/// assert_eq!(Rounding::F64.u, 2f64.powi(-53));
/// assert_eq!(Rounding::of_bits(32).lanes, 64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rounding {
    /// Name of the accumulator format, for messages.
    pub name: &'static str,
    /// Unit roundoff: 2^-53 (f64 accumulation), 2^-24 (f32).
    pub u: f64,
    /// The spacing of the subnormals of the accumulator format (2^-1074 or 2^-149): one
    /// rounding of a result in the subnormal range errs by at most half of it.
    pub eta: f64,
    /// Virtual lanes of the canonical order (32 for f64 accumulators, 64 for f32).
    pub lanes: usize,
    /// The largest finite value of the format, as `f64`.
    pub max: f64,
}

impl Rounding {
    /// Accumulation in `f64` (the `f64` inputs, and `f32` inputs with an `f64` result).
    pub const F64: Rounding = Rounding {
        name: "f64",
        u: 1.0 / (1u64 << 53) as f64,
        eta: f64::from_bits(1),
        lanes: 32,
        max: f64::MAX,
    };

    /// Accumulation in `f32`.
    pub const F32: Rounding = Rounding {
        name: "f32",
        u: 1.0 / (1u64 << 24) as f64,
        eta: f32::from_bits(1) as f64,
        lanes: 64,
        max: f32::MAX as f64,
    };

    /// The parameters of the accumulator format of `bits` bits (64 or 32), e.g.
    /// `8 * size_of::<O>()` for a result type `O`.
    ///
    /// # Panics
    /// For any other width.
    ///
    /// ```
    /// use pdot_testkit::Rounding;
    /// assert_eq!(Rounding::of_bits(8 * size_of::<f64>()), Rounding::F64);
    /// ```
    pub fn of_bits(bits: usize) -> Rounding {
        match bits {
            64 => Rounding::F64,
            32 => Rounding::F32,
            _ => panic!("no {bits}-bit floating-point accumulator"),
        }
    }
}

/// Makes a bound computed in `f64` round-to-nearest arithmetic an upper bound of the real
/// number it approximates.
///
/// The bounds here are evaluated with at most 8 floating-point operations on inputs that are
/// upper bounds already ([`ExactSum::abs_upper_f64`] rounds up). Each operation errs by a
/// relative 2^-53 at most while the result is normal, and by an absolute 2^-1075 at most when
/// it is subnormal. So multiplying by `1 + 2^-49 > (1 + 2^-53)^8` and adding 8 · 2^-1074 gives
/// a number at least as large as the real bound. The slack this adds is a relative 2^-49 plus
/// a few subnormal units: a failure of `error <= bound` still means the kernel's error exceeds
/// the mathematical bound by at most that much, which never matters.
///
/// ```
/// assert!(pdot_testkit::inflate(1.0) > 1.0);
/// ```
pub fn inflate(b: f64) -> f64 {
    b * (1.0 + 2f64.powi(-49)) + 8.0 * f64::from_bits(1)
}

/// γ_k = k·u / (1 − k·u), as an `f64` rounded up (see [`inflate`]).
///
/// # Panics
/// If `k·u >= 1/2`.
///
/// ```
/// let g = pdot_testkit::gamma(2, 2f64.powi(-53));
/// assert!(g >= 2.0 * 2f64.powi(-53));
/// ```
pub fn gamma(k: usize, u: f64) -> f64 {
    let ku = k as f64 * u;
    assert!(ku < 0.5, "gamma_{k} is not defined for u = {u}");
    inflate(ku / (1.0 - ku))
}

/// An upper bound of `|r − exact|`, computed exactly and rounded up.
///
/// ```
/// use pdot_testkit::{ExactSum, error_upper};
/// assert_eq!(error_upper(1.5, &ExactSum::from_f64(1.0)), 0.5);
/// ```
pub fn error_upper(r: f64, exact: &ExactSum) -> f64 {
    ExactSum::from_f64(r).abs_diff(exact).abs_upper_f64()
}

/// The error bound of the Fast level: γ_k·|x|·|y| plus one subnormal unit per product for
/// underflow (each product is rounded once, by its FMA; additions of subnormals are exact).
///
/// `k = n` is the bound the documentation promises; the canonical order (each lane sums
/// ⌈n/L⌉ products, then log2(L) levels of a pairwise tree) implies the tighter
/// `k = min(n, ⌈n/L⌉ + log2 L)`, see [`canonical_depth`].
///
/// ```
/// use pdot_testkit::{ExactSum, Rounding, fast_bound};
/// let abs = ExactSum::from_f64(1.0);
/// assert!(fast_bound(Rounding::F64, 10, 10, &abs) < 1e-14);
/// ```
pub fn fast_bound(p: Rounding, n: usize, k: usize, abs_dot: &ExactSum) -> f64 {
    inflate(gamma(k, p.u) * abs_dot.abs_upper_f64() + n as f64 * p.eta)
}

/// The error bound of the Compensated level (Ogita–Rump–Oishi Dot2): u·|x·y| +
/// γ_n²·|x|·|y|, plus an underflow allowance of two subnormal units per product and two more
/// for the final rounding (TwoProduct is not error-free when a product underflows).
///
/// ```
/// use pdot_testkit::{ExactSum, Rounding, compensated_bound};
/// let one = ExactSum::from_f64(1.0);
/// assert!(compensated_bound(Rounding::F64, 10, &one, &one) < 2e-16);
/// ```
pub fn compensated_bound(p: Rounding, n: usize, exact: &ExactSum, abs_dot: &ExactSum) -> f64 {
    let g = gamma(n, p.u);
    inflate(
        p.u * exact.abs_upper_f64() + g * g * abs_dot.abs_upper_f64() + (2 * n + 2) as f64 * p.eta,
    )
}

/// The number of roundings a product can go through in the canonical order: at most ⌈n/L⌉
/// FMAs in its lane, then at most log2(L) additions in the final tree; never more than `n`.
///
/// ```
/// use pdot_testkit::{Rounding, canonical_depth};
/// assert_eq!(canonical_depth(Rounding::F64, 1000), 32 + 5);
/// assert_eq!(canonical_depth(Rounding::F64, 3), 3);
/// ```
pub fn canonical_depth(p: Rounding, n: usize) -> usize {
    n.min(n.div_ceil(p.lanes) + p.lanes.trailing_zeros() as usize)
}
