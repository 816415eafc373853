//! Strided views: BLAS reference semantics, and "a strided dot gives the same bits as the
//! dot of the contiguous copy of its logical elements" (DESIGN.md), on every backend, at every
//! accuracy level, for f64, f32 and mixed f32 -> f64.
//!
//! The logical elements are computed here from the BLAS definition (`blas_logical`), never
//! through `Strided` itself.

mod common;

use common::backends;
use common::inputs::{Rng, blas_layout, blas_logical, families_f64, gen_f32, gen_f64, lengths};
use pdot_kernels::{Accuracy, Strided, dot, dot_strided, dot_with, dsdot_strided, dsdot_with};
use proptest::prelude::*;

/// Length of the smallest slice holding `n` elements `inc` apart.
fn span(n: usize, inc: isize) -> usize {
    if n == 0 {
        0
    } else {
        (n - 1) * inc.unsigned_abs() + 1
    }
}

/// The whole of `v`, forwards (`inc = 1`) through `Strided::new`.
fn fwd<T: Copy>(v: &[T]) -> Strided<'_, T> {
    Strided::new(v, v.len(), 1).unwrap()
}

/// The whole of `v`, backwards (`inc = -1`).
fn back<T: Copy>(v: &[T]) -> Strided<'_, T> {
    Strided::new(v, v.len(), -1).unwrap()
}

fn bits_eq_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// `Strided::new` accepts exactly the views that fit, and `len`, `inc`, `get`, `iter`
    /// follow the BLAS definition; `get` past the end is `None`.
    #[test]
    fn views_follow_blas_semantics(
        data_len in 0..200usize,
        n in 0..60usize,
        inc in -9isize..=9,
        seed in any::<u64>(),
    ) {
        let mut rng = Rng::new(seed);
        let data: Vec<f64> = (0..data_len).map(|_| rng.symmetric()).collect();
        let fits = n == 0 || span(n, inc) <= data_len;
        let view = Strided::new(&data, n, inc);
        prop_assert_eq!(view.is_ok(), fits, "n = {}, inc = {}, len = {}", n, inc, data_len);
        if let Ok(v) = view {
            prop_assert_eq!(v.len(), n);
            prop_assert_eq!(v.is_empty(), n == 0);
            prop_assert_eq!(v.inc(), inc);
            let logical = blas_logical(&data, n, inc);
            prop_assert_eq!(v.iter().len(), n);
            prop_assert_eq!(v.iter().collect::<Vec<_>>(), logical.clone());
            for (i, &want) in logical.iter().enumerate() {
                prop_assert_eq!(v.get(i), Some(want));
            }
            prop_assert_eq!(v.get(n), None);
            prop_assert_eq!(v.get(usize::MAX), None);
            if inc == 0 && n > 0 {
                prop_assert!(logical.iter().all(|&e| e == data[0]));
            }
            // The dot of a view with itself is the dot of its logical elements (scalar
            // loop on exactly representable values: small integers).
            let ints: Vec<f64> = (0..data_len).map(|i| (i % 17) as f64 - 8.0).collect();
            let iv = Strided::new(&ints, n, inc).unwrap();
            let scalar: f64 = blas_logical(&ints, n, inc).iter().map(|a| a * a).sum();
            prop_assert_eq!(dot_strided(Accuracy::Fast, iv, iv), scalar);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// A view with any increments in -7..=7 (0 included), starting at any offset of its
    /// buffer, gives the same bits as `dot_with` on the contiguous copy of its logical
    /// elements: every backend, every level, f64, f32 and mixed, x and y strided differently.
    #[test]
    fn strided_equals_contiguous_copy(
        family in families_f64(),
        n in lengths(700),
        seed in any::<u64>(),
        inc_x in -7isize..=7,
        inc_y in -7isize..=7,
        off_x in 0..5usize,
        off_y in 0..5usize,
    ) {
        let (sx, sy) = (off_x + span(n, inc_x), off_y + span(n, inc_y));
        let (dx, dy) = gen_f64(family, sx.max(sy), seed);
        let (dx, dy) = (&dx[off_x..sx], &dy[off_y..sy]);
        let (cx, cy) = (blas_logical(dx, n, inc_x), blas_logical(dy, n, inc_y));
        let (fx, fy) = gen_f32(family, sx.max(sy), seed);
        let (fx, fy) = (&fx[off_x..sx], &fy[off_y..sy]);
        let (gx, gy) = (blas_logical(fx, n, inc_x), blas_logical(fy, n, inc_y));
        for b in backends() {
            for &a in Accuracy::ALL {
                let (xs, ys) = (Strided::new(dx, n, inc_x).unwrap(), Strided::new(dy, n, inc_y).unwrap());
                let (s, c) = (b.dot_strided(a, xs, ys), b.dot(a, &cx, &cy));
                prop_assert!(bits_eq_f64(s, c), "{} {} f64: strided {:e} != copy {:e}", b.isa(), a, s, c);
                let (xs, ys) = (Strided::new(fx, n, inc_x).unwrap(), Strided::new(fy, n, inc_y).unwrap());
                let (s, c) = (b.dot_strided(a, xs, ys), b.dot(a, &gx, &gy));
                prop_assert_eq!(s.to_bits(), c.to_bits(), "{} {} f32: strided {:e} != copy {:e}", b.isa(), a, s, c);
                let (s, c) = (b.dsdot_strided(a, xs, ys), b.dsdot_strided(a, gx[..].into(), gy[..].into()));
                prop_assert!(bits_eq_f64(s, c), "{} {} f32->f64: strided {:e} != copy {:e}", b.isa(), a, s, c);
            }
        }
        // The free functions agree with the backend methods.
        let (xs, ys) = (Strided::new(dx, n, inc_x).unwrap(), Strided::new(dy, n, inc_y).unwrap());
        prop_assert!(bits_eq_f64(dot_strided(Accuracy::Fast, xs, ys), dot(&cx, &cy)));
        let (xs, ys) = (Strided::new(fx, n, inc_x).unwrap(), Strided::new(fy, n, inc_y).unwrap());
        prop_assert!(bits_eq_f64(
            dsdot_strided(Accuracy::Compensated, xs, ys),
            dsdot_with(Accuracy::Compensated, &gx, &gy)
        ));
    }

    /// x and y with the same increment (the kernels have special paths for some), every
    /// element of the buffers outside the views NaN: a kernel that reads a gap or past the
    /// last element and lets it into the result returns NaN instead of the bits of the
    /// contiguous copy.
    #[test]
    fn equal_increments_read_only_the_view(
        family in families_f64(),
        n in lengths(1000),
        seed in any::<u64>(),
        inc in prop::sample::select(vec![1isize, 2, 3, 4, 8, -1, -2, -4]),
        off in 0..4usize,
    ) {
        let (x, y) = gen_f64(family, n, seed);
        let (bx, by) = (blas_layout(&x, inc, off, f64::NAN), blas_layout(&y, inc, 0, f64::NAN));
        let (fx, fy) = gen_f32(family, n, seed);
        let (bfx, bfy) = (blas_layout(&fx, inc, off, f32::NAN), blas_layout(&fy, inc, 0, f32::NAN));
        for b in backends() {
            for &a in Accuracy::ALL {
                let (xs, ys) = (Strided::new(&bx[off..], n, inc).unwrap(), Strided::new(&by, n, inc).unwrap());
                let (s, c) = (b.dot_strided(a, xs, ys), b.dot(a, &x, &y));
                prop_assert!(bits_eq_f64(s, c), "{} {} f64 inc {}: {:e} != {:e}", b.isa(), a, inc, s, c);
                let (xs, ys) = (Strided::new(&bfx[off..], n, inc).unwrap(), Strided::new(&bfy, n, inc).unwrap());
                let (s, c) = (b.dot_strided(a, xs, ys), b.dot(a, &fx, &fy));
                prop_assert_eq!(s.to_bits(), c.to_bits(), "{} {} f32 inc {}: {:e} != {:e}", b.isa(), a, inc, s, c);
                let (s, c) = (b.dsdot_strided(a, xs, ys), b.dsdot_strided(a, fx[..].into(), fy[..].into()));
                prop_assert!(bits_eq_f64(s, c), "{} {} f32->f64 inc {}: {:e} != {:e}", b.isa(), a, inc, s, c);
            }
        }
    }

    /// inc = 1 is the slice itself; inc = -1 is the reversed copy (both operands, or one).
    #[test]
    fn unit_and_reversed_increments(
        family in families_f64(),
        n in lengths(3000),
        seed in any::<u64>(),
    ) {
        let (x, y) = gen_f64(family, n, seed);
        let (rx, ry): (Vec<f64>, Vec<f64>) = (x.iter().rev().copied().collect(), y.iter().rev().copied().collect());
        let (fx, fy) = gen_f32(family, n, seed);
        let (rfx, rfy): (Vec<f32>, Vec<f32>) = (fx.iter().rev().copied().collect(), fy.iter().rev().copied().collect());
        for &a in Accuracy::ALL {
            prop_assert!(bits_eq_f64(dot_strided(a, fwd(&x), fwd(&y)), dot_with(a, &x, &y)));
            prop_assert!(bits_eq_f64(dot_strided(a, x[..].into(), y[..].into()), dot_with(a, &x, &y)));
            prop_assert!(bits_eq_f64(dot_strided(a, back(&x), back(&y)), dot_with(a, &rx, &ry)));
            prop_assert!(bits_eq_f64(dot_strided(a, back(&x), fwd(&ry)), dot_with(a, &rx, &ry)));
            prop_assert!(bits_eq_f64(dot_strided(a, fwd(&x), back(&ry)), dot_with(a, &x, &y)));
            prop_assert_eq!(dot_strided(a, fwd(&fx), fwd(&fy)).to_bits(), dot_with(a, &fx, &fy).to_bits());
            prop_assert_eq!(dot_strided(a, back(&fx), back(&fy)).to_bits(), dot_with(a, &rfx, &rfy).to_bits());
            prop_assert!(bits_eq_f64(dsdot_strided(a, back(&fx), fwd(&rfy)), dsdot_with(a, &rfx, &rfy)));
            prop_assert!(bits_eq_f64(dsdot_strided(a, fwd(&fx), fwd(&fy)), dsdot_with(a, &fx, &fy)));
        }
    }
}

#[test]
fn zero_increment_repeats_the_first_element() {
    let x = [3.0f64, 100.0, 100.0];
    let y: Vec<f64> = (1..=10).map(f64::from).collect();
    for b in backends() {
        for &a in Accuracy::ALL {
            let xs = Strided::new(&x, 10, 0).unwrap();
            // 3 · (1 + ... + 10) = 165
            assert_eq!(b.dot_strided(a, xs, y[..].into()), 165.0, "{} {a}", b.isa());
            // inc = 0 on both sides: n · x0 · y0.
            let ys = Strided::new(&y, 1000, 0).unwrap();
            let xs = Strided::new(&x, 1000, 0).unwrap();
            assert_eq!(b.dot_strided(a, xs, ys), 3000.0, "{} {a}", b.isa());
        }
    }
}

#[test]
fn empty_views_give_positive_zero() {
    let data = [f64::NAN, 1.0];
    let fdata = [f32::NAN, 1.0];
    for inc in [0, 1, -1, 5, isize::MAX, isize::MIN] {
        for b in backends() {
            for &a in Accuracy::ALL {
                let (x, e) = (
                    Strided::new(&data, 0, inc).unwrap(),
                    Strided::new(&[] as &[f64], 0, inc).unwrap(),
                );
                assert_eq!(
                    b.dot_strided(a, x, e).to_bits(),
                    0.0f64.to_bits(),
                    "{} {a} inc {inc}",
                    b.isa()
                );
                let (x, e) = (
                    Strided::new(&fdata, 0, inc).unwrap(),
                    Strided::new(&[] as &[f32], 0, inc).unwrap(),
                );
                assert_eq!(
                    b.dot_strided(a, x, e).to_bits(),
                    0.0f32.to_bits(),
                    "{} {a} inc {inc}",
                    b.isa()
                );
                assert_eq!(
                    b.dsdot_strided(a, x, e).to_bits(),
                    0.0f64.to_bits(),
                    "{} {a} inc {inc}",
                    b.isa()
                );
            }
        }
    }
}

/// Increments whose offsets only just fit: a large buffer read at its ends and middle.
#[test]
fn large_strides_near_the_end_of_the_data() {
    let len = 1 << 20;
    let mut big = vec![0.0f64; len];
    big[0] = 3.0;
    big[len - 1] = 5.0;
    big[len / 2 - 1] = 7.0;
    let bigf: Vec<f32> = big.iter().map(|&v| v as f32).collect();
    let y = [2.0f64, 11.0, 13.0];
    let yf = [2.0f32, 11.0, 13.0];
    let inc = (len - 1) as isize;
    let half = (len / 2 - 1) as isize;
    for b in backends() {
        for &a in Accuracy::ALL {
            let what = format!("{} {a}", b.isa());
            // n = 2, |inc| = len - 1: elements 0 and len - 1.
            let x = Strided::new(&big, 2, inc).unwrap();
            assert_eq!(
                b.dot_strided(a, x, y[..2].into()),
                3.0 * 2.0 + 5.0 * 11.0,
                "{what}"
            );
            let x = Strided::new(&big, 2, -inc).unwrap();
            assert_eq!(
                b.dot_strided(a, x, y[..2].into()),
                5.0 * 2.0 + 3.0 * 11.0,
                "{what}"
            );
            let x = Strided::new(&bigf, 2, inc).unwrap();
            assert_eq!(
                b.dot_strided(a, x, yf[..2].into()),
                3.0 * 2.0 + 5.0 * 11.0,
                "{what}"
            );
            assert_eq!(
                b.dsdot_strided(a, x, yf[..2].into()),
                3.0 * 2.0 + 5.0 * 11.0,
                "{what}"
            );
            // n = 3, |inc| = len/2 - 1: elements 0, len/2 - 1, len - 2 (the last is 0).
            let x = Strided::new(&big, 3, half).unwrap();
            assert_eq!(
                b.dot_strided(a, x, y[..].into()),
                3.0 * 2.0 + 7.0 * 11.0,
                "{what}"
            );
            let x = Strided::new(&big, 3, -half).unwrap();
            assert_eq!(
                b.dot_strided(a, x, y[..].into()),
                7.0 * 11.0 + 3.0 * 13.0,
                "{what}"
            );
        }
    }
    // One more element of distance would not fit.
    assert!(Strided::new(&big, 2, len as isize).is_err());
    assert!(Strided::new(&big, 3, half + 1).is_err());
    assert!(Strided::new(&big, 3, -(half + 1)).is_err());
}

/// A one-element view accepts any increment (its only element is data[0], the increment is
/// never used to address anything): the result is that element times y[0], for the largest
/// increments there are, with no overflow in any offset arithmetic.
#[test]
fn one_element_views_with_extreme_increments() {
    let x = [3.0f64];
    let xf = [3.0f32];
    let y = [7.0f64];
    let yf = [7.0f32];
    for inc in [
        isize::MAX,
        isize::MIN,
        isize::MAX / 2 + 1,
        isize::MAX / 3 + 1,
        -(1 << 40),
        i32::MAX as isize + 1,
    ] {
        for b in backends() {
            for &a in Accuracy::ALL {
                let what = format!("{} {a} inc = {inc}", b.isa());
                let xs = Strided::new(&x, 1, inc).unwrap();
                let ys = Strided::new(&y, 1, inc).unwrap();
                assert_eq!(b.dot_strided(a, xs, ys), 21.0, "{what}");
                assert_eq!(b.dot_strided(a, xs, y[..].into()), 21.0, "{what}");
                let xs = Strided::new(&xf, 1, inc).unwrap();
                let ys = Strided::new(&yf, 1, -inc.saturating_add(1)).unwrap();
                assert_eq!(b.dot_strided(a, xs, ys), 21.0, "{what}");
                assert_eq!(b.dsdot_strided(a, xs, ys), 21.0, "{what}");
            }
        }
    }
}
