//! The partial of Accuracy::Exact.

use core::marker::PhantomData;

use super::exact_from_form::{add_form, superacc_of};
use super::exact_wire::{HEAD, MAX_LEN, parse, write_digits};
use super::state::Partial;
use super::wire::WireError;
use super::wire::{check_out, read_header, write_header};
use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::exact::ExactState;
use crate::exact::state::{ALL_FLAGS, NAN, NEG_INF, NONEMPTY, NOT_NEG_ZERO, POS_INF};
use crate::exact::superacc::BIAS;
use crate::input::Input;
use crate::kernel::MAX_DOTS;
use crate::mdot::check_many;
use crate::real::Real;
use crate::strided::Strided;

/// The state of an [`Accuracy::Exact`] dot product: the exact sum of the products so far
/// (a fixed-point superaccumulator spanning the whole range of products of `f64`), and what
/// special products (NaN, infinities, signed zeros) were seen.
///
/// Merging is exact: associative and commutative. Any split of the elements into pieces,
/// merged in any order and bracketing, in any permutation, finishes to the same bits as
/// [`Accuracy::Exact`] on the whole — the correctly rounded dot product. The wire form
/// holds only the digits of the sum between its lowest nonzero one and its sign extension
/// (16 to 32 bytes for sums of a few products of similar magnitude, 548 at most for any dot
/// product),
/// and is the same for equal states.
///
/// ```
/// use pdot_kernels::{ExactPartial, Partial};
///
/// // Products that overflow f64 and cancel exactly.
/// let x = [1e200, 1e200, 3.0];
/// let y = [1e200, -1e200, 0.5];
/// let mut a = ExactPartial::<f64>::of(&x[..1], &y[..1]);
/// let b = ExactPartial::<f64>::of(&x[1..], &y[1..]);
/// let mut c = b.clone();
/// a.merge(&b);
/// c.merge(&ExactPartial::of(&x[..1], &y[..1]));
/// assert_eq!(a, c);
/// assert_eq!(a.finish(), 1.5);
/// ```
#[derive(Clone, Debug)]
pub struct ExactPartial<O: Real> {
    state: ExactState,
    output: PhantomData<O>,
}

impl<O: Real> ExactPartial<O> {
    pub(crate) fn from_state(state: ExactState) -> Self {
        ExactPartial {
            state,
            output: PhantomData,
        }
    }

    /// Merges the partial whose wire form starts `bytes` into this one, without building
    /// it: its digits are added to this accumulator where they stand. The same state as
    /// `self.merge(&ExactPartial::from_wire_prefix(bytes)?.0)`, and the same errors (this
    /// partial is then unchanged); returns the length of the form read.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, Partial};
    ///
    /// let mut a = ExactPartial::<f64>::of(&[1e300, 3.0], &[1e-300, 0.5]);
    /// let b = ExactPartial::<f64>::of(&[-2.0], &[0.25]);
    /// let mut bytes = b.to_wire();
    /// bytes.push(7); // what follows the form is not read
    /// let mut want = a.clone();
    /// want.merge(&b);
    /// assert_eq!(a.merge_wire_prefix(&bytes), Ok(bytes.len() - 1));
    /// assert_eq!(a, want);
    /// assert!(a.merge_wire_prefix(&bytes[..4]).is_err());
    /// assert_eq!(a, want);
    /// ```
    pub fn merge_wire_prefix(&mut self, bytes: &[u8]) -> Result<usize, WireError> {
        let (flags, _) = read_header::<O>(bytes, Self::ACCURACY, HEAD)?;
        let form = parse(bytes)?;
        validate::<O>(flags, form.lowest())?;
        add_form(&mut self.state.acc, &form);
        self.state.flags |= flags;
        Ok(form.len())
    }
}

impl<O: Real> PartialEq for ExactPartial<O> {
    /// Equal values and equal special-product flags (whatever the carries pending).
    fn eq(&self, other: &Self) -> bool {
        self.state.flags == other.state.flags && self.state.acc.digits() == other.state.acc.digits()
    }
}

impl<O: Real> Partial for ExactPartial<O> {
    type Output = O;
    const ACCURACY: Accuracy = Accuracy::Exact;
    const WIRE_MAX: usize = MAX_LEN;

    fn new() -> Self {
        Self::from_state(ExactState::new())
    }

    #[track_caller]
    fn of_strided_on<I: Input<O>>(backend: Backend, x: Strided<'_, I>, y: Strided<'_, I>) -> Self {
        Self::from_state(I::exact_state(backend, &x, &y))
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
            let mut states: [ExactState; MAX_DOTS] = core::array::from_fn(|_| ExactState::new());
            let states = &mut states[..ys.len()];
            I::exact_many(backend, &x, ys, states);
            for (o, state) in out.iter_mut().zip(states.iter_mut()) {
                *o = Self::from_state(core::mem::take(state));
            }
        }
    }

    fn merge(&mut self, other: &Self) {
        self.state.merge(&other.state);
    }

    fn finish(&self) -> O {
        self.state.finish::<O>()
    }

    fn scale_pow2(&mut self, k: i32) {
        self.state.acc = self.state.acc.shifted(k);
    }

    fn sqrt_finish(&self) -> O {
        self.state.finish_sqrt::<O>()
    }

    #[inline]
    fn write_wire(&self, out: &mut [u8]) -> Result<usize, WireError> {
        check_out(out, Self::WIRE_MAX)?;
        write_header::<O>(out, Self::ACCURACY, self.state.flags);
        Ok(write_digits(&self.state.acc.digits(), out))
    }

    #[inline]
    fn from_wire_prefix(bytes: &[u8]) -> Result<(Self, usize), WireError> {
        let (flags, _) = read_header::<O>(bytes, Self::ACCURACY, HEAD)?;
        let form = parse(bytes)?;
        validate::<O>(flags, form.lowest())?;
        let state = ExactState {
            acc: superacc_of(&form),
            flags,
        };
        Ok((Self::from_state(state), form.len()))
    }
}

/// Rejects states no dot product (of inputs whose products fit the accumulator) produces,
/// from the flags and the lowest nonzero digit (index and value; `None` for a zero sum).
fn validate<O: Real>(flags: u8, lowest: Option<(usize, u32)>) -> Result<(), WireError> {
    if flags & !ALL_FLAGS != 0 {
        return Err(WireError::Invalid("unknown flag bits"));
    }
    // The range (the top two digits are sign extension) and the canonical form are checked
    // by `parse`.
    if lowest.is_some() && flags & NOT_NEG_ZERO == 0 {
        return Err(WireError::Invalid(
            "a nonzero sum of products that are all zero",
        ));
    }
    if flags != 0 && flags & NONEMPTY == 0 {
        return Err(WireError::Invalid("products recorded in an empty sum"));
    }
    if flags & (NAN | POS_INF | NEG_INF) != 0 && flags & NOT_NEG_ZERO == 0 {
        return Err(WireError::Invalid(
            "a NaN or infinite product recorded among products that are all zero",
        ));
    }
    if O::PRODUCT_EXACT_IN_F64 {
        // Products of f32 are multiples of 2^-298 (2^-149 squared).
        let smallest = (BIAS - 298) as usize;
        let (whole, bits) = (smallest / 32, smallest % 32);
        let below = match lowest {
            Some((at, digit)) => at < whole || at == whole && digit & ((1 << bits) - 1) != 0,
            None => false,
        };
        if below {
            return Err(WireError::Invalid(
                "bits below the smallest product of f32 values",
            ));
        }
    }
    Ok(())
}
