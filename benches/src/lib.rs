//! # pdot-benches
//!
//! Benchmarks of `pdot-kernels` against OpenBLAS (the peer anchor) and the naive iterator:
//!
//! - [`openblas`]: safe, single-threaded wrappers of `cblas_ddot`, `cblas_sdot`, `cblas_dsdot`;
//! - [`data`]: 64-byte-aligned, deterministic pseudo-random test vectors and their views at a
//!   16-byte offset;
//! - [`peer`] and [`runner`]: the OpenBLAS function and the naive iterator of each type pair
//!   (`pdot_kernels::Input`, named by `pdot_kernels::Precision`), and the contenders (pdot
//!   Fast, Compensated and Exact, OpenBLAS, naive) as batched closures;
//! - [`partials`]: the partial states' wire sizes and the time of merge, wire round trip and
//!   finish;
//! - [`spread`], [`cg`], [`exact_price`], [`exact_goals`], [`exact_json`]: the price of Exact (issue 11):
//!   data whose products spread over the exponent range, per-call and random-data rows, the
//!   two dots of a CG iteration, and the goals on them;
//! - [`timing`]: interleaved measurement (A B A B ...) and robust summaries;
//! - [`report`], [`json`], [`plot`]: the ratio table (Markdown), its machine-readable twin and
//!   the throughput plot written by the `report` binary.
//!
//! The criterion benches live in `benches/dot.rs`:
//! `cargo bench -p pdot-benches --bench dot`.

pub mod cg;
pub mod data;
pub mod exact_goals;
pub mod exact_json;
pub mod exact_price;
pub mod json;
pub mod openblas;
pub mod partials;
pub mod peer;
pub mod plot;
pub mod report;
pub mod runner;
pub mod spread;
pub mod timing;
