//! The three precisions measured — f64, f32 and f32 inputs accumulated in f64 (`dsdot`) —
//! each with its pdot, OpenBLAS and naive entry points behind one trait.

use pdot_kernels::{Accuracy, Strided};

use crate::data::Element;
use crate::openblas;

/// A precision of the benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    /// `f64` inputs and accumulation (`ddot`).
    F64,
    /// `f32` inputs and accumulation (`sdot`).
    F32,
    /// `f32` inputs accumulated in `f64` (`dsdot`).
    Dsdot,
}

impl Precision {
    /// All precisions, in report order.
    pub const ALL: [Precision; 3] = [Precision::F64, Precision::F32, Precision::Dsdot];

    /// A short identifier: `"f64"`, `"f32"`, `"dsdot"`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
            Precision::Dsdot => "dsdot",
        }
    }

    /// The label in tables: `"f64"`, `"f32"`, `"f32→f64"`.
    pub fn label(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F32 => "f32",
            Precision::Dsdot => "f32→f64",
        }
    }

    /// Bytes per input element.
    pub fn element_bytes(self) -> usize {
        match self {
            Precision::F64 => 8,
            Precision::F32 | Precision::Dsdot => 4,
        }
    }
}

/// One precision's entry points. Results are widened to `f64` so that every contender has
/// the same closure type.
pub trait Flavor: 'static {
    /// The input element type.
    type Elem: Element;
    /// Which precision this is.
    const PRECISION: Precision;
    /// pdot on contiguous slices (`dot_with` / `dsdot_with`).
    fn pdot(accuracy: Accuracy, x: &[Self::Elem], y: &[Self::Elem]) -> f64;
    /// pdot on strided views (`dot_strided` / `dsdot_strided`).
    fn pdot_strided(
        accuracy: Accuracy,
        x: Strided<'_, Self::Elem>,
        y: Strided<'_, Self::Elem>,
    ) -> f64;
    /// OpenBLAS on contiguous slices.
    fn blas(x: &[Self::Elem], y: &[Self::Elem]) -> f64;
    /// OpenBLAS with `incx = incy = inc`.
    fn blas_strided(n: usize, x: &[Self::Elem], y: &[Self::Elem], inc: isize) -> f64;
    /// `x.iter().zip(y).map(|(a, b)| a * b).sum()`.
    fn naive(x: &[Self::Elem], y: &[Self::Elem]) -> f64;
}

/// `f64` (`cblas_ddot`).
#[derive(Clone, Copy, Debug)]
pub struct F64;

/// `f32` (`cblas_sdot`).
#[derive(Clone, Copy, Debug)]
pub struct F32;

/// `f32` inputs accumulated in `f64` (`cblas_dsdot`).
#[derive(Clone, Copy, Debug)]
pub struct Dsdot;

impl Flavor for F64 {
    type Elem = f64;
    const PRECISION: Precision = Precision::F64;
    #[inline]
    fn pdot(accuracy: Accuracy, x: &[f64], y: &[f64]) -> f64 {
        pdot_kernels::dot_with(accuracy, x, y)
    }
    #[inline]
    fn pdot_strided(accuracy: Accuracy, x: Strided<'_, f64>, y: Strided<'_, f64>) -> f64 {
        pdot_kernels::dot_strided(accuracy, x, y)
    }
    #[inline]
    fn blas(x: &[f64], y: &[f64]) -> f64 {
        openblas::ddot(x, y)
    }
    #[inline]
    fn blas_strided(n: usize, x: &[f64], y: &[f64], inc: isize) -> f64 {
        openblas::ddot_strided(n, x, inc, y, inc)
    }
    #[inline]
    fn naive(x: &[f64], y: &[f64]) -> f64 {
        x.iter().zip(y).map(|(a, b)| a * b).sum()
    }
}

impl Flavor for F32 {
    type Elem = f32;
    const PRECISION: Precision = Precision::F32;
    #[inline]
    fn pdot(accuracy: Accuracy, x: &[f32], y: &[f32]) -> f64 {
        f64::from(pdot_kernels::dot_with(accuracy, x, y))
    }
    #[inline]
    fn pdot_strided(accuracy: Accuracy, x: Strided<'_, f32>, y: Strided<'_, f32>) -> f64 {
        f64::from(pdot_kernels::dot_strided(accuracy, x, y))
    }
    #[inline]
    fn blas(x: &[f32], y: &[f32]) -> f64 {
        f64::from(openblas::sdot(x, y))
    }
    #[inline]
    fn blas_strided(n: usize, x: &[f32], y: &[f32], inc: isize) -> f64 {
        f64::from(openblas::sdot_strided(n, x, inc, y, inc))
    }
    #[inline]
    fn naive(x: &[f32], y: &[f32]) -> f64 {
        f64::from(x.iter().zip(y).map(|(a, b)| a * b).sum::<f32>())
    }
}

impl Flavor for Dsdot {
    type Elem = f32;
    const PRECISION: Precision = Precision::Dsdot;
    #[inline]
    fn pdot(accuracy: Accuracy, x: &[f32], y: &[f32]) -> f64 {
        pdot_kernels::dsdot_with(accuracy, x, y)
    }
    #[inline]
    fn pdot_strided(accuracy: Accuracy, x: Strided<'_, f32>, y: Strided<'_, f32>) -> f64 {
        pdot_kernels::dsdot_strided(accuracy, x, y)
    }
    #[inline]
    fn blas(x: &[f32], y: &[f32]) -> f64 {
        openblas::dsdot(x, y)
    }
    #[inline]
    fn blas_strided(n: usize, x: &[f32], y: &[f32], inc: isize) -> f64 {
        openblas::dsdot_strided(n, x, inc, y, inc)
    }
    #[inline]
    fn naive(x: &[f32], y: &[f32]) -> f64 {
        x.iter()
            .zip(y)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum()
    }
}
