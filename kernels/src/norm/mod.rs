//! Euclidean norms `‖x‖₂` at every accuracy level, as mergeable partial states.
//!
//! - [`partial`]: [`NormPartial`], a power-of-two scale and the partial of the (scaled)
//!   squares, with its one-pass construction, its merge and its finish;
//! - [`rescale`]: the second pass that the rare vectors whose sum of squares overflows or
//!   underflows take;
//! - [`wire`]: the plain-bytes form of a [`NormPartial`], for message passing.

pub(crate) mod partial;
pub(crate) mod rescale;
pub(crate) mod wire;

pub use partial::NormPartial;
