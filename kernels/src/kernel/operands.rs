//! What every kernel holds: the two operands, of equal lengths.

use crate::real::Real;
use crate::strided::{Strided, check_lengths};

/// The two operands of a dot product, of equal lengths: what every kernel holds.
#[derive(Clone, Copy)]
pub(crate) struct Operands<'a, E> {
    x: Strided<'a, E>,
    y: Strided<'a, E>,
}

impl<'a, E: Real> Operands<'a, E> {
    /// `x` and `y`, whose lengths the kernels may then rely on.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: Strided<'a, E>, y: Strided<'a, E>) -> Self {
        check_lengths(x.len(), y.len());
        Operands { x, y }
    }

    /// `(x, y)`, with `x.len() == y.len()` (fields are private: `new` is the only way in).
    #[inline(always)]
    pub(crate) fn get(self) -> (Strided<'a, E>, Strided<'a, E>) {
        (self.x, self.y)
    }
}
