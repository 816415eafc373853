//! The integration tests of `pdot-kernels`, one binary (the shared helpers compile once):
//! every module below was a test binary of its own; run one with
//! `cargo test -p pdot-kernels --test kernels strided::`.
//!
//! `tests/force_isa.rs` stays a binary of its own: it changes the process environment and
//! must make the process's first `Backend::active` call, so no other test may share its
//! process.

mod common;

mod accuracy_bounds;
mod backends_agree;
mod canonical_order;
mod errors;
mod exact_bands;
mod exact_mode;
mod exact_reference;
mod mdot;
mod norms;
mod partials;
mod special_values;
mod strided;
