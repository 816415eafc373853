//! Portable backend on `wide`: 4 × f64 or 8 × f32, any target.
//!
//! `wide` picks its instructions when the crate is compiled, so this backend is as fast as the
//! build's target features allow (`-C target-cpu=native` builds, aarch64). Without a fused
//! multiply-add in the build (a default x86_64 build), `wide::mul_add` would round twice and
//! break bit-identity with the other backends; there this backend computes each lane with
//! `mul_add` of `std` (correctly rounded, slow). On x86_64 the run-time dispatch picks AVX2
//! or AVX-512 anyway; this backend is then only what `PDOT_FORCE_ISA=portable` asks for.

use wide::{f32x8, f64x4};

use super::{Arith, Flags, Load, Simd};
use crate::exact::ExactState;
use crate::kernel::exact::accumulate;
use crate::kernel::method::Method;
use crate::kernel::sweep::sweep;
use crate::real::Real;
use crate::strided::Strided;

/// Token of the portable backend: available everywhere.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Portable;

/// Whether this build's `wide` fuses `mul_add` (one rounding).
const FUSED: bool = cfg!(any(
    all(
        any(target_arch = "x86_64", target_arch = "x86"),
        target_feature = "fma"
    ),
    all(target_arch = "aarch64", target_feature = "neon")
));

impl Simd for Portable {
    #[inline]
    unsafe fn exact<E>(self, x: Strided<'_, E>, y: Strided<'_, E>, state: &mut ExactState)
    where
        Self: Load<E, f64> + Flags,
        E: Real,
    {
        // SAFETY: forwarded from the caller; this backend needs no target features.
        unsafe { accumulate(self, x, y, state) }
    }

    #[inline]
    unsafe fn sweep<E, A, M>(self, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
    where
        Self: Load<E, A>,
        E: Real,
        A: Real,
        M: Method<A, Self>,
    {
        // SAFETY: forwarded from the caller; this backend needs no target features.
        unsafe { sweep::<Portable, E, A, M>(self, x, y) }
    }
}

impl Arith<f64> for Portable {
    type V = f64x4;
    const W: usize = 4;
    #[inline(always)]
    fn zero(self) -> f64x4 {
        f64x4::ZERO
    }
    #[inline(always)]
    fn fma(self, a: f64x4, b: f64x4, c: f64x4) -> f64x4 {
        if FUSED {
            a.mul_add(b, c)
        } else {
            let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
            f64x4::new(core::array::from_fn(|k| a[k].mul_add(b[k], c[k])))
        }
    }
    #[inline(always)]
    fn fms(self, a: f64x4, b: f64x4, c: f64x4) -> f64x4 {
        // Negation is exact, so this is a * b - c rounded once.
        Arith::<f64>::fma(self, a, b, -c)
    }
    #[inline(always)]
    fn splat(self, a: f64) -> f64x4 {
        f64x4::splat(a)
    }
    #[inline(always)]
    fn add(self, a: f64x4, b: f64x4) -> f64x4 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f64x4, b: f64x4) -> f64x4 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f64x4, b: f64x4) -> f64x4 {
        a * b
    }
    #[inline(always)]
    fn store(self, v: f64x4, out: &mut [f64]) {
        out[..4].copy_from_slice(&v.to_array());
    }
    #[inline(always)]
    fn load_lanes(self, from: &[f64]) -> f64x4 {
        let mut a = [0.0; 4];
        a.copy_from_slice(&from[..4]);
        f64x4::new(a)
    }
}

impl Arith<f32> for Portable {
    type V = f32x8;
    const W: usize = 8;
    #[inline(always)]
    fn zero(self) -> f32x8 {
        f32x8::ZERO
    }
    #[inline(always)]
    fn fma(self, a: f32x8, b: f32x8, c: f32x8) -> f32x8 {
        if FUSED {
            a.mul_add(b, c)
        } else {
            let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
            f32x8::new(core::array::from_fn(|k| a[k].mul_add(b[k], c[k])))
        }
    }
    #[inline(always)]
    fn fms(self, a: f32x8, b: f32x8, c: f32x8) -> f32x8 {
        // Negation is exact, so this is a * b - c rounded once.
        Arith::<f32>::fma(self, a, b, -c)
    }
    #[inline(always)]
    fn splat(self, a: f32) -> f32x8 {
        f32x8::splat(a)
    }
    #[inline(always)]
    fn add(self, a: f32x8, b: f32x8) -> f32x8 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32x8, b: f32x8) -> f32x8 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32x8, b: f32x8) -> f32x8 {
        a * b
    }
    #[inline(always)]
    fn store(self, v: f32x8, out: &mut [f32]) {
        out[..8].copy_from_slice(&v.to_array());
    }
    #[inline(always)]
    fn load_lanes(self, from: &[f32]) -> f32x8 {
        let mut a = [0.0; 8];
        a.copy_from_slice(&from[..8]);
        f32x8::new(a)
    }
}

/// Reads `N` elements `p + k * inc` into an array.
///
/// # Safety
/// Each of those elements must be readable.
#[inline(always)]
unsafe fn read<E: Copy, const N: usize>(p: *const E, inc: isize) -> [E; N] {
    // SAFETY: the caller guarantees each addressed element is readable.
    core::array::from_fn(|k| unsafe { p.offset(k as isize * inc).read() })
}

impl Load<f64, f64> for Portable {
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> f64x4 {
        // SAFETY: the caller guarantees 4 readable elements.
        f64x4::new(unsafe { p.cast::<[f64; 4]>().read_unaligned() })
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, inc: isize) -> f64x4 {
        // SAFETY: the caller guarantees the addressed elements are readable.
        f64x4::new(unsafe { read(p, inc) })
    }
}

impl Load<f32, f32> for Portable {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> f32x8 {
        // SAFETY: the caller guarantees 8 readable elements.
        f32x8::new(unsafe { p.cast::<[f32; 8]>().read_unaligned() })
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> f32x8 {
        // SAFETY: the caller guarantees the addressed elements are readable.
        f32x8::new(unsafe { read(p, inc) })
    }
}

impl Load<f32, f64> for Portable {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> f64x4 {
        // SAFETY: the caller guarantees 4 readable elements.
        unsafe { <Self as Load<f32, f64>>::gather(self, p, 1) }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> f64x4 {
        // SAFETY: the caller guarantees the addressed elements are readable.
        let v: [f32; 4] = unsafe { read(p, inc) };
        f64x4::new(v.map(f64::from))
    }
}

impl Flags for Portable {
    #[inline(always)]
    fn abs(self, a: f64x4) -> f64x4 {
        a.abs()
    }
    #[inline(always)]
    fn max(self, a: f64x4, b: f64x4) -> f64x4 {
        let (a, b) = (a.to_array(), b.to_array());
        f64x4::new(core::array::from_fn(
            |k| if a[k] > b[k] { a[k] } else { b[k] },
        ))
    }
    #[inline(always)]
    fn below(self, a: f64x4, b: f64x4) -> f64x4 {
        a.simd_lt(b)
    }
    #[inline(always)]
    fn at_least(self, a: f64x4, b: f64x4) -> f64x4 {
        a.simd_ge(b)
    }
    #[inline(always)]
    fn or(self, a: f64x4, b: f64x4) -> f64x4 {
        a | b
    }
    #[inline(always)]
    fn and_not(self, mask: f64x4, v: f64x4) -> f64x4 {
        v & !mask
    }
    #[inline(always)]
    fn any(self, mask: f64x4) -> bool {
        mask.to_array().iter().any(|m| m.to_bits() != 0)
    }
}
