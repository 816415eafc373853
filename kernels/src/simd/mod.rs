//! The small SIMD vocabulary the kernels are written against, and its backends.
//!
//! This module knows no kernel. It offers lane-wise arithmetic ([`Arith`]), loads ([`Load`]),
//! comparisons and masks ([`Flags`]), and one way in: [`Simd::vectorize`] runs any
//! [`Kernel`] with the backend's instructions enabled (the pulp/faer pattern).
//!
//! A backend is a zero-sized token type whose existence proves that the CPU supports its
//! instructions (it can only be made after run-time detection). Each backend has exactly one
//! function with `#[target_feature]`, its `vectorize`, whose body is `kernel.run(token)`.
//! Everything between that function and the intrinsics — the kernel's `run`, the traversal,
//! the trait methods below — is `#[inline(always)]`, so the whole kernel is compiled for
//! those features (a closure or a plain `#[inline]` in between would not be inlined
//! reliably, and every intrinsic would become a call). Adding a kernel touches no backend.
//!
//! The traits are `pub` inside this private module so that the hidden items of the public
//! [`crate::Input`] can name them; nothing outside the crate can.

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
pub(crate) mod portable;

use crate::real::Real;

/// Work written once, generically, for every backend: what [`Simd::vectorize`] runs.
pub trait Kernel {
    /// What the kernel returns.
    type Output;
    /// Runs the kernel with backend `s`. Implementations must be `#[inline(always)]` (and
    /// so must everything they call down to the [`Simd`] methods), so that they are
    /// compiled inside the backend's `#[target_feature]` function.
    fn run<S: Simd>(self, s: S) -> Self::Output;
}

/// A backend token: every operation of the vocabulary, for every pair of element and
/// accumulator types, and the one entry that enables its instructions.
pub trait Simd:
    Copy + Flags + Arith<f32> + Load<f64, f64> + Load<f32, f32> + Load<f32, f64>
{
    /// `kernel.run(self)`, compiled with this backend's target features.
    fn vectorize<K: Kernel>(self, kernel: K) -> K::Output;
}

/// Lane-wise arithmetic on vectors of `A` (`f32` or `f64`) of backend `Self`.
pub trait Arith<A: Copy>: Copy {
    /// A vector of [`Arith::W`] lanes of `A`.
    type V: Copy;
    /// Lanes per vector.
    const W: usize;
    /// All lanes +0.
    fn zero(self) -> Self::V;
    /// `a * b + c`, rounded once (IEEE fusedMultiplyAdd), lane-wise.
    fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `a * b - c`, rounded once, lane-wise.
    fn fms(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Every lane `a`.
    fn splat(self, a: A) -> Self::V;
    /// `a + b`, lane-wise.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a - b`, lane-wise.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a * b`, lane-wise.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// Writes the lanes of `v` to `out[..W]`.
    fn store(self, v: Self::V, out: &mut [A]);
    /// Reads a vector from `from[..W]`.
    fn load_lanes(self, from: &[A]) -> Self::V;
    /// The lanes of `v` summed in the fixed pairwise tree: lane `j` absorbs lane `j + h` for
    /// `h = W/2, ..., 1`; the result is lane 0. Backends override it with shuffles.
    #[inline(always)]
    fn reduce_add(self, v: Self::V) -> A
    where
        A: Real,
    {
        let mut l = [A::zero(); 16];
        self.store(v, &mut l);
        let mut h = Self::W / 2;
        while h > 0 {
            for j in 0..h {
                l[j] = l[j] + l[j + h];
            }
            h /= 2;
        }
        l[0]
    }
}

/// Loads of elements `E` into vectors of `A` (equal types, or `f32` widened to `f64`).
pub trait Load<E: Copy, A: Copy>: Arith<A> {
    /// Loads `W` consecutive elements starting at `p`.
    ///
    /// # Safety
    /// `p..p + W` must be readable.
    unsafe fn load(self, p: *const E) -> Self::V;
    /// The `count` elements `p[..count]` in lanes `at..at + count`, `pad` in the others.
    ///
    /// # Safety
    /// `p .. p + count` must be readable; `at + count <= W`.
    #[inline(always)]
    unsafe fn load_part(self, p: *const E, at: usize, count: usize, pad: E) -> Self::V {
        let mut buf = [pad; 16];
        for j in 0..count {
            // SAFETY: j < count (caller).
            buf[at + j] = unsafe { p.add(j).read() };
        }
        // SAFETY: `buf` holds 16 >= W readable elements.
        unsafe { self.load(buf.as_ptr()) }
    }
    /// Loads the `W` elements `p + k * inc`, `k < W`.
    ///
    /// # Safety
    /// Each of those elements must be readable.
    unsafe fn gather(self, p: *const E, inc: isize) -> Self::V;
    /// Loads the `W` elements `p + k * INC`, `k < W`, for a small positive `INC` (2 or 4),
    /// possibly with wide loads of all of `p .. p + W * INC`.
    ///
    /// # Safety
    /// All of `p .. p + W * INC` must be readable.
    #[inline(always)]
    unsafe fn load_every<const INC: usize>(self, p: *const E) -> Self::V {
        // SAFETY: the addressed elements are a subset of the readable range.
        unsafe { self.gather(p, INC as isize) }
    }
}

/// Comparisons, masks and the magnitude operations, on vectors of `f64`.
pub trait Flags: Arith<f64> {
    /// `|a|`.
    fn abs(self, a: Self::V) -> Self::V;
    /// The larger of `a` and `b`; `b` if either is NaN (x86 `maxpd`), so that a running
    /// maximum kept in `b` ignores NaN lanes of `a`.
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// `max(|a|, m)`, lane-wise, for a running largest magnitude `m` (`m >= 0`, not NaN):
    /// `m` where `a` is NaN.
    fn abs_max(self, a: Self::V, m: Self::V) -> Self::V;
    /// `min(|a|, m)`, lane-wise, for a running smallest magnitude `m` (`m >= 0`, not NaN):
    /// `m` where `a` is NaN.
    fn abs_min(self, a: Self::V, m: Self::V) -> Self::V;
    /// All ones in the lanes where `a < b`, zero elsewhere (and for NaN).
    fn below(self, a: Self::V, b: Self::V) -> Self::V;
    /// All ones in the lanes where `a >= b`, zero elsewhere (and for NaN).
    fn at_least(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise bitwise or.
    fn or(self, a: Self::V, b: Self::V) -> Self::V;
    /// `v` where `mask` is zero, +0 where it is all ones.
    fn and_not(self, mask: Self::V, v: Self::V) -> Self::V;
    /// Whether some lane of `mask` is set.
    fn any(self, mask: Self::V) -> bool;
    /// Each lane's 64 bits shifted right by `N < 64`, zeros shifted in (the bits of an
    /// `f64` lane taken as an unsigned integer).
    fn shift_right<const N: u32>(self, a: Self::V) -> Self::V;
    /// Each lane's 64 bits shifted left by `N < 64`, zeros shifted in.
    fn shift_left<const N: u32>(self, a: Self::V) -> Self::V;
    /// Each lane's 64 bits shifted right by the unsigned integer in the same lane of
    /// `count`, zeros shifted in; zero for a count of 64 or more.
    fn shift_right_by(self, a: Self::V, count: Self::V) -> Self::V;
    /// Lane-wise bitwise exclusive or.
    fn xor(self, a: Self::V, b: Self::V) -> Self::V;
    /// The lanes' bits added as 64-bit integers, modulo 2^64.
    fn add_bits(self, a: Self::V, b: Self::V) -> Self::V;
    /// The lanes' bits subtracted as 64-bit integers (`a - b`), modulo 2^64.
    fn sub_bits(self, a: Self::V, b: Self::V) -> Self::V;
    /// All ones in the lanes whose highest bit (an `f64`'s sign) is set, zero elsewhere.
    fn sign_mask(self, a: Self::V) -> Self::V;
    /// `a + b`, lane-wise; on AVX-512 computed as `fma(a, one, b)` (`one`: every lane 1.0,
    /// made opaque to the optimiser with `core::hint::black_box`, which would otherwise fold
    /// it back into an addition). That
    /// rounds `a * 1 + b = a + b` exactly once: the same bits as the addition for every
    /// input, signed zeros and infinities included (a NaN stays a NaN; its payload may
    /// differ), issued on the multiply-add pipes instead of the adder pipes, which are
    /// separate on AMD's Zen cores. AVX2 and portable keep the addition (see AVX2's).
    fn add_on_fma(self, a: Self::V, one: Self::V, b: Self::V) -> Self::V;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Backend, Isa};

    /// `add_on_fma(a, 1, b)` and `add(a, b)` on one backend, lane by lane, for `a`, `b`
    /// taken from the same positions of two slices of 16.
    struct BothSums<'a> {
        a: &'a [f64; 16],
        b: &'a [f64; 16],
    }

    impl Kernel for BothSums<'_> {
        type Output = ([f64; 16], [f64; 16]);

        #[inline(always)]
        fn run<S: Simd>(self, s: S) -> Self::Output {
            let w = <S as Arith<f64>>::W;
            let one = Arith::<f64>::splat(s, core::hint::black_box(1.0));
            let (mut fused, mut plain) = ([0.0; 16], [0.0; 16]);
            for at in (0..16).step_by(w) {
                let a = Arith::<f64>::load_lanes(s, &self.a[at..]);
                let b = Arith::<f64>::load_lanes(s, &self.b[at..]);
                s.store(s.add_on_fma(a, one, b), &mut fused[at..]);
                s.store(Arith::<f64>::add(s, a, b), &mut plain[at..]);
            }
            (fused, plain)
        }
    }

    /// Signed zeros, subnormals, the extremes, infinities, values whose sum rounds (ties
    /// included) or overflows, and arbitrary bit patterns: the same bits from both, on
    /// every backend this CPU runs; a NaN from one is a NaN from the other.
    #[test]
    fn add_on_fma_is_bit_identical_to_add() {
        let specials = [
            0.0,
            -0.0,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::MIN_POSITIVE,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1.0,
            -1.0,
            1.0 + f64::EPSILON,
            2f64.powi(53),
            0.5,
            3.0 * 2f64.powi(-54),
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for isa in Isa::available() {
            let backend = Backend::new(isa).unwrap();
            for round in 0..2000 {
                let mut a = [0.0; 16];
                let mut b = [0.0; 16];
                for j in 0..16 {
                    (a[j], b[j]) = if round < 16 {
                        (specials[(round + j) % 16], specials[j])
                    } else if round % 2 == 0 {
                        // Near each other in magnitude: sums that round, ties among them.
                        let v = f64::from_bits(next() >> 2);
                        (v, -v * (1.0 + (next() % 8) as f64 * f64::EPSILON / 2.0))
                    } else {
                        (f64::from_bits(next()), f64::from_bits(next()))
                    };
                }
                let (fused, plain) = backend.vectorize(BothSums { a: &a, b: &b });
                for j in 0..16 {
                    if plain[j].is_nan() {
                        assert!(fused[j].is_nan(), "{isa:?}: {} + {}", a[j], b[j]);
                    } else {
                        assert_eq!(
                            fused[j].to_bits(),
                            plain[j].to_bits(),
                            "{isa:?}: {:e} + {:e}",
                            a[j],
                            b[j]
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, Isa::available().len() * 2000 * 16);
    }

    /// The integer lane operations on one backend, for `a`, `b` from the same positions of
    /// two slices of 16: `shift_right_by`, `xor`, `add_bits`, `sub_bits`, `sign_mask`.
    struct IntOps<'a> {
        a: &'a [u64; 16],
        b: &'a [u64; 16],
    }

    impl Kernel for IntOps<'_> {
        type Output = [[u64; 16]; 5];

        #[inline(always)]
        fn run<S: Simd>(self, s: S) -> Self::Output {
            let w = <S as Arith<f64>>::W;
            let mut out = [[0.0f64; 16]; 5];
            let (a, b) = (self.a.map(f64::from_bits), self.b.map(f64::from_bits));
            for at in (0..16).step_by(w) {
                let a = Arith::<f64>::load_lanes(s, &a[at..]);
                let b = Arith::<f64>::load_lanes(s, &b[at..]);
                s.store(s.shift_right_by(a, b), &mut out[0][at..]);
                s.store(s.xor(a, b), &mut out[1][at..]);
                s.store(s.add_bits(a, b), &mut out[2][at..]);
                s.store(s.sub_bits(a, b), &mut out[3][at..]);
                s.store(s.sign_mask(a), &mut out[4][at..]);
            }
            out.map(|lanes| lanes.map(f64::to_bits))
        }
    }

    /// Each integer lane operation against its scalar definition, on every backend this
    /// CPU runs: shift counts 0 to 70 (zero from 64 on), carries and borrows across all
    /// 64 bits, both signs.
    #[test]
    fn integer_lane_operations_match_their_scalar_definitions() {
        let mut rng = pdot_testkit::SplitMix64::seeded(11);
        let mut next = move || rng.next_u64();
        let mut checked = 0;
        for isa in Isa::available() {
            let backend = Backend::new(isa).unwrap();
            for round in 0..500 {
                let a: [u64; 16] = core::array::from_fn(|j| match (round + j) % 4 {
                    0 => next(),
                    1 => u64::MAX - next() % 4,
                    2 => next() % 4,
                    _ => 1 << 63 | next() >> 40,
                });
                let b: [u64; 16] = core::array::from_fn(|j| {
                    if round % 2 == 0 {
                        (round as u64 + j as u64) % 71
                    } else {
                        next()
                    }
                });
                let got = backend.vectorize(IntOps { a: &a, b: &b });
                for j in 0..16 {
                    let (x, y) = (a[j], b[j]);
                    let want = [
                        if y < 64 { x >> y } else { 0 },
                        x ^ y,
                        x.wrapping_add(y),
                        x.wrapping_sub(y),
                        if x >> 63 == 1 { u64::MAX } else { 0 },
                    ];
                    for (op, w) in want.iter().enumerate() {
                        assert_eq!(got[op][j], *w, "{isa:?}: operation {op} on {x:#x}, {y:#x}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, Isa::available().len() * 500 * 16 * 5);
    }

    /// `abs_max` and `abs_min` on one backend, for `a`, `m` from the same positions of two
    /// slices of 16.
    struct Magnitudes<'a> {
        a: &'a [f64; 16],
        m: &'a [f64; 16],
    }

    impl Kernel for Magnitudes<'_> {
        type Output = [[f64; 16]; 2];

        #[inline(always)]
        fn run<S: Simd>(self, s: S) -> Self::Output {
            let w = <S as Arith<f64>>::W;
            let mut out = [[0.0f64; 16]; 2];
            for at in (0..16).step_by(w) {
                let a = Arith::<f64>::load_lanes(s, &self.a[at..]);
                let m = Arith::<f64>::load_lanes(s, &self.m[at..]);
                s.store(s.abs_max(a, m), &mut out[0][at..]);
                s.store(s.abs_min(a, m), &mut out[1][at..]);
            }
            out
        }
    }

    /// The running magnitude extremes against their scalar definitions, on every backend
    /// this CPU runs: signed zeros, subnormals, infinities, NaN (which leaves `m`), equal
    /// magnitudes and arbitrary values, bit for bit.
    #[test]
    fn magnitude_extremes_match_their_scalar_definitions() {
        let specials = [
            0.0,
            -0.0,
            f64::from_bits(1),
            -f64::from_bits(1),
            f64::MIN_POSITIVE,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1.0,
            -1.0,
            0.5,
            -2.0,
            3.0,
            -1.5,
        ];
        let mut rng = pdot_testkit::SplitMix64::seeded(12);
        let mut checked = 0;
        for isa in Isa::available() {
            let backend = Backend::new(isa).unwrap();
            for round in 0..1000 {
                let (mut a, mut m) = ([0.0; 16], [0.0; 16]);
                for j in 0..16 {
                    a[j] = if round < 16 {
                        specials[(round + j) % 16]
                    } else {
                        f64::from_bits(rng.next_u64())
                    };
                    // A running extreme: not NaN, not negative (+0 or +inf included), at
                    // times |a| itself.
                    m[j] = match rng.next_u64() % 4 {
                        0 if !a[j].is_nan() => a[j].abs(),
                        1 => [0.0, f64::INFINITY, f64::from_bits(1)][j % 3],
                        _ => f64::from_bits(rng.next_u64() >> 1).min(f64::INFINITY),
                    };
                    if m[j].is_nan() {
                        m[j] = 1.0;
                    }
                }
                let [hi, lo] = backend.vectorize(Magnitudes { a: &a, m: &m });
                for j in 0..16 {
                    let (x, y) = (a[j].abs(), m[j]);
                    let want_hi = if x > y { x } else { y };
                    let want_lo = if x < y { x } else { y };
                    assert_eq!(
                        hi[j].to_bits(),
                        want_hi.to_bits(),
                        "{isa:?}: max(|{x:e}|, {y:e})"
                    );
                    assert_eq!(
                        lo[j].to_bits(),
                        want_lo.to_bits(),
                        "{isa:?}: min(|{x:e}|, {y:e})"
                    );
                    checked += 2;
                }
            }
        }
        assert_eq!(checked, Isa::available().len() * 1000 * 16 * 2);
    }
}
