//! Instruction-set backends: detection, the `PDOT_FORCE_ISA` override, and the one match
//! that runs a kernel on the chosen backend.

use core::fmt;
use core::str::FromStr;
use std::sync::OnceLock;

use crate::simd::portable::Portable;
use crate::simd::{Kernel, Simd};
#[cfg(target_arch = "x86_64")]
use crate::simd::{avx2::Avx2, avx512::Avx512};

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
    /// [`Backend::from_env`]. If `PDOT_FORCE_ISA` is invalid, the detected backend is used
    /// and nothing is printed: [`Backend::active_override_error`] then says why the override
    /// was ignored (or call [`Backend::from_env`] first to turn that case into an error).
    ///
    /// ```
    /// use pdot_kernels::Backend;
    /// let isa = Backend::active().isa();
    /// assert_eq!(isa, Backend::active().isa()); // chosen once
    /// ```
    pub fn active() -> Backend {
        active_choice().0
    }

    /// Why [`Backend::active`] ignored `PDOT_FORCE_ISA`, if it did: the variable named an
    /// unknown or unavailable backend when the active one was chosen (once per process), and
    /// the detected backend is used instead. `None` if the variable was unset, empty or
    /// honoured. A program that wants to report the problem (the library prints nothing)
    /// checks this once at start-up.
    ///
    /// ```
    /// use pdot_kernels::{Backend, FORCE_ISA_VAR};
    /// // A program reports an ignored override once, at start-up:
    /// if let Some(err) = Backend::active_override_error() {
    ///     eprintln!("ignoring {FORCE_ISA_VAR}: {err}; using {}", Backend::active().isa());
    /// }
    /// // `Some` exactly when the variable cannot be honoured.
    /// assert_eq!(Backend::active_override_error().is_some(), Backend::from_env().is_err());
    /// ```
    pub fn active_override_error() -> Option<&'static IsaError> {
        active_choice().1.as_ref()
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

    /// `kernel.run(s)` with this backend's token `s`, compiled with its instructions: the one
    /// match over the backends, for every kernel.
    #[inline]
    pub(crate) fn vectorize<K: Kernel>(self, kernel: K) -> K::Output {
        match self.0 {
            Token::Portable(s) => s.vectorize(kernel),
            #[cfg(target_arch = "x86_64")]
            Token::Avx2(s) => s.vectorize(kernel),
            #[cfg(target_arch = "x86_64")]
            Token::Avx512(s) => s.vectorize(kernel),
        }
    }
}

/// The active backend and, if `PDOT_FORCE_ISA` was ignored, why: chosen on first use.
fn active_choice() -> &'static (Backend, Option<IsaError>) {
    static ACTIVE: OnceLock<(Backend, Option<IsaError>)> = OnceLock::new();
    ACTIVE.get_or_init(|| match Backend::from_env() {
        Ok(backend) => (backend, None),
        Err(err) => (Backend::detect(), Some(err)),
    })
}
