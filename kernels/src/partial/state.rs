//! The trait every partial state implements.

use core::fmt::Debug;

use num_traits::{Float as _, Zero as _};

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;
use crate::real::{Real, canonical_nan};
use crate::strided::Strided;

use super::wire::{WireError, whole_form};

/// The state of a dot product over part of the elements, at one accuracy level.
///
/// `Output` is the result type; the input element type `I` of the constructors is any with
/// `I: Input<Output>` (`f64` → `f64`, `f32` → `f32`, and `f32` → `f64` like BLAS `dsdot`).
///
/// ```
/// use pdot_kernels::{CompensatedPartial, Partial};
///
/// fn total<P: Partial<Output = f64>>(pieces: &[(&[f64], &[f64])]) -> f64 {
///     let mut acc = P::new();
///     for (x, y) in pieces {
///         acc.merge(&P::of(x, y));
///     }
///     acc.finish()
/// }
/// let x = [1e16, 1.0, -1e16];
/// let one = [1.0; 3];
/// assert_eq!(total::<CompensatedPartial<f64>>(&[(&x[..1], &one[..1]), (&x[1..], &one[1..])]), 1.0);
/// ```
pub trait Partial: Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The result type.
    type Output: Real;

    /// The accuracy level this partial computes at.
    const ACCURACY: Accuracy;

    /// The largest size in bytes of the wire form: that of every state for
    /// [`FastPartial`](crate::FastPartial) and [`CompensatedPartial`](crate::CompensatedPartial);
    /// [`ExactPartial`](crate::ExactPartial) sends only the nonzero part of its sum, so its
    /// forms are shorter (the length is in the form's header).
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, FastPartial, Partial};
    /// assert_eq!(FastPartial::<f64>::of(&[2.0], &[3.0]).to_wire().len(), FastPartial::<f64>::WIRE_MAX);
    /// let small = ExactPartial::<f64>::of(&[2.0], &[3.0]).to_wire();
    /// assert!(small.len() < ExactPartial::<f64>::WIRE_MAX);
    /// ```
    const WIRE_MAX: usize;

    /// The state of an empty dot product (the result of `n = 0`).
    fn new() -> Self;

    /// The partial of `x · y` on the backend the free functions use.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    fn of<I: Input<Self::Output>>(x: &[I], y: &[I]) -> Self {
        Self::of_strided_on(Backend::active(), x.into(), y.into())
    }

    /// The partial of the strided views `x · y`, on the backend the free functions use.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    fn of_strided<I: Input<Self::Output>>(x: Strided<'_, I>, y: Strided<'_, I>) -> Self {
        Self::of_strided_on(Backend::active(), x, y)
    }

    /// The partial of the strided views `x · y` on `backend`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    fn of_strided_on<I: Input<Self::Output>>(
        backend: Backend,
        x: Strided<'_, I>,
        y: Strided<'_, I>,
    ) -> Self;

    /// The partials of `x · ys[j]` into `out[j]`, on the backend the free functions use:
    /// each equal to [`Partial::of`]`(x, ys[j])`, with `x` read once for up to eight `ys[j]`.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names
    /// the lengths.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, Partial};
    /// let x = [1.0f64, 2.0];
    /// let (a, b) = ([3.0, 4.0], [1e300, -1e300]);
    /// let mut out = [ExactPartial::new(), ExactPartial::new()];
    /// ExactPartial::<f64>::of_many(&x, &[&a, &b], &mut out);
    /// assert_eq!(out[0], ExactPartial::of(&x, &a));
    /// assert_eq!(out[1].finish(), -1e300);
    /// ```
    #[track_caller]
    fn of_many<I: Input<Self::Output>>(x: &[I], ys: &[&[I]], out: &mut [Self]) {
        crate::mdot::check_many(x.len(), ys.iter().map(|y| y.len()), out.len());
        let backend = Backend::active();
        crate::mdot::for_groups(ys, |at, group| {
            let out = &mut out[at..at + group.len()];
            Self::of_many_strided_on(backend, x.into(), group, out);
        });
    }

    /// The partials of the strided views `x · ys[j]` into `out[j]` on `backend`: each equal
    /// to [`Partial::of_strided_on`]`(backend, x, ys[j])`. The partials of pdot read `x`
    /// once for up to eight `ys[j]`; this default computes them one by one.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, or if `out.len() != ys.len()`; the message names
    /// the lengths.
    ///
    /// ```
    /// use pdot_kernels::{Backend, FastPartial, Partial, Strided};
    /// let a = [1.0f32, 2.0, 3.0];
    /// let x = Strided::new(&a, 3, -1)?; // 3, 2, 1
    /// let mut out = [FastPartial::<f64>::new(); 2];
    /// FastPartial::of_many_strided_on(Backend::detect(), x, &[a[..].into(), x], &mut out);
    /// assert_eq!(out.map(|p| p.finish()), [10.0, 14.0]);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    #[track_caller]
    fn of_many_strided_on<I: Input<Self::Output>>(
        backend: Backend,
        x: Strided<'_, I>,
        ys: &[Strided<'_, I>],
        out: &mut [Self],
    ) {
        crate::mdot::check_many(x.len(), ys.iter().map(|y| y.len()), out.len());
        for (o, &y) in out.iter_mut().zip(ys) {
            *o = Self::of_strided_on(backend, x, y);
        }
    }

    /// Adds the elements of `other` to `self`.
    fn merge(&mut self, other: &Self);

    /// The result, rounded to `Output`.
    fn finish(&self) -> Self::Output;

    /// Multiplies the value of the state by `2^k` (hidden: what [`crate::NormPartial`] needs
    /// to bring squares of differently scaled pieces to one scale). Floating-point states
    /// round each of their numbers once (exact unless subnormal or out of range); the exact
    /// state shifts its fixed-point number (exact within its range).
    #[doc(hidden)]
    fn scale_pow2(&mut self, k: i32);

    /// The square root of the result, as a 2-norm finishes a sum of squares (hidden: for
    /// [`crate::NormPartial`]): `√finish()` rounded once (IEEE `sqrt`), +0 for a zero,
    /// NaN below zero. The exact state overrides it with the correctly rounded root of its
    /// exact value, where an infinite square gives +inf even beside a NaN.
    #[doc(hidden)]
    fn sqrt_finish(&self) -> Self::Output {
        let s = self.finish();
        if s == Self::Output::zero() {
            return Self::Output::zero();
        }
        canonical_nan(s.sqrt())
    }

    /// Writes the wire form at the start of `out`, which must have at least
    /// [`Partial::WIRE_MAX`] bytes, and returns its length (the bytes after it are left as
    /// they were).
    ///
    /// # Errors
    /// [`WireError::Length`] if `out` is shorter than [`Partial::WIRE_MAX`].
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, Partial};
    /// let p = ExactPartial::<f32>::of(&[1.5f32], &[-2.0]);
    /// let mut buf = vec![0u8; ExactPartial::<f32>::WIRE_MAX];
    /// let len = p.write_wire(&mut buf)?;
    /// assert_eq!(buf[..len], p.to_wire()[..]);
    /// assert!(p.write_wire(&mut buf[1..]).is_err());
    /// # Ok::<(), pdot_kernels::WireError>(())
    /// ```
    fn write_wire(&self, out: &mut [u8]) -> Result<usize, WireError>;

    /// The wire form: at most [`Partial::WIRE_MAX`] plain bytes (little-endian), the same on
    /// every machine. Exact partials of the same value have the same bytes.
    fn to_wire(&self) -> Vec<u8> {
        let mut out = vec![0; Self::WIRE_MAX];
        // The buffer is long enough by construction.
        let len = self.write_wire(&mut out).unwrap_or(0);
        out.truncate(len);
        out
    }

    /// The partial whose wire form is `bytes`, all of it.
    ///
    /// # Errors
    /// A [`WireError`] naming the problem: a wrong length, a header of another kind of
    /// partial, or a state no dot product can produce.
    fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        whole_form(bytes, Self::WIRE_MAX, Self::from_wire_prefix)
    }

    /// The partial whose wire form starts `bytes`, and the length of that form: for reading
    /// several wire forms one after the other.
    ///
    /// # Errors
    /// As [`Partial::from_wire`], except that bytes after the form are no error.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, Partial};
    /// let (a, b) = (ExactPartial::<f64>::of(&[1e300], &[3.0]), ExactPartial::<f64>::new());
    /// let mut bytes = a.to_wire();
    /// bytes.extend(b.to_wire());
    /// let (first, len) = ExactPartial::<f64>::from_wire_prefix(&bytes)?;
    /// assert_eq!((first, len), (a, bytes.len() - b.to_wire().len()));
    /// assert_eq!(ExactPartial::<f64>::from_wire(&bytes[len..])?, b);
    /// # Ok::<(), pdot_kernels::WireError>(())
    /// ```
    fn from_wire_prefix(bytes: &[u8]) -> Result<(Self, usize), WireError>;
}
