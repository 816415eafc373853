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

use super::method::{MAX_REGS, Method};
use super::source::{Contiguous, Every, Gathered, Runs, Source};

/// `x · y` by method `M`, in the canonical order.
///
/// # Safety
/// `x.len() == y.len()`. Meant to be inlined into a function with `s`'s target features
/// enabled (a [`crate::simd::Kernel`] run by [`crate::simd::Simd::vectorize`]); elsewhere it
/// is correct but slow.
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
pub(crate) fn peel<S: Load<E, A>, E: Real, A: Real>(p: *const E, n: usize) -> usize {
    let size = core::mem::size_of::<E>();
    let bytes = S::W * size;
    let misaligned = (p as usize) % bytes;
    if misaligned == 0 || !misaligned.is_multiple_of(size) || n < 2 * A::LANES {
        return 0;
    }
    (bytes - misaligned) / size
}

/// Blocks of `LANES` elements per chunk when a method's registers are split in halves.
pub(crate) const CHUNK: usize = 8;

/// The register state of one dot product in a sweep: `K = LANES / W` register groups
/// (the first `K` of the array are used).
pub(crate) type Regs<M, A, S> = [<M as Method<A, S>>::Reg; MAX_REGS];

/// Where the middle of a sweep of `n` elements that peeled `rot` ends: the middle reads
/// whole passes of `LANES` elements, each followed by at least `slack` more, from `rot` on.
#[inline(always)]
pub(crate) fn middle_end(n: usize, rot: usize, lanes: usize, slack: usize) -> usize {
    rot + (n - rot).saturating_sub(slack) / lanes * lanes
}

/// The traversal proper; see the module documentation: [`begin`], [`middle`] over
/// `rot..middle_end`, [`end`], then the method's fixed tree.
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
    let k = const { A::LANES / S::W };
    let slack = X::SLACK.max(Y::SLACK);
    let ctx = M::context(s);
    let mut regs = [M::zero(s); MAX_REGS];
    let mid = middle_end(n, rot, A::LANES, slack);
    // SAFETY: rot < W, rot < n (caller); rot..mid is a whole number of passes followed by
    // at least `slack` elements (`middle_end`); x and y have n elements (caller).
    unsafe {
        begin::<S, E, A, M, X, Y>(s, ctx, x, y, rot, &mut regs);
        middle::<S, E, A, M, X, Y>(s, ctx, x, y, rot, mid, &mut regs);
        end::<S, E, A, M, X, Y>(s, ctx, n, x, y, mid, &mut regs);
    }
    M::finish(s, &regs[..k], rot)
}

/// The peeled prologue: elements `0..rot` are the first of canonical lanes `0..rot`, which
/// sit in the last register's top `rot` lanes.
///
/// # Safety
/// `x` and `y` are sources of at least `rot` elements; `rot < W`.
#[inline(always)]
pub(crate) unsafe fn begin<S, E, A, M, X, Y>(
    s: S,
    ctx: M::Ctx,
    x: X,
    y: Y,
    rot: usize,
    regs: &mut Regs<M, A, S>,
) where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
    X: Source<S, E, A>,
    Y: Source<S, E, A>,
{
    let (w, k) = (S::W, const { A::LANES / S::W });
    if rot > 0 {
        // SAFETY: elements 0..rot exist (caller) and land in lanes w - rot..w.
        let (px, py) = unsafe {
            (
                x.part(s, 0, rot, w - rot, E::neg_zero()),
                y.part(s, 0, rot, w - rot, E::zero()),
            )
        };
        regs[k - 1] = M::step(s, ctx, regs[k - 1], px, py);
    }
}

/// The middle of a sweep: elements `from..to`, whole passes of `LANES` elements, added to
/// `regs` (resumable: a range can be split anywhere at a pass boundary, with the same
/// result).
///
/// # Safety
/// `(to - from) % LANES == 0`, `from <= to`, and `x` and `y` have at least `to + slack`
/// elements (`slack` the larger `SLACK` of the two).
#[inline(always)]
pub(crate) unsafe fn middle<S, E, A, M, X, Y>(
    s: S,
    ctx: M::Ctx,
    x: X,
    y: Y,
    from: usize,
    to: usize,
    regs: &mut Regs<M, A, S>,
) where
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
    const { assert!(A::LANES % S::W == 0 && A::LANES / S::W <= MAX_REGS && S::W <= 16) };
    let mut i = from;
    // SAFETY: each source read below is of logical elements < to, with `slack` more
    // elements after them (caller); a pointer from `contiguous_at(locate(i), l)` is read
    // only for elements i..i + l (l = LANES <= 64).
    unsafe {
        if M::SPLIT && k == 8 && X::CONTIGUOUS && Y::CONTIGUOUS {
            // Lanes are independent, so any schedule that keeps each lane's elements in
            // order gives the same bits. With 8 registers of two-vector state (16 of
            // AVX2's 16 vector registers), run registers 0..4 over a chunk of blocks, then
            // registers 4..8 over the same chunk: each half fits in registers.
            while to - i >= CHUNK * l {
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
            while i < to {
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
        while i < to {
            unrolled!(k, |j| {
                let at = i + j * w;
                regs[j] = M::step(s, ctx, regs[j], x.vector(s, at), y.vector(s, at));
            });
            i += l;
        }
    }
}

/// The ragged end of a sweep of `n` elements: elements `from..n`, fewer than
/// `LANES + slack`, the last ones in partial vectors.
///
/// # Safety
/// `x` and `y` are sources of `n` elements each; `from <= n`, and `from` is `rot` plus a
/// whole number of passes.
#[inline(always)]
pub(crate) unsafe fn end<S, E, A, M, X, Y>(
    s: S,
    ctx: M::Ctx,
    n: usize,
    x: X,
    y: Y,
    from: usize,
    regs: &mut Regs<M, A, S>,
) where
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
    let slack = X::SLACK.max(Y::SLACK);
    // The padding of partial vectors (see the module documentation).
    let (x_pad, y_pad) = (E::neg_zero(), E::zero());
    let mut i = from;
    // SAFETY: every element read is < n; `vector` is used only with at least `slack`
    // elements after the vector.
    unsafe {
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
}
