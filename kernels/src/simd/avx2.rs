//! AVX2 + FMA backend (x86_64): 256-bit vectors, 4 × f64 or 8 × f32.

use core::arch::x86_64::*;

use super::{Arith, Flags, Kernel, Load, Simd};

/// Token proving that the CPU has AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The token, if this CPU supports AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        (is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")).then_some(Avx2(()))
    }
}

impl Simd for Avx2 {
    #[inline(always)]
    fn vectorize<K: Kernel>(self, kernel: K) -> K::Output {
        // SAFETY: `vectorize_avx2` needs AVX2 and FMA, and `self` exists only if
        // `Avx2::detect` found both on this CPU.
        unsafe { vectorize_avx2(self, kernel) }
    }
}

/// `kernel.run(s)`, compiled with AVX2 and FMA: the one function of this backend with
/// target features; every kernel is inlined into it.
#[target_feature(enable = "avx2,fma")]
fn vectorize_avx2<K: Kernel>(s: Avx2, kernel: K) -> K::Output {
    kernel.run(s)
}

/// `$e`, made of intrinsics that take and return values only (no memory access, no
/// pointer), in the `unsafe` block their target features require. Used only in methods of
/// `Avx2`, whose token is the proof.
macro_rules! values {
    ($e:expr) => {
        // SAFETY: these intrinsics need only AVX2 and FMA, and this code runs only in a
        // method of `Avx2`, a token that exists only if `Avx2::detect` found both on this
        // CPU; they touch no memory, so nothing else is required.
        unsafe { $e }
    };
}

/// The pairwise tree over the 4 lanes of `v` (h = 2: lanes 0, 1 absorb lanes 2, 3; h = 1:
/// lane 0 absorbs lane 1).
#[inline(always)]
fn reduce_pd(_: Avx2, v: __m256d) -> f64 {
    values!({
        let s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd::<1>(v));
        _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)))
    })
}

/// The pairwise tree over the 8 lanes of `v` (h = 4, then h = 2 and h = 1).
#[inline(always)]
fn reduce_ps(_: Avx2, v: __m256) -> f32 {
    values!({
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)))
    })
}

/// `Arith<$t>` for `Avx2`, from the intrinsics of one element type (the `f64` and `f32`
/// implementations differ only in them).
macro_rules! arith {
    ($t:ty, $v:ty, $w:literal, $reduce:ident,
     $setzero:ident, $fmadd:ident, $fmsub:ident, $set1:ident,
     $add:ident, $sub:ident, $mul:ident, $storeu:ident, $loadu:ident) => {
        impl Arith<$t> for Avx2 {
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
                // SAFETY: `out` has W writable elements; the token proves AVX.
                unsafe { $storeu(out.as_mut_ptr(), v) }
            }
            #[inline(always)]
            fn load_lanes(self, from: &[$t]) -> $v {
                let from = &from[..$w];
                // SAFETY: `from` has W readable elements; the token proves AVX.
                unsafe { $loadu(from.as_ptr()) }
            }
            #[inline(always)]
            fn reduce_add(self, v: $v) -> $t {
                $reduce(self, v)
            }
        }
    };
}

arith!(
    f64,
    __m256d,
    4,
    reduce_pd,
    _mm256_setzero_pd,
    _mm256_fmadd_pd,
    _mm256_fmsub_pd,
    _mm256_set1_pd,
    _mm256_add_pd,
    _mm256_sub_pd,
    _mm256_mul_pd,
    _mm256_storeu_pd,
    _mm256_loadu_pd
);
arith!(
    f32,
    __m256,
    8,
    reduce_ps,
    _mm256_setzero_ps,
    _mm256_fmadd_ps,
    _mm256_fmsub_ps,
    _mm256_set1_ps,
    _mm256_add_ps,
    _mm256_sub_ps,
    _mm256_mul_ps,
    _mm256_storeu_ps,
    _mm256_loadu_ps
);

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

/// Lanes `at..at + count` of 8 × 32 bits set (all ones), the others clear (`at + count <= 8`,
/// so the casts are exact).
#[inline(always)]
fn lanes8(_: Avx2, at: usize, count: usize) -> __m256i {
    values!({
        let iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let from = _mm256_cmpgt_epi32(iota, _mm256_set1_epi32(at as i32 - 1));
        let to = _mm256_cmpgt_epi32(_mm256_set1_epi32((at + count) as i32), iota);
        _mm256_and_si256(from, to)
    })
}

/// Lanes `at..at + count` of 4 × 64 bits set (all ones), the others clear (`at + count <= 4`,
/// so the casts are exact).
#[inline(always)]
fn lanes4(_: Avx2, at: usize, count: usize) -> __m256i {
    values!({
        let iota = _mm256_setr_epi64x(0, 1, 2, 3);
        let from = _mm256_cmpgt_epi64(iota, _mm256_set1_epi64x(at as i64 - 1));
        let to = _mm256_cmpgt_epi64(_mm256_set1_epi64x((at + count) as i64), iota);
        _mm256_and_si256(from, to)
    })
}

// Partial vectors use masked loads: `vmaskmov` reads only the enabled lanes and suppresses
// faults on the others, so the base address `p - at`, computed with `wrapping_sub`, may lie
// before the data; only the `count` elements from `p` on are accessed.

impl Load<f64, f64> for Avx2 {
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> __m256d {
        // SAFETY: the caller guarantees 4 readable elements; the token proves AVX2.
        unsafe { _mm256_loadu_pd(p) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f64, at: usize, count: usize, pad: f64) -> __m256d {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled;
        // the token proves AVX2.
        unsafe {
            let mask = lanes4(self, at, count);
            let v = _mm256_maskload_pd(p.wrapping_sub(at), mask);
            _mm256_blendv_pd(_mm256_set1_pd(pad), v, _mm256_castsi256_pd(mask))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f64, inc: isize) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable;
        // the token proves AVX2.
        unsafe { _mm256_setr_pd(at(p, 0, inc), at(p, 1, inc), at(p, 2, inc), at(p, 3, inc)) }
    }
    #[inline(always)]
    unsafe fn load_every<const INC: usize>(self, p: *const f64) -> __m256d {
        // SAFETY: the caller guarantees p .. p + 4 * INC readable; the token proves AVX2.
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
        // SAFETY: the caller guarantees 8 readable elements; the token proves AVX2.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f32, at: usize, count: usize, pad: f32) -> __m256 {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled;
        // the token proves AVX2.
        unsafe {
            let mask = lanes8(self, at, count);
            let v = _mm256_maskload_ps(p.wrapping_sub(at), mask);
            _mm256_blendv_ps(_mm256_set1_ps(pad), v, _mm256_castsi256_ps(mask))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m256 {
        // SAFETY: the caller guarantees the 8 addressed elements are readable;
        // the token proves AVX2.
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
        // SAFETY: the caller guarantees p .. p + 8 * INC readable; the token proves AVX2.
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
        // SAFETY: the caller guarantees 4 readable elements; the token proves AVX2.
        unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) }
    }
    #[inline(always)]
    unsafe fn load_part(self, p: *const f32, at: usize, count: usize, pad: f32) -> __m256d {
        // SAFETY: p .. p + count readable (caller); only those lanes are enabled;
        // the token proves AVX2.
        unsafe {
            let mask = _mm256_castsi256_si128(lanes8(self, at, count));
            let v = _mm_maskload_ps(p.wrapping_sub(at), mask);
            _mm256_cvtps_pd(_mm_blendv_ps(_mm_set1_ps(pad), v, _mm_castsi128_ps(mask)))
        }
    }
    #[inline(always)]
    unsafe fn gather(self, p: *const f32, inc: isize) -> __m256d {
        // SAFETY: the caller guarantees the 4 addressed elements are readable;
        // the token proves AVX2.
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
        // SAFETY: the caller guarantees p .. p + 4 * INC readable; the token proves AVX2.
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
    fn add_on_fma(self, a: __m256d, _one: __m256d, b: __m256d) -> __m256d {
        // The addition: the exact kernel's f64 loop on AVX2 keeps one accumulator set (16
        // registers), and its chains of additions bound it; the multiply-add's longer
        // latency made it slower (measured on Zen 4 with PDOT_FORCE_ISA=avx2: CG snapshots
        // 4.2 -> 5.0-5.4 times Fast).
        Arith::<f64>::add(self, a, b)
    }
    #[inline(always)]
    fn abs(self, a: __m256d) -> __m256d {
        values!(_mm256_andnot_pd(_mm256_set1_pd(-0.0), a))
    }
    #[inline(always)]
    fn max(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_max_pd(a, b))
    }
    #[inline(always)]
    fn abs_max(self, a: __m256d, m: __m256d) -> __m256d {
        // `maxpd` returns its second operand where either is NaN.
        self.max(self.abs(a), m)
    }
    #[inline(always)]
    fn abs_min(self, a: __m256d, m: __m256d) -> __m256d {
        // `minpd` returns its second operand where either is NaN.
        values!(_mm256_min_pd(self.abs(a), m))
    }
    #[inline(always)]
    fn below(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_cmp_pd::<_CMP_LT_OQ>(a, b))
    }
    #[inline(always)]
    fn at_least(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_cmp_pd::<_CMP_GE_OQ>(a, b))
    }
    #[inline(always)]
    fn or(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_or_pd(a, b))
    }
    #[inline(always)]
    fn and_not(self, mask: __m256d, v: __m256d) -> __m256d {
        values!(_mm256_andnot_pd(mask, v))
    }
    #[inline(always)]
    fn any(self, mask: __m256d) -> bool {
        values!(_mm256_testz_pd(mask, mask) == 0)
    }
    #[inline(always)]
    fn shift_right<const N: u32>(self, a: __m256d) -> __m256d {
        // A count of 64 or more gives zero lanes; N < 64 (the trait's contract).
        values!(_mm256_castsi256_pd(_mm256_srl_epi64(
            _mm256_castpd_si256(a),
            _mm_cvtsi32_si128(N as i32),
        )))
    }
    #[inline(always)]
    fn shift_left<const N: u32>(self, a: __m256d) -> __m256d {
        values!(_mm256_castsi256_pd(_mm256_sll_epi64(
            _mm256_castpd_si256(a),
            _mm_cvtsi32_si128(N as i32),
        )))
    }
    #[inline(always)]
    fn shift_right_by(self, a: __m256d, count: __m256d) -> __m256d {
        values!(_mm256_castsi256_pd(_mm256_srlv_epi64(
            _mm256_castpd_si256(a),
            _mm256_castpd_si256(count),
        )))
    }
    #[inline(always)]
    fn xor(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_xor_pd(a, b))
    }
    #[inline(always)]
    fn add_bits(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_castsi256_pd(_mm256_add_epi64(
            _mm256_castpd_si256(a),
            _mm256_castpd_si256(b),
        )))
    }
    #[inline(always)]
    fn sub_bits(self, a: __m256d, b: __m256d) -> __m256d {
        values!(_mm256_castsi256_pd(_mm256_sub_epi64(
            _mm256_castpd_si256(a),
            _mm256_castpd_si256(b),
        )))
    }
    #[inline(always)]
    fn sign_mask(self, a: __m256d) -> __m256d {
        // 0 > a as a signed integer: AVX2 has no 64-bit arithmetic shift.
        values!(_mm256_castsi256_pd(_mm256_cmpgt_epi64(
            _mm256_setzero_si256(),
            _mm256_castpd_si256(a),
        )))
    }
}
