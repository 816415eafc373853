//! Portable backend on `wide`: 4 × f64 or 8 × f32, any target.
//!
//! `wide` picks its instructions when the crate is compiled, so this backend is as fast as the
//! build's target features allow (`-C target-cpu=native` builds, aarch64). Without a fused
//! multiply-add in the build (a default x86_64 build), `wide::mul_add` would round twice and
//! break bit-identity with the other backends; there this backend computes each lane with
//! `mul_add` of `std` (correctly rounded, slow). On x86_64 the run-time dispatch picks AVX2
//! or AVX-512 anyway; this backend is then only what `PDOT_FORCE_ISA=portable` asks for.

use wide::{f32x8, f64x4};

use super::{Arith, Flags, Kernel, Load, Simd};

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
    #[inline(always)]
    fn vectorize<K: Kernel>(self, kernel: K) -> K::Output {
        vectorize_portable(self, kernel)
    }
}

/// `kernel.run(s)` with the build's own target features: the one function of this backend
/// that runs kernels, like those of the other backends. Not inlined, so that the match over
/// the backends ([`crate::Backend`]) stays a few instructions instead of taking in a whole
/// kernel and its stack frame (which cost every call, whatever the backend, about 20 ns).
#[inline(never)]
fn vectorize_portable<K: Kernel>(s: Portable, kernel: K) -> K::Output {
    kernel.run(s)
}

/// Reads `N` elements `p + k * inc` into an array.
///
/// # Safety
/// Each of those elements must be readable.
#[inline(always)]
unsafe fn read<E: Copy, const N: usize>(p: *const E, inc: isize) -> [E; N] {
    // SAFETY: element k is one of the addressed elements, readable (caller).
    core::array::from_fn(|k| unsafe { p.offset(k as isize * inc).read() })
}

/// `Arith<$t>` and `Load<$t, $t>` for `Portable` on the `wide` vector `$v` of `$w` lanes
/// (the `f64` and `f32` implementations differ only in the types).
macro_rules! same_type {
    ($t:ty, $v:ty, $w:literal) => {
        impl Arith<$t> for Portable {
            type V = $v;
            const W: usize = $w;
            #[inline(always)]
            fn zero(self) -> $v {
                <$v>::ZERO
            }
            #[inline(always)]
            fn fma(self, a: $v, b: $v, c: $v) -> $v {
                if FUSED {
                    a.mul_add(b, c)
                } else {
                    let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
                    <$v>::new(core::array::from_fn(|k| a[k].mul_add(b[k], c[k])))
                }
            }
            #[inline(always)]
            fn fms(self, a: $v, b: $v, c: $v) -> $v {
                // Negation is exact, so this is a * b - c rounded once.
                Arith::<$t>::fma(self, a, b, -c)
            }
            #[inline(always)]
            fn splat(self, a: $t) -> $v {
                <$v>::splat(a)
            }
            #[inline(always)]
            fn add(self, a: $v, b: $v) -> $v {
                a + b
            }
            #[inline(always)]
            fn sub(self, a: $v, b: $v) -> $v {
                a - b
            }
            #[inline(always)]
            fn mul(self, a: $v, b: $v) -> $v {
                a * b
            }
            #[inline(always)]
            fn store(self, v: $v, out: &mut [$t]) {
                out[..$w].copy_from_slice(&v.to_array());
            }
            #[inline(always)]
            fn load_lanes(self, from: &[$t]) -> $v {
                let mut a = [0.0; $w];
                a.copy_from_slice(&from[..$w]);
                <$v>::new(a)
            }
        }

        impl Load<$t, $t> for Portable {
            #[inline(always)]
            unsafe fn load(self, p: *const $t) -> $v {
                // SAFETY: the caller guarantees W readable elements.
                <$v>::new(unsafe { p.cast::<[$t; $w]>().read_unaligned() })
            }
            #[inline(always)]
            unsafe fn gather(self, p: *const $t, inc: isize) -> $v {
                // SAFETY: the caller guarantees the addressed elements are readable.
                <$v>::new(unsafe { read(p, inc) })
            }
        }
    };
}

same_type!(f64, f64x4, 4);
same_type!(f32, f32x8, 8);

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
    fn add_on_fma(self, a: f64x4, _one: f64x4, b: f64x4) -> f64x4 {
        // The addition, as on AVX2 (four lanes; without a fused instruction, `fma` would be
        // a call per lane).
        Arith::<f64>::add(self, a, b)
    }
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
    fn abs_max(self, a: f64x4, m: f64x4) -> f64x4 {
        self.max(a.abs(), m)
    }
    #[inline(always)]
    fn abs_min(self, a: f64x4, m: f64x4) -> f64x4 {
        let (a, m) = (a.abs().to_array(), m.to_array());
        f64x4::new(core::array::from_fn(
            |k| if a[k] < m[k] { a[k] } else { m[k] },
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
    #[inline(always)]
    fn shift_right<const N: u32>(self, a: f64x4) -> f64x4 {
        f64x4::new(a.to_array().map(|v| f64::from_bits(v.to_bits() >> N)))
    }
    #[inline(always)]
    fn shift_left<const N: u32>(self, a: f64x4) -> f64x4 {
        f64x4::new(a.to_array().map(|v| f64::from_bits(v.to_bits() << N)))
    }
    #[inline(always)]
    fn shift_right_by(self, a: f64x4, count: f64x4) -> f64x4 {
        bits2(a, count, |v, c| {
            v.checked_shr(c.min(64) as u32).unwrap_or(0)
        })
    }
    #[inline(always)]
    fn xor(self, a: f64x4, b: f64x4) -> f64x4 {
        bits2(a, b, |a, b| a ^ b)
    }
    #[inline(always)]
    fn add_bits(self, a: f64x4, b: f64x4) -> f64x4 {
        bits2(a, b, u64::wrapping_add)
    }
    #[inline(always)]
    fn sub_bits(self, a: f64x4, b: f64x4) -> f64x4 {
        bits2(a, b, u64::wrapping_sub)
    }
    #[inline(always)]
    fn sign_mask(self, a: f64x4) -> f64x4 {
        f64x4::new(
            a.to_array()
                .map(|v| f64::from_bits(((v.to_bits() as i64) >> 63) as u64)),
        )
    }
}

/// `f(a, b)` on the bits of each pair of lanes.
#[inline(always)]
fn bits2(a: f64x4, b: f64x4, f: impl Fn(u64, u64) -> u64) -> f64x4 {
    let (a, b) = (a.to_array(), b.to_array());
    f64x4::new(core::array::from_fn(|k| {
        f64::from_bits(f(a[k].to_bits(), b[k].to_bits()))
    }))
}
