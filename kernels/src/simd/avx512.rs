//! AVX-512 backend (x86_64): 512-bit vectors, 8 × f64 or 16 × f32.

use core::arch::x86_64::*;

use super::{Arith, Load, Simd};

/// Token proving that the CPU has AVX-512F (and the AVX2 and FMA it builds on).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512(());

impl Avx512 {
    /// The token, if this CPU supports AVX-512F, AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        (is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma"))
        .then_some(Avx512(()))
    }
}

#[target_feature(enable = "avx512f,avx2,fma")]
fn with_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

impl Simd for Avx512 {
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        // SAFETY: the token exists only if AVX-512F, AVX2 and FMA were detected at run time.
        unsafe { with_avx512(f) }
    }
}

// SAFETY (for every `unsafe` block in this file that calls an intrinsic): an `Avx512` token
// exists only when AVX-512F, AVX2 and FMA were detected, which is all these intrinsics need;
// memory access is covered by the documented contract of the enclosing `unsafe fn`.

impl Arith<f64> for Avx512 {
    type V = __m512d;
    const W: usize = 8;
    #[inline(always)]
    fn zero(self) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_setzero_pd() }
    }
    #[inline(always)]
    fn fma(self, a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn add(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_add_pd(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_sub_pd(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_mul_pd(a, b) }
    }
    #[inline(always)]
    fn store(self, v: __m512d, out: &mut [f64]) {
        let out = &mut out[..8];
        // SAFETY: `out` has 8 writable elements; see the file comment.
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), v) }
    }
}

impl Arith<f32> for Avx512 {
    type V = __m512;
    const W: usize = 16;
    #[inline(always)]
    fn zero(self) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_setzero_ps() }
    }
    #[inline(always)]
    fn fma(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_mul_ps(a, b) }
    }
    #[inline(always)]
    fn store(self, v: __m512, out: &mut [f32]) {
        let out = &mut out[..16];
        // SAFETY: `out` has 16 writable elements; see the file comment.
        unsafe { _mm512_storeu_ps(out.as_mut_ptr(), v) }
    }
}

/// Offsets `k * inc`, `k < 8`, as 64-bit integers.
#[inline(always)]
fn index8(inc: isize) -> __m512i {
    let inc = inc as i64;
    // SAFETY: see the file comment.
    unsafe { _mm512_setr_epi64(0, inc, 2 * inc, 3 * inc, 4 * inc, 5 * inc, 6 * inc, 7 * inc) }
}

impl Load<f64, f64> for Avx512 {
    type Index = __m512i;
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m512d {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm512_loadu_pd(p) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m512i> {
        Some(index8(inc))
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, index: __m512i) -> __m512d {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        unsafe { _mm512_i64gather_pd::<8>(index, p) }
    }
}

impl Load<f32, f32> for Avx512 {
    type Index = __m512i;
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512 {
        // SAFETY: the caller guarantees 16 readable elements; see the file comment.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m512i> {
        // 32-bit offsets: every k * inc, k < 16, must fit in an i32.
        let i = i32::try_from(inc)
            .ok()
            .filter(|i| i.checked_mul(15).is_some())?;
        let k: [i32; 16] = core::array::from_fn(|k| k as i32 * i);
        // SAFETY: `k` has 16 readable i32; see the file comment.
        Some(unsafe { _mm512_loadu_si512(k.as_ptr().cast()) })
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, index: __m512i) -> __m512 {
        // SAFETY: the caller guarantees the 16 addressed elements are readable.
        unsafe { _mm512_i32gather_ps::<4>(index, p) }
    }
}

impl Load<f32, f64> for Avx512 {
    type Index = __m512i;
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512d {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p)) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m512i> {
        Some(index8(inc))
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, index: __m512i) -> __m512d {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        unsafe { _mm512_cvtps_pd(_mm512_i64gather_ps::<4>(index, p)) }
    }
}
