//! Strided views: BLAS reference semantics, and "a strided dot gives the same bits as the
//! dot of the contiguous copy of its logical elements" (DESIGN.md), on every backend, at every
//! accuracy level, for f64, f32 and mixed f32 -> f64.
//!
//! The logical elements are computed here from the BLAS definition (`blas_logical`), never
//! through `Strided` itself; those of blocked views from theirs (`blocked_index`).

use crate::common;

use pdot_kernels::{
    Accuracy, Backend, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real,
    StrideError, Strided, dot, dot_strided, dot_with, dsdot_strided, dsdot_with,
};
use pdot_testkit::backends;
use pdot_testkit::strategies::{families_f64, lengths};
use pdot_testkit::{Element, Family, SplitMix64, blas_layout, blas_logical, gen_f32, gen_f64};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

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

/// `iter` and `get` of `v` give `logical`; `get` past the end is `None`.
fn elements_are(v: Strided<'_, f64>, logical: &[f64]) -> Result<(), TestCaseError> {
    let n = logical.len();
    prop_assert_eq!(v.iter().len(), n);
    prop_assert_eq!(v.iter().collect::<Vec<_>>(), logical.to_vec());
    for (i, &want) in logical.iter().enumerate() {
        prop_assert_eq!(v.get(i), Some(want));
    }
    prop_assert_eq!(v.get(n), None);
    prop_assert_eq!(v.get(usize::MAX), None);
    Ok(())
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
        let mut rng = SplitMix64::seeded(seed);
        let data: Vec<f64> = (0..data_len).map(|_| rng.symmetric()).collect();
        let fits = n == 0 || span(n, inc) <= data_len;
        let view = Strided::new(&data, n, inc);
        prop_assert_eq!(view.is_ok(), fits, "n = {}, inc = {}, len = {}", n, inc, data_len);
        if let Ok(v) = view {
            prop_assert_eq!(v.len(), n);
            prop_assert_eq!(v.is_empty(), n == 0);
            prop_assert_eq!(v.inc(), inc);
            let logical = blas_logical(&data, n, inc);
            elements_are(v, &logical)?;
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
                let (s, c) = (b.dot_strided_as::<f64, f32>(a, xs, ys), b.dot_strided_as::<f64, f32>(a, gx[..].into(), gy[..].into()));
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
                let (s, c) = (b.dot_strided_as::<f64, f32>(a, xs, ys), b.dot_strided_as::<f64, f32>(a, fx[..].into(), fy[..].into()));
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
    for inc in [0, 1, -1, 5, isize::MAX, isize::MIN] {
        for b in backends() {
            for &a in Accuracy::ALL {
                let what = format!("{} {a} inc {inc}", b.isa());
                empty_view_gives_positive_zero::<f64, f64>(b, a, inc, &what);
                empty_view_gives_positive_zero::<f32, f32>(b, a, inc, &what);
                empty_view_gives_positive_zero::<f64, f32>(b, a, inc, &what);
            }
        }
    }
}

/// An empty view at increment `inc` of a buffer holding a NaN, with an empty view of an
/// empty slice: `O`'s +0.
fn empty_view_gives_positive_zero<O: Real + Element, E: Input<O> + Element>(
    b: Backend,
    a: Accuracy,
    inc: isize,
    what: &str,
) {
    let data = [E::from_f64(f64::NAN), E::from_f64(1.0)];
    let x = Strided::new(&data, 0, inc).unwrap();
    let e = Strided::new(&[] as &[E], 0, inc).unwrap();
    let r = b.dot_strided_as::<O, E>(a, x, e);
    assert_eq!(r.bits(), O::zero().bits(), "{what}");
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
                b.dot_strided_as::<f64, f32>(a, x, yf[..2].into()),
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
                assert_eq!(b.dot_strided_as::<f64, f32>(a, xs, ys), 21.0, "{what}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Blocked views: runs of `block` consecutive elements whose starts are `stride` apart.
// ---------------------------------------------------------------------------------------

/// Index into the data of logical element `i` of a blocked view, from the definition.
fn blocked_index(i: usize, block: usize, stride: usize) -> usize {
    (i / block) * stride + i % block
}

/// The logical elements of a blocked view, from the definition (not through `Strided`).
fn blocked_logical<T: Copy>(data: &[T], n: usize, block: usize, stride: usize) -> Vec<T> {
    (0..n)
        .map(|i| data[blocked_index(i, block, stride)])
        .collect()
}

/// One past the largest index of a blocked view, by brute force over every element, in
/// u128 (never overflows for the sizes tested).
fn blocked_extent(n: usize, block: usize, stride: usize) -> u128 {
    (0..n as u128)
        .map(|i| (i / block as u128) * stride as u128 + i % block as u128 + 1)
        .max()
        .unwrap_or(0)
}

/// A buffer holding a blocked view of `n` elements `off` elements in, and its logical
/// elements. Runs that do not overlap (`stride >= block`) hold `vals[..n]` and every other
/// slot of the buffer (gaps, the `off` leading slots and 3 trailing ones) is `junk`;
/// overlapping runs (`stride < block`) are laid over `vals[..extent]` (the junk then only
/// surrounds them) and the logical elements follow from the definition.
fn blocked_case<T: Copy>(
    vals: &[T],
    n: usize,
    block: usize,
    stride: usize,
    off: usize,
    junk: T,
) -> (Vec<T>, Vec<T>) {
    let extent = blocked_extent(n, block, stride) as usize;
    let mut buf = vec![junk; off + extent + 3];
    if stride >= block {
        for (i, &v) in vals[..n].iter().enumerate() {
            buf[off + blocked_index(i, block, stride)] = v;
        }
    } else {
        buf[off..off + extent].copy_from_slice(&vals[..extent]);
    }
    let logical = blocked_logical(&buf[off..], n, block, stride);
    (buf, logical)
}

/// How the other operand of a blocked view is laid out.
#[derive(Clone, Copy, Debug)]
enum Other {
    /// Blocked too, with its own block and stride.
    Blocked(usize, usize),
    /// A contiguous slice.
    Contiguous,
    /// A BLAS strided view with this increment.
    Blas(isize),
}

/// Strides for a block: mostly `block..=block + 40` (gaps between runs, the block-cyclic
/// case), sometimes below `block` (overlapping runs, stride 0 included).
fn stride_for(block: usize) -> impl Strategy<Value = usize> {
    prop_oneof![
        4 => (0..=40usize).prop_map(move |g| block + g),
        1 => (0..block).prop_map(|s| s),
    ]
}

fn blocked_shape() -> impl Strategy<Value = (usize, usize)> {
    (1..=40usize).prop_flat_map(|b| (Just(b), stride_for(b)))
}

fn other_layout() -> impl Strategy<Value = Other> {
    prop_oneof![
        3 => blocked_shape().prop_map(|(b, s)| Other::Blocked(b, s)),
        1 => Just(Other::Contiguous),
        1 => prop::sample::select(vec![-3isize, -1, 0, 2, 3, 4]).prop_map(Other::Blas),
    ]
}

/// The buffer and logical elements of the other operand (`off` elements in).
fn other_case<T: Copy>(
    other: Other,
    vals: &[T],
    n: usize,
    off: usize,
    junk: T,
) -> (Vec<T>, Vec<T>) {
    match other {
        Other::Blocked(b, s) => blocked_case(vals, n, b, s, off, junk),
        Other::Contiguous => {
            let mut buf = vec![junk; off];
            buf.extend_from_slice(&vals[..n]);
            (buf, vals[..n].to_vec())
        }
        Other::Blas(inc) => {
            let buf = blas_layout(&vals[..n], inc, off, junk);
            let logical = blas_logical(&buf[off..], n, inc);
            (buf, logical)
        }
    }
}

fn other_view<T: Copy>(other: Other, buf: &[T], n: usize) -> Strided<'_, T> {
    match other {
        Other::Blocked(b, s) => Strided::blocked(buf, n, b, s).unwrap(),
        Other::Contiguous => Strided::new(buf, n, 1).unwrap(),
        Other::Blas(inc) => Strided::new(buf, n, inc).unwrap(),
    }
}

/// Partials of type `P` of the views and of their contiguous copies on backend `b`: the same
/// wire bytes (the whole state, not only the result).
fn partials_agree<P, I>(
    b: Backend,
    (xs, ys): (Strided<'_, I>, Strided<'_, I>),
    (cx, cy): (&[I], &[I]),
    what: &str,
) -> Result<(), TestCaseError>
where
    P: Partial,
    I: Input<P::Output>,
{
    let view = P::of_strided_on(b, xs, ys);
    let copy = P::of_strided_on(b, cx.into(), cy.into());
    prop_assert_eq!(
        view.to_wire(),
        copy.to_wire(),
        "{} {}: partial {:?}",
        b.isa(),
        what,
        P::ACCURACY
    );
    Ok(())
}

/// The cases of `blocked_equals_contiguous_copy`: a blocked x (block, stride, offset) and a
/// y of any layout, possibly swapped.
#[allow(clippy::too_many_arguments)]
fn check_blocked_case(
    family: Family,
    n: usize,
    seed: u64,
    (block, stride): (usize, usize),
    other: Other,
    (off_x, off_y): (usize, usize),
    swap: bool,
) -> Result<(), TestCaseError> {
    let mut m = n.max(blocked_extent(n, block, stride) as usize);
    if let Other::Blocked(b, s) = other {
        m = m.max(blocked_extent(n, b, s) as usize);
    }
    let (vx, vy) = gen_f64(family, m, seed);
    let (fvx, fvy) = gen_f32(family, m, seed);
    let (bx, cx) = blocked_case(&vx, n, block, stride, off_x, f64::NAN);
    let (by, cy) = other_case(other, &vy, n, off_y, f64::NAN);
    let (fbx, fcx) = blocked_case(&fvx, n, block, stride, off_x, f32::NAN);
    let (fby, fcy) = other_case(other, &fvy, n, off_y, f32::NAN);
    let xs = Strided::blocked(&bx[off_x..], n, block, stride).unwrap();
    let ys = other_view(other, &by[off_y..], n);
    let fxs = Strided::blocked(&fbx[off_x..], n, block, stride).unwrap();
    let fys = other_view(other, &fby[off_y..], n);
    // The views read what the definition says.
    prop_assert_eq!(
        xs.iter().map(f64::to_bits).collect::<Vec<_>>(),
        cx.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    prop_assert_eq!(
        ys.iter().map(f64::to_bits).collect::<Vec<_>>(),
        cy.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    let (xs, ys, cx, cy, fxs, fys, fcx, fcy) = if swap {
        (ys, xs, cy, cx, fys, fxs, fcy, fcx)
    } else {
        (xs, ys, cx, cy, fxs, fys, fcx, fcy)
    };
    for b in backends() {
        for &a in Accuracy::ALL {
            let (s, c) = (b.dot_strided(a, xs, ys), b.dot(a, &cx, &cy));
            prop_assert!(
                bits_eq_f64(s, c),
                "{} {} f64: blocked {:e} != copy {:e}",
                b.isa(),
                a,
                s,
                c
            );
            let (s, c) = (b.dot_strided(a, fxs, fys), b.dot(a, &fcx, &fcy));
            prop_assert_eq!(
                s.to_bits(),
                c.to_bits(),
                "{} {} f32: blocked {:e} != copy {:e}",
                b.isa(),
                a,
                s,
                c
            );
            let (s, c) = (
                b.dot_strided_as::<f64, f32>(a, fxs, fys),
                b.dot_strided_as::<f64, f32>(a, fcx[..].into(), fcy[..].into()),
            );
            prop_assert!(
                bits_eq_f64(s, c),
                "{} {} f32->f64: blocked {:e} != copy {:e}",
                b.isa(),
                a,
                s,
                c
            );
        }
        let (v, c) = ((xs, ys), (&cx[..], &cy[..]));
        partials_agree::<FastPartial<f64>, f64>(b, v, c, "f64")?;
        partials_agree::<CompensatedPartial<f64>, f64>(b, v, c, "f64")?;
        partials_agree::<ExactPartial<f64>, f64>(b, v, c, "f64")?;
        let (v, c) = ((fxs, fys), (&fcx[..], &fcy[..]));
        partials_agree::<FastPartial<f32>, f32>(b, v, c, "f32")?;
        partials_agree::<CompensatedPartial<f32>, f32>(b, v, c, "f32")?;
        partials_agree::<ExactPartial<f32>, f32>(b, v, c, "f32")?;
        partials_agree::<FastPartial<f64>, f32>(b, v, c, "f32->f64")?;
        partials_agree::<CompensatedPartial<f64>, f32>(b, v, c, "f32->f64")?;
        partials_agree::<ExactPartial<f64>, f32>(b, v, c, "f32->f64")?;
    }
    // The free functions and the default-backend partials agree too.
    for &a in Accuracy::ALL {
        prop_assert!(bits_eq_f64(dot_strided(a, xs, ys), dot_with(a, &cx, &cy)));
        prop_assert!(bits_eq_f64(
            dsdot_strided(a, fxs, fys),
            dsdot_with(a, &fcx, &fcy)
        ));
    }
    prop_assert_eq!(
        ExactPartial::<f64>::of_strided(xs, ys).finish().to_bits(),
        ExactPartial::<f64>::of(&cx, &cy).finish().to_bits()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// `Strided::blocked` accepts exactly the views whose every element lies in the data
    /// (brute force over the elements, in u128), with the right error otherwise, and `len`,
    /// `inc`, `block`, `get`, `iter` follow the definition.
    #[test]
    fn blocked_views_follow_the_definition(
        data_len in 0..300usize,
        n in 0..120usize,
        block in 0..=12usize,
        stride in 0..=30usize,
        seed in any::<u64>(),
    ) {
        let mut rng = SplitMix64::seeded(seed);
        let data: Vec<f64> = (0..data_len).map(|_| rng.symmetric()).collect();
        let view = Strided::blocked(&data, n, block, stride);
        if block == 0 {
            prop_assert_eq!(view.unwrap_err(), StrideError::ZeroBlock);
            return Ok(());
        }
        let extent = blocked_extent(n, block, stride);
        match view {
            Err(e) => {
                prop_assert!(extent > data_len as u128, "n {} block {} stride {} len {}: {}", n, block, stride, data_len, e);
                prop_assert_eq!(e, StrideError::BlockedOutOfBounds { n, block, stride, len: data_len });
                let needs = format!("needs {extent} elements");
                prop_assert!(e.to_string().contains(&needs), "{}", e);
            }
            Ok(v) => {
                prop_assert!(extent <= data_len as u128);
                prop_assert_eq!(v.len(), n);
                prop_assert_eq!(v.is_empty(), n == 0);
                prop_assert_eq!(v.inc(), stride as isize);
                prop_assert_eq!(v.block(), block);
                let logical = blocked_logical(&data, n, block, stride);
                elements_are(v, &logical)?;
                // block = 1 is the BLAS view with inc = stride.
                if block == 1 {
                    let blas = Strided::new(&data, n, stride as isize).unwrap();
                    prop_assert_eq!(blas.iter().collect::<Vec<_>>(), logical.clone());
                }
                // The dot of the view with itself, on small integers (exact at every level).
                let ints: Vec<f64> = (0..data_len).map(|i| (i % 17) as f64 - 8.0).collect();
                let iv = Strided::blocked(&ints, n, block, stride).unwrap();
                let scalar: f64 = blocked_logical(&ints, n, block, stride).iter().map(|a| a * a).sum();
                for &a in Accuracy::ALL {
                    prop_assert_eq!(dot_strided(a, iv, iv), scalar);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(1000)))]

    /// A blocked view (block 1..=40, stride mostly block..=block+40, sometimes below block,
    /// any offset, NaN in every slot it must not read) dotted with a blocked, contiguous or
    /// BLAS-strided view gives the same bits as the contiguous copies of their logical
    /// elements: every backend, every level, f64, f32 and f32 -> f64, and the partials
    /// (`of_strided_on`, whole wire state) of every type too.
    #[test]
    fn blocked_equals_contiguous_copy(
        family in families_f64(),
        n in lengths(700),
        seed in any::<u64>(),
        shape in blocked_shape(),
        other in other_layout(),
        off_x in 0..5usize,
        off_y in 0..5usize,
        swap in any::<bool>(),
    ) {
        check_blocked_case(family, n, seed, shape, other, (off_x, off_y), swap)?;
    }
}

/// Blocks about the vector widths (1..=17 elements per run), gaps of 0 (runs end to end),
/// 1 and many, on vectors long enough for the exact kernel's blocks of 512 steps and the
/// unrolled loops: the same bits as the copies.
#[test]
fn blocked_long_vectors_equal_contiguous_copy() {
    // Longer than the exact kernel's blocks of 512 steps (fewer elements unoptimized).
    let n = if cfg!(debug_assertions) {
        5_000
    } else {
        20_000
    };
    let mut seed = 1;
    for block in (1..=17).chain([31, 32, 33, 64, 100, 1000]) {
        for gap in [0, 1, 3, 8, 1000] {
            for family in [Family::Uniform, Family::WideExponents { spread: 300 }] {
                seed += 1;
                let other = if seed % 2 == 0 {
                    Other::Blocked(block.max(2) - 1, block + gap + 1)
                } else {
                    Other::Contiguous
                };
                check_blocked_case(family, n, seed, (block, block + gap), other, (1, 3), false)
                    .unwrap();
            }
        }
    }
}

/// Rank `r`'s share of a block-cyclic distribution (block `b` over `p` ranks) is the blocked
/// view `(&v[r*b..], share, b, p*b)`: it reads exactly the elements the rank owns, and
/// the exact partials of the shares, merged, give the exact dot of the whole vectors.
#[test]
fn block_cyclic_shares() {
    let (x, y) = gen_f64(Family::WideExponents { spread: 40 }, 1001, 7);
    for b in [1usize, 2, 3, 4, 5, 8, 13, 64] {
        for p in [1usize, 2, 3, 4, 7] {
            let n = x.len();
            let mut total = ExactPartial::<f64>::new();
            let mut owned = 0;
            for r in 0..p {
                // Elements whose block index is r modulo p.
                let mine: Vec<usize> = (0..n).filter(|&i| (i / b) % p == r).collect();
                let share = mine.len();
                if r * b >= n {
                    assert_eq!(share, 0);
                    continue;
                }
                let xs = Strided::blocked(&x[r * b..], share, b, p * b).unwrap();
                let ys = Strided::blocked(&y[r * b..], share, b, p * b).unwrap();
                let want: Vec<f64> = mine.iter().map(|&i| x[i]).collect();
                assert_eq!(xs.iter().collect::<Vec<_>>(), want, "b {b} p {p} r {r}");
                let wy: Vec<f64> = mine.iter().map(|&i| y[i]).collect();
                for &a in Accuracy::ALL {
                    assert_eq!(
                        dot_strided(a, xs, ys).to_bits(),
                        dot_with(a, &want, &wy).to_bits(),
                        "b {b} p {p} r {r} {a}"
                    );
                }
                total.merge(&ExactPartial::of_strided(xs, ys));
                owned += share;
            }
            assert_eq!(owned, n);
            assert_eq!(
                total.finish().to_bits(),
                dot_with(Accuracy::Exact, &x, &y).to_bits(),
                "b {b} p {p}"
            );
        }
    }
}

#[test]
fn blocked_errors() {
    let data = [0.0f64; 10];
    // block = 0, whatever the rest.
    for (n, stride) in [(0, 0), (1, 1), (3, 5), (usize::MAX, usize::MAX)] {
        assert_eq!(
            Strided::blocked(&data, n, 0, stride).unwrap_err(),
            StrideError::ZeroBlock
        );
    }
    assert!(StrideError::ZeroBlock.to_string().contains("block = 0"));
    // Runs of 3, 5 apart: elements at 0 1 2 5 6 7 10 ...; 6 elements fit in 8 slots.
    assert!(Strided::blocked(&data[..8], 6, 3, 5).is_ok());
    let e = Strided::blocked(&data[..7], 6, 3, 5).unwrap_err();
    assert_eq!(
        e,
        StrideError::BlockedOutOfBounds {
            n: 6,
            block: 3,
            stride: 5,
            len: 7
        }
    );
    assert!(e.to_string().contains("needs 8 elements"), "{e}");
    assert!(e.to_string().contains("block = 3"), "{e}");
    assert!(Strided::blocked(&data, 7, 3, 5).is_err()); // element 6 is data[10]
    // Overlapping runs: the last element (11 = run 1, offset 1 -> data[2]) is in bounds,
    // but the full run before it reaches data[9].
    assert!(Strided::blocked(&data, 11, 10, 1).is_ok());
    let e = Strided::blocked(&data[..9], 11, 10, 1).unwrap_err();
    assert_eq!(
        e,
        StrideError::BlockedOutOfBounds {
            n: 11,
            block: 10,
            stride: 1,
            len: 9
        }
    );
    assert!(e.to_string().contains("needs 10 elements"), "{e}");
    // Empty views always fit; so does a single run, whatever the stride.
    assert!(Strided::blocked(&[] as &[f64], 0, 4, 100).is_ok());
    assert!(Strided::blocked(&data, 4, 4, 1 << 40).is_ok());
    // Overflow: offsets beyond isize::MAX, or beyond usize, or a stride beyond isize::MAX.
    let big = isize::MAX as usize;
    for (n, block, stride) in [
        (4, 2, big),
        (usize::MAX, 2, usize::MAX),
        (usize::MAX, 1, 2),
        (1, 1, big + 1),
        (2, 4, usize::MAX),
    ] {
        let e = Strided::blocked(&data, n, block, stride).unwrap_err();
        assert_eq!(
            e,
            StrideError::BlockedOverflow { n, block, stride },
            "{n} {block} {stride}"
        );
        assert!(e.to_string().contains("isize::MAX"), "{e}");
    }
    // An offset of exactly isize::MAX is not an overflow (but out of these bounds).
    assert_eq!(
        Strided::blocked(&data, 2, 1, big).unwrap_err(),
        StrideError::BlockedOutOfBounds {
            n: 2,
            block: 1,
            stride: big,
            len: 10
        }
    );
    // Display never panics on hand-made values, block 0 and extremes included.
    for (n, block, stride) in [
        (0, 0, 0),
        (5, 0, 3),
        (usize::MAX, 1, usize::MAX),
        (7, usize::MAX, 1),
    ] {
        let e = StrideError::BlockedOutOfBounds {
            n,
            block,
            stride,
            len: 3,
        };
        assert!(!e.to_string().is_empty());
        assert!(
            !StrideError::BlockedOverflow { n, block, stride }
                .to_string()
                .is_empty()
        );
    }
}

/// Blocked views of one run (n <= block) or of runs end to end (stride == block) are
/// contiguous; stride 0 repeats the first run; empty views give +0.
#[test]
fn blocked_special_shapes() {
    let v: Vec<f64> = (1..=40).map(f64::from).collect();
    let w: Vec<f64> = (0..40).map(|i| f64::from(i % 7) - 3.0).collect();
    for b in backends() {
        for &a in Accuracy::ALL {
            let what = format!("{} {a}", b.isa());
            // One run, a huge stride never used.
            let xs = Strided::blocked(&v, 40, 40, 1 << 40).unwrap();
            assert_eq!(
                b.dot_strided(a, xs, w[..].into()),
                b.dot(a, &v, &w),
                "{what}"
            );
            // Runs end to end.
            let xs = Strided::blocked(&v, 40, 8, 8).unwrap();
            assert_eq!(
                b.dot_strided(a, xs, w[..].into()),
                b.dot(a, &v, &w),
                "{what}"
            );
            // Stride 0: the first run again and again.
            let xs = Strided::blocked(&v, 40, 3, 0).unwrap();
            let rep: Vec<f64> = (0..40).map(|i| v[i % 3]).collect();
            assert_eq!(
                b.dot_strided(a, xs, w[..].into()),
                b.dot(a, &rep, &w),
                "{what}"
            );
            // Empty.
            let xs = Strided::blocked(&v, 0, 5, 9).unwrap();
            let ys = Strided::blocked(&[] as &[f64], 0, 2, 3).unwrap();
            assert_eq!(
                b.dot_strided(a, xs, ys).to_bits(),
                0.0f64.to_bits(),
                "{what}"
            );
        }
    }
}
