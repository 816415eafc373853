//! The second pass of a norm ([`super::NormPartial`]) whose sum of squares left the range
//! of one pass: the largest magnitude, then the squares of the elements scaled by a power
//! of two.

use crate::backend::Backend;
use crate::input::Input;
use crate::partial::Partial;
use crate::pow2::{exponent, ldexp};
use crate::strided::Strided;

/// Logical elements per chunk of the scaled pass: copied, scaled, into a stack buffer (a
/// multiple of every lane count).
const CHUNK: usize = 512;

/// The scale and squares of `‖x‖₂` when one pass gave `first`, a sum of squares that is not finite or
/// is too small to be accurate: +inf if an element is infinite, `first` (NaN) if one is
/// NaN, `first` (zero) if all are zero; otherwise, with `2^k <= max |x_i| < 2^(k+1)`, scale
/// `k` and the level's sum of `(x_i / 2^k)²` (each quotient rounded once), over chunks of
/// [`CHUNK`] logical elements merged in order: a function of the logical elements only.
pub(crate) fn second_pass<P: Partial, I: Input<P::Output>>(
    backend: Backend,
    x: Strided<'_, I>,
    first: P,
) -> (i32, P) {
    let (mut max, mut inf, mut nan) = (0.0f64, false, false);
    for v in x.iter() {
        let a = v.widen().abs();
        if a.is_nan() {
            nan = true;
        } else if a == f64::INFINITY {
            inf = true;
        } else if a > max {
            max = a;
        }
    }
    if inf {
        let inf = [I::infinity()];
        return (0, P::of_strided_on(backend, inf[..].into(), inf[..].into()));
    }
    if nan || max == 0.0 {
        return (0, first);
    }
    let k = exponent(max);
    let mut squares = P::new();
    let mut buf = [I::zero(); CHUNK];
    let mut elements = x.iter();
    loop {
        let mut len = 0;
        for (slot, v) in buf.iter_mut().zip(&mut elements) {
            *slot = ldexp(v, -k);
            len += 1;
        }
        if len == 0 {
            break;
        }
        let chunk: Strided<'_, I> = buf[..len].into();
        squares.merge(&P::of_strided_on(backend, chunk, chunk));
        if len < CHUNK {
            break;
        }
    }
    (k, squares)
}
