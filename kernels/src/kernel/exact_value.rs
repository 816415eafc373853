//! The correctly rounded value of an exact dot product: short dots rounded directly
//! ([`short_dot`]), longer ones through the exact state.

use core::marker::PhantomData;

use crate::element::Element;
use crate::exact::ExactState;
use crate::real::Real;
use crate::simd::{Kernel, Simd};
use crate::strided::Strided;

use super::exact::accumulate;
use super::exact_short::short_dot;
use super::operands::Operands;

/// The correctly rounded value of `x · y` (a [`Kernel`]): the exact state made and rounded
/// inside the vectorized function, so that the state (about 1 KiB) is not copied out; a
/// short dot without it.
pub(crate) struct ExactDotValue<'a, O, E>(Operands<'a, E>, PhantomData<O>);

impl<'a, O: Real, E: Element<O>> ExactDotValue<'a, O, E> {
    /// The kernel for `x · y`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, y: &'a Strided<'a, E>) -> Self {
        ExactDotValue(Operands::new(x, y), PhantomData)
    }
}

impl<O: Real, E: Element<O>> Kernel for ExactDotValue<'_, O, E> {
    type Output = O;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> O {
        let (x, y) = self.0.get();
        // SAFETY: x.len() == y.len(), checked by `Operands::new`, the only constructor.
        if let Some(v) = unsafe { short_dot::<O, E>(&x, &y) } {
            return v;
        }
        // Made here, not by `ExactDot::run`: a state returned by value is copied out.
        let mut state = ExactState::new();
        // SAFETY: as above.
        unsafe { accumulate(E::wide(s), x, y, &mut state) };
        state.finish::<O>()
    }
}
