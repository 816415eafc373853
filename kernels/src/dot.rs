//! The dot products of a [`Backend`]: each accuracy level picks its kernel, and the backend
//! runs it (two hops: the match over the backends in [`Backend`], then the backend's one
//! function with target features, into which the whole kernel is inlined).

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;
use crate::real::{Real, canonical_nan};
use crate::strided::Strided;

impl Backend {
    /// [`crate::dot_with`] on this backend.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// assert_eq!(Backend::detect().dot(Accuracy::Fast, &[2.0f32], &[3.0]), 6.0);
    /// ```
    #[track_caller]
    pub fn dot<T: Input<T>>(self, accuracy: Accuracy, x: &[T], y: &[T]) -> T {
        self.dot_strided_as(accuracy, x.into(), y.into())
    }

    /// [`crate::dot_strided`] on this backend.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend, Strided};
    /// let x = Strided::new(&[1.0f64, 9.0, 2.0], 2, 2)?;
    /// assert_eq!(Backend::detect().dot_strided(Accuracy::Fast, x, x), 5.0);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    #[track_caller]
    pub fn dot_strided<T: Input<T>>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, T>,
        y: Strided<'_, T>,
    ) -> T {
        self.dot_strided_as(accuracy, x, y)
    }

    /// [`crate::dsdot_strided`] on this backend: `f32` inputs accumulated in `f64`, the same
    /// as [`Backend::dot_strided_as::<f64, f32>`](Backend::dot_strided_as).
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// let x = [16777216.0f32, 1.0];
    /// let r = Backend::detect().dsdot_strided(Accuracy::Fast, x[..].into(), x[..].into());
    /// assert_eq!(r, 16777216.0f64 * 16777216.0 + 1.0);
    /// ```
    #[track_caller]
    pub fn dsdot_strided(
        self,
        accuracy: Accuracy,
        x: Strided<'_, f32>,
        y: Strided<'_, f32>,
    ) -> f64 {
        self.dot_strided_as(accuracy, x, y)
    }

    /// [`crate::dot_strided_as`] on this backend: inputs `E`, result `O`, for every pair of
    /// [`Input`].
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// let x = [16777216.0f32, 1.0];
    /// let r = Backend::detect().dot_strided_as::<f64, f32>(Accuracy::Fast, x[..].into(), x[..].into());
    /// assert_eq!(r, 16777216.0f64 * 16777216.0 + 1.0);
    /// ```
    #[track_caller]
    pub fn dot_strided_as<O: Real, E: Input<O>>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, E>,
        y: Strided<'_, E>,
    ) -> O {
        match accuracy {
            Accuracy::Fast => E::fast_dot(self, &x, &y),
            Accuracy::Compensated => {
                let (hi, _) = E::compensated_dot(self, &x, &y);
                canonical_nan(O::from_f64_rounded(hi))
            }
            Accuracy::Exact => E::exact_dot(self, &x, &y),
        }
    }
}
