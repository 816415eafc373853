//! AVX2 + FMA backend (x86_64): 256-bit vectors, 4 × f64 or 8 × f32.

use core::arch::x86_64::*;

use super::{Arith, Flags, Load, Simd};
use crate::exact::ExactState;
use crate::kernel::exact::accumulate;
use crate::kernel::method::Method;
use crate::kernel::sweep::sweep;
use crate::real::Real;
use crate::strided::Strided;

/// Token proving that the CPU has AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The token, if this CPU supports AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")).then_some(Avx2(()))
    }
}

/// The kernel sweep compiled for this backend's features.
///
/// # Safety
/// The CPU has the features (the token proves it) and `x.len() == y.len()`.
#[target_feature(enable = "avx2,fma")]
unsafe fn sweep_avx2<E, A, M>(s: Avx2, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
where
    Avx2: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, Avx2>,
{
    // SAFETY: forwarded from the caller.
    unsafe { sweep::<Avx2, E, A, M>(s, x, y) }
}

/// The exact kernel compiled for this backend's features.
///
/// # Safety
/// The CPU has the features (the token proves it) and `x.len() == y.len()`.
#[target_feature(enable = "avx2,fma")]
unsafe fn exact_avx2<E>(s: Avx2, x: Strided<'_, E>, y: Strided<'_, E>, state: &mut ExactState)
where
    Avx2: Load<E, f64>,
    E: Real,
{
    // SAFETY: forwarded from the caller.
    unsafe { accumulate(s, x, y, state) }
}

impl Simd for Avx2 {
    #[inline(always)]
    unsafe fn exact<E>(self, x: Strided<'_, E>, y: Strided<'_, E>, state: &mut ExactState)
    where
        Self: Load<E, f64> + Flags,
        E: Real,
    {
        // SAFETY: the token exists only if the features were detected at run time;
        // `x.len() == y.len()` is forwarded from the caller.
        unsafe { exact_avx2(self, x, y, state) }
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
        unsafe { sweep_avx2::<E, A, M>(self, x, y) }
    }
}

// SAFETY (for every `unsafe` block in this file that calls an intrinsic): an `Avx2` token
// exists only when AVX2 and FMA were detected, which is all these intrinsics need; memory
// access is covered by the documented contract of the enclosing `unsafe fn`.

/// The pairwise tree over the 4 lanes of `s` (h = 2, then h = 1).
///
/// # Safety
/// SSE3 is available (implied by AVX2).
#[inline(always)]
unsafe fn reduce4_ps(s: __m128) -> f32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
    }
}

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
    fn fms(self, a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_fmsub_pd(a, b, c) }
    }
    #[inline(always)]
    fn splat(self, a: f64) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_set1_pd(a) }
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
    #[inline(always)]
    fn load_lanes(self, from: &[f64]) -> __m256d {
        let from = &from[..4];
        // SAFETY: `from` has 4 readable elements; see the file comment.
        unsafe { _mm256_loadu_pd(from.as_ptr()) }
    }
    #[inline(always)]
    fn reduce_add(self, v: __m256d) -> f64 {
        // SAFETY: see the file comment.
        unsafe {
            // h = 2: lanes 0, 1 absorb lanes 2, 3; h = 1: lane 0 absorbs lane 1.
            let s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd::<1>(v));
            _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)))
        }
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
    fn fms(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_fmsub_ps(a, b, c) }
    }
    #[inline(always)]
    fn splat(self, a: f32) -> __m256 {
        // SAFETY: see the file comment.
        unsafe { _mm256_set1_ps(a) }
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
    #[inline(always)]
    fn load_lanes(self, from: &[f32]) -> __m256 {
        let from = &from[..8];
        // SAFETY: `from` has 8 readable elements; see the file comment.
        unsafe { _mm256_loadu_ps(from.as_ptr()) }
    }
    #[inline(always)]
    fn reduce_add(self, v: __m256) -> f32 {
        // SAFETY: see the file comment.
        unsafe {
            reduce4_ps(_mm_add_ps(
                _mm256_castps256_ps128(v),
                _mm256_extractf128_ps::<1>(v),
            ))
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

// Strided loads are assembled from scalar loads (`vmovsd`/`vmovhpd`/`vinsertf128` and
// friends): on the AMD Zen cores measured, that is several times faster than `vgather*`.

/// Lanes `at..at + count` of 8 × 32 bits set (all ones), the others clear.
///
/// # Safety
/// AVX2 is available.
#[inline(always)]
unsafe fn lanes8(at: usize, count: usize) -> __m256i {
    // SAFETY: forwarded from the caller; at + count <= 8, so the casts are exact.
    unsafe {
        let iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let from = _mm256_cmpgt_epi32(iota, _mm256_set1_epi32(at as i32 - 1));
        let to = _mm256_cmpgt_epi32(_mm256_set1_epi32((at + count) as i32), iota);
        _mm256_and_si256(from, to)
    }
}

/// Lanes `at..at + count` of 4 × 64 bits set (all ones), the others clear.
///
/// # Safety
/// AVX2 is available.
#[inline(always)]
unsafe fn lanes4(at: usize, count: usize) -> __m256i {
    // SAFETY: forwarded from the caller; at + count <= 4, so the casts are exact.
    unsafe {
        let iota = _mm256_setr_epi64x(0, 1, 2, 3);
        let from = _mm256_cmpgt_epi64(iota, _mm256_set1_epi64x(at as i64 - 1));
        let to = _mm256_cmpgt_epi64(_mm256_set1_epi64x((at + count) as i64), iota);
        _mm256_and_si256(from, to)
    }
}

// Partial vectors use masked loads: `vmaskmov` reads only the enabled lanes and suppresses
// faults on the others, so the base address `p - at`, computed with `wrapping_sub`, may lie
// before the data; only the `count` elements from `p` on are accessed.

impl Load<f64, f64> for Avx2 {
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m256d {
        // SAFETY: the caller guarantees 4 readable elements; see the file comment.
        unsafe { _mm256_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f64, at: usize, count: usize, pad: f64) -> __m256d {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled.
        unsafe {
            let mask = lanes4(at, count);
            let v = _mm256_maskload_pd(p.wrapping_sub(at), mask);
            _mm256_blendv_pd(_mm256_set1_pd(pad), v, _mm256_castsi256_pd(mask))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, inc: isize) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable.
        unsafe { _mm256_setr_pd(at(p, 0, inc), at(p, 1, inc), at(p, 2, inc), at(p, 3, inc)) }
    }
    #[inline(always)]
    unsafe fn load_every<const INC: usize>(self, p: *const f64) -> __m256d {
        // SAFETY: the caller guarantees p .. p + 4 * INC readable; see the file comment.
        unsafe {
            match INC {
                2 => {
                    // [x0 x4 x2 x6] -> [x0 x2 x4 x6]
                    let t = _mm256_unpacklo_pd(_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
                    _mm256_permute4x64_pd::<0b11_01_10_00>(t)
                }
                4 => {
                    // [x0 x4 x2 x6], [x8 x12 x10 x14] -> [x0 x4 x8 x12]
                    let t0 = _mm256_unpacklo_pd(_mm256_loadu_pd(p), _mm256_loadu_pd(p.add(4)));
                    let t1 =
                        _mm256_unpacklo_pd(_mm256_loadu_pd(p.add(8)), _mm256_loadu_pd(p.add(12)));
                    _mm256_permute2f128_pd::<0x20>(t0, t1)
                }
                _ => self.gather(p, INC as isize),
            }
        }
    }
}

impl Load<f32, f32> for Avx2 {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256 {
        // SAFETY: the caller guarantees 8 readable elements; see the file comment.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f32, at: usize, count: usize, pad: f32) -> __m256 {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled.
        unsafe {
            let mask = lanes8(at, count);
            let v = _mm256_maskload_ps(p.wrapping_sub(at), mask);
            _mm256_blendv_ps(_mm256_set1_ps(pad), v, _mm256_castsi256_ps(mask))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m256 {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        unsafe {
            _mm256_setr_ps(
                at(p, 0, inc),
                at(p, 1, inc),
                at(p, 2, inc),
                at(p, 3, inc),
                at(p, 4, inc),
                at(p, 5, inc),
                at(p, 6, inc),
                at(p, 7, inc),
            )
        }
    }
    #[inline(always)]
    unsafe fn load_every<const INC: usize>(self, p: *const f32) -> __m256 {
        // SAFETY: the caller guarantees p .. p + 8 * INC readable; see the file comment.
        unsafe {
            match INC {
                2 => {
                    // [x0 x2 x8 x10 | x4 x6 x12 x14] -> 64-bit pairs reordered 0, 2, 1, 3
                    let t = _mm256_shuffle_ps::<0b10_00_10_00>(
                        _mm256_loadu_ps(p),
                        _mm256_loadu_ps(p.add(8)),
                    );
                    _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(t)))
                }
                4 => {
                    // [x0 x0 x8 x8 | x4 x4 x12 x12], [x16 x16 x24 x24 | x20 x20 x28 x28]
                    // -> [x0 x8 x16 x24 | x4 x12 x20 x28] -> [x0 x4 x8 ... x28]
                    let t0 = _mm256_shuffle_ps::<0>(_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8)));
                    let t1 = _mm256_shuffle_ps::<0>(
                        _mm256_loadu_ps(p.add(16)),
                        _mm256_loadu_ps(p.add(24)),
                    );
                    let u = _mm256_shuffle_ps::<0b10_00_10_00>(t0, t1);
                    _mm256_permutevar8x32_ps(u, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))
                }
                _ => <Self as Load<f32, f32>>::gather(self, p, INC as isize),
            }
        }
    }
}

impl Load<f32, f64> for Avx2 {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256d {
        // SAFETY: the caller guarantees 4 readable elements; see the file comment.
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f32, at: usize, count: usize, pad: f32) -> __m256d {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled.
        unsafe {
            let mask = _mm256_castsi256_si128(lanes8(at, count));
            let v = _mm_maskload_ps(p.wrapping_sub(at), mask);
            _mm256_cvtps_pd(_mm_blendv_ps(_mm_set1_ps(pad), v, _mm_castsi128_ps(mask)))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable.
        unsafe {
            _mm256_cvtps_pd(_mm_setr_ps(
                at(p, 0, inc),
                at(p, 1, inc),
                at(p, 2, inc),
                at(p, 3, inc),
            ))
        }
    }
    #[inline(always)]
    unsafe fn load_every<const INC: usize>(self, p: *const f32) -> __m256d {
        // SAFETY: the caller guarantees p .. p + 4 * INC readable; see the file comment.
        unsafe {
            let four = match INC {
                // [x0 .. x7] -> [x0 x2 x4 x6 ..]
                2 => _mm256_permutevar8x32_ps(
                    _mm256_loadu_ps(p),
                    _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0),
                ),
                // [x0 x0 x8 x8 | x4 x4 x12 x12] -> [x0 x4 x8 x12 ..]
                4 => _mm256_permutevar8x32_ps(
                    _mm256_shuffle_ps::<0>(_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8))),
                    _mm256_setr_epi32(0, 4, 2, 6, 0, 0, 0, 0),
                ),
                _ => return <Self as Load<f32, f64>>::gather(self, p, INC as isize),
            };
            _mm256_cvtps_pd(_mm256_castps256_ps128(four))
        }
    }
}

impl Flags for Avx2 {
    #[inline(always)]
    fn abs(self, a: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), a) }
    }
    #[inline(always)]
    fn max(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_max_pd(a, b) }
    }
    #[inline(always)]
    fn below(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn at_least(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_cmp_pd::<_CMP_GE_OQ>(a, b) }
    }
    #[inline(always)]
    fn or(self, a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_or_pd(a, b) }
    }
    #[inline(always)]
    fn and_not(self, mask: __m256d, v: __m256d) -> __m256d {
        // SAFETY: see the file comment.
        unsafe { _mm256_andnot_pd(mask, v) }
    }
    #[inline(always)]
    fn any(self, mask: __m256d) -> bool {
        // SAFETY: see the file comment.
        unsafe { _mm256_testz_pd(mask, mask) == 0 }
    }
}
