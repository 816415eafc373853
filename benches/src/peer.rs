//! What pdot is compared with, per type pair: OpenBLAS's `cblas_?dot` and the naive iterator.
//!
//! The pairs themselves are `pdot_kernels`'s: [`Input<O>`] says which inputs give which
//! result, [`pdot_kernels::Precision`] names them at run time. [`Peer`] only adds the OpenBLAS
//! function of each pair (there is one C function per pair, so one impl per pair).

use pdot_kernels::{Input, Precision, Real, VisitPrecision};

use crate::openblas;

/// An input type `Self` for results of type `O`, with its OpenBLAS entry points.
///
/// ```
/// use pdot_benches::peer::Peer;
/// let x = [1.0f32, 2.0];
/// assert_eq!(<f32 as Peer<f64>>::naive(&x, &x), 5.0);
/// ```
pub trait Peer<O: Real>: Input<O> {
    /// OpenBLAS on contiguous slices (`cblas_ddot`, `cblas_sdot`, `cblas_dsdot`).
    fn blas(x: &[Self], y: &[Self]) -> O;

    /// OpenBLAS with `incx = incy = inc` on `n` logical elements.
    fn blas_strided(n: usize, x: &[Self], y: &[Self], inc: isize) -> O;

    /// `x.iter().zip(y).map(|(a, b)| a * b).sum()`, the products and the sum in `O`.
    #[inline]
    fn naive(x: &[Self], y: &[Self]) -> O {
        let widen = |v: Self| O::from(v).expect("f32 and f64 convert to f32 and f64");
        x.iter()
            .zip(y)
            .fold(O::zero(), |s, (&a, &b)| s + widen(a) * widen(b))
    }
}

/// `impl Peer<O> for E` by OpenBLAS's `$blas` and `$blas_strided`.
macro_rules! impl_peer {
    ($($o:ty, $e:ty: $blas:ident, $blas_strided:ident;)*) => {$(
        impl Peer<$o> for $e {
            #[inline]
            fn blas(x: &[$e], y: &[$e]) -> $o {
                openblas::$blas(x, y)
            }
            #[inline]
            fn blas_strided(n: usize, x: &[$e], y: &[$e], inc: isize) -> $o {
                openblas::$blas_strided(n, x, inc, y, inc)
            }
        }
    )*};
}

impl_peer! {
    f64, f64: ddot, ddot_strided;
    f32, f32: sdot, sdot_strided;
    f64, f32: dsdot, dsdot_strided;
}

/// Bytes per input element of the pair `precision` names (8 for `f64`, 4 otherwise).
///
/// ```
/// use pdot_kernels::Precision;
/// assert_eq!(pdot_benches::peer::element_bytes(Precision::F32F64), 4);
/// ```
pub fn element_bytes(precision: Precision) -> usize {
    struct ElementBytes;
    impl VisitPrecision for ElementBytes {
        type Output = usize;
        fn visit<O: Real, E: Input<O>>(self) -> usize {
            size_of::<E>()
        }
    }
    precision.visit(ElementBytes)
}

/// Generic code to run with the types of a pair *and* its OpenBLAS functions: what
/// [`VisitPrecision`] is to [`Input`], this is to [`Peer`]. See [`visit`].
pub trait VisitPeer {
    /// What the visit returns.
    type Output;
    /// Runs with the result type `O` and the input element type `E` of the pair.
    fn visit<O: Real, E: Peer<O>>(self) -> Self::Output;
}

/// Calls `visitor.visit::<O, E>()` with the types `precision` names.
///
/// This is the one place where the benches match on a [`Precision`]: `pdot_kernels`'s
/// [`Precision::visit`] can only promise `E: Input<O>` (its trait knows nothing of OpenBLAS),
/// and each pair has its own C function.
///
/// ```
/// use pdot_benches::peer::{Peer, VisitPeer, visit};
/// use pdot_kernels::{Precision, Real};
///
/// struct OnesDot;
/// impl VisitPeer for OnesDot {
///     type Output = f64;
///     fn visit<O: Real, E: Peer<O>>(self) -> f64 {
///         let x = vec![E::one(); 3];
///         E::naive(&x, &x).to_f64().unwrap()
///     }
/// }
/// for p in Precision::ALL {
///     assert_eq!(visit(p, OnesDot), 3.0);
/// }
/// ```
pub fn visit<V: VisitPeer>(precision: Precision, visitor: V) -> V::Output {
    match precision {
        Precision::F64 => visitor.visit::<f64, f64>(),
        Precision::F32 => visitor.visit::<f32, f32>(),
        Precision::F32F64 => visitor.visit::<f64, f32>(),
    }
}
