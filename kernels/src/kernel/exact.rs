//! The exact kernel: every product added without error, whatever the order.
//!
//! Each SIMD lane keeps two short floating-point expansions, started afresh for every block
//! of `BLOCK_STEPS` vectors per lane:
//!
//! - `(a0, a1)` takes the rounded products `p = fl(x * y)`: `a0 + p = a0' + r` by TwoSum,
//!   then `a1 + r = a1' + r2`;
//! - `(b0, b1)` takes their exact errors `e = x * y - p` (one FMA, TwoProduct), the same
//!   way, leaving `q2`. (For `f32` inputs the products are exact in `f64`: no `e`.)
//!
//! TwoSum is error-free, so `a0 + a1 + b0 + b1 + r2 + q2` stays exactly the sum of the
//! products so far. The residuals `r2`, `q2` are almost always zero (they are not only when
//! the products of a block span more than about 2^30 in magnitude); when one is not, or when
//! a product is so small that TwoProduct's error term may have been rounded, the lane's
//! values go to the scalar path, which adds the residuals (and the exact correction of a
//! tiny product) to a fixed-point superaccumulator. At the end of a block the expansions
//! themselves are added to it: per block of several thousand products, a few dozen exact
//! additions.
//!
//! A non-finite value anywhere (an infinite or NaN input, a product or block sum beyond the
//! `f64` range) abandons the block, and the scalar path, which is exact for every finite
//! product (integer mantissa product) and records the special ones, redoes it.
//!
//! Exact zeros: `a0` starts at −0, and in round-to-nearest a sum is −0 only when both
//! operands are −0; so a lane's `a0` ends as −0 exactly when every rounded product in it was
//! −0. Products that rounded to −0 without being zero are tiny, and take the scalar path.

use crate::exact::ExactState;
use crate::exact::state::{NONEMPTY, NOT_NEG_ZERO};
use crate::real::Real;
use crate::simd::{Flags, Load, TINY_PRODUCT};
use crate::strided::Strided;

use super::sweep::{Contiguous, Every, Gathered, Source};

/// Register groups (each a `W`-lane vector of every expansion) advanced per step.
const U: usize = 1;

/// Steps per block: each lane adds at most this many products to its expansions before
/// they are flushed. It bounds their growth (hence how often they spill) and makes the
/// flush cost (`8 * U * W` additions to the superaccumulator) negligible.
const BLOCK_STEPS: usize = 512;

/// Steps per chunk, the unit of the optimistic test (see [`block`]).
const CHUNK_STEPS: usize = 16;

/// Adds every product `x[i] * y[i]` exactly to `state`.
///
/// # Safety
/// `x.len() == y.len()`. Meant to be inlined into a function with `s`'s target features
/// enabled ([`crate::simd::Simd::exact`]); elsewhere it is correct but slow.
#[inline(always)]
pub(crate) unsafe fn accumulate<S, E>(
    s: S,
    x: Strided<'_, E>,
    y: Strided<'_, E>,
    state: &mut ExactState,
) where
    S: Load<E, f64> + Flags,
    E: Real,
{
    let n = x.len();
    if n > 0 {
        state.flags |= NONEMPTY;
    }
    let ((px, ix), (py, iy)) = (x.raw(), y.raw());
    // SAFETY: every source below is made from its own view of n elements; x and y have the
    // same n (caller).
    unsafe {
        if ix == 1 && iy == 1 {
            run(s, n, Contiguous(px), Contiguous(py), state);
        } else if ix == 2 && iy == 2 {
            let (ex, ey) = (Every::<E, 2> { first: px }, Every::<E, 2> { first: py });
            run(s, n, ex, ey, state);
        } else if ix == 4 && iy == 4 {
            let (ex, ey) = (Every::<E, 4> { first: px }, Every::<E, 4> { first: py });
            run(s, n, ex, ey, state);
        } else {
            let gx = Gathered { first: px, inc: ix };
            let gy = Gathered { first: py, inc: iy };
            run(s, n, gx, gy, state);
        }
    }
}

/// The blocks, then the ragged end on the scalar path.
///
/// # Safety
/// `x` and `y` are sources of `n` elements each.
#[inline(always)]
unsafe fn run<S, E, X, Y>(s: S, n: usize, x: X, y: Y, state: &mut ExactState)
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let step = U * S::W;
    let slack = X::SLACK.max(Y::SLACK);
    // What the scalar path adds during a block, kept apart until the block succeeds.
    let mut spills = ExactState::new();
    let mut i = 0;
    while n - i >= step + slack {
        let steps = ((n - i - slack) / step).min(BLOCK_STEPS);
        let end = i + steps * step;
        // SAFETY: i + steps * step + slack <= n.
        let done = unsafe { block(s, x, y, i, end, state, &mut spills) };
        if !done {
            spills = ExactState::new();
            for j in i..end {
                // SAFETY: j < end <= n.
                unsafe { state.add_product(x.element(j), y.element(j)) };
            }
        }
        i = end;
    }
    for j in i..n {
        // SAFETY: j < n.
        unsafe { state.add_product(x.element(j), y.element(j)) };
    }
}

/// Knuth's TwoSum, lane-wise: `(s, t)` with `s = fl(a + b)` and `s + t = a + b` exactly
/// (finite lanes). Half of its operations run on the FMA pipes where a backend has them
/// (bit-identical; `one` is 1.0 in every lane).
#[inline(always)]
fn two_sum<S: Flags>(s: S, one: S::V, a: S::V, b: S::V) -> (S::V, S::V) {
    let sum = s.add(a, b);
    let bb = s.sub_on_fma(one, sum, a);
    let aa = s.sub(sum, bb);
    let t = s.add_on_fma(one, s.sub_on_fma(one, a, aa), s.sub(b, bb));
    (sum, t)
}

/// The expansions of `U` register groups (see the module documentation).
#[derive(Clone, Copy)]
struct Expansions<V> {
    a0: [V; U],
    a1: [V; U],
    b0: [V; U],
    b1: [V; U],
}

/// One block, elements `start..end` (a whole number of steps). Returns false, having
/// changed nothing in `state`, if a non-finite value turned up: the caller redoes the block
/// on the scalar path.
///
/// The block runs in chunks of `CHUNK_STEPS` steps, optimistically: instead of testing
/// every vector (a branch on the end of a long dependency chain, which halved the speed),
/// the residuals and tiny products are ORed into one register, tested once per chunk. A
/// chunk that raised it is run again from its starting expansions, carefully: vector by
/// vector, the scalar path taking what needs it.
///
/// # Safety
/// `end + SLACK` of both sources is at most their length; `end - start` is a multiple of
/// `U * W`.
#[inline(always)]
unsafe fn block<S, E, X, Y>(
    s: S,
    x: X,
    y: Y,
    start: usize,
    end: usize,
    state: &mut ExactState,
    spills: &mut ExactState,
) -> bool
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let step = U * S::W;
    let zero = s.zero();
    // 1.0, hidden from the optimiser, which would otherwise turn fma(a, 1, b) back into an
    // addition (see `two_sum`).
    let one = s.splat(core::hint::black_box(1.0));
    let mut ex = Expansions {
        a0: [s.splat(-0.0); U],
        a1: [zero; U],
        b0: [zero; U],
        b1: [zero; U],
    };
    let mut spilled = false;
    let mut i = start;
    while i < end {
        let chunk_end = end.min(i + CHUNK_STEPS * step);
        // The starting expansions, kept in memory rather than in registers (the f64 loop
        // needs all sixteen of AVX2's).
        let saved = save(s, &ex);
        let mut warn = zero;
        let mut j = i;
        while j < chunk_end {
            // SAFETY: j + step <= end, and end + SLACK <= n (caller).
            unsafe { step_optimistic(s, one, x, y, j, &mut ex, &mut warn) };
            j += step;
        }
        if s.any_nonzero(warn) {
            ex = restore(s, &saved);
            let mut j = i;
            while j < chunk_end {
                // SAFETY: as above.
                if !unsafe { step_careful(s, one, x, y, j, &mut ex, spills) } {
                    return false;
                }
                j += step;
            }
            spilled = true;
        }
        i = chunk_end;
    }
    flush(s, [ex.a0, ex.a1, ex.b0, ex.b1], state) && {
        if spilled {
            state.merge(spills);
            *spills = ExactState::new();
        }
        true
    }
}

/// The lanes of the expansions, stored.
#[inline(always)]
fn save<S: Flags>(s: S, ex: &Expansions<S::V>) -> [[f64; 16]; 4 * U] {
    let mut out = [[0.0f64; 16]; 4 * U];
    for (k, regs) in [ex.a0, ex.a1, ex.b0, ex.b1].iter().enumerate() {
        for (u, &r) in regs.iter().enumerate() {
            s.store(r, &mut out[k * U + u]);
        }
    }
    out
}

/// The expansions stored by [`save`].
#[inline(always)]
fn restore<S: Flags>(s: S, saved: &[[f64; 16]; 4 * U]) -> Expansions<S::V> {
    let v = |k: usize| -> [S::V; U] { core::array::from_fn(|u| s.load_lanes(&saved[k * U + u])) };
    Expansions {
        a0: v(0),
        a1: v(1),
        b0: v(2),
        b1: v(3),
    }
}

/// Adds the products of elements `i..i + U * W` to the expansions; ORs into `warn` every
/// residual the expansions could not absorb and, for `f64`, a mask of products below
/// [`TINY_PRODUCT`].
///
/// # Safety
/// `i + U * W + SLACK` is at most the length of both sources.
#[inline(always)]
unsafe fn step_optimistic<S, E, X, Y>(
    s: S,
    one: S::V,
    x: X,
    y: Y,
    i: usize,
    ex: &mut Expansions<S::V>,
    warn: &mut S::V,
) where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    unrolled!(U, |u| {
        let at = i + u * S::W;
        // SAFETY: at + W + SLACK <= n (caller).
        let (vx, vy) = unsafe { (x.vector(s, at), y.vector(s, at)) };
        let p = s.mul(vx, vy);
        let r;
        (ex.a0[u], r) = two_sum(s, one, ex.a0[u], p);
        let r2;
        (ex.a1[u], r2) = two_sum(s, one, ex.a1[u], r);
        *warn = s.or(*warn, r2);
        if !E::PRODUCT_EXACT_IN_F64 {
            let e = s.fms(vx, vy, p);
            let q;
            (ex.b0[u], q) = two_sum(s, one, ex.b0[u], e);
            let q2;
            (ex.b1[u], q2) = two_sum(s, one, ex.b1[u], q);
            *warn = s.or(*warn, s.or(q2, s.tiny(p)));
        }
    });
}

/// [`step_optimistic`], testing every vector and sending the lanes that need it to the
/// scalar path ([`spill`]). Returns false for a non-finite value.
///
/// # Safety
/// `i + U * W + SLACK` is at most the length of both sources.
#[inline(always)]
unsafe fn step_careful<S, E, X, Y>(
    s: S,
    one: S::V,
    x: X,
    y: Y,
    i: usize,
    ex: &mut Expansions<S::V>,
    spills: &mut ExactState,
) -> bool
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let zero = s.zero();
    unrolled!(U, |u| {
        let at = i + u * S::W;
        // SAFETY: at + W + SLACK <= n (caller).
        let (vx, vy) = unsafe { (x.vector(s, at), y.vector(s, at)) };
        let p = s.mul(vx, vy);
        let r;
        (ex.a0[u], r) = two_sum(s, one, ex.a0[u], p);
        let r2;
        (ex.a1[u], r2) = two_sum(s, one, ex.a1[u], r);
        if E::PRODUCT_EXACT_IN_F64 {
            if s.any_nonzero(r2)
                && !spill(&lanes(s, [vx, vy, p, zero, r2, zero]), S::W, false, spills)
            {
                return false;
            }
        } else {
            let e = s.fms(vx, vy, p);
            let q;
            (ex.b0[u], q) = two_sum(s, one, ex.b0[u], e);
            let q2;
            (ex.b1[u], q2) = two_sum(s, one, ex.b1[u], q);
            if s.needs_care(vx, vy, p, r2, q2)
                && !spill(&lanes(s, [vx, vy, p, e, r2, q2]), S::W, true, spills)
            {
                return false;
            }
        }
    });
    true
}

/// Adds the expansions of a block to `state`, or returns false (changing nothing) if one
/// of them is not finite.
#[inline(always)]
fn flush<S: Flags>(s: S, regs: [[S::V; U]; 4], state: &mut ExactState) -> bool {
    let mut lanes = [[0.0f64; 16]; 4 * U];
    for (k, r) in regs.iter().flatten().enumerate() {
        s.store(*r, &mut lanes[k]);
    }
    let values = || lanes.iter().flat_map(|l| &l[..S::W]);
    if !values().all(|v| v.is_finite()) {
        return false;
    }
    // The first U registers are the a0: all -0 unless some product was not -0.
    if lanes[..U]
        .iter()
        .flat_map(|l| &l[..S::W])
        .any(|v| v.to_bits() != (-0.0f64).to_bits())
    {
        state.flags |= NOT_NEG_ZERO;
    }
    for &v in values() {
        state.acc.add_f64(v);
    }
    true
}

/// The lanes of vectors, in arrays.
#[inline(always)]
fn lanes<S: Flags, const N: usize>(s: S, v: [S::V; N]) -> [[f64; 16]; N] {
    let mut l = [[0.0f64; 16]; N];
    for (k, r) in v.iter().enumerate() {
        s.store(*r, &mut l[k]);
    }
    l
}

/// The scalar path for the `w` lanes of one vector: `[x, y, p, e, r2, q2]` as in the module
/// documentation; `two_product` tells whether `e` was computed (and tiny products need
/// their exact correction). Returns false, changing nothing, for a non-finite value.
#[cold]
#[inline(never)]
fn spill(l: &[[f64; 16]; 6], w: usize, two_product: bool, spills: &mut ExactState) -> bool {
    let [x, y, p, e, r2, q2] = l;
    if !l.iter().all(|lane| lane[..w].iter().all(|v| v.is_finite())) {
        return false;
    }
    for j in 0..w {
        spills.acc.add_f64(r2[j]);
        spills.acc.add_f64(q2[j]);
        if two_product && p[j].abs() < TINY_PRODUCT && x[j] != 0.0 && y[j] != 0.0 {
            // p and e went into the expansions; add x * y - p - e, exactly.
            spills.acc.add_product_f64(x[j], y[j]);
            spills.acc.add_f64(-p[j]);
            spills.acc.add_f64(-e[j]);
            spills.flags |= NOT_NEG_ZERO;
        }
    }
    true
}
