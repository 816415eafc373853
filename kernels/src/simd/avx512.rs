//! AVX-512 backend (x86_64): 512-bit vectors, 8 × f64 or 16 × f32.

use core::arch::x86_64::*;

use super::{Arith, Flags, Kernel, Load, Simd};

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

impl Simd for Avx512 {
    #[inline(always)]
    fn vectorize<K: Kernel>(self, kernel: K) -> K::Output {
        // SAFETY: `vectorize_avx512` needs AVX-512F, AVX2 and FMA, and `self` exists only if
        // `Avx512::detect` found all three on this CPU.
        unsafe { vectorize_avx512(self, kernel) }
    }
}

/// `kernel.run(s)`, compiled with AVX-512F, AVX2 and FMA: the one function of this backend
/// with target features; every kernel is inlined into it.
#[target_feature(enable = "avx512f,avx2,fma")]
fn vectorize_avx512<K: Kernel>(s: Avx512, kernel: K) -> K::Output {
    kernel.run(s)
}

/// `$e`, made of intrinsics that take and return values only (no memory access, no
/// pointer), in the `unsafe` block their target features require. Used only in methods of
/// `Avx512`, whose token is the proof.
macro_rules! values {
    ($e:expr) => {
        // SAFETY: these intrinsics need only AVX-512F, AVX2 and FMA, and this code runs only
        // in a method of `Avx512`, a token that exists only if `Avx512::detect` found all
        // three on this CPU; they touch no memory, so nothing else is required.
        unsafe { $e }
    };
}

/// The pairwise tree over the 8 lanes of `v`: h = 4, then h = 2 and h = 1 within the low
/// 128 bits.
#[inline(always)]
fn reduce_pd(_: Avx512, v: __m512d) -> f64 {
    values!({
        let q = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd::<1>(v));
        let s = _mm_add_pd(_mm256_castpd256_pd128(q), _mm256_extractf128_pd::<1>(q));
        _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)))
    })
}

/// The pairwise tree over the 16 lanes of `v`: h = 8 (256-bit halves), h = 4 (128-bit
/// halves), then h = 2 and h = 1.
#[inline(always)]
fn reduce_ps(_: Avx512, v: __m512) -> f32 {
    values!({
        let lo = _mm512_castps512_ps256(v);
        let hi = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v)));
        let o = _mm256_add_ps(lo, hi);
        let q = _mm_add_ps(_mm256_castps256_ps128(o), _mm256_extractf128_ps::<1>(o));
        let s = _mm_add_ps(q, _mm_movehl_ps(q, q));
        _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
    })
}

/// `Arith<$t>` and `Load<$t, $t>` for `Avx512`, from the intrinsics of one element type
/// (the `f64` and `f32` implementations differ only in them).
macro_rules! same_type {
    ($t:ty, $v:ty, $w:literal, $reduce:ident,
     $setzero:ident, $fmadd:ident, $fmsub:ident, $set1:ident,
     $add:ident, $sub:ident, $mul:ident, $storeu:ident, $loadu:ident) => {
        impl Arith<$t> for Avx512 {
            type V = $v;
            const W: usize = $w;
            #[inline(always)]
            fn zero(self) -> $v {
                values!($setzero())
            }
            #[inline(always)]
            fn fma(self, a: $v, b: $v, c: $v) -> $v {
                values!($fmadd(a, b, c))
            }
            #[inline(always)]
            fn fms(self, a: $v, b: $v, c: $v) -> $v {
                // The feature `inject-avx512-bug` (never on by default) rounds the product
                // before subtracting: the error term of TwoProduct becomes 0, which the
                // emulated AVX-512 check must report (scripts/avx512-emu.sh --inject-bug).
                #[cfg(feature = "inject-avx512-bug")]
                return values!($sub($mul(a, b), c));
                #[cfg(not(feature = "inject-avx512-bug"))]
                values!($fmsub(a, b, c))
            }
            #[inline(always)]
            fn splat(self, a: $t) -> $v {
                values!($set1(a))
            }
            #[inline(always)]
            fn add(self, a: $v, b: $v) -> $v {
                values!($add(a, b))
            }
            #[inline(always)]
            fn sub(self, a: $v, b: $v) -> $v {
                values!($sub(a, b))
            }
            #[inline(always)]
            fn mul(self, a: $v, b: $v) -> $v {
                values!($mul(a, b))
            }
            #[inline(always)]
            fn store(self, v: $v, out: &mut [$t]) {
                let out = &mut out[..$w];
                // SAFETY: `out` has W writable elements; the token proves AVX-512F.
                unsafe { $storeu(out.as_mut_ptr(), v) }
            }
            #[inline(always)]
            fn load_lanes(self, from: &[$t]) -> $v {
                let from = &from[..$w];
                // SAFETY: `from` has W readable elements; the token proves AVX-512F.
                unsafe { $loadu(from.as_ptr()) }
            }
            #[inline(always)]
            fn reduce_add(self, v: $v) -> $t {
                $reduce(self, v)
            }
        }

        impl Load<$t, $t> for Avx512 {
            #[inline(always)]
            unsafe fn load(self, p: *const $t) -> $v {
                // SAFETY: the caller guarantees W readable elements; the token proves
                // AVX-512F.
                unsafe { $loadu(p) }
            }
            #[inline(always)]
            unsafe fn gather(self, p: *const $t, inc: isize) -> $v {
                // SAFETY: the caller guarantees the W addressed elements are readable.
                let v: [$t; $w] = unsafe { pick(p, inc) };
                self.load_lanes(&v)
            }
        }
    };
}

same_type!(
    f64,
    __m512d,
    8,
    reduce_pd,
    _mm512_setzero_pd,
    _mm512_fmadd_pd,
    _mm512_fmsub_pd,
    _mm512_set1_pd,
    _mm512_add_pd,
    _mm512_sub_pd,
    _mm512_mul_pd,
    _mm512_storeu_pd,
    _mm512_loadu_pd
);
same_type!(
    f32,
    __m512,
    16,
    reduce_ps,
    _mm512_setzero_ps,
    _mm512_fmadd_ps,
    _mm512_fmsub_ps,
    _mm512_set1_ps,
    _mm512_add_ps,
    _mm512_sub_ps,
    _mm512_mul_ps,
    _mm512_storeu_ps,
    _mm512_loadu_ps
);

/// `N` elements `p + k * inc` in an array (the compiler assembles them in registers).
///
/// Strided loads are assembled from scalar loads rather than `vgather*`, which is slow on
/// the AMD Zen cores measured (the same choice as the AVX2 backend).
///
/// # Safety
/// Each addressed element must be readable.
#[inline(always)]
unsafe fn pick<E: Copy, const N: usize>(p: *const E, inc: isize) -> [E; N] {
    // SAFETY: element k is one of the addressed elements, readable (caller).
    core::array::from_fn(|k| unsafe { p.offset(k as isize * inc).read() })
}

impl Load<f32, f64> for Avx512 {
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512d {
        // SAFETY: the caller guarantees 8 readable elements; the token proves AVX-512F.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m512d {
        // SAFETY: the caller guarantees the 8 addressed elements are readable.
        let v: [f32; 8] = unsafe { pick(p, inc) };
        // SAFETY: `v` has 8 readable elements; the token proves AVX-512F.
        unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(v.as_ptr())) }
    }
}

impl Flags for Avx512 {
    #[inline(always)]
    fn add_on_fma(self, a: __m512d, one: __m512d, b: __m512d) -> __m512d {
        Arith::<f64>::fma(self, a, one, b)
    }
    #[inline(always)]
    fn abs(self, a: __m512d) -> __m512d {
        values!(_mm512_abs_pd(a))
    }
    #[inline(always)]
    fn max(self, a: __m512d, b: __m512d) -> __m512d {
        values!(_mm512_max_pd(a, b))
    }
    #[inline(always)]
    fn abs_max(self, a: __m512d, m: __m512d) -> __m512d {
        // `maxpd` returns its second operand where either is NaN.
        values!(_mm512_max_pd(_mm512_abs_pd(a), m))
    }
    #[inline(always)]
    fn abs_min(self, a: __m512d, m: __m512d) -> __m512d {
        // `minpd` returns its second operand where either is NaN.
        values!(_mm512_min_pd(_mm512_abs_pd(a), m))
    }
    #[inline(always)]
    fn below(self, a: __m512d, b: __m512d) -> __m512d {
        values!({
            let m = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b);
            _mm512_castsi512_pd(_mm512_maskz_set1_epi64(m, -1))
        })
    }
    #[inline(always)]
    fn at_least(self, a: __m512d, b: __m512d) -> __m512d {
        values!({
            let m = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(a, b);
            _mm512_castsi512_pd(_mm512_maskz_set1_epi64(m, -1))
        })
    }
    #[inline(always)]
    fn or(self, a: __m512d, b: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_or_si512(
            _mm512_castpd_si512(a),
            _mm512_castpd_si512(b),
        )))
    }
    #[inline(always)]
    fn and_not(self, mask: __m512d, v: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_andnot_si512(
            _mm512_castpd_si512(mask),
            _mm512_castpd_si512(v),
        )))
    }
    #[inline(always)]
    fn any(self, mask: __m512d) -> bool {
        values!({
            let m = _mm512_castpd_si512(mask);
            _mm512_test_epi64_mask(m, m) != 0
        })
    }
    #[inline(always)]
    fn shift_right<const N: u32>(self, a: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_srli_epi64::<N>(
            _mm512_castpd_si512(a)
        )))
    }
    #[inline(always)]
    fn shift_left<const N: u32>(self, a: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_slli_epi64::<N>(
            _mm512_castpd_si512(a)
        )))
    }
    #[inline(always)]
    fn shift_right_by(self, a: __m512d, count: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_srlv_epi64(
            _mm512_castpd_si512(a),
            _mm512_castpd_si512(count),
        )))
    }
    #[inline(always)]
    fn xor(self, a: __m512d, b: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_xor_si512(
            _mm512_castpd_si512(a),
            _mm512_castpd_si512(b),
        )))
    }
    #[inline(always)]
    fn add_bits(self, a: __m512d, b: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_add_epi64(
            _mm512_castpd_si512(a),
            _mm512_castpd_si512(b),
        )))
    }
    #[inline(always)]
    fn sub_bits(self, a: __m512d, b: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_sub_epi64(
            _mm512_castpd_si512(a),
            _mm512_castpd_si512(b),
        )))
    }
    #[inline(always)]
    fn sign_mask(self, a: __m512d) -> __m512d {
        values!(_mm512_castsi512_pd(_mm512_srai_epi64::<63>(
            _mm512_castpd_si512(a)
        )))
    }
}
