//! How the inputs of a type pair enter the SIMD registers: the part of a type pair that the
//! kernels use.
//!
//! [`Element<O>`] is a supertrait of [`Input<O>`](crate::Input), implemented by the same
//! macro for the same three pairs. The kernels are written against it, not against `Input`,
//! because `Input` also has the kernels' compiled instances as a supertrait
//! ([`crate::compiled`]): the kernels naming `Input` would make a circle. Public (a
//! supertrait must be) in a private module: nothing outside the crate can name it.

use crate::real::Real;
use crate::simd::{Flags, Load, Simd};

/// Inputs `Self` of dot products with result type `O`, as the kernels read them.
pub trait Element<O: Real>: Real {
    /// Backend `S` as loads of `Self` into vectors of `O`: what the Fast kernel reads
    /// (every backend implements every pair; this names the one of the pair).
    type Lanes<S: Simd>: Load<Self, O>;

    /// `s` as `Lanes`.
    fn lanes<S: Simd>(s: S) -> Self::Lanes<S>;

    /// Backend `S` as loads of `Self` into vectors of `f64`: what the Compensated and Exact
    /// kernels read.
    type Wide<S: Simd>: Load<Self, f64> + Flags;

    /// `s` as `Wide`.
    fn wide<S: Simd>(s: S) -> Self::Wide<S>;
}

/// `impl Element<$o> for $e`: the backend token itself is the loads of every pair. Invoked
/// by `Input`'s macro, once per type pair.
macro_rules! element {
    ($e:ty => $o:ty) => {
        impl $crate::element::Element<$o> for $e {
            type Lanes<S: $crate::simd::Simd> = S;
            #[inline(always)]
            fn lanes<S: $crate::simd::Simd>(s: S) -> S {
                s
            }
            type Wide<S: $crate::simd::Simd> = S;
            #[inline(always)]
            fn wide<S: $crate::simd::Simd>(s: S) -> S {
                s
            }
        }
    };
}

pub(crate) use element;
