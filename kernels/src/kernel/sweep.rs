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
use crate::strided::{Layout, Strided};

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
    let (lx, ly) = (x.layout(), y.layout());
    let (Layout::Step(px, ix), Layout::Step(py, iy)) = (lx, ly) else {
        // A blocked operand (not an arithmetic progression): both read as runs.
        // SAFETY: each source is made from its own view of n elements; x and y have the same
        // n (caller).
        return unsafe { run::<S, E, A, M, _, _>(s, n, Runs::new(lx), Runs::new(ly), 0) };
    };
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
    // `vector` is used only with at least `slack` elements after the vector, a pointer from
    // `contiguous_at(locate(i), l)` is read only for elements i..i + l (l = LANES <= 64),
    // and `rot < W <= n` (caller).
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
        if X::GROUPS || Y::GROUPS {
            // Runs (blocked views): one look-up per operand and pass of the lanes; a pass
            // within one run of each operand is read with plain loads.
            while n - i >= l + slack {
                let (ax, ay) = (x.locate(i), y.locate(i));
                if let (Some(px), Some(py)) = (x.contiguous_at(ax, l), y.contiguous_at(ay, l)) {
                    unrolled!(k, |j| {
                        let (vx, vy) = (s.load(px.add(j * w)), s.load(py.add(j * w)));
                        regs[j] = M::step(s, ctx, regs[j], vx, vy);
                    });
                } else {
                    unrolled!(k, |j| {
                        let off = j * w;
                        let (vx, vy) = (x.vector_near(s, i, ax, off), y.vector_near(s, i, ay, off));
                        regs[j] = M::step(s, ctx, regs[j], vx, vy);
                    });
                }
                i += l;
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
