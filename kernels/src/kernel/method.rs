//! Per-lane accumulation of each accuracy level, and the fixed trees that combine lanes.

use crate::real::Real;
use crate::simd::Arith;

/// Most canonical lanes of any accumulator type (`f32`: 64).
pub(crate) const MAX_LANES: usize = 64;

/// How one accuracy level accumulates products lane by lane and combines its lanes.
pub(crate) trait Method<A: Real, S: Arith<A>> {
    /// State of one register-wide group of lanes.
    type Reg: Copy;
    /// State of all canonical lanes (`A::LANES` of them), in canonical order.
    type Lanes;
    /// Canonical lanes that have seen no element.
    fn empty() -> Self::Lanes;
    /// A register group that has seen no element.
    fn zero(s: S) -> Self::Reg;
    /// Adds the lane-wise products `x * y` to `r`.
    fn step(s: S, r: Self::Reg, x: S::V, y: S::V) -> Self::Reg;
    /// Writes the `W` lanes of `r` to canonical lanes `(first + v) % A::LANES`, `v < W`.
    fn store(s: S, r: Self::Reg, lanes: &mut Self::Lanes, first: usize);
    /// Combines the canonical lanes in the fixed pairwise tree: lane `j` absorbs lane
    /// `j + h` for `h = LANES/2, LANES/4, ..., 1`; the result is what lane 0 ends with.
    fn finish(lanes: &mut Self::Lanes) -> A;
}

/// Writes the lanes of `v` to `out[(first + k) % A::LANES]`.
#[inline(always)]
fn scatter<A: Real, S: Arith<A>>(s: S, v: S::V, out: &mut [A; MAX_LANES], first: usize) {
    let mut tmp = [A::zero(); 16];
    s.store(v, &mut tmp);
    for (k, &t) in tmp[..S::W].iter().enumerate() {
        out[(first + k) % A::LANES] = t;
    }
}

/// Plain FMA accumulation (Accuracy::Fast).
pub(crate) struct Fast;

impl<A: Real, S: Arith<A>> Method<A, S> for Fast {
    type Reg = S::V;
    type Lanes = [A; MAX_LANES];

    #[inline(always)]
    fn empty() -> Self::Lanes {
        [A::zero(); MAX_LANES]
    }
    #[inline(always)]
    fn zero(s: S) -> S::V {
        s.zero()
    }
    #[inline(always)]
    fn step(s: S, r: S::V, x: S::V, y: S::V) -> S::V {
        s.fma(x, y, r)
    }
    #[inline(always)]
    fn store(s: S, r: S::V, lanes: &mut Self::Lanes, first: usize) {
        scatter(s, r, lanes, first);
    }
    #[inline(always)]
    fn finish(lanes: &mut Self::Lanes) -> A {
        let mut h = A::LANES / 2;
        while h > 0 {
            for j in 0..h {
                lanes[j] = lanes[j] + lanes[j + h];
            }
            h /= 2;
        }
        lanes[0]
    }
}

/// Dot2 of Ogita, Rump and Oishi (Accuracy::Compensated): per lane, a running sum `p`
/// updated by TwoSum and a running sum `e` of the rounding errors of both the products
/// (TwoProduct by FMA) and the sums.
pub(crate) struct Compensated;

impl<A: Real, S: Arith<A>> Method<A, S> for Compensated {
    type Reg = (S::V, S::V);
    type Lanes = ([A; MAX_LANES], [A; MAX_LANES]);

    #[inline(always)]
    fn empty() -> Self::Lanes {
        ([A::zero(); MAX_LANES], [A::zero(); MAX_LANES])
    }
    #[inline(always)]
    fn zero(s: S) -> Self::Reg {
        (s.zero(), s.zero())
    }
    #[inline(always)]
    fn step(s: S, (p, e): Self::Reg, x: S::V, y: S::V) -> Self::Reg {
        // TwoProduct: h + r == x * y exactly.
        let h = s.mul(x, y);
        let r = s.fma(x, y, s.sub(s.zero(), h));
        // TwoSum: p_new + q == p + h exactly.
        let p_new = s.add(p, h);
        let z = s.sub(p_new, p);
        let q = s.add(s.sub(p, s.sub(p_new, z)), s.sub(h, z));
        (p_new, s.add(e, s.add(q, r)))
    }
    #[inline(always)]
    fn store(s: S, (p, e): Self::Reg, lanes: &mut Self::Lanes, first: usize) {
        scatter(s, p, &mut lanes.0, first);
        scatter(s, e, &mut lanes.1, first);
    }
    #[inline(always)]
    fn finish((p, e): &mut Self::Lanes) -> A {
        let mut h = A::LANES / 2;
        while h > 0 {
            for j in 0..h {
                let (sum, err) = two_sum(p[j], p[j + h]);
                p[j] = sum;
                e[j] = (e[j] + e[j + h]) + err;
            }
            h /= 2;
        }
        p[0] + e[0]
    }
}

/// Knuth's TwoSum: `(s, t)` with `s = fl(a + b)` and `s + t == a + b` exactly (finite inputs).
#[inline(always)]
fn two_sum<A: Real>(a: A, b: A) -> (A, A) {
    let s = a + b;
    let z = s - a;
    (s, (a - (s - z)) + (b - z))
}
