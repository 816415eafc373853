//! The partial of Accuracy::Compensated.

use core::marker::PhantomData;

use super::state::Partial;
use super::wire::WireError;
use super::wire::{HEADER_LEN, check_out, f64_at, read_header, write_header};
use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;

use crate::kernel::MAX_DOTS;
use crate::mdot::check_many;
use crate::pow2::ldexp;
use crate::real::{Real, canonical_nan};
use crate::strided::Strided;

/// The state of a [`Accuracy::Compensated`] dot product: an unevaluated `f64` sum
/// `hi + lo`. Merging adds the `hi` parts by TwoSum and collects every error in `lo`, so a
/// merge loses nothing in `hi`; the result still depends on the split and the merge order.
///
/// For an `f32` result the state is the `f64` sum (see [`Accuracy::Compensated`]), rounded
/// to `f32` only by [`Partial::finish`].
///
/// ```
/// use pdot_kernels::{CompensatedPartial, Partial};
/// let mut p = CompensatedPartial::<f64>::of(&[1e16], &[1.0]);
/// p.merge(&CompensatedPartial::of(&[1.0], &[1.0]));
/// p.merge(&CompensatedPartial::of(&[-1e16], &[1.0]));
/// assert_eq!(p.finish(), 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompensatedPartial<O: Real> {
    hi: f64,
    lo: f64,
    output: PhantomData<O>,
}

impl<O: Real> CompensatedPartial<O> {
    fn from_parts(hi: f64, lo: f64) -> Self {
        // An infinite or NaN sum has no meaningful error term.
        let lo = if hi.is_finite() { lo } else { 0.0 };
        CompensatedPartial {
            hi,
            lo,
            output: PhantomData,
        }
    }

    /// The unevaluated sum `(hi, lo)`.
    ///
    /// ```
    /// use pdot_kernels::{CompensatedPartial, Partial};
    /// assert_eq!(CompensatedPartial::<f64>::of(&[2.0], &[3.0]).parts(), (6.0, 0.0));
    /// ```
    pub fn parts(&self) -> (f64, f64) {
        (self.hi, self.lo)
    }
}

impl<O: Real> Partial for CompensatedPartial<O> {
    type Output = O;
    const ACCURACY: Accuracy = Accuracy::Compensated;
    const WIRE_MAX: usize = HEADER_LEN + 16;

    fn new() -> Self {
        Self::from_parts(0.0, 0.0)
    }

    #[track_caller]
    fn of_strided_on<I: Input<O>>(backend: Backend, x: Strided<'_, I>, y: Strided<'_, I>) -> Self {
        let (hi, lo) = I::compensated_dot(backend, &x, &y);
        Self::from_parts(hi, lo)
    }

    #[track_caller]
    fn of_many_strided_on<I: Input<O>>(
        backend: Backend,
        x: Strided<'_, I>,
        ys: &[Strided<'_, I>],
        out: &mut [Self],
    ) {
        check_many(x.len(), ys.iter().map(|y| y.len()), out.len());
        for (ys, out) in ys.chunks(MAX_DOTS).zip(out.chunks_mut(MAX_DOTS)) {
            let mut sums = [(0.0, 0.0); MAX_DOTS];
            let sums = &mut sums[..ys.len()];
            I::compensated_many(backend, &x, ys, sums);
            for (o, &(hi, lo)) in out.iter_mut().zip(sums.iter()) {
                *o = Self::from_parts(hi, lo);
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        // TwoSum of the high parts: s + t == self.hi + other.hi exactly (finite s).
        let s = self.hi + other.hi;
        let z = s - self.hi;
        let t = (self.hi - (s - z)) + (other.hi - z);
        *self = Self::from_parts(s, (self.lo + other.lo) + t);
    }

    fn finish(&self) -> O {
        let r = if self.hi.is_finite() {
            self.hi + self.lo
        } else {
            self.hi
        };
        canonical_nan(O::from_f64_rounded(r))
    }

    fn scale_pow2(&mut self, k: i32) {
        *self = Self::from_parts(ldexp(self.hi, k), ldexp(self.lo, k));
    }

    fn write_wire(&self, out: &mut [u8]) -> Result<usize, WireError> {
        check_out(out, Self::WIRE_MAX)?;
        write_header::<O>(out, Self::ACCURACY, 0);
        out[HEADER_LEN..HEADER_LEN + 8].copy_from_slice(&self.hi.to_le_bytes());
        out[HEADER_LEN + 8..Self::WIRE_MAX].copy_from_slice(&self.lo.to_le_bytes());
        Ok(Self::WIRE_MAX)
    }

    fn from_wire_prefix(bytes: &[u8]) -> Result<(Self, usize), WireError> {
        let (flags, payload) = read_header::<O>(bytes, Self::ACCURACY, Self::WIRE_MAX)?;
        let payload = &payload[..Self::WIRE_MAX - HEADER_LEN];
        if flags != 0 {
            return Err(WireError::Invalid("a compensated partial has no flags"));
        }
        let (hi, lo) = (f64_at(payload, 0), f64_at(payload, 8));
        if !lo.is_finite() || (!hi.is_finite() && lo != 0.0) {
            return Err(WireError::Invalid(
                "the error term of a compensated partial is finite, and 0 when its sum is not",
            ));
        }
        Ok((Self::from_parts(hi, lo), Self::WIRE_MAX))
    }
}
