//! The canonical traversal: logical element `i` is accumulated in virtual lane
//! `i % A::LANES`, lanes in increasing `i`.
//!
//! A backend holds `K = LANES / W` registers of `W` lanes. Register `k`, lane `v` holds the
//! canonical lane `(rot + k * W + v) % LANES`, where `rot` (0 when strided) is the number of
//! leading elements peeled so that the contiguous loads of `x` are aligned. The peeled
//! elements and the ragged end are partial vectors padded with `-0.0` (in `x`) and `+0.0`
//! (in `y`): the padded product is `-0.0`, and `a + (-0.0) == a` for every `a`,
//! so padding never changes a lane's bits, whatever the backend's width or the alignment.

use crate::real::Real;
use crate::simd::Load;
use crate::strided::Strided;

use super::method::Method;

/// Where the vectors of one operand come from.
pub(crate) trait Source<S: Load<E, A>, E: Real, A: Real>: Copy {
    /// Logical elements `i..i + W`.
    ///
    /// # Safety
    /// `i + W <= n` of the view this source was made from.
    unsafe fn vector(self, s: S, i: usize) -> S::V;
    /// Logical elements `i..i + W`, where `vector` may not be used (the last `SLACK`
    /// elements of the view are among them).
    ///
    /// # Safety
    /// `i + W <= n` of the view this source was made from.
    #[inline(always)]
    unsafe fn vector_at_end(self, s: S, i: usize) -> S::V {
        // SAFETY: forwarded from the caller.
        unsafe { self.vector(s, i) }
    }
    /// How many elements at the end of the view [`Source::vector`] must stay clear of:
    /// it may be used for elements `i..i + W` only if `i + W + SLACK <= n`.
    const SLACK: usize = 0;
    /// Whether the vectors are plain contiguous loads (the hardware prefetchers then follow
    /// any block-wise schedule; a strided stream is better read in order).
    const CONTIGUOUS: bool = false;
    /// Logical element `i`.
    ///
    /// # Safety
    /// `i < n` of the view this source was made from.
    unsafe fn element(self, i: usize) -> E;
    /// Asks the cache for the line holding logical element `i`, which may lie beyond the
    /// view (a hint: nothing is read, and no address is formed out of bounds).
    #[inline(always)]
    fn prefetch(self, i: usize) {
        let _ = i;
    }
    /// Logical elements `from..to` in lanes `at..`, `pad` in every other lane.
    ///
    /// # Safety
    /// `from <= to <= n` of the view this source was made from, `at + (to - from) <= W`.
    #[inline(always)]
    unsafe fn part(self, s: S, from: usize, to: usize, at: usize, pad: E) -> S::V {
        let mut buf = [pad; 16];
        for i in from..to {
            // SAFETY: i < to <= n (caller).
            buf[at + i - from] = unsafe { self.element(i) };
        }
        // SAFETY: `buf` holds 16 >= W readable elements.
        unsafe { s.load(buf.as_ptr()) }
    }
}

/// A contiguous operand (`inc == 1`): plain vector loads.
#[derive(Clone, Copy)]
pub(crate) struct Contiguous<E>(pub(crate) *const E);

impl<S: Load<E, A>, E: Real, A: Real> Source<S, E, A> for Contiguous<E> {
    const CONTIGUOUS: bool = true;
    #[inline(always)]
    fn prefetch(self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let p = self.0.wrapping_add(i).cast::<i8>();
            // SAFETY: a prefetch reads nothing and cannot fault, whatever the address; the
            // address is computed with wrapping arithmetic, so it need not be in bounds.
            // SSE, which it needs, is part of x86_64.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        // SAFETY: elements i..i + W are in the view (caller), which is contiguous.
        unsafe { s.load(self.0.add(i)) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        // SAFETY: i < n (caller).
        unsafe { self.0.add(i).read() }
    }
    #[inline(always)]
    unsafe fn part(self, s: S, from: usize, to: usize, at: usize, pad: E) -> S::V {
        // SAFETY: elements from..to are in the view (caller), which is contiguous.
        unsafe { s.load_part(self.0.add(from), at, to - from, pad) }
    }
}

/// A strided operand: vectors assembled from elements `inc` apart.
#[derive(Clone, Copy)]
pub(crate) struct Gathered<E> {
    pub(crate) first: *const E,
    pub(crate) inc: isize,
}

impl<S: Load<E, A>, E: Real, A: Real> Source<S, E, A> for Gathered<E> {
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        // SAFETY: logical elements i..i + W are in the view (caller), `inc` apart from
        // logical element i. `i * inc` fits in an isize because the view's extent does
        // (checked by `Strided::new`).
        unsafe { s.gather(self.first.offset(i as isize * self.inc), self.inc) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        // SAFETY: i < n (caller); offset in range as above.
        unsafe { self.first.offset(i as isize * self.inc).read() }
    }
}

/// A strided operand with a small positive increment `INC` (2 or 4): wide contiguous loads
/// and shuffles, except at the end, where a wide load would reach past the last element.
#[derive(Clone, Copy)]
pub(crate) struct Every<E, const INC: usize> {
    pub(crate) first: *const E,
}

impl<S: Load<E, A>, E: Real, A: Real, const INC: usize> Source<S, E, A> for Every<E, INC> {
    // The wide load for elements i..i + W reads data indices i*INC .. (i+W)*INC - 1, which
    // stay within the view's last element, (n-1)*INC, exactly when i + W < n (INC >= 2).
    const SLACK: usize = 1;
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        // SAFETY: i + W + 1 <= n (caller), so the wide load stays in the view (see SLACK).
        unsafe { s.load_every::<INC>(self.first.add(i * INC)) }
    }
    #[inline(always)]
    unsafe fn vector_at_end(self, s: S, i: usize) -> S::V {
        // SAFETY: elements i..i + W are in the view (caller); read one by one.
        unsafe { s.gather(self.first.add(i * INC), INC as isize) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        // SAFETY: i < n (caller), so i * INC is within the view.
        unsafe { self.first.add(i * INC).read() }
    }
}

/// `x · y` by method `M`, in the canonical order.
///
/// # Safety
/// `x.len() == y.len()`. Meant to be inlined into a function with `s`'s target features
/// enabled ([`crate::simd::Simd::sweep`]); elsewhere it is correct but slow.
#[inline(always)]
pub(crate) unsafe fn sweep<S, E, A, M>(s: S, x: Strided<'_, E>, y: Strided<'_, E>) -> (A, A)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    let n = x.len();
    let ((px, ix), (py, iy)) = (x.raw(), y.raw());
    // SAFETY: every source below is made from its own view of n elements; x and y have the
    // same n (caller).
    unsafe {
        if ix == 1 && iy == 1 {
            let rot = peel::<S, E, A>(px, n);
            run::<S, E, A, M, _, _>(s, n, Contiguous(px), Contiguous(py), rot)
        } else if ix == 2 && iy == 2 {
            let (ex, ey) = (Every::<E, 2> { first: px }, Every::<E, 2> { first: py });
            run::<S, E, A, M, _, _>(s, n, ex, ey, 0)
        } else if ix == 4 && iy == 4 {
            let (ex, ey) = (Every::<E, 4> { first: px }, Every::<E, 4> { first: py });
            run::<S, E, A, M, _, _>(s, n, ex, ey, 0)
        } else {
            let gx = Gathered { first: px, inc: ix };
            let gy = Gathered { first: py, inc: iy };
            run::<S, E, A, M, _, _>(s, n, gx, gy, 0)
        }
    }
}

/// How many leading elements to peel so that loads from `p` are aligned to a whole vector,
/// or 0 for vectors too short to gain from it.
#[inline(always)]
fn peel<S: Load<E, A>, E: Real, A: Real>(p: *const E, n: usize) -> usize {
    let size = core::mem::size_of::<E>();
    let bytes = S::W * size;
    let misaligned = (p as usize) % bytes;
    if misaligned == 0 || !misaligned.is_multiple_of(size) || n < 2 * A::LANES {
        return 0;
    }
    (bytes - misaligned) / size
}

/// Blocks of `LANES` elements per chunk when a method's registers are split in halves.
const CHUNK: usize = 8;

/// The traversal proper; see the module documentation.
///
/// # Safety
/// `x` and `y` are sources of `n` elements each; `rot < W`, `rot < n`.
#[inline(always)]
unsafe fn run<S, E, A, M, X, Y>(s: S, n: usize, x: X, y: Y, rot: usize) -> (A, A)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
    X: Source<S, E, A>,
    Y: Source<S, E, A>,
{
    let w = S::W;
    let l = A::LANES;
    let k = const { A::LANES / S::W };
    const { assert!(A::LANES % S::W == 0 && A::LANES / S::W <= 8 && S::W <= 16) };

    let slack = X::SLACK.max(Y::SLACK);
    // The padding of partial vectors (see the module documentation).
    let (x_pad, y_pad) = (E::neg_zero(), E::zero());
    let ctx = M::context(s);
    let mut regs = [M::zero(s); 8];
    let mut i = 0;
    // SAFETY: each source read below is of logical elements < n (the loop bounds say so),
    // `vector` is used only with at least `slack` elements after the vector, and
    // `rot < W <= n` (caller).
    unsafe {
        if rot > 0 {
            // Elements 0..rot are the first of canonical lanes 0..rot, which sit in the last
            // register's top `rot` lanes.
            let px = x.part(s, 0, rot, w - rot, x_pad);
            let py = y.part(s, 0, rot, w - rot, y_pad);
            regs[k - 1] = M::step(s, ctx, regs[k - 1], px, py);
            i = rot;
        }
        if M::SPLIT && k == 8 && X::CONTIGUOUS && Y::CONTIGUOUS {
            // Lanes are independent, so any schedule that keeps each lane's elements in
            // order gives the same bits. With 8 registers of two-vector state (16 of
            // AVX2's 16 vector registers), run registers 0..4 over a chunk of blocks, then
            // registers 4..8 over the same chunk: each half fits in registers.
            while n - i >= CHUNK * l + slack {
                for half in [0, 4] {
                    for b in 0..CHUNK {
                        let base = i + b * l;
                        unrolled!(4, |jj| {
                            let j = half + jj;
                            let at = base + j * w;
                            regs[j] = M::step(s, ctx, regs[j], x.vector(s, at), y.vector(s, at));
                        });
                    }
                }
                i += CHUNK * l;
            }
        }
        while n - i >= l + slack {
            unrolled!(k, |j| {
                let at = i + j * w;
                regs[j] = M::step(s, ctx, regs[j], x.vector(s, at), y.vector(s, at));
            });
            i += l;
        }
        // The ragged end: fewer than LANES + slack elements.
        while i < n {
            unrolled!(k, |j| {
                let at = i + j * w;
                if at + w + slack <= n {
                    regs[j] = M::step(s, ctx, regs[j], x.vector(s, at), y.vector(s, at));
                } else if at + w <= n {
                    let (vx, vy) = (x.vector_at_end(s, at), y.vector_at_end(s, at));
                    regs[j] = M::step(s, ctx, regs[j], vx, vy);
                } else if at < n {
                    let (px, py) = (x.part(s, at, n, 0, x_pad), y.part(s, at, n, 0, y_pad));
                    regs[j] = M::step(s, ctx, regs[j], px, py);
                }
            });
            i += l;
        }
    }
    M::finish(s, &regs[..k], rot)
}
