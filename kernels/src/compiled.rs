//! The kernels compiled once, in this crate, for each of the three type pairs.
//!
//! Every dot product of pdot — a value, a partial, a multi-dot, a norm, at every accuracy —
//! ends in one of seven kernels run through [`Backend::vectorize`]: its whole loop, for all
//! three backends, compiled inside each backend's `#[target_feature]` function. Called from
//! generic code, such a kernel would be compiled anew in every crate that instantiates that
//! code with concrete types: the `pdot` command, each test binary and example of pdot-mpi,
//! the C library, the Python extension — the same machine code, compiled a dozen times per
//! build (in an optimised build, Rust does not share generic instances across crates).
//!
//! [`Compiled`] is a supertrait of [`Input`](crate::Input), implemented for the three pairs
//! by `Input`'s own macro, with methods that are not generic: they are compiled here,
//! once, and downstream crates call them. The generic entry points ([`Backend::dot`],
//! [`Partial::of`](crate::Partial::of), [`crate::mdot()`], ...) reach the kernels only through
//! them. The trait is public (a supertrait must be), but its module is private: it cannot be
//! named, implemented or called outside this crate.

use crate::backend::Backend;
use crate::exact::ExactState;
use crate::real::Real;
use crate::strided::Strided;

/// The seven kernel runs of inputs `Self` with result type `O`, compiled in pdot-kernels (see
/// the module docs). Each method panics on the same bad lengths as the kernel it runs, with
/// the caller's location.
pub trait Compiled<O: Real>: Sized {
    /// `x · y` at `Accuracy::Fast`.
    fn fast_dot(backend: Backend, x: &Strided<'_, Self>, y: &Strided<'_, Self>) -> O;

    /// `x · y` at `Accuracy::Compensated`, unrounded: `(hi, lo)`.
    fn compensated_dot(
        backend: Backend,
        x: &Strided<'_, Self>,
        y: &Strided<'_, Self>,
    ) -> (f64, f64);

    /// The correctly rounded `x · y`.
    fn exact_dot(backend: Backend, x: &Strided<'_, Self>, y: &Strided<'_, Self>) -> O;

    /// The exact state of `x · y`.
    fn exact_state(backend: Backend, x: &Strided<'_, Self>, y: &Strided<'_, Self>) -> ExactState;

    /// `out[j] = x · ys[j]` at `Accuracy::Fast`, for up to `MAX_DOTS` dots.
    fn fast_many(backend: Backend, x: &Strided<'_, Self>, ys: &[Strided<'_, Self>], out: &mut [O]);

    /// `out[j] = x · ys[j]` at `Accuracy::Compensated`, unrounded, for up to `MAX_DOTS` dots.
    fn compensated_many(
        backend: Backend,
        x: &Strided<'_, Self>,
        ys: &[Strided<'_, Self>],
        out: &mut [(f64, f64)],
    );

    /// `out[j] += x · ys[j]` exactly, for up to `MAX_DOTS` dots.
    fn exact_many(
        backend: Backend,
        x: &Strided<'_, Self>,
        ys: &[Strided<'_, Self>],
        out: &mut [ExactState],
    );
}

/// `impl Compiled<$o> for $e`: invoked by `Input`'s macro, once per type pair. The methods
/// are `#[inline(never)]`: inlined into a caller in another crate, they would be compiled
/// there again.
macro_rules! compiled {
    ($e:ty => $o:ty) => {
        impl $crate::compiled::Compiled<$o> for $e {
            #[track_caller]
            #[inline(never)]
            fn fast_dot(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                y: &$crate::strided::Strided<'_, $e>,
            ) -> $o {
                backend.vectorize($crate::kernel::FastDot::<$o, $e>::new(x, y))
            }

            #[track_caller]
            #[inline(never)]
            fn compensated_dot(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                y: &$crate::strided::Strided<'_, $e>,
            ) -> (f64, f64) {
                backend.vectorize($crate::kernel::CompensatedDot::<$o, $e>::new(x, y))
            }

            #[track_caller]
            #[inline(never)]
            fn exact_dot(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                y: &$crate::strided::Strided<'_, $e>,
            ) -> $o {
                backend.vectorize($crate::kernel::ExactDotValue::<$o, $e>::new(x, y))
            }

            #[track_caller]
            #[inline(never)]
            fn exact_state(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                y: &$crate::strided::Strided<'_, $e>,
            ) -> $crate::exact::ExactState {
                backend.vectorize($crate::kernel::ExactDot::<$o, $e>::new(x, y))
            }

            #[track_caller]
            #[inline(never)]
            fn fast_many(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                ys: &[$crate::strided::Strided<'_, $e>],
                out: &mut [$o],
            ) {
                backend.vectorize($crate::kernel::FastMany::<$o, $e>::new(x, ys, out))
            }

            #[track_caller]
            #[inline(never)]
            fn compensated_many(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                ys: &[$crate::strided::Strided<'_, $e>],
                out: &mut [(f64, f64)],
            ) {
                backend.vectorize($crate::kernel::CompensatedMany::<$o, $e>::new(x, ys, out))
            }

            #[track_caller]
            #[inline(never)]
            fn exact_many(
                backend: $crate::backend::Backend,
                x: &$crate::strided::Strided<'_, $e>,
                ys: &[$crate::strided::Strided<'_, $e>],
                out: &mut [$crate::exact::ExactState],
            ) {
                backend.vectorize($crate::kernel::ExactMany::<$o, $e>::new(x, ys, out))
            }
        }
    };
}

pub(crate) use compiled;
