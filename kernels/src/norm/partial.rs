//! [`NormPartial`]: the mergeable state of a Euclidean norm.

use num_traits::{Float as _, Zero as _};

use crate::accuracy::Accuracy;
use crate::backend::Backend;
use crate::input::Input;
use crate::partial::Partial;
use crate::pow2::{exponent, ldexp};
use crate::real::Real;
use crate::strided::Strided;

use super::rescale::second_pass;

/// The state of a Euclidean norm `‖x‖₂ = √(Σ x_i²)` over part of the elements, at the
/// accuracy level of the partial `P` ([`FastPartial`](crate::FastPartial),
/// [`CompensatedPartial`](crate::CompensatedPartial), [`ExactPartial`](crate::ExactPartial)):
/// a power-of-two scale `2^k` and the partial of the squares of the elements divided by
/// `2^k`, so that the state stands for `Σ x_i² = s · 4^k` and the norm is `√s · 2^k`.
///
/// What [`crate::nrm2_as`] computes is this state of the whole vector, finished; the
/// distributed layer reduces the states of the ranks' pieces with [`NormPartial::merge`].
///
/// **Fast and Compensated.** [`NormPartial::of`] makes one kernel pass, `s` = the level's
/// `x · x`, with `k = 0`. Only when `s` (rounded to the result type) is not finite, or below
/// `2^(emin + 2p)` (`2^-916` for `f64`, `2^-78` for `f32`), where the sum of squares may have
/// overflowed or lost precision in the subnormal range, a second pass finds the largest
/// magnitude `m`: an infinity among the elements makes the norm +inf (even beside a NaN, as
/// `hypot`), a NaN makes it NaN, and otherwise `k` is the exponent of `m` and `s` the
/// level's sum of the squares of `x_i / 2^k` (each rounded once), computed in fixed chunks
/// of 512 logical elements merged in order, which neither overflows nor underflows where
/// the norm is representable. Merging brings both states to the larger scale (one rounding
/// of the other's squares) and, if their sum overflows, to a larger one. Every step is a
/// function of the logical elements only: the same bits on every run, backend and kind of
/// view; the result of the common case is the correctly rounded square root of the level's
/// `x · x`.
///
/// **Exact.** The scale is always 0 and the state is the exact sum of squares
/// ([`ExactPartial`](crate::ExactPartial), which holds every square exactly, from 2^-2148
/// up); [`NormPartial::finish`] rounds its square root once: the correctly rounded norm,
/// for any split, merge order and backend, never overflowing or underflowing where the
/// norm is representable.
///
/// ```
/// use pdot_kernels::{ExactPartial, FastPartial, NormPartial};
///
/// let big = 2f64.powi(600);
/// let x = [3.0 * big, 4.0 * big]; // squares beyond the f64 range
/// // Exact: the correctly rounded norm, for any split.
/// let mut a = NormPartial::<ExactPartial<f64>>::of(&x[..1]);
/// a.merge(&NormPartial::of(&x[1..]));
/// assert_eq!(a.finish(), 5.0 * big);
/// // Fast: the squares overflow f64, so the state is scaled.
/// let f = NormPartial::<FastPartial<f64>>::of(&x);
/// assert_eq!(f.scale(), 602);
/// assert_eq!(f.finish(), 5.0 * big);
/// // Over the wire.
/// assert_eq!(NormPartial::<FastPartial<f64>>::from_wire(&f.to_wire())?, f);
/// # Ok::<(), pdot_kernels::WireError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NormPartial<P: Partial> {
    /// `k`: the squares are of the elements divided by `2^k`.
    pub(super) scale: i32,
    /// The partial of the scaled squares.
    pub(super) squares: P,
}

/// What a state's norm is, as far as merging goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Finite,
    Nan,
    Inf,
}

impl<P: Partial> Default for NormPartial<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Partial> NormPartial<P> {
    /// The state of the norm of no elements (its norm is 0).
    ///
    /// ```
    /// use pdot_kernels::{CompensatedPartial, NormPartial};
    /// assert_eq!(NormPartial::<CompensatedPartial<f32>>::new().finish(), 0.0);
    /// ```
    pub fn new() -> Self {
        NormPartial {
            scale: 0,
            squares: P::new(),
        }
    }

    /// The state of `‖x‖₂` on the backend the free functions use.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial};
    /// assert_eq!(NormPartial::<FastPartial<f64>>::of(&[3.0f64, 4.0]).finish(), 5.0);
    /// // f32 inputs, squares summed in f64.
    /// assert_eq!(NormPartial::<FastPartial<f64>>::of(&[3.0f32, 4.0]).finish(), 5.0);
    /// ```
    pub fn of<I: Input<P::Output>>(x: &[I]) -> Self {
        Self::of_strided_on(Backend::active(), x.into())
    }

    /// The state of the norm of a strided view, on the backend the free functions use.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, NormPartial, Strided};
    /// let data = [3.0f32, 9.0, 4.0];
    /// let x = Strided::new(&data, 2, -2)?; // 4, 3
    /// assert_eq!(NormPartial::<ExactPartial<f32>>::of_strided(x).finish(), 5.0);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    pub fn of_strided<I: Input<P::Output>>(x: Strided<'_, I>) -> Self {
        Self::of_strided_on(Backend::active(), x)
    }

    /// The state of the norm of a strided view, on `backend` (the same bits on every one).
    ///
    /// ```
    /// use pdot_kernels::{Backend, FastPartial, Isa, NormPartial};
    /// let x = [1e-300f64; 4]; // squares below the f64 range: a rescaled state
    /// let p = NormPartial::<FastPartial<f64>>::of_strided_on(Backend::new(Isa::Portable)?, x[..].into());
    /// assert_eq!(p, NormPartial::of(&x));
    /// assert_eq!(p.finish(), 2e-300);
    /// # Ok::<(), pdot_kernels::IsaError>(())
    /// ```
    pub fn of_strided_on<I: Input<P::Output>>(backend: Backend, x: Strided<'_, I>) -> Self {
        let squares = P::of_strided_on(backend, x, x);
        if P::ACCURACY == Accuracy::Exact || in_range(squares.finish()) {
            return NormPartial { scale: 0, squares };
        }
        let (scale, squares) = second_pass(backend, x, squares);
        NormPartial { scale, squares }
    }

    /// A state from its parts (for the wire form).
    pub(super) fn from_parts(scale: i32, squares: P) -> Self {
        NormPartial { scale, squares }
    }

    /// The scale exponent `k`: the squares are of the elements divided by `2^k` (0 in the
    /// common case, and always at [`Accuracy::Exact`]).
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial};
    /// assert_eq!(NormPartial::<FastPartial<f64>>::of(&[1.0f64, 2.0]).scale(), 0);
    /// assert_eq!(NormPartial::<FastPartial<f64>>::of(&[1e300f64]).scale(), 996);
    /// ```
    pub fn scale(&self) -> i32 {
        self.scale
    }

    /// The partial of the scaled squares.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial, Partial};
    /// let p = NormPartial::<FastPartial<f64>>::of(&[3.0f64, 4.0]);
    /// assert_eq!(p.squares().finish(), 25.0);
    /// ```
    pub fn squares(&self) -> &P {
        &self.squares
    }

    /// Adds the elements of `other` to `self` (for Fast and Compensated the result depends
    /// on the order, which the caller fixes; for Exact it does not).
    ///
    /// An infinite norm on either side gives +inf, else a NaN gives NaN; otherwise the
    /// state of the smaller scale is brought to the larger one, and both to a larger one
    /// still if the sum of the squares would overflow.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial};
    /// let mut a = NormPartial::<FastPartial<f64>>::of(&[1e-300f64]);
    /// a.merge(&NormPartial::of(&[1e300f64]));
    /// assert_eq!(a.finish(), 1e300);
    /// let mut b = NormPartial::<FastPartial<f64>>::of(&[f64::NAN]);
    /// b.merge(&NormPartial::of(&[f64::NEG_INFINITY]));
    /// assert_eq!(b.finish(), f64::INFINITY);
    /// ```
    pub fn merge(&mut self, other: &Self) {
        if P::ACCURACY == Accuracy::Exact {
            // Scale 0 on both sides; the exact state keeps the special squares itself.
            self.squares.merge(&other.squares);
            return;
        }
        match (self.class(), other.class()) {
            (Class::Inf, _) => {}
            (_, Class::Inf) => *self = other.clone(),
            (Class::Nan, _) => {}
            (_, Class::Nan) => *self = other.clone(),
            _ => self.merge_finite(other),
        }
    }

    /// The norm, rounded to the result type: `√s · 2^k` (the square root rounded once; the
    /// scaling exact unless the norm is subnormal). At [`Accuracy::Exact`], the correctly
    /// rounded norm.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, NormPartial};
    /// // Squares far below the smallest subnormal, a norm that is not.
    /// let tiny = 2f64.powi(-700);
    /// let x = [3.0 * tiny, 4.0 * tiny];
    /// assert_eq!(NormPartial::<ExactPartial<f64>>::of(&x).finish(), 5.0 * tiny);
    /// ```
    pub fn finish(&self) -> P::Output {
        let root = self.squares.sqrt_finish();
        if self.scale == 0 {
            root
        } else {
            ldexp(root, self.scale)
        }
    }

    fn class(&self) -> Class {
        let s = self.squares.finish();
        if s.is_nan() {
            Class::Nan
        } else if s.is_infinite() {
            Class::Inf
        } else {
            Class::Finite
        }
    }

    /// [`NormPartial::merge`] of two states of finite norms.
    fn merge_finite(&mut self, other: &Self) {
        let zero = P::Output::zero();
        if other.squares.finish() == zero {
            return;
        }
        if self.squares.finish() == zero {
            // A zero state must not pull the other to its scale (its squares could vanish).
            *self = other.clone();
            return;
        }
        let scale = self.scale.max(other.scale);
        let mut right = other.clone();
        self.rescale_to(scale);
        right.rescale_to(scale);
        let mut sum = self.squares.clone();
        sum.merge(&right.squares);
        if sum.finish().is_infinite() {
            // Scale both so that the larger square sum is below 1: t >= 1, as it is near
            // the top of the range; their sum is then below 2.
            let big = self.squares.finish().max(right.squares.finish());
            let t = exponent(big) / 2 + 1;
            self.squares.scale_pow2(-2 * t);
            right.squares.scale_pow2(-2 * t);
            sum = self.squares.clone();
            sum.merge(&right.squares);
            self.scale = scale.saturating_add(t);
        } else {
            self.scale = scale;
        }
        self.squares = sum;
    }

    /// Brings the state to the scale `k >= self.scale`: the squares times `4^(scale - k)`.
    fn rescale_to(&mut self, k: i32) {
        if k != self.scale {
            let d = i64::from(self.scale) - i64::from(k);
            let shift = (2 * d).clamp(-1 << 20, 0) as i32;
            self.squares.scale_pow2(shift);
            self.scale = k;
        }
    }
}

/// Whether a sum of squares `s` (rounded to the result type) is in the range where one
/// pass is enough: finite and at least `2^(emin + 2p)`.
fn in_range<O: Real>(s: O) -> bool {
    let emin = 2 - (1i32 << (O::EXPONENT_BITS - 1));
    s.is_finite() && s >= ldexp(O::one(), emin + 2 * O::PRECISION as i32)
}
