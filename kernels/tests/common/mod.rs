//! Shared by the integration tests: the exact reference, input generators, error bounds.
//!
//! Each test binary uses part of this module only.
#![allow(dead_code)]

pub mod exact;
pub mod hard;
pub mod inputs;

use exact::ExactSum;
use pdot_kernels::{Backend, Isa};

/// The parameters of a rounding error analysis in one working precision.
#[derive(Clone, Copy, Debug)]
pub struct Precision {
    /// Name, for messages.
    pub name: &'static str,
    /// Unit roundoff: 2^-53 (f64 accumulation), 2^-24 (f32).
    pub u: f64,
    /// The spacing of the subnormals of the accumulator format (2^-1074 or 2^-149): one
    /// rounding of a result in the subnormal range errs by at most half of it.
    pub eta: f64,
    /// Virtual lanes of the canonical order (32 for f64 accumulators, 64 for f32).
    pub lanes: usize,
}

/// `f64` inputs accumulated in `f64`.
pub const F64: Precision = Precision {
    name: "f64",
    u: 1.0 / (1u64 << 53) as f64,
    eta: f64::from_bits(1),
    lanes: 32,
};

/// `f32` inputs accumulated in `f32`.
pub const F32: Precision = Precision {
    name: "f32",
    u: 1.0 / (1u64 << 24) as f64,
    eta: f32::from_bits(1) as f64,
    lanes: 64,
};

/// `f32` inputs accumulated in `f64` (`dsdot`): products are exact in f64.
pub const MIXED: Precision = Precision {
    name: "f32->f64",
    u: 1.0 / (1u64 << 53) as f64,
    eta: f64::from_bits(1),
    lanes: 32,
};

/// Makes a bound computed in `f64` round-to-nearest arithmetic an upper bound of the real
/// number it approximates.
///
/// The bounds below are evaluated with at most 8 floating-point operations on inputs that
/// are upper bounds already (`abs_upper_f64` rounds up). Each operation errs by a relative
/// 2^-53 at most while the result is normal, and by an absolute 2^-1075 at most when it is
/// subnormal. So multiplying by `1 + 2^-49 > (1 + 2^-53)^8` and adding 8 · 2^-1074 gives a
/// number at least as large as the real bound. The slack this adds is a relative 2^-49 plus a
/// few subnormal units: a failure of `error <= bound` still means the kernel's error exceeds
/// the mathematical bound by at most that much, which never matters.
fn inflate(b: f64) -> f64 {
    b * (1.0 + 2f64.powi(-49)) + 8.0 * f64::from_bits(1)
}

/// γ_k = k·u / (1 − k·u), as an `f64` rounded up (see [`inflate`]).
pub fn gamma(k: usize, u: f64) -> f64 {
    let ku = k as f64 * u;
    assert!(ku < 0.5, "gamma_{k} is not defined for u = {u}");
    inflate(ku / (1.0 - ku))
}

/// An upper bound of `|r − exact|`, computed exactly and rounded up.
pub fn error_upper(r: f64, exact: &ExactSum) -> f64 {
    ExactSum::from_f64(r).abs_diff(exact).abs_upper_f64()
}

/// The error bound of [`pdot_kernels::Accuracy::Fast`]: γ_k·|x|·|y| plus one subnormal unit
/// per product for underflow (each product is rounded once, by its FMA; additions of
/// subnormals are exact).
///
/// `k = n` is the bound the documentation promises; the canonical order (each lane sums
/// ⌈n/L⌉ products, then log2(L) levels of a pairwise tree) implies the tighter
/// `k = min(n, ⌈n/L⌉ + log2 L)`, see [`canonical_depth`].
pub fn fast_bound(p: Precision, n: usize, k: usize, abs_dot: &ExactSum) -> f64 {
    inflate(gamma(k, p.u) * abs_dot.abs_upper_f64() + n as f64 * p.eta)
}

/// The error bound of [`pdot_kernels::Accuracy::Compensated`] (Ogita–Rump–Oishi Dot2):
/// u·|x·y| + γ_n²·|x|·|y|, plus an underflow allowance of two subnormal units per product
/// and two more for the final rounding (TwoProduct is not error-free when a product
/// underflows).
pub fn compensated_bound(p: Precision, n: usize, exact: &ExactSum, abs_dot: &ExactSum) -> f64 {
    let g = gamma(n, p.u);
    inflate(
        p.u * exact.abs_upper_f64() + g * g * abs_dot.abs_upper_f64() + (2 * n + 2) as f64 * p.eta,
    )
}

/// The number of roundings a product can go through in the canonical order: at most ⌈n/L⌉
/// FMAs in its lane, then at most log2(L) additions in the final tree; never more than `n`.
pub fn canonical_depth(p: Precision, n: usize) -> usize {
    n.min(n.div_ceil(p.lanes) + p.lanes.trailing_zeros() as usize)
}

/// `release` proptest cases in optimized builds (`cargo test --release`), a third of them
/// in unoptimized ones, where the kernels and the reference run many times slower.
pub const fn cases(release: u32) -> u32 {
    if cfg!(debug_assertions) {
        release / 3
    } else {
        release
    }
}

/// Every backend this CPU can run.
pub fn backends() -> Vec<Backend> {
    Isa::available()
        .into_iter()
        .map(|isa| Backend::new(isa).expect("Isa::available lists runnable backends"))
        .collect()
}

/// Names of the backends compared, for the logs.
pub fn backend_names() -> String {
    let names: Vec<&str> = Isa::available().iter().map(|i| i.name()).collect();
    names.join(", ")
}
