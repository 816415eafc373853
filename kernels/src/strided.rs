//! Strided views with the semantics of the reference BLAS, and blocked views (runs of
//! consecutive elements a fixed stride apart, as in a block-cyclic distribution).

use core::fmt;

/// `n` logical elements of a slice taken every `inc` elements, as BLAS `x(incx)` arguments.
///
/// Semantics are those of the reference BLAS:
/// - `inc > 0`: logical element `i` is `data[i * inc]`;
/// - `inc < 0`: logical element `i` is `data[(n - 1 - i) * |inc|]` (the traversal starts at
///   the far end, as reference `ddot` does);
/// - `inc == 0`: every logical element is `data[0]`.
///
/// A *blocked* view ([`Strided::blocked`]) takes runs of `block` consecutive elements whose
/// starts are `stride` apart: logical element `i` is
/// `data[(i / block) * stride + i % block]`. It is what one rank holds of a block-cyclic
/// distribution, read in place. With `block == 1` it is the BLAS view with `inc = stride`.
///
/// Construction checks that all `n` elements lie inside `data`, with index arithmetic that
/// cannot overflow, so a `Strided` never reads out of bounds.
///
/// Every kernel gives the same bits for a view as for the contiguous copy of its logical
/// elements, whatever the kind of view.
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
    /// The BLAS increment; for a blocked view, the stride between run starts (`>= 0`).
    inc: isize,
    /// Elements per run: 1 for a BLAS view, `>= 1` for a blocked one.
    block: usize,
}

/// How the kernels address the elements of a view.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Layout<T> {
    /// Logical element `i < n` is at `first.offset(i * inc)`.
    Step(*const T, isize),
    /// Logical element `i < n` is at `first.add((i / block) * stride + i % block)`, with
    /// `block >= 2`, `stride != block` and `n > block` (not an arithmetic progression); every
    /// such offset is at most `isize::MAX`.
    Runs {
        /// Logical element 0 (`data[0]`).
        first: *const T,
        /// Elements per run.
        block: usize,
        /// Distance between the starts of consecutive runs.
        stride: usize,
    },
}

/// Why a [`Strided`] view could not be made.
///
/// ```
/// use pdot_kernels::{StrideError, Strided};
///
/// let err = Strided::new(&[0.0f64; 10], 6, 2).unwrap_err();
/// assert_eq!(err, StrideError::OutOfBounds { n: 6, inc: 2, len: 10 });
/// assert!(err.to_string().contains("needs 11 elements"));
///
/// // Runs of 3 elements, 5 apart: element 7 is data[(7 / 3) * 5 + 7 % 3] = data[11].
/// let err = Strided::blocked(&[0.0f64; 10], 8, 3, 5).unwrap_err();
/// assert_eq!(err, StrideError::BlockedOutOfBounds { n: 8, block: 3, stride: 5, len: 10 });
/// assert!(err.to_string().contains("needs 12 elements"));
/// assert_eq!(Strided::blocked(&[0.0f64; 10], 2, 0, 5).unwrap_err(), StrideError::ZeroBlock);
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
    /// A blocked view ([`Strided::blocked`]) was asked for runs of `block = 0` elements.
    ZeroBlock,
    /// An element of a blocked view would lie at or beyond the end of the data.
    BlockedOutOfBounds {
        /// Requested number of logical elements.
        n: usize,
        /// Requested elements per run.
        block: usize,
        /// Requested distance between run starts.
        stride: usize,
        /// Length of the slice given.
        len: usize,
    },
    /// The offsets of a blocked view, or its stride, do not fit in `isize`.
    BlockedOverflow {
        /// Requested number of logical elements.
        n: usize,
        /// Requested elements per run.
        block: usize,
        /// Requested distance between run starts.
        stride: usize,
    },
}

/// One past the largest data index a blocked view of `n > 0` elements addresses, if that
/// fits in a `usize` (`None` also for `block == 0`).
///
/// The last run may be partial; when `stride < block - 1` the run before it reaches further
/// than the last element, so both are considered.
fn blocked_span(n: usize, block: usize, stride: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    let (q, r) = (last.checked_div(block)?, last % block);
    let end = q.checked_mul(stride)?.checked_add(r)?;
    let end = match q.checked_sub(1) {
        // Run q - 1 is full: its last element is (q - 1) * stride + block - 1.
        Some(p) => end.max(p.checked_mul(stride)?.checked_add(block - 1)?),
        None => end,
    };
    end.checked_add(1)
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
            StrideError::ZeroBlock => write!(
                f,
                "blocked view with block = 0: runs must hold at least one element"
            ),
            StrideError::BlockedOutOfBounds {
                n,
                block,
                stride,
                len,
            } => {
                let needed = if n == 0 {
                    Some(0)
                } else {
                    blocked_span(n, block, stride)
                };
                match needed {
                    Some(needed) => write!(
                        f,
                        "blocked view of n = {n} elements in runs of block = {block}, \
                         stride = {stride} apart, needs {needed} elements of data, but the \
                         slice has {len}"
                    ),
                    None => write!(
                        f,
                        "blocked view of n = {n} elements in runs of block = {block}, \
                         stride = {stride} apart, does not fit in the slice of {len} elements"
                    ),
                }
            }
            StrideError::BlockedOverflow { n, block, stride } => write!(
                f,
                "blocked view of n = {n} elements in runs of block = {block}, stride = \
                 {stride} apart, has offsets or a stride beyond isize::MAX (more than the \
                 address space holds)"
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
        Ok(Strided {
            data,
            n,
            inc,
            block: 1,
        })
    }

    /// A blocked view of `n` elements of `data`: runs of `block` consecutive elements whose
    /// starts are `stride` apart, so that logical element `i` is
    /// `data[(i / block) * stride + i % block]`.
    ///
    /// Rank `r`'s share of a vector `v` distributed block-cyclically, in blocks of `b` over
    /// `p` ranks, is `Strided::blocked(&v[r * b..], share_len, b, p * b)`, where `share_len`
    /// is the number of elements of `v` the rank owns. Normally `stride >= block`, but any
    /// stride is accepted (runs may overlap; `stride == 0` repeats the first run).
    /// `block == 1` is the BLAS view [`Strided::new`]`(data, n, stride)`.
    ///
    /// [`Strided::inc`] returns `stride` and [`Strided::block`] returns `block`. The kernels
    /// give the same bits as for the contiguous copy of the logical elements; they read whole
    /// vectors from within a run, and assemble those that span two runs element by element.
    ///
    /// # Errors
    ///
    /// [`StrideError::ZeroBlock`] if `block == 0`,
    /// [`StrideError::BlockedOutOfBounds`] if the elements do not all lie in `data`,
    /// [`StrideError::BlockedOverflow`] if an offset or `stride` exceeds `isize::MAX`.
    ///
    /// ```
    /// use pdot_kernels::{dot_strided, Accuracy, Strided};
    ///
    /// // v = 0..10 in blocks of 2 over 2 ranks: rank 0 owns 0 1 4 5 8 9, rank 1 owns 2 3 6 7.
    /// let v: Vec<f64> = (0..10).map(f64::from).collect();
    /// let r0 = Strided::blocked(&v, 6, 2, 4)?;
    /// let r1 = Strided::blocked(&v[2..], 4, 2, 4)?;
    /// assert_eq!(r0.iter().collect::<Vec<_>>(), [0.0, 1.0, 4.0, 5.0, 8.0, 9.0]);
    /// assert_eq!(r1.iter().collect::<Vec<_>>(), [2.0, 3.0, 6.0, 7.0]);
    /// assert_eq!((r1.len(), r1.block(), r1.inc()), (4, 2, 4));
    ///
    /// // The same bits as the dot of the contiguous copy, at every accuracy level.
    /// let copy: Vec<f64> = r0.iter().collect();
    /// for &a in Accuracy::ALL {
    ///     let via_copy = dot_strided(a, copy[..].into(), copy[..].into());
    ///     assert_eq!(dot_strided(a, r0, r0).to_bits(), via_copy.to_bits());
    /// }
    /// assert!(Strided::blocked(&v, 7, 2, 4).is_err()); // element 6 would be v[12]
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn blocked(
        data: &'a [T],
        n: usize,
        block: usize,
        stride: usize,
    ) -> Result<Self, StrideError> {
        if block == 0 {
            return Err(StrideError::ZeroBlock);
        }
        let overflow = StrideError::BlockedOverflow { n, block, stride };
        let inc = isize::try_from(stride).map_err(|_| overflow)?;
        if n > 0 {
            let span = blocked_span(n, block, stride)
                .filter(|&span| span - 1 <= isize::MAX as usize)
                .ok_or(overflow)?;
            if span > data.len() {
                return Err(StrideError::BlockedOutOfBounds {
                    n,
                    block,
                    stride,
                    len: data.len(),
                });
            }
        }
        Ok(Strided {
            data,
            n,
            inc,
            block,
        })
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

    /// The increment, as given to [`Strided::new`]; for a blocked view, the distance between
    /// the starts of consecutive runs (the `stride` given to [`Strided::blocked`]). Logical
    /// neighbours are `inc()` apart only when [`Strided::block`] is 1.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// assert_eq!(Strided::new(&[1.0f64; 9], 5, -2)?.inc(), -2);
    /// assert_eq!(Strided::blocked(&[1.0f64; 9], 4, 2, 6)?.inc(), 6);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn inc(&self) -> isize {
        self.inc
    }

    /// Consecutive elements per run: the `block` given to [`Strided::blocked`], 1 for the
    /// views of [`Strided::new`] and `From<&[T]>`.
    ///
    /// ```
    /// use pdot_kernels::Strided;
    /// assert_eq!(Strided::new(&[1.0f64; 9], 5, 2)?.block(), 1);
    /// assert_eq!(Strided::blocked(&[1.0f64; 9], 4, 2, 6)?.block(), 2);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn block(&self) -> usize {
        self.block
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
        if self.block > 1 {
            // Blocked: inc >= 0 is the stride.
            return (i / self.block) * self.inc.unsigned_abs() + i % self.block;
        }
        let step = self.inc.unsigned_abs();
        if self.inc >= 0 {
            i * step
        } else {
            (self.n - 1 - i) * step
        }
    }

    /// How the kernels address the elements: an arithmetic progression from logical element
    /// 0 whenever the view is one (BLAS views, and blocked views of one run or of runs end
    /// to end), runs otherwise.
    #[inline]
    pub(crate) fn layout(&self) -> Layout<T> {
        if self.block > 1 {
            // A blocked view: inc >= 0 is the stride, logical element 0 is data[0].
            let first = self.data.as_ptr();
            let stride = self.inc.unsigned_abs();
            return if self.n > self.block && stride != self.block {
                Layout::Runs {
                    first,
                    block: self.block,
                    stride,
                }
            } else {
                // One run (n <= block), or runs end to end: contiguous.
                Layout::Step(first, 1)
            };
        }
        if self.n == 0 {
            return Layout::Step(self.data.as_ptr(), self.inc);
        }
        // SAFETY: `offset(0) < data.len()` for n > 0 (checked in `new`), so the pointer stays
        // inside the slice, and it keeps the provenance of the whole slice, which a backward
        // traversal (inc < 0) needs.
        Layout::Step(unsafe { self.data.as_ptr().add(self.offset(0)) }, self.inc)
    }
}

/// Panics with a message naming both lengths if they differ.
#[track_caller]
#[inline]
pub(crate) fn check_lengths(x: usize, y: usize) {
    if x != y {
        length_mismatch(x, y);
    }
}

#[cold]
#[track_caller]
fn length_mismatch(x: usize, y: usize) -> ! {
    panic!("pdot: x has {x} elements but y has {y}; a dot product needs equal lengths")
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
            block: 1,
        }
    }
}
