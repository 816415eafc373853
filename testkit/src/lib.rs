//! # pdot-testkit
//!
//! Test support for pdot, in one place for the kernels' tests, the fuzz targets and the
//! benches (unpublished):
//!
//! - [`exact`] and [`dot`]: a slow, obviously correct, exact reference for dot products of
//!   `f64` and `f32` (a big fixed-point integer), independent of the code under test;
//! - [`norm`] and [`isqrt`]: the same for Euclidean norms ([`ExactNorm`]: the exact sum of
//!   squares, a big-integer square root, one rounding);
//! - [`rng`]: the one pseudo-random generator, [`SplitMix64`];
//! - [`families`], [`special`] and [`hard`]: seeded test vectors, from uniform to
//!   ill-conditioned, special values, and the hard cases of an exact dot product;
//! - [`tiny`]: products in the subnormal range, whose rounding errors are not representable;
//! - [`layout`]: slices at an offset and BLAS strided layouts with a filler around them;
//! - [`bounds`]: the rounding error bounds of the Fast and Compensated levels;
//! - [`element`]: all of the above per element type (`f64`, `f32`), for generic tests;
//! - with feature `proptest`, `strategies`: proptest strategies over the above;
//! - with feature `kernels`, `backends` and `strided_view`: helpers that need
//!   `pdot-kernels` types (the reference above never does).
//!
//! ```
//! use pdot_testkit::{Family, exact_dot, gen_f64};
//! let (x, y) = gen_f64(Family::Cancellation, 100, 7);
//! assert!(exact_dot(&x, &y).expect("finite").is_zero());
//! ```

pub mod bounds;
pub mod dot;
pub mod element;
pub mod exact;
pub mod families;
pub mod float;
mod gendot;
pub mod hard;
pub mod isqrt;
pub mod layout;
pub mod norm;
pub mod rng;
pub mod special;
pub mod tiny;

#[cfg(feature = "kernels")]
pub mod backends;
#[cfg(feature = "proptest")]
pub mod strategies;

#[cfg(feature = "kernels")]
pub use backends::{backend_names, backends};
pub use bounds::{
    Rounding, canonical_depth, compensated_bound, error_upper, fast_bound, gamma, inflate,
};
pub use dot::{
    ExactDot, exact_abs_dot, exact_dot, exact_dot_f32, exact_dot_ieee, exact_dot_ieee_f32,
};
pub use element::Element;
pub use exact::ExactSum;
pub use families::{Family, gen_f32, gen_f64};
pub use float::Float;
#[cfg(feature = "kernels")]
pub use layout::strided_view;
pub use layout::{Placed, blas_index, blas_layout, blas_layout_padded, blas_logical};
pub use norm::ExactNorm;
pub use rng::SplitMix64;
pub use special::{sprinkle_f32, sprinkle_f64};
pub use tiny::gen_tiny_products;
