//! The Euclidean norm `‖x‖₂` of a slice or strided view, at an accuracy level: the
//! [`NormPartial`] of the whole vector, finished.

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;
use crate::norm::NormPartial;
use crate::partial::{CompensatedPartial, ExactPartial, FastPartial};
use crate::real::Real;
use crate::strided::Strided;

/// The Euclidean norm `‖x‖₂ = √(Σ x_i²)` at the given accuracy, result in the input type.
///
/// - [`Accuracy::Fast`], [`Accuracy::Compensated`]: the correctly rounded square root of the
///   level's `x · x` ([`crate::dot_with`]), in one pass, whenever that sum of squares is
///   finite and at least `2^(emin + 2p)` (`2^-916` for `f64`, `2^-78` for `f32`). Otherwise
///   (its squares overflow or underflow) a second pass rescales by a power of two, so that
///   the norm is finite and accurate wherever it is representable (see [`NormPartial`]).
///   The same bits on every run, backend and view of the same elements.
/// - [`Accuracy::Exact`]: the correctly rounded norm (the square root of the exact sum of
///   squares, rounded once to nearest-even), with no overflow or underflow where the norm
///   is representable.
///
/// Special values (as `hypot`): an infinite element gives +inf, even beside a NaN;
/// otherwise a NaN gives NaN; an empty vector gives 0.
///
/// ```
/// use pdot_kernels::{nrm2, Accuracy};
/// assert_eq!(nrm2(Accuracy::Fast, &[3.0f64, 4.0]), 5.0);
/// assert_eq!(nrm2(Accuracy::Exact, &[1e30f32, 1e30]), 1e30 * 2f32.sqrt());
/// assert_eq!(nrm2(Accuracy::Compensated, &[f64::NAN, f64::INFINITY]), f64::INFINITY);
/// assert_eq!(nrm2::<f32>(Accuracy::Fast, &[]), 0.0);
/// ```
#[inline]
pub fn nrm2<T: Input<T>>(accuracy: Accuracy, x: &[T]) -> T {
    nrm2_as(accuracy, x)
}

/// The Euclidean norm of inputs `E` with a result of type `O`, for every pair of [`Input`]
/// (`f32` inputs with an `f64` result: the squares summed in `f64`, like BLAS `dsdot`).
/// Contract as [`nrm2`].
///
/// ```
/// use pdot_kernels::{nrm2_as, Accuracy};
/// let x = [3e30f32, 4e30]; // squares beyond f32, not f64
/// assert_eq!(nrm2_as::<f64, f32>(Accuracy::Fast, &x), (3e30f32 as f64).hypot(4e30f32 as f64));
/// assert_eq!(nrm2_as::<f32, f32>(Accuracy::Exact, &x), 5e30);
/// ```
#[inline]
pub fn nrm2_as<O: Real, E: Input<O>>(accuracy: Accuracy, x: &[E]) -> O {
    nrm2_strided_as(accuracy, x.into())
}

/// The Euclidean norm of a strided view (BLAS `xnrm2` with `incx`), result in the input
/// type: the same bits as for the contiguous copy of its elements. Contract as [`nrm2`].
///
/// ```
/// use pdot_kernels::{nrm2_strided, Accuracy, Strided};
/// let data = [3.0f64, 99.0, 4.0];
/// assert_eq!(nrm2_strided(Accuracy::Exact, Strided::new(&data, 2, 2)?), 5.0);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[inline]
pub fn nrm2_strided<T: Input<T>>(accuracy: Accuracy, x: Strided<'_, T>) -> T {
    nrm2_strided_as(accuracy, x)
}

/// [`nrm2_as`] on a strided view: inputs `E`, result `O`, for every pair of [`Input`].
///
/// ```
/// use pdot_kernels::{nrm2_strided_as, Accuracy, Strided};
/// let data = [4.0f32, 0.0, 3.0];
/// let x = Strided::new(&data, 2, -2)?; // 3, 4
/// assert_eq!(nrm2_strided_as::<f64, f32>(Accuracy::Compensated, x), 5.0);
/// # Ok::<(), pdot_kernels::StrideError>(())
/// ```
#[inline]
pub fn nrm2_strided_as<O: Real, E: Input<O>>(accuracy: Accuracy, x: Strided<'_, E>) -> O {
    Backend::active().nrm2_strided_as(accuracy, x)
}

impl Backend {
    /// [`crate::nrm2_strided_as`] on this backend (the same bits on every backend).
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend, Isa};
    /// let x = [1e-30f32; 9];
    /// let portable = Backend::new(Isa::Portable)?;
    /// let r = portable.nrm2_strided_as::<f32, f32>(Accuracy::Fast, x[..].into());
    /// assert_eq!(r, Backend::detect().nrm2_strided_as::<f32, f32>(Accuracy::Fast, x[..].into()));
    /// assert_eq!(r, 3e-30);
    /// # Ok::<(), pdot_kernels::IsaError>(())
    /// ```
    pub fn nrm2_strided_as<O: Real, E: Input<O>>(self, accuracy: Accuracy, x: Strided<'_, E>) -> O {
        match accuracy {
            Accuracy::Fast => NormPartial::<FastPartial<O>>::of_strided_on(self, x).finish(),
            Accuracy::Compensated => {
                NormPartial::<CompensatedPartial<O>>::of_strided_on(self, x).finish()
            }
            Accuracy::Exact => self.exact_nrm2(x),
        }
    }

    /// The Exact level out of line (its state is about 1 KiB of stack; see
    /// `Backend::exact`).
    #[inline(never)]
    fn exact_nrm2<O: Real, E: Input<O>>(self, x: Strided<'_, E>) -> O {
        NormPartial::<ExactPartial<O>>::of_strided_on(self, x).finish()
    }
}
