//! AVX2 + FMA backend (x86_64): 256-bit vectors, 4 × f64 or 8 × f32.

use core::arch::x86_64::*;

use super::{Arith, Load, Simd};

/// Token proving that the CPU has AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The token, if this CPU supports AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")).then_some(Avx2(()))
    }
}

#[target_feature(enable = "avx2,fma")]
fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

impl Simd for Avx2 {
    #[inline(always)]
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R {
        // SAFETY: the token exists only if AVX2 and FMA were detected at run time.
        unsafe { with_avx2(f) }
    }
}

// SAFETY (for every `unsafe` block in this file that calls an intrinsic): an `Avx2` token
// exists only when AVX2 and FMA were detected, which is all these intrinsics need; memory
// access is covered by the documented contract of the enclosing `unsafe fn`.

impl Arith<f64> for Avx2 {
    type V = __m256d;
    const W: usize = 4;
    #[inline(always)]
    fn zero(self) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_setzero_pd() }
    }
    #[inline(always)]
    fn fma(self, a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    fn add(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_add_pd(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_sub_pd(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_mul_pd(a, b) }
    }
    #[inline(always)]
    fn store(self, v: __m256d, out: &mut [f64]) {
        let out = &mut out[..4];
        // SAFETY: `out` has 4 writable elements; see the file comment.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) }
    }
}

impl Arith<f32> for Avx2 {
    type V = __m256;
    const W: usize = 8;
    #[inline(always)]
    fn zero(self) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_setzero_ps() }
    }
    #[inline(always)]
    fn fma(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn add(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_mul_ps(a, b) }
    }
    #[inline(always)]
    fn store(self, v: __m256, out: &mut [f32]) {
        let out = &mut out[..8];
        // SAFETY: `out` has 8 writable elements; see the file comment.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), v) }
    }
}

impl Load<f64, f64> for Avx2 {
    type Index = __m256i;
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m256d {
        // SAFETY: the caller guarantees 4 readable elements; see the file comment.
        unsafe { _mm256_loadu_pd(p) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m256i> {
        let inc = inc as i64;
        // SAFETY: see the file comment.
        Some(unsafe { _mm256_setr_epi64x(0, inc, 2 * inc, 3 * inc) })
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, index: __m256i) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable.
        unsafe { _mm256_i64gather_pd::<8>(p, index) }
    }
}

impl Load<f32, f32> for Avx2 {
    type Index = __m256i;
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256 {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m256i> {
        // 32-bit offsets: every k * inc, k < 8, must fit in an i32.
        let inc = i32::try_from(inc)
            .ok()
            .filter(|i| i.checked_mul(7).is_some())?;
        // SAFETY: see the file comment.
        Some(unsafe {
            _mm256_setr_epi32(0, inc, 2 * inc, 3 * inc, 4 * inc, 5 * inc, 6 * inc, 7 * inc)
        })
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, index: __m256i) -> __m256 {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        unsafe { _mm256_i32gather_ps::<4>(p, index) }
    }
}

impl Load<f32, f64> for Avx2 {
    type Index = __m256i;
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256d {
        // SAFETY: the caller guarantees 4 readable elements; see the file comment.
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) }
    }
    #[inline(always)]
    fn index(self, inc: isize) -> Option<__m256i> {
        <Self as Load<f64, f64>>::index(self, inc)
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, index: __m256i) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable.
        unsafe { _mm256_cvtps_pd(_mm256_i64gather_ps::<4>(p, index)) }
    }
}
