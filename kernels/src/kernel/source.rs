//! Where the vectors of an operand come from: one [`Source`] per kind of view (contiguous,
//! a small constant increment, any increment, runs of a blocked view), shared by the
//! traversals of [`super::sweep`] and [`super::exact`].

use crate::real::Real;
use crate::simd::Load;
use crate::strided::Layout;

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
    /// Whether the traversal should read this source a pass of the lanes at a time, with
    /// [`Source::locate`], [`Source::contiguous_at`] and [`Source::vector_near`] (a
    /// constant: other sources pay nothing for it).
    const GROUPS: bool = false;
    /// Where logical element `i` lies, in the source's own terms, for
    /// [`Source::contiguous_at`] and [`Source::vector_near`].
    #[inline(always)]
    fn locate(self, i: usize) -> (usize, usize) {
        (i, 0)
    }
    /// A pointer to the logical element at `at` (from [`Source::locate`]) if it and the next
    /// `len - 1` logical elements are contiguous in memory, `None` if not or if unknown.
    ///
    /// # Safety
    /// `at = locate(i)` with `i + len <= n` of the view this source was made from;
    /// `len <= 64`.
    #[inline(always)]
    unsafe fn contiguous_at(self, at: (usize, usize), len: usize) -> Option<*const E> {
        let _ = (at, len);
        None
    }
    /// Logical elements `i + off .. i + off + W`, where `at = locate(i)`.
    ///
    /// # Safety
    /// `i + off + W <= n` of the view this source was made from; `off < 64`.
    #[inline(always)]
    unsafe fn vector_near(self, s: S, i: usize, at: (usize, usize), off: usize) -> S::V {
        let _ = at;
        // SAFETY: forwarded from the caller.
        unsafe { self.vector(s, i + off) }
    }
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

/// An operand made of runs of `block` consecutive elements whose starts are `stride` apart:
/// logical element `i` is at `first + (i / block) * stride + i % block`. A vector within one
/// run is a plain contiguous load; one that spans the end of a run is assembled element by
/// element.
///
/// Used when either operand is a blocked view ([`Layout::Runs`]); the other operand is then
/// expressed as runs too: a contiguous one as a single endless run (`block = usize::MAX`), a
/// strided one as runs of one element (`block = 1`, `stride = inc`).
#[derive(Clone, Copy)]
pub(crate) struct Runs<E> {
    first: *const E,
    block: usize,
    stride: isize,
    /// `floor((2^64 - 1) / block)`: `i / block` by a multiplication (see [`Runs::split`]).
    magic: u64,
}

impl<E> Runs<E> {
    /// The runs of a view of `layout`.
    #[inline(always)]
    pub(crate) fn new(layout: Layout<E>) -> Self {
        let (first, block, stride) = match layout {
            Layout::Step(first, 1) => (first, usize::MAX, 0),
            Layout::Step(first, inc) => (first, 1, inc),
            // Every offset, the stride included, is at most isize::MAX (`Strided::blocked`).
            Layout::Runs {
                first,
                block,
                stride,
            } => (first, block, stride as isize),
        };
        Runs {
            first,
            block,
            stride,
            magic: u64::MAX / block as u64,
        }
    }

    /// `(i / block, i % block)`.
    ///
    /// With `M = floor((2^64 - 1) / block)`, `i · M / 2^64` lies in `(i/block - 1, i/block]`
    /// for every `i < 2^64`, so its floor `q0` is the quotient or one less; the remainder
    /// `i - q0 · block` is then below `2 · block`, and one correction step gives both.
    #[inline(always)]
    fn split(self, i: usize) -> (usize, usize) {
        let (i, block) = (i as u64, self.block as u64);
        let q = ((u128::from(i) * u128::from(self.magic)) >> 64) as u64;
        let r = i - q * block;
        if r >= block {
            ((q + 1) as usize, (r - block) as usize)
        } else {
            (q as usize, r as usize)
        }
    }

    /// Element `r` of run `q`.
    ///
    /// # Safety
    /// `q * block + r < n` of the view this source was made from, `r < block`.
    #[inline(always)]
    unsafe fn at(self, q: usize, r: usize) -> *const E {
        // SAFETY: the element is in the view (caller), so its offset `q * stride + r` fits in
        // an isize (checked by `Strided::new` or `Strided::blocked`; for `inc = 0` views
        // the product is 0) and stays inside the view's slice.
        unsafe {
            self.first
                .offset((q as isize).wrapping_mul(self.stride) + r as isize)
        }
    }
}

impl<E: Real> Runs<E> {
    /// The `W` logical elements from element `r` of run `q` on.
    ///
    /// # Safety
    /// Those elements are in the view; `r < block`.
    #[inline(always)]
    unsafe fn vector_from<S: Load<E, A>, A: Real>(self, s: S, mut q: usize, mut r: usize) -> S::V {
        // No overflow: r <= isize::MAX (see `contiguous_at`).
        if r + S::W <= self.block {
            // SAFETY: the W elements are in the view (caller) and in run q, whose elements
            // are contiguous.
            return unsafe { s.load(self.at(q, r)) };
        }
        if self.block == 1 {
            // SAFETY: the W elements are in the view (caller), `stride` apart from the
            // first, element 0 of run q.
            return unsafe { s.gather(self.at(q, 0), self.stride) };
        }
        // The vector spans the end of run q: element by element.
        let mut buf = [E::zero(); 16];
        for slot in buf.iter_mut().take(S::W) {
            if r == self.block {
                (q, r) = (q + 1, 0);
            }
            // SAFETY: this is one of the W logical elements, which are in the view
            // (caller); r < block.
            *slot = unsafe { self.at(q, r).read() };
            r += 1;
        }
        // SAFETY: `buf` holds 16 >= W readable elements.
        unsafe { s.load(buf.as_ptr()) }
    }
}

impl<S: Load<E, A>, E: Real, A: Real> Source<S, E, A> for Runs<E> {
    const GROUPS: bool = true;
    #[inline(always)]
    fn locate(self, i: usize) -> (usize, usize) {
        self.split(i)
    }
    #[inline(always)]
    unsafe fn contiguous_at(self, (q, r): (usize, usize), len: usize) -> Option<*const E> {
        // No overflow: r <= isize::MAX (r < block <= data.len() for blocked views, r = i < n
        // <= data.len() for a contiguous one, r = 0 for block = 1), len <= 64.
        // SAFETY: logical element q * block + r is in the view (caller), r < block.
        (r + len <= self.block).then(|| unsafe { self.at(q, r) })
    }
    #[inline(always)]
    unsafe fn vector_near(self, s: S, _: usize, (q, r): (usize, usize), off: usize) -> S::V {
        // Element `r + off` of run q, that is (no overflow: r <= isize::MAX, off < 64):
        let (mut q, mut r) = (q, r + off);
        if r >= self.block {
            let (dq, r2) = self.split(r);
            (q, r) = (q + dq, r2);
        }
        // SAFETY: this is logical element i + off (caller's `at = locate(i)`), and elements
        // i + off .. i + off + W are in the view (caller); r < block.
        unsafe { self.vector_from(s, q, r) }
    }
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        let (q, r) = self.split(i);
        // SAFETY: elements i..i + W are in the view (caller), i = q * block + r, r < block.
        unsafe { self.vector_from(s, q, r) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        let (q, r) = self.split(i);
        // SAFETY: i = q * block + r < n (caller), r < block.
        unsafe { self.at(q, r).read() }
    }
}

#[cfg(test)]
mod tests {
    use super::Runs;

    /// `Runs::split` is `(i / block, i % block)` for every block and every `i`, the extremes
    /// of both included (the multiplication by the reciprocal is corrected exactly once).
    #[test]
    fn split_is_division() {
        let mut blocks = vec![
            1usize, 2, 3, 4, 5, 6, 7, 8, 9, 10, 31, 40, 641, 1000, 6700417,
        ];
        for k in [16u32, 31, 32, 33, 52, 53, 62, 63] {
            let p = 1usize << k;
            blocks.extend([p - 1, p, p + 1]);
        }
        blocks.extend([usize::MAX / 3, usize::MAX - 1, usize::MAX]);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for &block in &blocks {
            let runs = Runs::<f64> {
                first: core::ptr::null(),
                block,
                stride: 0,
                magic: u64::MAX / block as u64,
            };
            let mut is = vec![0, 1, 2, block - 1, block, usize::MAX, usize::MAX - 1];
            for _ in 0..2000 {
                let q = random() % (usize::MAX / block).max(1);
                let base = q.wrapping_mul(block);
                is.extend([base, base.wrapping_sub(1), base.wrapping_add(1), random()]);
                is.push(base.wrapping_add(random() % block));
            }
            for i in is {
                assert_eq!(
                    runs.split(i),
                    (i / block, i % block),
                    "i = {i}, block = {block}"
                );
            }
        }
    }
}
