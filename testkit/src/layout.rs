//! Where test data sits in memory: a slice at an offset into a larger buffer ([`Placed`]),
//! and logical vectors laid out as BLAS strided views ([`blas_layout`], [`blas_index`],
//! [`blas_logical`]), with a filler (NaN in the tests) everywhere a view must not read.

/// A copy of a vector placed `offset` elements into a larger buffer whose other elements
/// (before, and 8 after) are `filler` (NaN in the tests: a kernel reading outside the slice
/// would return NaN). Different offsets give the kernels' alignment peel different work.
///
/// ```
/// use pdot_testkit::Placed;
/// let p = Placed::new(&[1.0, 2.0], 3, f64::NAN);
/// assert_eq!(p.slice(), &[1.0, 2.0]);
/// ```
#[derive(Clone, Debug)]
pub struct Placed<T> {
    buf: Vec<T>,
    offset: usize,
    n: usize,
}

impl<T: Copy> Placed<T> {
    /// A copy of `v` at `offset` elements into a buffer of `filler`.
    ///
    /// ```
    /// let p = pdot_testkit::Placed::new(&[7u8], 5, 0);
    /// assert_eq!(p.slice(), &[7]);
    /// ```
    pub fn new(v: &[T], offset: usize, filler: T) -> Self {
        let mut buf = vec![filler; offset];
        buf.extend_from_slice(v);
        buf.extend_from_slice(&[filler; 8]);
        Placed {
            buf,
            offset,
            n: v.len(),
        }
    }

    /// The placed copy.
    ///
    /// ```
    /// let p = pdot_testkit::Placed::new(&[1.0f32; 4], 1, f32::NAN);
    /// assert_eq!(p.slice().len(), 4);
    /// ```
    pub fn slice(&self) -> &[T] {
        &self.buf[self.offset..self.offset + self.n]
    }
}

/// Index of logical element `i` of `n` in a BLAS strided view with increment `inc`: `i · inc`
/// for `inc >= 0`, `(n − 1 − i) · |inc|` for `inc < 0` (traversal from the far end, as
/// reference BLAS `ddot`).
///
/// ```
/// use pdot_testkit::blas_index;
/// assert_eq!(blas_index(1, 4, 3), 3);
/// assert_eq!(blas_index(0, 4, -2), 6);
/// assert_eq!(blas_index(3, 4, 0), 0);
/// ```
pub fn blas_index(i: usize, n: usize, inc: isize) -> usize {
    if inc >= 0 {
        i * inc.unsigned_abs()
    } else {
        (n - 1 - i) * inc.unsigned_abs()
    }
}

/// The logical elements of a BLAS strided view, computed from the definition (not through
/// `Strided`): element `i` is `data[blas_index(i, n, inc)]`.
///
/// ```
/// use pdot_testkit::blas_logical;
/// assert_eq!(blas_logical(&[1, 2, 3, 4, 5], 3, -2), vec![5, 3, 1]);
/// ```
pub fn blas_logical<T: Copy>(data: &[T], n: usize, inc: isize) -> Vec<T> {
    (0..n).map(|i| data[blas_index(i, n, inc)]).collect()
}

/// A buffer holding the logical vector `logical` as a BLAS strided view with increment `inc`
/// starting `offset` elements in, followed by 3 more elements; every element the view does
/// not use is `filler`. The view is `Strided::new(&buf[offset..], n, inc)`.
///
/// With `inc = 0` the one slot holds `logical[0]`.
///
/// ```
/// use pdot_testkit::blas_layout;
/// assert_eq!(blas_layout(&[1, 2], -2, 1, 0), vec![0, 2, 0, 1, 0, 0, 0]);
/// ```
pub fn blas_layout<T: Copy>(logical: &[T], inc: isize, offset: usize, filler: T) -> Vec<T> {
    blas_layout_padded(logical, inc, offset, filler, 3)
}

/// [`blas_layout`] with `after` filler elements after the last one the view reads (0: the
/// buffer ends exactly there, so that AddressSanitizer catches a read past the view).
///
/// ```
/// use pdot_testkit::blas_layout_padded;
/// let buf = blas_layout_padded(&[1.0, 2.0, 3.0], 2, 0, f64::NAN, 0);
/// assert_eq!(buf.len(), 5);
/// assert_eq!(buf[4], 3.0);
/// ```
pub fn blas_layout_padded<T: Copy>(
    logical: &[T],
    inc: isize,
    offset: usize,
    filler: T,
    after: usize,
) -> Vec<T> {
    let n = logical.len();
    let span = if n == 0 {
        0
    } else {
        (n - 1) * inc.unsigned_abs() + 1
    };
    let mut buf = vec![filler; offset + span + after];
    buf.shrink_to_fit();
    for (i, &v) in logical.iter().enumerate() {
        if inc != 0 || i == 0 {
            buf[offset + blas_index(i, n, inc)] = v;
        }
    }
    buf
}

/// The strided view of `n` elements every `inc` that starts `offset` elements into `buf` (as
/// [`blas_layout`] lays it out).
///
/// # Panics
/// If the view does not fit in `buf` (a bug of the test that asks for it).
///
/// ```
/// use pdot_testkit::{blas_layout, strided_view};
/// let buf = blas_layout(&[1.0, 2.0, 3.0], -1, 2, f64::NAN);
/// let v = strided_view(&buf, 3, -1, 2);
/// assert_eq!(v.iter().collect::<Vec<_>>(), vec![1.0, 2.0, 3.0]);
/// ```
#[cfg(feature = "kernels")]
pub fn strided_view<T: Copy>(
    buf: &[T],
    n: usize,
    inc: isize,
    offset: usize,
) -> pdot_kernels::Strided<'_, T> {
    pdot_kernels::Strided::new(&buf[offset..], n, inc).unwrap_or_else(|e| {
        panic!(
            "test bug: view n={n} inc={inc} offset={offset} in a buffer of {}: {e}",
            buf.len()
        )
    })
}
