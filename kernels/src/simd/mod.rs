//! The small SIMD vocabulary the kernels are written against, and its backends.
//!
//! A backend is a zero-sized token type whose existence proves that the CPU supports its
//! instructions (it can only be made after run-time detection). The kernels in
//! [`crate::kernel`] are written once, generically over these traits, and instantiated inside
//! each backend's [`Simd::vectorize`], which enables the backend's target features so that
//! the whole kernel is compiled for them.

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
pub(crate) mod portable;

/// A backend token: runs code with its instruction set enabled.
pub(crate) trait Simd: Copy {
    /// Runs `f` inside a function compiled with this backend's target features, so that the
    /// (always inlined) kernel `f` calls is compiled for them.
    fn vectorize<R>(self, f: impl FnOnce() -> R) -> R;
}

/// Lane-wise arithmetic on vectors of `A` (`f32` or `f64`) of backend `Self`.
pub(crate) trait Arith<A: Copy>: Simd {
    /// A vector of [`Arith::W`] lanes of `A`.
    type V: Copy;
    /// Lanes per vector.
    const W: usize;
    /// All lanes +0.
    fn zero(self) -> Self::V;
    /// `a * b + c`, rounded once (IEEE fusedMultiplyAdd), lane-wise.
    fn fma(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `a + b`, lane-wise.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a - b`, lane-wise.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a * b`, lane-wise.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// Writes the lanes of `v` to `out[..W]`.
    fn store(self, v: Self::V, out: &mut [A]);
}

/// Loads of elements `E` into vectors of `A` (equal types, or `f32` widened to `f64`).
pub(crate) trait Load<E: Copy, A: Copy>: Arith<A> {
    /// Precomputed gather offsets for one stride.
    type Index: Copy;
    /// Loads `W` consecutive elements starting at `p`.
    ///
    /// # Safety
    /// `p..p + W` must be readable.
    unsafe fn load(self, p: *const E) -> Self::V;
    /// Gather offsets for logical neighbours `inc` elements apart, or `None` if the
    /// backend's gather cannot address that stride.
    fn index(self, inc: isize) -> Option<Self::Index>;
    /// Loads the `W` elements `p + k * inc`, `k < W`, for the `inc` of `index`.
    ///
    /// # Safety
    /// Each of those elements must be readable.
    unsafe fn gather(self, p: *const E, index: Self::Index) -> Self::V;
}
