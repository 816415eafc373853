//! Every backend the CPU can run gives the same bits, at every accuracy level, for `f64`,
//! `f32` and mixed `f32 -> f64`, contiguous (at every alignment) and strided, finite inputs
//! and special values alike; NaN results are the one canonical quiet NaN.
//!
//! The backends compared are printed (`eprintln!`, visible with `--nocapture` or on failure):
//! with a single backend available the comparison is vacuous, and the log says so.

use std::sync::Once;

use pdot_kernels::{Accuracy, Backend, Input, Isa, Strided};
use pdot_testkit::special::sprinkle;
use pdot_testkit::strategies::{families_f32, families_f64, lengths};
use pdot_testkit::{
    Element, Family, Float, Placed, SplitMix64, gen_f32, gen_f64, sprinkle_f32, sprinkle_f64,
};
use pdot_testkit::{backend_names, backends};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::contiguous_tests;

fn log_backends(test: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let n = Isa::available().len();
        eprintln!(
            "backends_agree ({test}...): comparing {n} backend(s): {}{}",
            backend_names(),
            if n < 2 {
                " (only one: nothing to compare on this CPU)"
            } else {
                ""
            }
        );
    });
}

/// `f` gives the same bits on every backend for each accuracy level; NaN results are
/// canonical and the same NaN at every level.
fn agree<R: Element>(what: &str, f: impl Fn(Backend, Accuracy) -> R) -> Result<(), TestCaseError> {
    let all = backends();
    let mut nan_bits = None;
    for &accuracy in Accuracy::ALL {
        let first = f(all[0], accuracy);
        for &b in &all[1..] {
            let r = f(b, accuracy);
            prop_assert_eq!(
                Float::bits(r),
                Float::bits(first),
                "{} {}: {} gives {:?}, {} gives {:?}",
                what,
                accuracy,
                all[0].isa(),
                first,
                b.isa(),
                r
            );
        }
        if first.as_f64().is_nan() {
            prop_assert!(
                Float::is_canonical_nan(first),
                "{what} {accuracy}: NaN {first:?} not canonical"
            );
            let bits = *nan_bits.get_or_insert(Float::bits(first));
            prop_assert_eq!(
                bits,
                Float::bits(first),
                "{} {}: different NaNs per level",
                what,
                accuracy
            );
        }
    }
    Ok(())
}

/// Contiguous `E` inputs at offsets `(off_x, off_y)` into a buffer, special values sprinkled
/// in: [`agree`] on the `E` results and, if `mixed`, on the `f64` results.
fn contiguous<E: Element + Input<E> + Input<f64>>(
    family: Family,
    n: usize,
    seed: u64,
    specials: usize,
    (off_x, off_y): (usize, usize),
    mixed: bool,
) -> Result<(), TestCaseError> {
    log_backends(std::any::type_name::<E>());
    let (mut x, mut y) = E::gen_family(family, n, seed);
    let mut rng = SplitMix64::seeded(!seed);
    sprinkle(&mut x, specials, &mut rng);
    sprinkle(&mut y, specials / 2, &mut rng);
    let one = E::from_f64(1.0);
    let (px, py) = (Placed::new(&x, off_x, one), Placed::new(&y, off_y, one));
    let (xs, ys) = (Strided::from(px.slice()), Strided::from(py.slice()));
    let name = std::any::type_name::<E>();
    agree(name, |b, a| b.dot_strided_as::<E, E>(a, xs, ys))?;
    if mixed {
        agree(&format!("{name}->f64"), |b, a| {
            b.dot_strided_as::<f64, E>(a, xs, ys)
        })?;
    }
    Ok(())
}

contiguous_tests! {
    /// Contiguous `f64` at any alignment, with or without special values.
    f64_contiguous: f64, families_f64(), 0..4usize, false;
    /// Contiguous `f32` and mixed `f32 -> f64`.
    f32_and_mixed_contiguous: f32, families_f32(), 0..4usize, true;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Strided views, any increments in -7..=7 (0 included), all three flavours.
    #[test]
    fn strided(
        family in families_f64(),
        n in lengths(700),
        seed in any::<u64>(),
        specials in 0..3usize,
        inc_x in -7isize..=7,
        inc_y in -7isize..=7,
    ) {
        log_backends("strided");
        let len = |inc: isize| if n == 0 { 0 } else { (n - 1) * inc.unsigned_abs() + 1 };
        let mut rng = SplitMix64::seeded(seed);
        let (mut dx, dy) = gen_f64(family, len(inc_x).max(len(inc_y)), rng.next_u64());
        let (dx, dy) = {
            sprinkle_f64(&mut dx, specials, &mut rng);
            (&dx[..len(inc_x)], &dy[..len(inc_y)])
        };
        let xs = Strided::new(dx, n, inc_x).unwrap();
        let ys = Strided::new(dy, n, inc_y).unwrap();
        agree("f64 strided", |b, a| b.dot_strided(a, xs, ys))?;

        let (mut fx, fy) = gen_f32(family, len(inc_x).max(len(inc_y)), rng.next_u64());
        sprinkle_f32(&mut fx, specials, &mut rng);
        let xs = Strided::new(&fx[..len(inc_x)], n, inc_x).unwrap();
        let ys = Strided::new(&fy[..len(inc_y)], n, inc_y).unwrap();
        agree("f32 strided", |b, a| b.dot_strided(a, xs, ys))?;
        agree("f32->f64 strided", |b, a| b.dot_strided_as::<f64, f32>(a, xs, ys))?;
    }
}

#[test]
fn available_backends_match_the_cpu() {
    let isas = Isa::available();
    eprintln!("backends_agree: this CPU runs {}", backend_names());
    assert_eq!(isas.first(), Some(&Isa::Portable));
    assert_eq!(Backend::detect().isa(), *isas.last().unwrap());
    #[cfg(target_arch = "x86_64")]
    {
        let avx2 = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        let avx512 = avx2 && std::is_x86_feature_detected!("avx512f");
        assert_eq!(isas.contains(&Isa::Avx2), avx2);
        assert_eq!(isas.contains(&Isa::Avx512), avx512);
    }
}
