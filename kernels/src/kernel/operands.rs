//! What every kernel holds: the two operands, of equal lengths.
//!
//! By reference, not by value. A [`Strided`] is five words, written field by field where the
//! caller makes it (`slice.into()`, `Strided::new`). Moved into a kernel, it was copied with
//! 16-byte loads spanning two of those 8-byte stores, which the store buffer cannot forward:
//! four such stalls per call, about 20 ns at n = 1e3 (Fast 25–30% slower than when the views
//! were passed on by pointer). Two references make a kernel of two words, passed to the
//! backend's entry in registers, and the fields are then read one by one where they were
//! written.

use crate::real::Real;
use crate::strided::{Strided, check_lengths};

/// The two operands of a dot product, of equal lengths: what every kernel holds.
#[derive(Clone, Copy)]
pub(crate) struct Operands<'a, E> {
    x: &'a Strided<'a, E>,
    y: &'a Strided<'a, E>,
}

impl<'a, E: Real> Operands<'a, E> {
    /// `x` and `y`, whose lengths the kernels may then rely on.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, y: &'a Strided<'a, E>) -> Self {
        check_lengths(x.len(), y.len());
        Operands { x, y }
    }

    /// `(x, y)`, with `x.len() == y.len()` (fields are private: `new` is the only way in).
    #[inline(always)]
    pub(crate) fn get(self) -> (Strided<'a, E>, Strided<'a, E>) {
        (*self.x, *self.y)
    }
}
