//! Which input element types make partials of which output type.

use super::ExactPartial;
use crate::backend::Backend;
use crate::kernel::Ordered;
use crate::real::Real;
use crate::strided::Strided;

/// An input element type for partials with result type `O`: `f64` and `f32` for
/// themselves, and `f32` for `f64` (accumulated in `f64`, like BLAS `dsdot`). Sealed.
///
/// ```
/// use pdot_kernels::{FastPartial, Partial};
/// let x = [16777216.0f32, 1.0];
/// // f32 inputs, f64 result: the products and the sum are not rounded to f32.
/// assert_eq!(FastPartial::<f64>::of(&x, &x).finish(), 16777216.0f64 * 16777216.0 + 1.0);
/// ```
pub trait Input<O: Real>: Real {
    /// The Fast result.
    #[doc(hidden)]
    fn fast_on(backend: Backend, x: Strided<'_, Self>, y: Strided<'_, Self>) -> O;

    /// The Compensated result as an unevaluated `f64` sum `hi + lo`.
    #[doc(hidden)]
    fn compensated_on(backend: Backend, x: Strided<'_, Self>, y: Strided<'_, Self>) -> (f64, f64);

    /// The exact state.
    #[doc(hidden)]
    fn exact_on(backend: Backend, x: Strided<'_, Self>, y: Strided<'_, Self>) -> ExactPartial<O>;
}

impl Input<f64> for f64 {
    fn fast_on(backend: Backend, x: Strided<'_, f64>, y: Strided<'_, f64>) -> f64 {
        backend.ordered::<f64, f64>(Ordered::Fast, x, y).0
    }
    fn compensated_on(backend: Backend, x: Strided<'_, f64>, y: Strided<'_, f64>) -> (f64, f64) {
        backend.ordered::<f64, f64>(Ordered::Compensated, x, y)
    }
    fn exact_on(backend: Backend, x: Strided<'_, f64>, y: Strided<'_, f64>) -> ExactPartial<f64> {
        ExactPartial::from_state(backend.exact(x, y))
    }
}

impl Input<f64> for f32 {
    fn fast_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> f64 {
        backend.ordered::<f32, f64>(Ordered::Fast, x, y).0
    }
    fn compensated_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> (f64, f64) {
        backend.ordered::<f32, f64>(Ordered::Compensated, x, y)
    }
    fn exact_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> ExactPartial<f64> {
        ExactPartial::from_state(backend.exact(x, y))
    }
}

impl Input<f32> for f32 {
    fn fast_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> f32 {
        backend.ordered::<f32, f32>(Ordered::Fast, x, y).0
    }
    fn compensated_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> (f64, f64) {
        // f32 Compensated is the f64 Fast sum rounded once to f32 (see Accuracy); the
        // partial keeps the f64 sum.
        (backend.ordered::<f32, f64>(Ordered::Fast, x, y).0, 0.0)
    }
    fn exact_on(backend: Backend, x: Strided<'_, f32>, y: Strided<'_, f32>) -> ExactPartial<f32> {
        ExactPartial::from_state(backend.exact(x, y))
    }
}
