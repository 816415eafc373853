//! Strided views with the semantics of the reference BLAS.

use core::fmt;

/// `n` logical elements of a slice taken every `inc` elements, as BLAS `x(incx)` arguments.
///
/// Semantics are those of the reference BLAS:
/// - `inc > 0`: logical element `i` is `data[i * inc]`;
/// - `inc < 0`: logical element `i` is `data[(n - 1 - i) * |inc|]` (the traversal starts at
///   the far end, as reference `ddot` does);
/// - `inc == 0`: every logical element is `data[0]`.
///
/// Construction checks that all `n` elements lie inside `data`, with index arithmetic that
/// cannot overflow, so a `Strided` never reads out of bounds.
///
/// # Example
///
/// ```
/// use pdot_kernels::Strided;
///
/// let data = [1.0, 2.0, 3.0, 4.0, 5.0];
/// let even = Strided::new(&data, 3, 2)?;
/// assert_eq!(even.iter().collect::<Vec<_>>(), [1.0, 3.0, 5.0]);
/// let back = Strided::new(&data, 3, -2)?;
/// assert_eq!(back.iter().collect::<Vec<_>>(), [5.0, 3.0, 1.0]);
/// assert!(Strided::new(&data, 4, 2).is_err()); // element 3 would be data[6]
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a, T> {
    data: &'a [T],
    n: usize,
    inc: isize,
}

/// Why a [`Strided`] view could not be made.
///
/// ```
/// use pdot_kernels::{StrideError, Strided};
///
/// let err = Strided::new(&[0.0f64; 10], 6, 2).unwrap_err();
/// assert_eq!(err, StrideError::OutOfBounds { n: 6, inc: 2, len: 10 });
/// assert!(err.to_string().contains("needs 11 elements"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StrideError {
    /// The last logical element would lie at or beyond the end of the data.
    OutOfBounds {
        /// Requested number of logical elements.
        n: usize,
        /// Requested increment.
        inc: isize,
        /// Length of the slice given.
        len: usize,
    },
    /// `(n - 1) * |inc|` does not fit in the address space.
    Overflow {
        /// Requested number of logical elements.
        n: usize,
        /// Requested increment.
        inc: isize,
    },
}

impl fmt::Display for StrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            StrideError::OutOfBounds { n, inc, len } => {
                // Checked: the variant's fields can be set by anyone, not only by `new`.
                let needed = n
                    .checked_sub(1)
                    .map_or(Some(0), |last| last.checked_mul(inc.unsigned_abs()))
                    .and_then(|last| last.checked_add(usize::from(n > 0)));
                match needed {
                    Some(needed) => write!(
                        f,
                        "strided view of n = {n} elements with inc = {inc} needs {needed} \
                         elements of data, but the slice has {len}"
                    ),
                    None => write!(
                        f,
                        "strided view of n = {n} elements with inc = {inc} does not fit in the \
                         slice of {len} elements"
                    ),
                }
            }
            StrideError::Overflow { n, inc } => write!(
                f,
                "strided view of n = {n} elements with inc = {inc} spans more elements than \
                 the address space holds"
            ),
        }
    }
}

impl std::error::Error for StrideError {}

impl<'a, T: Copy> Strided<'a, T> {
    /// A view of `n` elements of `data`, `inc` apart (BLAS semantics, see the type's docs).
    ///
    /// # Errors
    ///
    /// [`StrideError::OutOfBounds`] if the elements do not all lie in `data`,
    /// [`StrideError::Overflow`] if `(n - 1) * |inc|` overflows.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// let v = Strided::new(&[7.0f32], 3, 0)?; // inc = 0 repeats one element
    /// assert_eq!(v.iter().sum::<f32>(), 21.0);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn new(data: &'a [T], n: usize, inc: isize) -> Result<Self, StrideError> {
        if n > 0 {
            let last = (n - 1)
                .checked_mul(inc.unsigned_abs())
                .filter(|&last| last <= isize::MAX as usize)
                .ok_or(StrideError::Overflow { n, inc })?;
            if last >= data.len() {
                return Err(StrideError::OutOfBounds {
                    n,
                    inc,
                    len: data.len(),
                });
            }
        }
        Ok(Strided { data, n, inc })
    }

    /// The number of logical elements.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// assert_eq!(Strided::new(&[1.0f64; 9], 5, 2)?.len(), 5);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the view has no elements.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// assert!(Strided::new(&[] as &[f64], 0, 3)?.is_empty());
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The increment, as given.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// assert_eq!(Strided::new(&[1.0f64; 9], 5, -2)?.inc(), -2);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn inc(&self) -> isize {
        self.inc
    }

    /// Logical element `i`, or `None` if `i >= len()`.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// let v = Strided::new(&[1.0f64, 2.0, 3.0], 3, -1)?;
    /// assert_eq!(v.get(0), Some(3.0));
    /// assert_eq!(v.get(3), None);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn get(&self, i: usize) -> Option<T> {
        (i < self.n).then(|| self.data[self.offset(i)])
    }

    /// The logical elements in order.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// let v = Strided::new(&[1.0f64, 2.0, 3.0, 4.0], 2, 3)?;
    /// assert_eq!(v.iter().collect::<Vec<_>>(), [1.0, 4.0]);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = T> + '_ {
        (0..self.n).map(|i| self.data[self.offset(i)])
    }

    /// Index into `data` of logical element `i < n` (in bounds by construction).
    #[inline]
    pub(crate) fn offset(&self, i: usize) -> usize {
        let step = self.inc.unsigned_abs();
        if self.inc >= 0 {
            i * step
        } else {
            (self.n - 1 - i) * step
        }
    }

    /// Pointer to logical element 0, and the signed distance in elements between logical
    /// neighbours: logical element `i < n` is at `first.offset(i * step)`.
    #[inline]
    pub(crate) fn raw(&self) -> (*const T, isize) {
        if self.n == 0 {
            return (self.data.as_ptr(), self.inc);
        }
        // SAFETY: `offset(0) < data.len()` for n > 0 (checked in `new`), so the pointer stays
        // inside the slice, and it keeps the provenance of the whole slice, which a backward
        // traversal (inc < 0) needs.
        (unsafe { self.data.as_ptr().add(self.offset(0)) }, self.inc)
    }
}

impl<'a, T: Copy> From<&'a [T]> for Strided<'a, T> {
    /// The contiguous view `inc = 1` of a whole slice.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// let v = Strided::from(&[1.0f64, 2.0][..]);
    /// assert_eq!((v.len(), v.inc()), (2, 1));
    /// ```
    fn from(data: &'a [T]) -> Self {
        Strided {
            data,
            n: data.len(),
            inc: 1,
        }
    }
}
