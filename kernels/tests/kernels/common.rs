//! What only this test binary shares: how many proptest cases a build can afford. The exact
//! reference, the generators and the bounds are in `pdot-testkit`.

/// `release` proptest cases in optimized builds (`cargo test --release`), a third of them
/// in unoptimized ones, where the kernels and the reference run many times slower.
pub const fn cases(release: u32) -> u32 {
    if cfg!(debug_assertions) {
        release / 3
    } else {
        release
    }
}
