//! The partial of Accuracy::Fast.

use super::state::Partial;
use super::wire::WireError;
use super::wire::{HEADER_LEN, check_out, read_header, write_header};
use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;

use crate::kernel::MAX_DOTS;
use crate::mdot::check_many;
use crate::pow2::ldexp;
use crate::real::{Real, canonical_nan};
use crate::strided::Strided;

/// The state of a [`Accuracy::Fast`] dot product: its floating-point sum. Merging adds
/// (one rounding), so the result depends on the split and the merge order.
///
/// ```
/// use pdot_kernels::{FastPartial, Partial};
/// let mut p = FastPartial::<f32>::of(&[1.0f32, 2.0], &[3.0, 4.0]);
/// p.merge(&FastPartial::of(&[5.0f32], &[6.0]));
/// assert_eq!(p.finish(), 41.0);
/// assert_eq!(FastPartial::<f32>::from_wire(&p.to_wire())?, p);
/// # Ok::<(), pdot_kernels::WireError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FastPartial<O: Real> {
    sum: O,
}

impl<O: Real> FastPartial<O> {
    /// The floating-point sum so far.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, Partial};
    /// assert_eq!(FastPartial::<f64>::of(&[2.0], &[3.0]).sum(), 6.0);
    /// ```
    pub fn sum(&self) -> O {
        self.sum
    }
}

impl<O: Real> Partial for FastPartial<O> {
    type Output = O;
    const ACCURACY: Accuracy = Accuracy::Fast;
    const WIRE_MAX: usize = HEADER_LEN + core::mem::size_of::<O>();

    fn new() -> Self {
        FastPartial { sum: O::zero() }
    }

    #[track_caller]
    fn of_strided_on<I: Input<O>>(backend: Backend, x: Strided<'_, I>, y: Strided<'_, I>) -> Self {
        FastPartial {
            sum: I::fast_dot(backend, &x, &y),
        }
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
            let mut sums = [O::zero(); MAX_DOTS];
            let sums = &mut sums[..ys.len()];
            I::fast_many(backend, &x, ys, sums);
            for (o, &sum) in out.iter_mut().zip(sums.iter()) {
                *o = FastPartial { sum };
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        self.sum = self.sum + other.sum;
    }

    fn finish(&self) -> O {
        canonical_nan(self.sum)
    }

    fn scale_pow2(&mut self, k: i32) {
        self.sum = ldexp(self.sum, k);
    }

    fn write_wire(&self, out: &mut [u8]) -> Result<usize, WireError> {
        check_out(out, Self::WIRE_MAX)?;
        write_header::<O>(out, Self::ACCURACY, 0);
        let bytes = self.sum.raw_bits().to_le_bytes();
        out[HEADER_LEN..Self::WIRE_MAX].copy_from_slice(&bytes[..core::mem::size_of::<O>()]);
        Ok(Self::WIRE_MAX)
    }

    fn from_wire_prefix(bytes: &[u8]) -> Result<(Self, usize), WireError> {
        let (flags, payload) = read_header::<O>(bytes, Self::ACCURACY, Self::WIRE_MAX)?;
        let payload = &payload[..Self::WIRE_MAX - HEADER_LEN];
        if flags != 0 {
            return Err(WireError::Invalid("a fast partial has no flags"));
        }
        let mut b = [0u8; 8];
        b[..payload.len()].copy_from_slice(payload);
        let sum = O::from_raw_bits(u64::from_le_bytes(b));
        Ok((FastPartial { sum }, Self::WIRE_MAX))
    }
}
