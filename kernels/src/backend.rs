//! Instruction-set backends: detection, the `PDOT_FORCE_ISA` override, and dispatch.

use core::fmt;
use core::str::FromStr;
use std::sync::OnceLock;

use crate::accuracy::Accuracy;
use crate::exact::ExactState;
use crate::input::Input;
use crate::kernel::{self, Ordered};
use crate::real::Real;
use crate::simd::Simd;
use crate::simd::portable::Portable;
#[cfg(target_arch = "x86_64")]
use crate::simd::{avx2::Avx2, avx512::Avx512};
use crate::strided::Strided;

/// An instruction set the kernels are compiled for.
///
/// All of them give bit-identical results; they differ only in speed.
///
/// ```
/// use pdot_kernels::Isa;
/// assert_eq!("avx2".parse::<Isa>()?, Isa::Avx2);
/// assert!(Isa::available().contains(&Isa::Portable));
/// # Ok::<(), pdot_kernels::IsaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Isa {
    /// `wide` vectors, compiled for the build's target features; runs anywhere.
    Portable,
    /// x86_64 AVX2 + FMA, 256-bit vectors.
    Avx2,
    /// x86_64 AVX-512F, 512-bit vectors.
    Avx512,
}

impl Isa {
    /// Every backend this build knows, slowest first.
    ///
    /// ```
    /// use pdot_kernels::Isa;
    /// assert_eq!(Isa::ALL.len(), 3);
    /// ```
    pub const ALL: &'static [Isa] = &[Isa::Portable, Isa::Avx2, Isa::Avx512];

    /// The name used by `PDOT_FORCE_ISA` and in reports.
    ///
    /// ```
    /// use pdot_kernels::Isa;
    /// assert_eq!(Isa::Avx512.name(), "avx512");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// The backends this CPU can run, slowest first (always includes [`Isa::Portable`]).
    ///
    /// ```
    /// use pdot_kernels::Isa;
    /// let isas = Isa::available();
    /// assert_eq!(isas[0], Isa::Portable);
    /// ```
    pub fn available() -> Vec<Isa> {
        Isa::ALL
            .iter()
            .copied()
            .filter(|&isa| Backend::new(isa).is_ok())
            .collect()
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Isa {
    type Err = IsaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Isa::ALL
            .iter()
            .copied()
            .find(|isa| isa.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| IsaError::Unknown(s.to_owned()))
    }
}

/// Why a backend could not be chosen.
///
/// ```
/// use pdot_kernels::{Isa, IsaError};
/// let err = "sse9".parse::<Isa>().unwrap_err();
/// assert!(err.to_string().contains("sse9"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IsaError {
    /// The name is not one of `portable`, `avx2`, `avx512`.
    Unknown(String),
    /// The CPU (or the build's target) lacks the instructions.
    Unavailable(Isa),
}

impl fmt::Display for IsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsaError::Unknown(name) => write!(
                f,
                "unknown instruction set {name:?} (PDOT_FORCE_ISA accepts portable, avx2, avx512)"
            ),
            IsaError::Unavailable(isa) => {
                let have: Vec<&str> = Isa::available().iter().map(|i| i.name()).collect();
                write!(
                    f,
                    "this CPU cannot run the {isa} backend (it can run: {})",
                    have.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for IsaError {}

/// A chosen backend: the proof that its instructions are available, and the entry points.
///
/// The free functions ([`crate::dot`], ...) use [`Backend::active`]. Use a `Backend`
/// directly to compare backends or to pin one.
///
/// ```
/// use pdot_kernels::{Accuracy, Backend, Isa};
///
/// let x = [1.0f64, 2.0, 3.0];
/// let portable = Backend::new(Isa::Portable)?;
/// let best = Backend::detect();
/// assert_eq!(
///     portable.dot(Accuracy::Fast, &x, &x).to_bits(),
///     best.dot(Accuracy::Fast, &x, &x).to_bits()
/// );
/// # Ok::<(), pdot_kernels::IsaError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Backend(Token);

#[derive(Clone, Copy, Debug)]
pub(crate) enum Token {
    Portable(Portable),
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512),
}

/// The environment variable that forces a backend.
pub const FORCE_ISA_VAR: &str = "PDOT_FORCE_ISA";

impl Backend {
    /// The backend `isa`, if this CPU can run it.
    ///
    /// # Errors
    /// [`IsaError::Unavailable`] if the CPU lacks its instructions.
    ///
    /// ```
    /// use pdot_kernels::{Backend, Isa};
    /// assert_eq!(Backend::new(Isa::Portable)?.isa(), Isa::Portable);
    /// # Ok::<(), pdot_kernels::IsaError>(())
    /// ```
    pub fn new(isa: Isa) -> Result<Backend, IsaError> {
        let token = match isa {
            Isa::Portable => Some(Token::Portable(Portable)),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => Avx2::detect().map(Token::Avx2),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => Avx512::detect().map(Token::Avx512),
            #[cfg(not(target_arch = "x86_64"))]
            _ => None,
        };
        token.map(Backend).ok_or(IsaError::Unavailable(isa))
    }

    /// The fastest backend this CPU can run.
    ///
    /// ```
    /// use pdot_kernels::{Backend, Isa};
    /// assert_eq!(Backend::detect().isa(), *Isa::available().last().unwrap());
    /// ```
    pub fn detect() -> Backend {
        Isa::ALL
            .iter()
            .rev()
            .find_map(|&isa| Backend::new(isa).ok())
            .unwrap_or(Backend(Token::Portable(Portable)))
    }

    /// The backend named by `PDOT_FORCE_ISA`, or [`Backend::detect`] if it is unset or empty.
    ///
    /// # Errors
    /// [`IsaError::Unknown`] for a name that is not a backend, [`IsaError::Unavailable`] for
    /// one this CPU cannot run.
    ///
    /// ```
    /// use pdot_kernels::Backend;
    /// // Unset in doctests: the detected backend.
    /// # unsafe { std::env::remove_var("PDOT_FORCE_ISA") };
    /// assert_eq!(Backend::from_env()?.isa(), Backend::detect().isa());
    /// # Ok::<(), pdot_kernels::IsaError>(())
    /// ```
    pub fn from_env() -> Result<Backend, IsaError> {
        match std::env::var(FORCE_ISA_VAR) {
            Ok(name) if !name.trim().is_empty() => Backend::new(name.parse()?),
            _ => Ok(Backend::detect()),
        }
    }

    /// The backend the free functions use, chosen once per process by
    /// [`Backend::from_env`]. If `PDOT_FORCE_ISA` is invalid, a one-line warning naming the
    /// problem goes to standard error and the detected backend is used: call
    /// [`Backend::from_env`] first to turn that case into an error instead.
    ///
    /// ```
    /// use pdot_kernels::Backend;
    /// let isa = Backend::active().isa();
    /// assert_eq!(isa, Backend::active().isa()); // chosen once
    /// ```
    pub fn active() -> Backend {
        static ACTIVE: OnceLock<Backend> = OnceLock::new();
        *ACTIVE.get_or_init(|| {
            Backend::from_env().unwrap_or_else(|err| {
                let fallback = Backend::detect();
                eprintln!(
                    "pdot: ignoring {FORCE_ISA_VAR}: {err}; using {}",
                    fallback.isa()
                );
                fallback
            })
        })
    }

    /// Which instruction set this backend runs.
    ///
    /// ```
    /// use pdot_kernels::{Backend, Isa};
    /// assert_eq!(Backend::new(Isa::Portable)?.isa().name(), "portable");
    /// # Ok::<(), pdot_kernels::IsaError>(())
    /// ```
    pub fn isa(self) -> Isa {
        match self.0 {
            Token::Portable(_) => Isa::Portable,
            #[cfg(target_arch = "x86_64")]
            Token::Avx2(_) => Isa::Avx2,
            #[cfg(target_arch = "x86_64")]
            Token::Avx512(_) => Isa::Avx512,
        }
    }

    /// [`crate::dot_with`] on this backend.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// assert_eq!(Backend::detect().dot(Accuracy::Fast, &[2.0f32], &[3.0]), 6.0);
    /// ```
    #[track_caller]
    pub fn dot<T: Input<T>>(self, accuracy: Accuracy, x: &[T], y: &[T]) -> T {
        self.dot_strided_as(accuracy, x.into(), y.into())
    }

    /// [`crate::dot_strided`] on this backend.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend, Strided};
    /// let x = Strided::new(&[1.0f64, 9.0, 2.0], 2, 2)?;
    /// assert_eq!(Backend::detect().dot_strided(Accuracy::Fast, x, x), 5.0);
    /// # Ok::<(), pdot_kernels::StrideError>(())
    /// ```
    #[track_caller]
    pub fn dot_strided<T: Input<T>>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, T>,
        y: Strided<'_, T>,
    ) -> T {
        self.dot_strided_as(accuracy, x, y)
    }

    /// [`crate::dsdot_strided`] on this backend: `f32` inputs accumulated in `f64`, the same
    /// as [`Backend::dot_strided_as::<f64, f32>`](Backend::dot_strided_as).
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// let x = [16777216.0f32, 1.0];
    /// let r = Backend::detect().dsdot_strided(Accuracy::Fast, x[..].into(), x[..].into());
    /// assert_eq!(r, 16777216.0f64 * 16777216.0 + 1.0);
    /// ```
    #[track_caller]
    pub fn dsdot_strided(
        self,
        accuracy: Accuracy,
        x: Strided<'_, f32>,
        y: Strided<'_, f32>,
    ) -> f64 {
        self.dot_strided_as(accuracy, x, y)
    }

    /// [`crate::dot_strided_as`] on this backend: inputs `E`, result `O`, for every pair of
    /// [`Input`].
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    ///
    /// ```
    /// use pdot_kernels::{Accuracy, Backend};
    /// let x = [16777216.0f32, 1.0];
    /// let r = Backend::detect().dot_strided_as::<f64, f32>(Accuracy::Fast, x[..].into(), x[..].into());
    /// assert_eq!(r, 16777216.0f64 * 16777216.0 + 1.0);
    /// ```
    #[track_caller]
    pub fn dot_strided_as<O: Real, E: Input<O>>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, E>,
        y: Strided<'_, E>,
    ) -> O {
        crate::check_lengths(x.len(), y.len());
        E::dot_on(self, accuracy, x, y)
    }

    #[inline]
    pub(crate) fn run<E: Flavor<A>, A: Real>(
        self,
        accuracy: Accuracy,
        x: Strided<'_, E>,
        y: Strided<'_, E>,
    ) -> A {
        match accuracy {
            Accuracy::Fast => E::ordered(self.0, Ordered::Fast, x, y).0,
            Accuracy::Compensated => E::ordered(self.0, Ordered::Compensated, x, y).0,
            Accuracy::Exact => self.exact(x, y).finish::<A>(),
        }
    }

    /// `x · y` at an ordered level, as `(hi, lo)` (see [`kernel::dot`]).
    #[inline]
    pub(crate) fn ordered<E: Flavor<A>, A: Real>(
        self,
        level: Ordered,
        x: Strided<'_, E>,
        y: Strided<'_, E>,
    ) -> (A, A) {
        E::ordered(self.0, level, x, y)
    }

    /// The exact state of `x · y`.
    #[inline]
    pub(crate) fn exact<E: ExactInput>(self, x: Strided<'_, E>, y: Strided<'_, E>) -> ExactState {
        let mut state = ExactState::new();
        E::exact(self.0, x, y, &mut state);
        state
    }
}

/// `$body` with `$s` bound to the backend token `$token` holds (one match for every
/// entry point).
macro_rules! with_backend {
    ($token:expr, |$s:ident| $body:expr) => {
        match $token {
            Token::Portable($s) => $body,
            #[cfg(target_arch = "x86_64")]
            Token::Avx2($s) => $body,
            #[cfg(target_arch = "x86_64")]
            Token::Avx512($s) => $body,
        }
    };
}

/// The ordered kernel for elements `E` accumulated in `A`, on `token`'s backend.
macro_rules! on_backend {
    ($token:expr, $level:expr, $x:expr, $y:expr) => {
        with_backend!($token, |s| kernel::dot(s, $level, $x, $y))
    };
}

/// Element types the exact kernel takes (every backend implements it for them).
pub(crate) trait ExactInput: Real {
    fn exact(token: Token, x: Strided<'_, Self>, y: Strided<'_, Self>, state: &mut ExactState);
}

macro_rules! exact_input {
    ($e:ty) => {
        impl ExactInput for $e {
            #[inline]
            fn exact(token: Token, x: Strided<'_, $e>, y: Strided<'_, $e>, state: &mut ExactState) {
                // SAFETY: the public entry points check x.len() == y.len().
                unsafe { with_backend!(token, |s| s.exact(x, y, state)) }
            }
        }
    };
}
exact_input!(f64);
exact_input!(f32);

/// An (input, accumulator) element pair that every backend implements.
pub(crate) trait Flavor<A>: ExactInput {
    fn ordered(token: Token, level: Ordered, x: Strided<'_, Self>, y: Strided<'_, Self>) -> (A, A);
}

impl Flavor<f64> for f64 {
    #[inline]
    fn ordered(
        token: Token,
        level: Ordered,
        x: Strided<'_, f64>,
        y: Strided<'_, f64>,
    ) -> (f64, f64) {
        on_backend!(token, level, x, y)
    }
}

impl Flavor<f64> for f32 {
    #[inline]
    fn ordered(
        token: Token,
        level: Ordered,
        x: Strided<'_, f32>,
        y: Strided<'_, f32>,
    ) -> (f64, f64) {
        on_backend!(token, level, x, y)
    }
}

impl Flavor<f32> for f32 {
    #[inline]
    fn ordered(
        token: Token,
        level: Ordered,
        x: Strided<'_, f32>,
        y: Strided<'_, f32>,
    ) -> (f32, f32) {
        match level {
            // Twice the working precision, literally: products of f32 are exact in f64, the
            // f64 FMA accumulation errs by at most about n * 2^-53 * |x|.|y|, and one rounding
            // to f32 adds u * |x.y|: within Dot2's bound u*|x.y| + gamma_n^2 * |x|.|y| for
            // every n, cheaper than Dot2 in f32, and free of TwoSum's inf - inf.
            Ordered::Compensated => {
                let r = <f32 as Flavor<f64>>::ordered(token, Ordered::Fast, x, y).0 as f32;
                (kernel::canonical_nan(r), 0.0)
            }
            Ordered::Fast => on_backend!(token, level, x, y),
        }
    }
}
