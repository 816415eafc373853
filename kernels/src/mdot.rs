//! Multi-dot products: `x · y_1, ..., x · y_k` in one pass that reads `x` once (PETSc
//! `VecMDot`), each result with exactly the bits of the single dot `x · y_j` at the same
//! accuracy level and backend.

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::exact::ExactState;
use crate::input::Input;
use crate::kernel::MAX_DOTS;
use crate::real::{Real, canonical_nan};
use crate::strided::Strided;

/// `out[j] = x · ys[j]` for every `j`, at the given accuracy, in the input type: each result
/// has exactly the bits of [`dot_with`](crate::dot_with)`(accuracy, x, ys[j])`, but `x` is
/// read once for up to eight `ys[j]` (more are taken eight at a time).
///
/// # Panics
/// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names the
/// lengths.
///
/// ```
/// use pdot_kernels::{dot_with, mdot, Accuracy};
/// let x = [1.0f64, 2.0, 3.0];
/// let (a, b) = ([4.0, 5.0, 6.0], [1.0, 0.0, -1.0]);
/// let mut out = [0.0; 2];
/// mdot(Accuracy::Fast, &x, &[&a, &b], &mut out);
/// assert_eq!(out, [32.0, -2.0]);
/// assert_eq!(out[0].to_bits(), dot_with(Accuracy::Fast, &x, &a).to_bits());
/// ```
#[track_caller]
#[inline]
pub fn mdot<T: Input<T>>(accuracy: Accuracy, x: &[T], ys: &[&[T]], out: &mut [T]) {
    mdot_as(accuracy, x, ys, out)
}

/// [`mdot`] for every pair of [`Input`]: inputs `E`, results `O` (`f32` inputs with `f64`
/// results like BLAS `dsdot`); each `out[j]` has the bits of
/// [`dot_as`](crate::dot_as)`::<O, E>(accuracy, x, ys[j])`.
///
/// # Panics
/// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names the
/// lengths.
///
/// ```
/// use pdot_kernels::{mdot_as, Accuracy};
/// let x = [16777216.0f32, 1.0]; // 2^24, 1
/// let mut out = [0.0f64; 1];
/// mdot_as::<f64, f32>(Accuracy::Exact, &x, &[&x], &mut out);
/// assert_eq!(out[0], 281474976710657.0); // 2^48 + 1: not rounded to f32
/// ```
#[track_caller]
#[inline]
pub fn mdot_as<O: Real, E: Input<O>>(accuracy: Accuracy, x: &[E], ys: &[&[E]], out: &mut [O]) {
    check_many(x.len(), ys.iter().map(|y| y.len()), out.len());
    let backend = Backend::active();
    for_groups(ys, |at, group| {
        let out = &mut out[at..at + group.len()];
        backend.mdot_strided_as(accuracy, x.into(), group, out);
    });
}

/// [`mdot_as`] on strided views (BLAS increments, negative and zero included, or blocked
/// views): each `out[j]` has the bits of
/// [`dot_strided_as`](crate::dot_strided_as)`::<O, E>(accuracy, x, ys[j])`.
///
/// # Panics
/// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names the
/// lengths.
///
/// ```
/// use pdot_kernels::{mdot_strided_as, Accuracy, Strided};
/// let a = [1.0f64, 2.0, 3.0, 4.0];
/// let x = Strided::new(&a, 2, 2)?; // 1, 3
/// let ys = [Strided::new(&a, 2, -1)?, Strided::new(&a[1..], 2, 0)?]; // 2, 1 and 2, 2
/// let mut out = [0.0; 2];
/// mdot_strided_as::<f64, f64>(Accuracy::Compensated, x, &ys, &mut out);
/// assert_eq!(out, [5.0, 8.0]);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[track_caller]
#[inline]
pub fn mdot_strided_as<O: Real, E: Input<O>>(
    accuracy: Accuracy,
    x: Strided<'_, E>,
    ys: &[Strided<'_, E>],
    out: &mut [O],
) {
    Backend::active().mdot_strided_as(accuracy, x, ys, out)
}

impl Backend {
    /// [`crate::mdot_strided_as`] on this backend: each `out[j]` has the bits of
    /// [`Backend::dot_strided_as`]`(accuracy, x, ys[j])`.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names the
    /// lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// let x = [1.0f32, 2.0];
    /// let ys = [x[..].into(), [3.0f32, 4.0][..].into()];
    /// let mut out = [0.0f32; 2];
    /// Backend::detect().mdot_strided_as(Accuracy::Fast, x[..].into(), &ys, &mut out);
    /// assert_eq!(out, [5.0, 11.0]);
    /// ```
    #[track_caller]
    pub fn mdot_strided_as<O: Real, E: Input<O>>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
        out: &mut [O],
    ) {
        check_many(x.len(), ys.iter().map(|y| y.len()), out.len());
        for (ys, out) in ys.chunks(MAX_DOTS).zip(out.chunks_mut(MAX_DOTS)) {
            match accuracy {
                Accuracy::Fast => E::fast_many(self, &x, ys, out),
                Accuracy::Compensated => {
                    let mut sums = [(0.0, 0.0); MAX_DOTS];
                    let sums = &mut sums[..ys.len()];
                    E::compensated_many(self, &x, ys, sums);
                    for (o, &(hi, _)) in out.iter_mut().zip(sums.iter()) {
                        *o = canonical_nan(O::from_f64_rounded(hi));
                    }
                }
                Accuracy::Exact => self.exact_many(x, ys, out),
            }
        }
    }

    /// The Exact multi-dot of up to [`MAX_DOTS`] vectors, out of line: its states (about
    /// 1 KiB each) stay out of the stack frame of the other levels (see
    /// `Backend::exact`).
    #[inline(never)]
    fn exact_many<O: Real, E: Input<O>>(
        self,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
        out: &mut [O],
    ) {
        let mut states: [ExactState; MAX_DOTS] = core::array::from_fn(|_| ExactState::new());
        let states = &mut states[..ys.len()];
        E::exact_many(self, &x, ys, states);
        for (o, state) in out.iter_mut().zip(states.iter()) {
            *o = state.finish::<O>();
        }
    }
}

/// Calls `f(at, views)` for the `ys` in groups of at most [`MAX_DOTS`], as strided views
/// (`at` is the index of the group's first vector): no allocation.
pub(crate) fn for_groups<'a, E: Copy>(ys: &[&'a [E]], mut f: impl FnMut(usize, &[Strided<'a, E>])) {
    for (g, group) in ys.chunks(MAX_DOTS).enumerate() {
        let views: [Strided<'a, E>; MAX_DOTS] =
            core::array::from_fn(|t| Strided::from(group.get(t).copied().unwrap_or(&[])));
        f(g * MAX_DOTS, &views[..group.len()]);
    }
}

/// Panics unless every `y_len` equals `x_len` and `out_len` is the number of them.
#[track_caller]
#[inline]
pub(crate) fn check_many(
    x_len: usize,
    y_lens: impl ExactSizeIterator<Item = usize>,
    out_len: usize,
) {
    let count = y_lens.len();
    if count != out_len {
        out_mismatch(count, out_len);
    }
    for (j, y_len) in y_lens.enumerate() {
        if y_len != x_len {
            y_mismatch(x_len, j, y_len);
        }
    }
}

#[cold]
#[track_caller]
fn y_mismatch(x: usize, j: usize, y: usize) -> ! {
    panic!("pdot: x has {x} elements but ys[{j}] has {y}; a dot product needs equal lengths")
}

#[cold]
#[track_caller]
fn out_mismatch(count: usize, out: usize) -> ! {
    panic!(
        "pdot: {count} vectors y_j but out has {out} elements; a multi-dot writes one result \
         per y_j"
    )
}
