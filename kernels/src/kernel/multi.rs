//! Multi-dot kernels: `x · y_j` for up to [`MAX_DOTS`] vectors `y_j` in one pass over `x`
//! (PETSc's `VecMDot`), each result with exactly the bits of the single dot `x · y_j`.
//!
//! A dot in the canonical order keeps `LANES` lanes, `K = LANES / W` registers: the
//! registers of several dots do not fit at once. So `x` is taken in chunks small enough to
//! stay in the L1 cache ([`chunk_len`]), and for each chunk, each dot's registers are
//! loaded from a small array, run over the chunk by the same [`sweep::middle`] as the single
//! dot, and stored back. `x` is read from memory once and from L1 `k` times: `k + 1` streams
//! instead of `2k`. Lanes are independent, so splitting the middle of a sweep at pass
//! boundaries changes no bit; the prologue ([`sweep::begin`]), the ragged end
//! ([`sweep::end`]) and the tree ([`super::method::Method::finish`]) are the single dot's.
//!
//! The exact level runs the single dot's blocks ([`Progress::block`]) for each `y_j` on each
//! block of `x`, into one state per dot.
//!
//! Which sources read a pair, and whether the prologue peels, depends on both operands
//! ([`sweep::sweep`]): the `y_j` are therefore grouped by the [`Class`] of their pair with
//! `x`, and each group runs with the single dot's sources and `rot`.

use core::marker::PhantomData;

use crate::element::Element;
use crate::exact::ExactState;
use crate::real::Real;
use crate::simd::{Flags, Kernel, Load, Simd};
use crate::strided::{Layout, Strided, check_lengths};

use super::exact::{BLOCK_STEPS, Progress, next_block, scalar_end};
use super::method::{self, MAX_REGS, Method};
use super::ordered::settle;
use super::source::{Contiguous, Every, Gathered, Runs, Source};
use super::sweep::{self, CHUNK};

/// Most dot products one multi-dot kernel fuses; more are run in groups of this many.
pub(crate) const MAX_DOTS: usize = 8;

/// Bytes of `x` per chunk of a fused sweep: a few KiB, so that the chunk stays in L1 while
/// the `y_j` stream past it.
const CHUNK_BYTES: usize = 4096;

/// Elements of `x` per chunk of a fused sweep: about [`CHUNK_BYTES`], a whole number of
/// [`CHUNK`] passes of `LANES` (so that the split schedule of [`sweep::middle`] applies
/// within each chunk as it does in the single dot).
const fn chunk_len<E: Real, A: Real>() -> usize {
    let unit = CHUNK * A::LANES;
    let units = CHUNK_BYTES / core::mem::size_of::<E>() / unit;
    if units == 0 { unit } else { units * unit }
}

/// Steps of the exact kernel's blocks in a multi-dot: the single dot's.
const EXACT_STEPS: usize = BLOCK_STEPS;

/// `x` and up to [`MAX_DOTS`] vectors `y_j` of its length: what every multi-dot kernel
/// holds.
#[derive(Clone, Copy)]
pub(crate) struct ManyOperands<'a, E> {
    x: &'a Strided<'a, E>,
    ys: &'a [Strided<'a, E>],
}

impl<'a, E: Real> ManyOperands<'a, E> {
    /// `x` and the `ys`, whose lengths the kernels may then rely on.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()` (the message names both lengths), or if there are
    /// more than [`MAX_DOTS`] of them (a bug of the caller, which groups them).
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, ys: &'a [Strided<'a, E>]) -> Self {
        assert!(
            ys.len() <= MAX_DOTS,
            "at most {MAX_DOTS} fused dot products"
        );
        for y in ys {
            check_lengths(x.len(), y.len());
        }
        ManyOperands { x, ys }
    }
}

/// How a pair of views is read: the dispatch of [`sweep::sweep`] and of the exact kernel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Both contiguous: plain loads, `x` peeled to alignment.
    Contiguous,
    /// Both with increment 2.
    Every2,
    /// Both with increment 4.
    Every4,
    /// Both arithmetic progressions, otherwise: gathers.
    Gathered,
    /// Either blocked: both read as runs.
    Runs,
}

impl Class {
    /// Every class, in the order the groups run.
    const ALL: [Class; 5] = [
        Class::Contiguous,
        Class::Every2,
        Class::Every4,
        Class::Gathered,
        Class::Runs,
    ];

    /// The class of the pair `(x, y)`.
    fn of<E>(x: Layout<E>, y: Layout<E>) -> Class {
        match (x, y) {
            (Layout::Step(_, 1), Layout::Step(_, 1)) => Class::Contiguous,
            (Layout::Step(_, 2), Layout::Step(_, 2)) => Class::Every2,
            (Layout::Step(_, 4), Layout::Step(_, 4)) => Class::Every4,
            (Layout::Step(..), Layout::Step(..)) => Class::Gathered,
            _ => Class::Runs,
        }
    }
}

/// The `y_j` of one [`Class`]: their indices and how many.
struct Group {
    idx: [usize; MAX_DOTS],
    len: usize,
}

/// Work on one group of `y_j` that share a [`Class`] with `x`, with that class's sources.
trait Fused<S: Load<E, A>, E: Real, A: Real> {
    /// Runs dots `idx[..g]`, of `x` with `ys[..g]`; `rot` is the single dot's peel.
    ///
    /// # Safety
    /// `x` and every `ys[t]`, `t < g`, are sources of `n` elements; `rot < W`, `rot < n`
    /// or `rot == 0`; `1 <= g <= MAX_DOTS`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn run<X: Source<S, E, A>, Y: Source<S, E, A>>(
        &mut self,
        s: S,
        n: usize,
        x: X,
        ys: &[Y; MAX_DOTS],
        idx: &[usize; MAX_DOTS],
        g: usize,
        rot: usize,
    );
}

/// Runs `f` on each [`Class`] group of the `ys` (with the sources and peel of the single dot
/// of each pair).
///
/// # Safety
/// `x.len() == ys[j].len()` for every `j`; `ys.len() <= MAX_DOTS`.
#[inline(always)]
unsafe fn by_class<S, E, A, F>(s: S, x: Strided<'_, E>, ys: &[Strided<'_, E>], f: &mut F)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    F: Fused<S, E, A>,
{
    let n = x.len();
    let lx = x.layout();
    for class in Class::ALL {
        let mut group = Group {
            idx: [0; MAX_DOTS],
            len: 0,
        };
        for (j, y) in ys.iter().enumerate() {
            if Class::of(lx, y.layout()) == class {
                group.idx[group.len] = j;
                group.len += 1;
            }
        }
        if group.len == 0 {
            continue;
        }
        let g = group.len;
        // The layout of the t-th member (the last one repeated to fill the array).
        let ly = |t: usize| ys[group.idx[t.min(g - 1)]].layout();
        let step = |l: Layout<E>| match l {
            Layout::Step(p, inc) => (p, inc),
            Layout::Runs { first, .. } => (first, 0),
        };
        let (px, ix) = step(lx);
        // SAFETY: every source is made from its own view of n elements (caller), of the
        // class that selects it (a Step layout with the increment the class names).
        unsafe {
            match class {
                Class::Contiguous => {
                    let rot = sweep::peel::<S, E, A>(px, n);
                    let ys = core::array::from_fn(|t| Contiguous(step(ly(t)).0));
                    f.run(s, n, Contiguous(px), &ys, &group.idx, g, rot);
                }
                Class::Every2 => {
                    let ys = core::array::from_fn(|t| Every::<E, 2> {
                        first: step(ly(t)).0,
                    });
                    f.run(s, n, Every::<E, 2> { first: px }, &ys, &group.idx, g, 0);
                }
                Class::Every4 => {
                    let ys = core::array::from_fn(|t| Every::<E, 4> {
                        first: step(ly(t)).0,
                    });
                    f.run(s, n, Every::<E, 4> { first: px }, &ys, &group.idx, g, 0);
                }
                Class::Gathered => {
                    let ys = core::array::from_fn(|t| {
                        let (first, inc) = step(ly(t));
                        Gathered { first, inc }
                    });
                    let gx = Gathered { first: px, inc: ix };
                    f.run(s, n, gx, &ys, &group.idx, g, 0);
                }
                Class::Runs => {
                    let ys = core::array::from_fn(|t| Runs::new(ly(t)));
                    f.run(s, n, Runs::new(lx), &ys, &group.idx, g, 0);
                }
            }
        }
    }
}

/// Fused sweeps in the canonical order by method `M`: `out[idx[t]] = (hi, lo)` of the
/// single dot's sweep of `x · ys[t]`, before [`settle`].
struct Ordered<'o, A, M> {
    out: &'o mut [(A, A); MAX_DOTS],
    method: PhantomData<M>,
}

impl<S, E, A, M> Fused<S, E, A> for Ordered<'_, A, M>
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    #[inline(always)]
    unsafe fn run<X: Source<S, E, A>, Y: Source<S, E, A>>(
        &mut self,
        s: S,
        n: usize,
        x: X,
        ys: &[Y; MAX_DOTS],
        idx: &[usize; MAX_DOTS],
        g: usize,
        rot: usize,
    ) {
        let k = const { A::LANES / S::W };
        let slack = X::SLACK.max(Y::SLACK);
        let ctx = M::context(s);
        let mut states = [[M::zero(s); MAX_REGS]; MAX_DOTS];
        let mid = sweep::middle_end(n, rot, A::LANES, slack);
        let chunk = const { chunk_len::<E, A>() };
        // SAFETY: x and ys[..g] have n elements, rot < W and rot < n (or 0) (caller);
        // rot..mid is a whole number of passes followed by `slack` elements, and so is each
        // chunk, whose length is a multiple of LANES.
        unsafe {
            for (state, &y) in states.iter_mut().zip(ys).take(g) {
                sweep::begin::<S, E, A, M, X, Y>(s, ctx, x, y, rot, state);
            }
            let mut regs = [M::zero(s); MAX_REGS];
            let (group, halves) = const { group_plan::<S, E, A, M>() };
            let mut i = rot;
            while i < mid {
                let to = mid.min(i + chunk);
                let mut t = 0;
                if X::CONTIGUOUS && Y::CONTIGUOUS {
                    let (ys, states) = (&ys[..g], &mut states[..g]);
                    while group >= 4 && g - t >= 4 {
                        let (y, st) = (&ys[t..], &mut states[t..]);
                        if halves {
                            middle_group::<S, E, A, M, X, Y, 4, true>(s, ctx, x, y, i, to, st);
                        } else {
                            middle_group::<S, E, A, M, X, Y, 4, false>(s, ctx, x, y, i, to, st);
                        }
                        t += 4;
                    }
                    while group >= 2 && g - t >= 2 {
                        let (y, st) = (&ys[t..], &mut states[t..]);
                        if halves {
                            middle_group::<S, E, A, M, X, Y, 2, true>(s, ctx, x, y, i, to, st);
                        } else {
                            middle_group::<S, E, A, M, X, Y, 2, false>(s, ctx, x, y, i, to, st);
                        }
                        t += 2;
                    }
                }
                for (state, &y) in states[t..g].iter_mut().zip(&ys[t..g]) {
                    unrolled!(k, |r| {
                        regs[r] = state[r];
                    });
                    sweep::middle::<S, E, A, M, X, Y>(s, ctx, x, y, i, to, &mut regs);
                    unrolled!(k, |r| {
                        state[r] = regs[r];
                    });
                }
                i = to;
            }
            for (t, (state, &y)) in states.iter_mut().zip(ys).take(g).enumerate() {
                sweep::end::<S, E, A, M, X, Y>(s, ctx, n, x, y, mid, state);
                self.out[idx[t]] = M::finish(s, &state[..k], rot);
            }
        }
    }
}

/// 4, 2 or 1: the largest of them that is at most `g` (1 for `g == 0`).
const fn pow2_at_most_4(g: usize) -> usize {
    if g >= 4 {
        4
    } else if g >= 2 {
        2
    } else {
        1
    }
}

/// How [`middle_group`] runs dots side by side: how many (4, 2, or 1 for not at all), and
/// whether in halves. The registers of the group must fit in half of the backend's vector
/// registers (32 of 64 bytes, else 16), next to the loaded vectors: whole (AVX-512 Fast: 4
/// dots of 4 registers), or, when a dot's registers do not leave room for two, each half of
/// them at a time (AVX2 Fast: 2 dots of 8 registers, 4 at a time).
const fn group_plan<S, E, A, M>() -> (usize, bool)
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    let vector = core::mem::size_of::<S::V>();
    let budget = if vector >= 64 { 16 } else { 8 };
    let k = A::LANES / S::W;
    let per_dot = k * core::mem::size_of::<M::Reg>().div_ceil(vector);
    if budget / per_dot >= 2 {
        (pow2_at_most_4(budget / per_dot), false)
    } else if k % 2 == 0 && budget / (per_dot / 2) >= 2 {
        (pow2_at_most_4(budget / (per_dot / 2)), true)
    } else {
        (1, false)
    }
}

/// The middle of the sweeps of `x` with `ys[..G]` over `from..to`, side by side: each
/// vector of `x` is loaded once and stepped into the `G` dots, so that `G` streams of `y`
/// are in flight at once (more memory-level parallelism than one `y_j` at a time). With
/// `HALVES`, registers `0..K/2` of every dot run over [`CHUNK`] passes, then registers
/// `K/2..K` over the same passes (as [`sweep::middle`] does for a large state). Each
/// register of each dot still takes its elements in increasing order, as in
/// [`sweep::middle`]: the same bits.
///
/// # Safety
/// As [`sweep::middle`] for `x` and each of `ys[..G]`, which are contiguous sources;
/// `ys.len() >= G`, `states.len() >= G`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn middle_group<S, E, A, M, X, Y, const G: usize, const HALVES: bool>(
    s: S,
    ctx: M::Ctx,
    x: X,
    ys: &[Y],
    from: usize,
    to: usize,
    states: &mut [sweep::Regs<M, A, S>],
) where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
    X: Source<S, E, A>,
    Y: Source<S, E, A>,
{
    let (w, l) = (S::W, A::LANES);
    let k = const { A::LANES / S::W };
    let ys: [Y; G] = core::array::from_fn(|q| ys[q]);
    let mut regs: [sweep::Regs<M, A, S>; G] = core::array::from_fn(|q| states[q]);
    let mut i = from;
    // SAFETY: every vector read is of logical elements < to, with `slack` more after them,
    // in sources of contiguous elements (caller).
    unsafe {
        if HALVES {
            while to - i >= CHUNK * l {
                for half in [0, k / 2] {
                    for b in 0..CHUNK {
                        let base = i + b * l;
                        unrolled!(k / 2, |jj| {
                            let j = half + jj;
                            let at = base + j * w;
                            let vx = x.vector(s, at);
                            unrolled!(G, |q| {
                                let vy = ys[q].vector(s, at);
                                regs[q][j] = M::step(s, ctx, regs[q][j], vx, vy);
                            });
                        });
                    }
                }
                i += CHUNK * l;
            }
        }
        while i < to {
            unrolled!(k, |j| {
                let at = i + j * w;
                let vx = x.vector(s, at);
                unrolled!(G, |q| {
                    regs[q][j] = M::step(s, ctx, regs[q][j], vx, ys[q].vector(s, at));
                });
            });
            i += l;
        }
    }
    states[..G].copy_from_slice(&regs);
}

/// The fused sweeps of `x` with each of `ys` by method `M`, each settled as the single dot's
/// ([`settle`]: NaN canonical, `lo = 0` when `hi` is not finite).
///
/// # Safety
/// `x.len() == ys[j].len()` for every `j`; `ys.len() <= MAX_DOTS`.
#[inline(always)]
unsafe fn ordered_many<S, E, A, M>(
    s: S,
    x: Strided<'_, E>,
    ys: &[Strided<'_, E>],
) -> [(A, A); MAX_DOTS]
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    M: Method<A, S>,
{
    let mut out = [(A::zero(), A::zero()); MAX_DOTS];
    let mut fused = Ordered::<A, M> {
        out: &mut out,
        method: PhantomData,
    };
    // SAFETY: forwarded from the caller.
    unsafe { by_class::<S, E, A, _>(s, x, ys, &mut fused) };
    for r in &mut out[..ys.len()] {
        *r = settle(*r);
    }
    out
}

/// `x · y_j` at `Accuracy::Fast` for up to [`MAX_DOTS`] `y_j`, into `out` (a [`Kernel`]):
/// each the bits of [`super::FastDot`].
pub(crate) struct FastMany<'a, O, E> {
    xy: ManyOperands<'a, E>,
    out: &'a mut [O],
}

impl<'a, O: Real, E: Element<O>> FastMany<'a, O, E> {
    /// The kernel for `out[j] = x · ys[j]`.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, if `out.len() != ys.len()`, or if
    /// `ys.len() > MAX_DOTS`.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, ys: &'a [Strided<'a, E>], out: &'a mut [O]) -> Self {
        assert_eq!(out.len(), ys.len(), "one output per dot product");
        FastMany {
            xy: ManyOperands::new(x, ys),
            out,
        }
    }
}

impl<O: Real, E: Element<O>> Kernel for FastMany<'_, O, E> {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let (x, ys) = (*self.xy.x, self.xy.ys);
        // SAFETY: lengths checked by `ManyOperands::new`, the only constructor.
        let r = unsafe { ordered_many::<_, E, O, method::Fast>(E::lanes(s), x, ys) };
        for (o, (hi, _)) in self.out.iter_mut().zip(r) {
            *o = hi;
        }
    }
}

/// `x · y_j` at `Accuracy::Compensated` for up to [`MAX_DOTS`] `y_j`, into `out` as
/// unevaluated sums `(hi, lo)` (a [`Kernel`]): each the bits of [`super::CompensatedDot`].
pub(crate) struct CompensatedMany<'a, O, E> {
    xy: ManyOperands<'a, E>,
    out: &'a mut [(f64, f64)],
    output: PhantomData<O>,
}

impl<'a, O: Real, E: Element<O>> CompensatedMany<'a, O, E> {
    /// The kernel for `out[j] = x · ys[j]`.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, if `out.len() != ys.len()`, or if
    /// `ys.len() > MAX_DOTS`.
    #[track_caller]
    #[inline]
    pub(crate) fn new(
        x: &'a Strided<'a, E>,
        ys: &'a [Strided<'a, E>],
        out: &'a mut [(f64, f64)],
    ) -> Self {
        assert_eq!(out.len(), ys.len(), "one output per dot product");
        CompensatedMany {
            xy: ManyOperands::new(x, ys),
            out,
            output: PhantomData,
        }
    }
}

impl<O: Real, E: Element<O>> Kernel for CompensatedMany<'_, O, E> {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let (x, ys, wide) = (*self.xy.x, self.xy.ys, E::wide(s));
        if super::CompensatedDot::<O, E>::WIDE_FAST {
            // SAFETY: lengths checked by `ManyOperands::new`, the only constructor.
            let r = unsafe { ordered_many::<_, E, f64, method::Fast>(wide, x, ys) };
            for (o, (hi, _)) in self.out.iter_mut().zip(r) {
                *o = (hi, 0.0);
            }
            return;
        }
        // SAFETY: as above.
        let r = unsafe { ordered_many::<_, E, f64, method::Compensated>(wide, x, ys) };
        for ((o, r), y) in self.out.iter_mut().zip(r).zip(ys) {
            // A non-finite result is recomputed by the Fast kernel, as the single dot does.
            *o = if r.0.is_finite() {
                r
            } else {
                // SAFETY: x.len() == y.len() (as above).
                settle(unsafe { sweep::sweep::<_, E, f64, method::Fast>(wide, x, *y) })
            };
        }
    }
}

/// Fused exact dots: each `y_j` runs the single dot's blocks on each block of `x`, into
/// `out[idx[t]]`.
struct ExactFused<'o> {
    out: &'o mut [ExactState],
}

impl<S, E> Fused<S, E, f64> for ExactFused<'_>
where
    S: Load<E, f64> + Flags,
    E: Real,
{
    #[inline(always)]
    unsafe fn run<X: Source<S, E, f64>, Y: Source<S, E, f64>>(
        &mut self,
        s: S,
        n: usize,
        x: X,
        ys: &[Y; MAX_DOTS],
        idx: &[usize; MAX_DOTS],
        g: usize,
        _rot: usize,
    ) {
        let mut progress: [Progress; MAX_DOTS] = core::array::from_fn(|_| Progress::new());
        let mut i = 0;
        while let Some(end) = next_block::<S, E, X, Y>(n, i, EXACT_STEPS) {
            for ((p, &y), &j) in progress.iter_mut().zip(ys).zip(idx).take(g) {
                // SAFETY: `next_block` leaves `slack` elements after `end <= n`; x and y
                // have n elements (caller).
                unsafe { p.block(s, x, y, i..end, &mut self.out[j]) };
            }
            i = end;
        }
        for (&y, &j) in ys.iter().zip(idx).take(g) {
            // SAFETY: i <= n.
            unsafe { scalar_end(x, y, i, n, &mut self.out[j]) };
        }
    }
}

/// The exact states of `x · y_j` for up to [`MAX_DOTS`] `y_j`, added to `out` (a
/// [`Kernel`]): each the value of [`super::ExactDot`].
pub(crate) struct ExactMany<'a, O, E> {
    xy: ManyOperands<'a, E>,
    out: &'a mut [ExactState],
    output: PhantomData<O>,
}

impl<'a, O: Real, E: Element<O>> ExactMany<'a, O, E> {
    /// The kernel for `out[j] += x · ys[j]`.
    ///
    /// # Panics
    /// If some `ys[j].len() != x.len()`, if `out.len() != ys.len()`, or if
    /// `ys.len() > MAX_DOTS`.
    #[track_caller]
    #[inline]
    pub(crate) fn new(
        x: &'a Strided<'a, E>,
        ys: &'a [Strided<'a, E>],
        out: &'a mut [ExactState],
    ) -> Self {
        assert_eq!(out.len(), ys.len(), "one output per dot product");
        ExactMany {
            xy: ManyOperands::new(x, ys),
            out,
            output: PhantomData,
        }
    }
}

impl<O: Real, E: Element<O>> Kernel for ExactMany<'_, O, E> {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let (x, ys) = (*self.xy.x, self.xy.ys);
        if !x.is_empty() {
            for state in self.out.iter_mut() {
                state.flags |= crate::exact::state::NONEMPTY;
            }
        }
        let mut fused = ExactFused { out: self.out };
        // SAFETY: lengths checked by `ManyOperands::new`, the only constructor.
        unsafe { by_class::<_, E, f64, _>(E::wide(s), x, ys, &mut fused) };
    }
}
