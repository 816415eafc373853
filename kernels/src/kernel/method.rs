//! Per-lane accumulation of each accuracy level, and the fixed tree that combines lanes.
//!
//! The canonical lanes of a sweep live in `K = LANES / W` registers. When the sweep peeled
//! `rot` elements for alignment, register `k`, lane `v` holds canonical lane
//! `(rot + k * W + v) % LANES`; [`canonical`] undoes that rotation. The tree then combines
//! lane `j` with lane `j + h` for `h = LANES/2, LANES/4, ..., 1`: whole registers while
//! `h >= W`, scalars within the last register.

use crate::real::Real;
use crate::simd::Arith;

/// Most registers a sweep keeps (`LANES / W <= 8` for every backend).
pub(crate) const MAX_REGS: usize = 8;

/// How one accuracy level accumulates products lane by lane and combines its lanes.
pub(crate) trait Method<A: Real, S: Arith<A>> {
    /// State of one register-wide group of lanes.
    type Reg: Copy;
    /// Constants of one sweep.
    type Ctx: Copy;
    /// Whether the state is too large for 8 registers' worth of it to stay in 16 vector
    /// registers (the sweep then runs half of the registers at a time).
    const SPLIT: bool;
    /// The constants of a sweep.
    fn context(s: S) -> Self::Ctx;
    /// A register group that has seen no element.
    fn zero(s: S) -> Self::Reg;
    /// Adds the lane-wise products `x * y` to `r`.
    fn step(s: S, c: Self::Ctx, r: Self::Reg, x: S::V, y: S::V) -> Self::Reg;
    /// The result: the `K` registers of a sweep rotated by `rot`, combined in the fixed tree,
    /// as `(hi, lo)`: `hi` is the result, `lo` the part of the exact sum of the method's
    /// accumulators that `hi` could not hold (0 for [`Fast`]).
    fn finish(s: S, regs: &[Self::Reg], rot: usize) -> (A, A);
}

/// The registers of a sweep in canonical order: register `k` holds canonical lanes
/// `k * W .. (k + 1) * W`.
#[inline(always)]
fn canonical<A: Real, S: Arith<A>>(s: S, regs: &[S::V], rot: usize) -> [S::V; MAX_REGS] {
    let mut out = [s.zero(); MAX_REGS];
    let (w, k) = (S::W, regs.len());
    if rot == 0 {
        out[..k].copy_from_slice(regs);
        return out;
    }
    // Store the registers so that canonical lane c lands at buf[W + c]: register j from
    // W + rot + j * W on, and the last register once more just below, where its lanes that
    // wrapped around (canonical lanes 0..rot) belong.
    let mut buf = [A::zero(); 16 + 64 + 16];
    for (j, &r) in regs.iter().enumerate() {
        s.store(r, &mut buf[w + rot + j * w..]);
    }
    s.store(regs[k - 1], &mut buf[rot..]);
    for (j, o) in out[..k].iter_mut().enumerate() {
        *o = s.load_lanes(&buf[w + j * w..]);
    }
    out
}

/// The lanes of one register, for the scalar end of the tree.
#[inline(always)]
fn lanes<A: Real, S: Arith<A>>(s: S, v: S::V) -> [A; 16] {
    let mut tmp = [A::zero(); 16];
    s.store(v, &mut tmp);
    tmp
}

/// Plain FMA accumulation (Accuracy::Fast).
pub(crate) struct Fast;

impl<A: Real, S: Arith<A>> Method<A, S> for Fast {
    type Reg = S::V;
    type Ctx = ();
    const SPLIT: bool = false;

    #[inline(always)]
    fn context(_: S) {}

    #[inline(always)]
    fn zero(s: S) -> S::V {
        s.zero()
    }
    #[inline(always)]
    fn step(s: S, _: (), r: S::V, x: S::V, y: S::V) -> S::V {
        s.fma(x, y, r)
    }
    #[inline(always)]
    fn finish(s: S, regs: &[S::V], rot: usize) -> (A, A) {
        let mut r = canonical(s, regs, rot);
        let mut h = regs.len() / 2;
        while h > 0 {
            for j in 0..h {
                r[j] = s.add(r[j], r[j + h]);
            }
            h /= 2;
        }
        (s.reduce_add(r[0]), A::zero())
    }
}

/// Dot2 of Ogita, Rump and Oishi (Accuracy::Compensated): per lane, a running sum `p`
/// updated by TwoSum and a running sum `e` of the rounding errors of both the products
/// (TwoProduct by FMA) and the sums.
pub(crate) struct Compensated;

impl<A: Real, S: Arith<A>> Method<A, S> for Compensated {
    type Reg = (S::V, S::V);
    /// Every lane 1.0, opaque to the optimiser (see `step`).
    type Ctx = S::V;
    const SPLIT: bool = true;

    #[inline(always)]
    fn context(s: S) -> S::V {
        // `black_box` hides the value 1.0, so that `fma(a, one, b)` stays a fused
        // multiply-add instead of being folded into `a + b` (see `step`). Should it fail to
        // hide it, the result is bit-identical, only slower.
        s.splat(core::hint::black_box(A::one()))
    }
    #[inline(always)]
    fn zero(s: S) -> Self::Reg {
        (s.zero(), s.zero())
    }
    /// One Dot2 step per lane: TwoProduct `x * y = h + r` and TwoSum `p + h = p_new + q`
    /// give the exact error `q + r`, which joins the running error sum `e`. Written as
    /// `q = a + b` (TwoSum's two exact parts) the error is `a + (b + r)`, and `b + r =
    /// (h - z) + (x * y - h) = x * y - z` is one fused multiply-subtract: rounding it once
    /// is one more rounding in the error sum, where Dot2's bound already allows them
    /// (its error terms are a factor u smaller than the products). Eight operations per
    /// vector instead of ten.
    ///
    /// The two additions into `e` are computed as `fma(a, 1, b)`, which rounds `a * 1 + b =
    /// a + b` exactly once, so it is bit-identical to `a + b` for every input (signed zeros,
    /// infinities and NaN included). That moves them from the adder pipes to the FMA pipes,
    /// four operations each, on cores that have separate ones.
    #[inline(always)]
    fn step(s: S, one: S::V, (p, e): Self::Reg, x: S::V, y: S::V) -> Self::Reg {
        let h = s.mul(x, y);
        let p_new = s.add(p, h);
        let z = s.sub(p_new, p);
        let a = s.sub(p, s.sub(p_new, z));
        let br = s.fms(x, y, z);
        (p_new, s.fma(a, one, s.fma(br, one, e)))
    }
    #[inline(always)]
    fn finish(s: S, regs: &[Self::Reg], rot: usize) -> (A, A) {
        let k = regs.len();
        let mut ps = [s.zero(); MAX_REGS];
        let mut es = [s.zero(); MAX_REGS];
        for (j, &(p, e)) in regs.iter().enumerate() {
            (ps[j], es[j]) = (p, e);
        }
        let mut p = canonical(s, &ps[..k], rot);
        let mut e = canonical(s, &es[..k], rot);
        let mut h = k / 2;
        while h > 0 {
            for j in 0..h {
                // TwoSum of the running sums; the error joins the error sums.
                let sum = s.add(p[j], p[j + h]);
                let z = s.sub(sum, p[j]);
                let err = s.add(s.sub(p[j], s.sub(sum, z)), s.sub(p[j + h], z));
                p[j] = sum;
                e[j] = s.add(s.add(e[j], e[j + h]), err);
            }
            h /= 2;
        }
        let (mut p, mut e) = (lanes(s, p[0]), lanes(s, e[0]));
        let mut h = S::W / 2;
        while h > 0 {
            for j in 0..h {
                let (sum, err) = two_sum(p[j], p[j + h]);
                p[j] = sum;
                e[j] = (e[j] + e[j + h]) + err;
            }
            h /= 2;
        }
        // hi = fl(p + e), the Dot2 result; lo = (p + e) - hi exactly.
        two_sum(p[0], e[0])
    }
}

/// Knuth's TwoSum: `(s, t)` with `s = fl(a + b)` and `s + t == a + b` exactly (finite inputs).
#[inline(always)]
fn two_sum<A: Real>(a: A, b: A) -> (A, A) {
    let s = a + b;
    let z = s - a;
    (s, (a - (s - z)) + (b - z))
}
