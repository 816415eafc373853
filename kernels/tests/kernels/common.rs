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

/// One proptest (2000 cases) per element type, `name: E, families, specials, mixed;`, each
/// calling the module's `contiguous::<E>(family, n, seed, specials, (off_x, off_y), mixed)`
/// over `lengths(3000)` and offsets 0..8.
#[macro_export]
macro_rules! contiguous_tests {
    ($($(#[$doc:meta])* $name:ident: $e:ty, $families:expr, $specials:expr, $mixed:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            $(
                $(#[$doc])*
                #[test]
                fn $name(
                    family in $families,
                    n in lengths(3000),
                    seed in any::<u64>(),
                    specials in $specials,
                    off_x in 0..8usize,
                    off_y in 0..8usize,
                ) {
                    contiguous::<$e>(family, n, seed, specials, (off_x, off_y), $mixed)?;
                }
            )*
        }
    };
}
