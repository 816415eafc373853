//! The one description of the type pairs: which input element types give which result type.
//!
//! [`Input<O>`] is implemented for exactly three pairs: `f64` inputs with an `f64` result,
//! `f32` with `f32`, and `f32` inputs accumulated in and returned as `f64` (BLAS `dsdot`).
//! Every generic entry point of pdot — [`crate::dot_as`], [`crate::Partial::of`], the
//! distributed layer — is written once against this trait. [`Precision`] names the same
//! three pairs at run time (a command-line option, a test matrix), and
//! [`Precision::visit`] turns such a name back into the types.

use core::fmt;
use core::str::FromStr;

use crate::compiled::{Compiled, compiled};
use crate::element::{Element, element};
use crate::real::Real;

/// An input element type for dot products with result type `O`: `f64` and `f32` for
/// themselves, and `f32` for `f64` (accumulated in `f64`, like BLAS `dsdot`). Sealed: these
/// three pairs are the ones the kernels are written and tested for.
///
/// ```
/// use pdot_kernels::{dot_as, Accuracy, FastPartial, Input, Partial, Precision, Real};
///
/// // Written once, for every pair:
/// fn squared_norm<O: Real, E: Input<O>>(x: &[E]) -> O {
///     dot_as::<O, E>(Accuracy::Exact, x, x)
/// }
/// let x = [16777216.0f32, 1.0];
/// // f32 inputs, f64 result: the products and the sum are not rounded to f32.
/// assert_eq!(squared_norm::<f64, f32>(&x), 16777216.0f64 * 16777216.0 + 1.0);
/// assert_eq!(squared_norm::<f32, f32>(&x), 16777216.0f32 * 16777216.0);
/// assert_eq!(FastPartial::<f64>::of(&x, &x).finish(), 16777216.0f64 * 16777216.0 + 1.0);
/// assert_eq!(<f32 as Input<f64>>::PRECISION, Precision::F32F64);
/// ```
pub trait Input<O: Real>: Element<O> + Compiled<O> {
    /// The run-time name of this pair.
    const PRECISION: Precision;
}

/// `Input<$o> for $e`, with its supertraits: how the kernels read the pair
/// ([`crate::element`]) and the kernels compiled for it in this crate ([`crate::compiled`]).
macro_rules! input {
    ($e:ty => $o:ty, $precision:expr) => {
        impl Input<$o> for $e {
            const PRECISION: Precision = $precision;
        }
        element!($e => $o);
        compiled!($e => $o);
    };
}

input!(f64 => f64, Precision::F64);
input!(f32 => f32, Precision::F32);
input!(f32 => f64, Precision::F32F64);

/// The run-time name of a type pair of [`Input`]: what a command-line option, a file's
/// dtype or a test matrix selects. [`Precision::visit`] calls generic code with the types.
///
/// ```
/// use pdot_kernels::Precision;
/// assert_eq!("f32-f64".parse::<Precision>()?, Precision::F32F64);
/// assert_eq!(Precision::F32F64.to_string(), "f32-f64");
/// assert_eq!(Precision::ALL.len(), 3);
/// # Ok::<(), pdot_kernels::ParsePrecisionError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    /// `f64` inputs, `f64` result (BLAS `ddot`).
    F64,
    /// `f32` inputs, `f32` result (BLAS `sdot`).
    F32,
    /// `f32` inputs, products and sums in `f64`, `f64` result (BLAS `dsdot`).
    F32F64,
}

/// Generic code to run for the types of a [`Precision`]: see [`Precision::visit`].
///
/// ```
/// use pdot_kernels::{Input, Precision, Real, VisitPrecision};
///
/// struct ResultBytes;
/// impl VisitPrecision for ResultBytes {
///     type Output = usize;
///     fn visit<O: Real, E: Input<O>>(self) -> usize {
///         size_of::<O>()
///     }
/// }
/// assert_eq!(Precision::F32F64.visit(ResultBytes), 8);
/// assert_eq!(Precision::F32.visit(ResultBytes), 4);
/// ```
pub trait VisitPrecision {
    /// What the visit returns.
    type Output;
    /// Runs with the result type `O` and the input element type `E` of the pair.
    fn visit<O: Real, E: Input<O>>(self) -> Self::Output;
}

impl Precision {
    /// Every pair, in the order `f64`, `f32`, `f32-f64`.
    ///
    /// ```
    /// use pdot_kernels::Precision;
    /// assert_eq!(Precision::ALL[0], Precision::F64);
    /// ```
    pub const ALL: [Precision; 3] = [Precision::F64, Precision::F32, Precision::F32F64];

    /// The name used on command lines and in reports: `f64`, `f32`, `f32-f64`.
    ///
    /// ```
    /// assert_eq!(pdot_kernels::Precision::F32.name(), "f32");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
            Precision::F32F64 => "f32-f64",
        }
    }

    /// Calls `visitor.visit::<O, E>()` with the pair's types.
    ///
    /// ```
    /// use pdot_kernels::{dot_as, Accuracy, Input, Precision, Real, VisitPrecision};
    ///
    /// struct OnesDot(usize);
    /// impl VisitPrecision for OnesDot {
    ///     type Output = f64;
    ///     fn visit<O: Real, E: Input<O>>(self) -> f64 {
    ///         let x = vec![E::one(); self.0];
    ///         dot_as::<O, E>(Accuracy::Exact, &x, &x).to_f64().unwrap()
    ///     }
    /// }
    /// for p in Precision::ALL {
    ///     assert_eq!(p.visit(OnesDot(10)), 10.0);
    /// }
    /// ```
    pub fn visit<V: VisitPrecision>(self, visitor: V) -> V::Output {
        match self {
            Precision::F64 => visitor.visit::<f64, f64>(),
            Precision::F32 => visitor.visit::<f32, f32>(),
            Precision::F32F64 => visitor.visit::<f64, f32>(),
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that is not a [`Precision`] name.
///
/// ```
/// let err = "f16".parse::<pdot_kernels::Precision>().unwrap_err();
/// assert!(err.to_string().contains("f16"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsePrecisionError(String);

impl fmt::Display for ParsePrecisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown precision {:?} (expected f64, f32 or f32-f64)",
            self.0
        )
    }
}

impl std::error::Error for ParsePrecisionError {}

impl FromStr for Precision {
    type Err = ParsePrecisionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Precision::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParsePrecisionError(s.to_owned()))
    }
}
