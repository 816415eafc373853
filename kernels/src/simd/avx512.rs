//! AVX-512 backend (x86_64): 512-bit vectors, 8 × f64 or 16 × f32.

use core::arch::x86_64::*;

use super::{Arith, Flags, Load, Simd};
use crate::exact::ExactState;
use crate::kernel::exact::accumulate;
use crate::kernel::method::Method;
use crate::kernel::sweep::sweep;
use crate::real::Real;
use crate::strided::Strided;

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

/// The kernel sweep compiled for this backend's features.
///
/// # Safety
/// The CPU has the features (the token proves it) and `x.len() == y.len()`.
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn sweep_avx512<E, A, M>(s: Avx512, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
where
    Avx512: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, Avx512>,
{
    // SAFETY: forwarded from the caller.
    unsafe { sweep::<Avx512, E, A, M>(s, x, y) }
}

/// The exact kernel compiled for this backend's features.
///
/// # Safety
/// The CPU has the features (the token proves it) and `x.len() == y.len()`.
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn exact_avx512<E>(s: Avx512, x: Strided<'_, E>, y: Strided<'_, E>, state: &mut ExactState)
where
    Avx512: Load<E, f64>,
    E: Real,
{
    // SAFETY: forwarded from the caller.
    unsafe { accumulate(s, x, y, state) }
}

impl Simd for Avx512 {
    #[inline(always)]
    unsafe fn exact<E>(self, x: Strided<'_, E>, y: Strided<'_, E>, state: &mut ExactState)
    where
        Self: Load<E, f64> + Flags,
        E: Real,
    {
        // SAFETY: the token exists only if the features were detected at run time;
        // `x.len() == y.len()` is forwarded from the caller.
        unsafe { exact_avx512(self, x, y, state) }
    }

    #[inline(always)]
    unsafe fn sweep<E, A, M>(self, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
    where
        Self: Load<E, A>,
        E: Real,
        A: Real,
        M: Method<A, Self>,
    {
        // SAFETY: the token exists only if the features were detected at run time;
        // `x.len() == y.len()` is forwarded from the caller.
        unsafe { sweep_avx512::<E, A, M>(self, x, y) }
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
    fn fms(self, a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_fmsub_pd(a, b, c) }
    }
    #[inline(always)]
    fn splat(self, a: f64) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_set1_pd(a) }
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
    #[inline(always)]
    fn load_lanes(self, from: &[f64]) -> __m512d {
        let from = &from[..8];
        // SAFETY: `from` has 8 readable elements; see the file comment.
        unsafe { _mm512_loadu_pd(from.as_ptr()) }
    }
    #[inline(always)]
    fn reduce_add(self, v: __m512d) -> f64 {
        // SAFETY: see the file comment.
        unsafe {
            // h = 4, then h = 2 and h = 1 within the low 128 bits.
            let q = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v));
            let s = _mm_add_pd(_mm256_castpd256_pd128(q), _mm256_extractf128_pd::<1>(q));
            _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)))
        }
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
    fn fms(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_fmsub_ps(a, b, c) }
    }
    #[inline(always)]
    fn splat(self, a: f32) -> __m512 {
        // SAFETY: see the file comment.
        unsafe { _mm512_set1_ps(a) }
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
    #[inline(always)]
    fn load_lanes(self, from: &[f32]) -> __m512 {
        let from = &from[..16];
        // SAFETY: `from` has 16 readable elements; see the file comment.
        unsafe { _mm512_loadu_ps(from.as_ptr()) }
    }
    #[inline(always)]
    fn reduce_add(self, v: __m512) -> f32 {
        // SAFETY: see the file comment.
        unsafe {
            // h = 8 (256-bit halves), h = 4 (128-bit halves), then h = 2 and h = 1.
            let lo = _mm512_castps512_ps256(v);
            let hi = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v)));
            let o = _mm256_add_ps(lo, hi);
            let q = _mm_add_ps(_mm256_castps256_ps128(o), _mm256_extractf128_ps::<1>(o));
            let s = _mm_add_ps(q, _mm_movehl_ps(q, q));
            _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
        }
    }
}

/// Reads `p + k * inc`.
///
/// # Safety
/// The element must be readable.
#[inline(always)]
unsafe fn at<E: Copy>(p: *const E, k: isize, inc: isize) -> E {
    // SAFETY: forwarded from the caller.
    unsafe { p.offset(k * inc).read() }
}

/// `N` elements `p + k * inc` in an array (the compiler assembles them in registers).
///
/// # Safety
/// Each addressed element must be readable.
#[inline(always)]
unsafe fn pick<E: Copy, const N: usize>(p: *const E, inc: isize) -> [E; N] {
    // SAFETY: forwarded from the caller.
    core::array::from_fn(|k| unsafe { at(p, k as isize, inc) })
}

// Strided loads are assembled from scalar loads rather than `vgather*`, which is slow on
// the AMD Zen cores measured (the same choice as the AVX2 backend).

impl Load<f64, f64> for Avx512 {
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m512d {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm512_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, inc: isize) -> __m512d {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        let v: [f64; 8] = unsafe { pick(p, inc) };
        self.load_lanes(&v)
    }
}

impl Load<f32, f32> for Avx512 {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512 {
        // SAFETY: the caller guarantees 16 readable elements; see the file comment.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m512 {
        // SAFETY: the caller guarantees the 16 addressed elements are readable.
        let v: [f32; 16] = unsafe { pick(p, inc) };
        self.load_lanes(&v)
    }
}

impl Load<f32, f64> for Avx512 {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512d {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m512d {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        let v: [f32; 8] = unsafe { pick(p, inc) };
        // SAFETY: `v` has 8 readable elements; see the file comment.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(v.as_ptr())) }
    }
}

impl Flags for Avx512 {
    #[inline(always)]
    fn abs(self, a: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_abs_pd(a) }
    }
    #[inline(always)]
    fn max(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe { _mm512_max_pd(a, b) }
    }
    #[inline(always)]
    fn below(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe {
            let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b);
            _mm512_castsi512_pd(_mm512_maskz_set1_epi64(m, -1))
        }
    }
    #[inline(always)]
    fn at_least(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe {
            let m = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(a, b);
            _mm512_castsi512_pd(_mm512_maskz_set1_epi64(m, -1))
        }
    }
    #[inline(always)]
    fn or(self, a: __m512d, b: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe {
            _mm512_castsi512_pd(_mm512_or_si512(
                _mm512_castpd_si512(a),
                _mm512_castpd_si512(b),
            ))
        }
    }
    #[inline(always)]
    fn and_not(self, mask: __m512d, v: __m512d) -> __m512d {
        // SAFETY: see the file comment.
        unsafe {
            _mm512_castsi512_pd(_mm512_andnot_si512(
                _mm512_castpd_si512(mask),
                _mm512_castpd_si512(v),
            ))
        }
    }
    #[inline(always)]
    fn any(self, mask: __m512d) -> bool {
        // SAFETY: see the file comment.
        unsafe {
            let m = _mm512_castpd_si512(mask);
            _mm512_test_epi64_mask(m, m) != 0
        }
    }
}
