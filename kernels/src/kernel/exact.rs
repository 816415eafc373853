//! The exact kernel: every product added without error, whatever the order.
//!
//! The elements are taken in blocks of `BLOCK_STEPS` steps, each with a bound on its
//! rounded products, `|fl(x[i] * y[i])| < 2^(E+1)`: the bound of the previous block; for
//! the first block, the largest product of its first eighth with 2^4 to spare (a guess);
//! after a restart, the largest product of the whole block. These first passes compute
//! on `x * 2^PROBE_SHIFT`, so that no product is multiplied into the subnormal range,
//! which costs a microcode assist. The bound is checked once, at the end of the block, on
//! a running maximum: a block that outgrew it is run again with a bound from a first pass
//! over all of it. Only the checked bound matters for exactness: the others choose the
//! scale. Each
//! SIMD lane then keeps fixed-point accumulators made of floating-point numbers, for the
//! rounded products `p = fl(x * y)` and for their exact errors `e = x * y - p` (one FMA,
//! TwoProduct; for `f32` inputs the products are exact in `f64` and there is no `e`).
//!
//! **Levels.** A level `j` is a sum `sa_j` that starts at `ca_j = 1.5 * 2^K_j`: adding at
//! most 2^9 values of magnitude at most 2^(K_j - 11) keeps it in the binade
//! `[2^K_j, 2^(K_j + 1))`, so `t = sa_j + v` rounds `v` to a multiple of the fixed quantum
//! `ulp(sa_j) = 2^(K_j - 52)`; `q = t - sa_j` is that rounded value and `r = v - q` the
//! rest, both exact (FastTwoSum, whose precondition holds by construction), and
//! `|r| <= 2^(K_j - 53)`. The rest goes on to the next level, [`LEVEL_GAP`] = 42 binades
//! lower (`K_(j+1) = K_j - 42`, so that `|r| <= 2^(K_(j+1) - 11)`), and after the last
//! level into a plain sum `a`. `K_0 = K = E + 12`.
//!
//! **Window.** The rests are multiples of the lowest bit of their product. If every product
//! is at least `2^(K - window)`, the last rests are multiples of `2^(K - window - 52)`, at
//! most `2^(K_last - 53)` in magnitude, and 2^9 of them add up exactly in 53 bits while
//! `window <= 42 (levels - 1) + 45` ([`window_of`]): the **shallow** path (one level, a
//! window of [`SPREAD`] = 40 binades), the **middle** one (two levels, 84 binades), the
//! **deep** one (three levels, 126 binades) and the **wide** one (six levels, 252 binades).
//!
//! The wide path advances a single register group (its twelve accumulators would not fit
//! twice in the registers), so where a step has two groups (AVX-512 `f64`, `f32` inputs) each
//! of its lanes takes 2^10 products a block. The levels still hold them: `1.5 * 2^K_j`
//! plus or minus 2^10 values below `2^(K_j - 11)` stays strictly inside the binade. The
//! last rests, at most `2^(K - 210 - 53)` each, add up to at most
//! `2^10 * 2^(K - 263) = 2^51` units of `2^(K - 252 - 52)`: exact, and a sum that reached
//! 2^51 units (every rest extreme, one sign) fails the block end's test below and goes to
//! the scalar path.
//! `e` goes through its own levels, `2^-53` lower (`|e| <= ulp(p) / 2`, and `e` is a multiple
//! of `2^(E(p) - 105)`: the same argument, 53 binades down).
//!
//! Per value and level: one addition and two subtractions, and one addition at the end
//! (on AVX-512 issued as `fma(v, 1, a)`, bit for bit the addition, on the multiply-add
//! pipes: on AMD's Zen cores the adder pipes are separate and were the loop's bottleneck,
//! [`Flags::add_on_fma`]);
//! short dependency chains, no test of the results: what must be checked is checked on `p`
//! — a product below the window (a tiny product whose TwoProduct error may be rounded, one
//! much smaller than the block's largest, a zero by underflow) is taken out of the vector
//! and added by the scalar path, exactly (integer product of the significands). A block with
//! more of them than a small share ([`Outcome::TooSpread`]) is given up early and run again
//! on the next deeper path (which the next [`DEEP_RUN`] blocks then take directly), or, if
//! the wide path does not hold them either, through the integer bins of
//! [`super::exact_binned`] (the next [`SCALAR_RUN`] blocks too,
//! in one go). At the end of a block every level's `sa_j - ca_j` and the plain sums (all
//! exact) are added to the fixed-point superaccumulator.
//!
//! **Checks once per block.** The shallow path first runs a block with no test per step:
//! each lane keeps the largest and the smallest `|p|` (two lane operations, no branch);
//! the smallest is compared with the window every [`LOOK_STEPS`] steps, and both with the
//! bound and the window at the block's end. A block that had a product below the window
//! (its sums may be inexact) or a zero product (harmless, but the smallest magnitude cannot
//! tell it from a tiny one) adds nothing and is run again stepwise, as above; so is every
//! later block of the call ([`Outcome::Stray`]): data with zeros or spread wide lose at
//! most `LOOK_STEPS` steps and one restarted block per call.
//!
//! **Scaling.** TwoProduct's error is exact for products of at least 2^-968, and additions
//! of subnormal numbers cost microcode assists. A block whose window reaches below 2^-917
//! (its smallest grid below 2^-1022: products near the subnormal range) computes with
//! `x * 2^c` instead of `x` (`c > 0`; exact: a subnormal or normal `x` times a power of two
//! whose product stays normal, and `|x * 2^c| < 2^273` when `y` is nonzero and the product
//! within the bound), and adds every sum `2^c` lower. The shallow path leaves such blocks to
//! the deeper ones.
//!
//! A block whose bound is not finite or zero, or whose accumulators end non-finite (a NaN
//! input, or an infinite `x * 2^c` beside a zero `y`), goes to the scalar path as a whole,
//! which handles every value and records the special ones.
//!
//! The end of a block costs one integer addition per accumulator, not one per lane: each
//! accumulator is an exact multiple of its grid (`2^(K_j - 52)` for a level, the smallest
//! product's quantum for the plain sums, 2^-53 times those for `e`) and below `2^51` grid
//! units, so the lanes add up exactly as `i64` ([`on_grid`]).
//!
//! The scalar path (`ExactState::add_products`) adds `p` and `e` (TwoProduct, for products
//! above 2^-968) into exponent-indexed floating-point bins (about 5 ns a product), or for
//! short runs as integers into the superaccumulator; tiny, zero and special products take
//! the integer product of the significands and the flags.
//!
//! Short ranges (the ragged end, and vectors shorter than a step) take the shallow method on
//! scalars ([`window`]), one lane's worth of accumulators.
//!
//! Signs of zero: a product with a zero operand adds `p = e = 0` on the fast path, which
//! changes no accumulator; only the sign of an all-zero sum depends on zero products, and a
//! block on the fast path has a nonzero product (so the sum's flags say "not all -0"). A
//! product that is zero by underflow (nonzero operands) goes to the scalar path, like every
//! product below the window; so do all products of a block without a scale (all zero).

use core::marker::PhantomData;

use crate::element::Element;
use crate::exact::ExactState;
use crate::exact::state::{NONEMPTY, NOT_NEG_ZERO};
use crate::exact::superacc::BIAS;
use crate::real::Real;
use crate::simd::{Flags, Kernel, Load, Simd};
use crate::strided::{Layout, Strided};

use super::exact_binned::binned;
use super::exact_step::{PREFETCH_BYTES, U, groups, lanes, scalar_lanes, zero_operands};
use super::operands::Operands;
use super::source::{Contiguous, Every, Gathered, Runs, Source};

/// The exact state of `x · y`: every product added exactly (a [`Kernel`]).
pub(crate) struct ExactDot<'a, O, E>(Operands<'a, E>, PhantomData<O>);

impl<'a, O: Real, E: Element<O>> ExactDot<'a, O, E> {
    /// The kernel for `x · y`.
    ///
    /// # Panics
    /// If `x.len() != y.len()`; the message names both lengths.
    #[track_caller]
    #[inline]
    pub(crate) fn new(x: &'a Strided<'a, E>, y: &'a Strided<'a, E>) -> Self {
        ExactDot(Operands::new(x, y), PhantomData)
    }
}

impl<O: Real, E: Element<O>> Kernel for ExactDot<'_, O, E> {
    type Output = ExactState;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> ExactState {
        let mut state = ExactState::new();
        let (x, y) = self.0.get();
        // SAFETY: x.len() == y.len(), checked by `Operands::new`, the only constructor.
        unsafe { accumulate(E::wide(s), x, y, &mut state) };
        state
    }
}

/// Steps per block: each lane adds at most this many products to its accumulators
/// before they are flushed (the bounds of the module documentation assume 2^9).
pub(crate) const BLOCK_STEPS: usize = 512;

/// Steps between two looks at the smallest products of a block run without a test per step
/// (its share of a block run for nothing when one is below the window: 1/32).
const LOOK_STEPS: u32 = 16;

/// Products of the fast path are at least 2^-SPREAD times the block's bound (see the module
/// documentation: at most 45 for 2^9 products per lane).
const SPREAD: i32 = 40;

/// Levels of the shallow fast path: one window of [`SPREAD`] binades.
const SHALLOW: usize = 1;

/// Levels of the middle fast path (84 binades).
const MIDDLE: usize = 2;

/// Levels of the deep fast path (126 binades), for products spread over more binades than
/// the middle one.
const DEEP: usize = 3;

/// Levels of the wide fast path (252 binades), for products spread over more binades than
/// the deep one: six levels of three operations per value are still about half the cost
/// of a product in the integer bins. It advances one register group per step (its
/// accumulators would not fit in the registers twice).
const WIDE: usize = 6;

/// The path after one with `levels` levels whose window was too narrow.
const fn deeper(levels: usize) -> usize {
    if levels < DEEP { levels + 1 } else { WIDE }
}

/// Binades between the anchors of consecutive levels (see the module documentation: the
/// rest a level leaves is at most 2^(K_j - 53) = 2^(K_(j+1) - 11), where the next level's
/// precondition asks for at most 2^(K_(j+1) - 11)).
const LEVEL_GAP: i32 = 42;

/// The window of a fast path with `levels` levels, in binades below the block's scale:
/// products of at least `2^(K - window)` are added exactly. The last level's plain sum of
/// 2^9 rests of at most `2^(K - LEVEL_GAP (levels - 1) - 53)` each, multiples of the
/// smallest product's quantum `2^(K - window - 52)`, is exact while it stays below
/// `2^53` quanta: `window <= LEVEL_GAP (levels - 1) + 45`, 129 for three levels.
const fn window_of(levels: usize) -> i32 {
    if levels == SHALLOW {
        SPREAD
    } else {
        LEVEL_GAP * (levels as i32 - 1) + 42
    }
}

/// The smallest scale exponent of a window reaching `window` binades below it: its
/// smallest grid, that of the last rests of the `e` (`2^(K - window - 105)`), is at least
/// 2^-1022, so that no accumulator ever holds a subnormal number (an addition with one
/// costs a microcode assist), and its products are at least 2^-968 (2^-917 above the smallest
/// normal number), where TwoProduct's error is exact
/// ([`TINY_PRODUCT`](crate::exact::state::TINY_PRODUCT)). A block of smaller products
/// multiplies `x` by a power of two first.
const fn least_scale(window: i32) -> i32 {
    -1022 + 105 + window
}

/// Blocks that take a deeper fast path directly after a block whose products did not fit
/// a shallower window; then the shallow one is tried again.
const DEEP_RUN: u32 = 8;

/// Adds every product `x[i] * y[i]` exactly to `state`.
///
/// # Safety
/// `x.len() == y.len()`. Meant to be inlined into a function with `s`'s target features
/// enabled ([`ExactDot`], run by [`Simd::vectorize`]); elsewhere it is correct but slow.
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
    let (lx, ly) = (x.layout(), y.layout());
    let (Layout::Step(px, ix), Layout::Step(py, iy)) = (lx, ly) else {
        // A blocked operand (not an arithmetic progression): both read as runs.
        // SAFETY: each source is made from its own view of n elements; x and y have the same
        // n (caller).
        unsafe { run(s, n, Runs::new(lx), Runs::new(ly), state) };
        return;
    };
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
    let mut progress = Progress::new();
    let mut i = 0;
    while let Some(end) = next_block::<S, E, X, Y>(n, i, progress.steps()) {
        // SAFETY: `next_block` leaves `slack` elements after `end <= n`.
        unsafe { progress.block(s, x, y, i..end, state) };
        i = end;
    }
    // SAFETY: i <= n.
    unsafe { scalar_end(x, y, i, n, state) };
}

/// Where the block from element `i` of a sweep of `n` elements ends (at most `steps`
/// steps, a whole number of them, followed by at least `slack` elements), if one fits.
#[inline(always)]
pub(crate) fn next_block<S, E, X, Y>(n: usize, i: usize, steps: usize) -> Option<usize>
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let step = groups::<S, E>() * S::W;
    let slack = X::SLACK.max(Y::SLACK);
    (n - i >= step + slack).then(|| i + ((n - i - slack) / step).min(steps) * step)
}

/// The elements `from..n` added one by one on the scalar path (the ragged end).
///
/// # Safety
/// `x` and `y` are sources of `n` elements each; `from <= n`.
#[inline(always)]
pub(crate) unsafe fn scalar_end<S, E, X, Y>(
    x: X,
    y: Y,
    from: usize,
    n: usize,
    state: &mut ExactState,
) where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    // SAFETY: from + j < n.
    let pair = |j: usize| unsafe { (x.element(from + j), y.element(from + j)) };
    let count = n - from;
    if (2..=BLOCK_STEPS).contains(&count) && window::<E>(count, pair, state) {
        return;
    }
    state.add_products(count, pair);
}

/// The products of the pairs `pair(j)`, `j < count <= BLOCK_STEPS`, added to `state` by the
/// fast path's method on scalars (one lane of the vector kernel: the same accumulators,
/// bounds and proofs, see the module documentation), the products below its window one by
/// one. Returns false, having added nothing, where the products have no scale (a NaN or
/// infinite one, all zero, or too small): then the caller adds them one by one.
///
/// A sum of few products is dominated by its fixed cost; one by one, every product's
/// three integer digits go through memory (about 10 ns each), where these chains of
/// floating-point additions take a few cycles.
#[inline(always)]
fn window<E: Real>(count: usize, pair: impl Fn(usize) -> (E, E), state: &mut ExactState) -> bool {
    let Some(sums) = window_sums::<E>(count, &pair) else {
        return false;
    };
    if sums.slow > 0 {
        let small = pow2(sums.k - SPREAD);
        for j in 0..count {
            let (x, y) = pair(j);
            if (x.widen() * y.widen()).abs() < small {
                state.add_products(1, |_| (x, y));
            }
        }
    }
    for (&v, g) in sums.ints.iter().zip(sums.grids()) {
        state.acc.add_i64_at(v, (g + BIAS) as u32);
    }
    if sums.slow < count {
        // Some product took the window, so it was not zero.
        state.flags |= NONEMPTY | NOT_NEG_ZERO;
    }
    true
}

/// What [`window_sums`] adds up: the exact sum of the products of at least `2^(k - SPREAD)`
/// as four integers on the grids [`WindowSums::grids`] (the last two zero for inputs
/// whose products are exact in `f64`: they have no TwoProduct error).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WindowSums {
    /// The scale: every product is below `2^(k - 11)` in magnitude.
    pub(crate) k: i32,
    /// The level's sum, the plain sum of its rests, and the same for the errors `e`, each
    /// an integer below 2^53 in magnitude: the sum of `ints[j] * 2^grids()[j]` is the
    /// exact sum of the products taken.
    pub(crate) ints: [i64; 4],
    /// Products below `2^(k - SPREAD)` (zeros by underflow included), left out of `ints`.
    pub(crate) slow: usize,
}

impl WindowSums {
    /// Exponents of the grids of `ints`: `k - 52`, `k - 52 - SPREAD`, `k - 105`, `k - 105 -
    /// SPREAD`.
    #[inline(always)]
    pub(crate) fn grids(&self) -> [i32; 4] {
        let k = self.k;
        [k - 52, k - 52 - SPREAD, k - 105, k - 105 - SPREAD]
    }
}

/// The shallow fast path on scalars for the pairs `pair(j)`, `j < count <= BLOCK_STEPS`:
/// the exact sum of the products within its window as integers, or `None` where the
/// products have no scale (a NaN or infinite one, all zero, or too small).
#[inline(always)]
pub(crate) fn window_sums<E: Real>(
    count: usize,
    pair: &impl Fn(usize) -> (E, E),
) -> Option<WindowSums> {
    debug_assert!(count <= BLOCK_STEPS);
    let two_product = !E::PRODUCT_EXACT_IN_F64;
    // The largest |product| (one `max` per product: a short dependency chain), and
    // whether some product is NaN (then there is no scale).
    let (mut m, mut nan) = (0.0f64, false);
    for j in 0..count {
        let (x, y) = pair(j);
        let p = (x.widen() * y.widen()).abs();
        nan |= p.is_nan();
        m = if p > m { p } else { m };
    }
    let k = scale(m).filter(|_| !nan)?;
    let (ca, cb) = (1.5 * pow2(k), 1.5 * pow2(k - 53));
    let small = pow2(k - SPREAD);
    let (mut sa, mut a1, mut sb, mut b1) = (ca, 0.0, cb, 0.0);
    let mut slow = 0;
    for j in 0..count {
        let (x, y) = pair(j);
        let (x, y) = (x.widen(), y.widen());
        let mut p = x * y;
        // |p| <= m < 2^(k - 11): only the lower end of the window needs a test. Below it,
        // the product is left out (adding zero changes no accumulator).
        if p.abs() < small {
            slow += 1;
            p = 0.0;
        }
        let t = sa + p;
        a1 += p - (t - sa);
        sa = t;
        if two_product {
            let e = if p == 0.0 { 0.0 } else { x.mul_add(y, -p) };
            let t = sb + e;
            b1 += e - (t - sb);
            sb = t;
        }
    }
    let mut sums = WindowSums {
        k,
        ints: [0; 4],
        slow,
    };
    let values = [sa - ca, a1, sb - cb, b1];
    let grids = sums.grids();
    for j in 0..if two_product { 4 } else { 2 } {
        // As for the vector kernel's lanes (`block`).
        sums.ints[j] = on_grid(values[j], grids[j]);
    }
    Some(sums)
}

/// The running state of one exact dot product from block to block: what the scalar path
/// added during the current block, the scale of the previous block, and which path the
/// next blocks take.
#[derive(Clone)]
pub(crate) struct Progress {
    /// What the scalar path adds during a block, kept apart until the block succeeds.
    spills: ExactState,
    /// The scale of the previous block, if it can serve for the next one.
    hint: Option<i32>,
    /// Whether the shallow path tests its products step by step: from the first block
    /// that had a product below its window or a zero one ([`Outcome::Stray`]) to the end
    /// of the call. Before that, it checks them once per block.
    stepwise: bool,
    /// Blocks still to run on a deeper fast path directly, and its levels.
    deep_blocks: u32,
    /// The levels of that path ([`MIDDLE`], [`DEEP`] or [`WIDE`]).
    depth: usize,
    /// Blocks still to run through the integer bins directly, after a block whose products
    /// spread beyond even the deep window.
    scalar_blocks: u32,
}

/// Blocks that go to the integer bins ([`binned`]) directly after a block whose products spread beyond
/// the wide window (more binades than [`window_of`]`(WIDE)`): the vector work would be
/// spent for little. Then the fast path is tried again.
const SCALAR_RUN: u32 = 7;

impl Progress {
    /// Before the first block.
    pub(crate) const fn new() -> Self {
        Progress {
            spills: ExactState::new(),
            hint: None,
            stepwise: false,
            deep_blocks: 0,
            depth: SHALLOW,
            scalar_blocks: 0,
        }
    }

    /// The most steps the next block may have: [`BLOCK_STEPS`], or for a run of blocks on
    /// the integer bins, the whole run (its bins are flushed once).
    pub(crate) fn steps(&self) -> usize {
        BLOCK_STEPS * (1 + self.scalar_blocks as usize)
    }

    /// Adds the products of the elements `range` (a block from [`next_block`]) to `state`
    /// exactly: on the shallow or deep fast path with the previous block's scale or a
    /// fresh one, or through the integer bins, or on the scalar path.
    ///
    /// # Safety
    /// `range.end + SLACK` of both sources is at most their length; the length of `range` is
    /// a multiple of `groups::<S, E>() * W`.
    #[inline(always)]
    pub(crate) unsafe fn block<S, E, X, Y>(
        &mut self,
        s: S,
        x: X,
        y: Y,
        range: core::ops::Range<usize>,
        state: &mut ExactState,
    ) where
        S: Load<E, f64> + Flags,
        E: Real,
        X: Source<S, E, f64>,
        Y: Source<S, E, f64>,
    {
        let (i, end) = (range.start, range.end);
        if self.scalar_blocks > 0 {
            // Up to the whole run at once (see `steps`): one flush of the integer bins.
            let covered = (end - i) / (groups::<S, E>() * S::W * BLOCK_STEPS);
            self.scalar_blocks = self.scalar_blocks.saturating_sub(covered.max(1) as u32);
            // SAFETY: forwarded from the caller; at most 8 blocks of at most 2^14 elements,
            // 2^17 = `IntBins::MAX_PRODUCTS`.
            unsafe { binned(s, x, y, i..end, state) };
            return;
        }
        let mut levels = if self.deep_blocks > 0 {
            self.depth
        } else {
            SHALLOW
        };
        self.deep_blocks = self.deep_blocks.saturating_sub(1);
        let mut bound = match self.hint {
            Some(k) => Bound::Hint(k),
            None => Bound::Sample,
        };
        // Whether the scale was found by this block's own full first pass.
        let mut fresh = false;
        let spills = &mut self.spills;
        // At most six attempts that add nothing: a shallow block without tests per step
        // run again stepwise (once: `stepwise` stays set), a path left for the next deeper
        // one (at most twice), a stale hint or a sampled scale dropped (at most twice: a
        // sample's guess, then a hint; then the scale is fresh).
        let outcome = loop {
            fresh |= bound == Bound::Full;
            // SAFETY: forwarded from the caller.
            let outcome = unsafe {
                match levels {
                    SHALLOW if !self.stepwise => {
                        block::<SHALLOW, false, S, E, X, Y>(s, x, y, i..end, bound, state, spills)
                    }
                    SHALLOW => {
                        block::<SHALLOW, true, S, E, X, Y>(s, x, y, i..end, bound, state, spills)
                    }
                    MIDDLE => {
                        block::<MIDDLE, true, S, E, X, Y>(s, x, y, i..end, bound, state, spills)
                    }
                    DEEP => block::<DEEP, true, S, E, X, Y>(s, x, y, i..end, bound, state, spills),
                    _ => block::<WIDE, true, S, E, X, Y>(s, x, y, i..end, bound, state, spills),
                }
            };
            if matches!(outcome, Outcome::Done { .. }) {
                break outcome;
            }
            *spills = ExactState::new();
            match outcome {
                // A product below the window, or a zero one, in a block run without tests
                // per step: the same block stepwise, which takes them out one by one (and
                // every later block of the call, at most one block run twice per call).
                Outcome::Stray => self.stepwise = true,
                // The products outgrew the previous block's bound or the sample's: bound
                // them afresh.
                Outcome::Restart if bound != Bound::Full => bound = Bound::Full,
                // The sample's slack may have cost the window the binades it lacked: the
                // block's own scale first, before a deeper path for this and the next
                // blocks.
                Outcome::TooSpread { .. } if bound.guessed() => bound = Bound::Full,
                // Products near the subnormal range, which only the deeper paths scale:
                // the next one, same scale (still a guess after a sample).
                Outcome::Deeper { k } => {
                    levels += 1;
                    (self.depth, self.deep_blocks) = (levels, DEEP_RUN);
                    bound = if bound.guessed() {
                        Bound::Guess(k)
                    } else {
                        Bound::Hint(k)
                    };
                }
                // Wider than this path's window: the next deeper one, same scale.
                // (From the deep path only if a tenth of the products fit its window: where
                // fewer do, they spread far wider, and the integer bins take them.)
                Outcome::TooSpread { k, far } if levels < DEEP || levels == DEEP && !far => {
                    levels = deeper(levels);
                    (self.depth, self.deep_blocks) = (levels, DEEP_RUN);
                    bound = Bound::Hint(k);
                }
                // Wider than the deep window, or far below the previous block's bound.
                Outcome::TooSpread { .. } if !fresh => bound = Bound::Full,
                _ => break outcome,
            }
        };
        self.hint = match outcome {
            Outcome::Done { k } => Some(k),
            _ => None,
        };
        if matches!(outcome, Outcome::TooSpread { .. }) {
            self.scalar_blocks = SCALAR_RUN;
        }
        // A restart without a hint (only a NaN can hide a product from the first pass)
        // goes to the scalar path too.
        match outcome {
            Outcome::Done { .. } => {}
            // SAFETY: forwarded from the caller; one block.
            Outcome::TooSpread { .. } => unsafe { binned(s, x, y, i..end, state) },
            // SAFETY: end <= n.
            _ => unsafe { scalar_end(x, y, i, end, state) },
        }
    }
}

/// 1.5 * 2^52: an integer `v` with `|v| < 2^51` plus this is exact, in the binade of
/// quantum 1, and its bits minus these bits are `v` (the block's end, in [`block`]).
const MAGIC: f64 = 6755399441055744.0;

/// 2^k for `-1022 <= k <= 1023`.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Where a block's scale comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// The scale of the previous block.
    Hint(i32),
    /// A first pass over the first [`SAMPLE`]th of the block, and [`SAMPLE_SLACK`] binades
    /// more (a guess: the block's running maximum checks it).
    Sample,
    /// The scale a [`Bound::Sample`] found, for a deeper path.
    Guess(i32),
    /// A first pass over the whole block.
    Full,
}

impl Bound {
    /// Whether the scale is a sample's guess.
    fn guessed(self) -> bool {
        matches!(self, Bound::Sample | Bound::Guess(_))
    }
}

/// The share of a block that a sampled first pass reads (see [`Bound::Sample`]): the
/// first pass costs about a third of the fast path's time per element, a quarter of all
/// at n = 1e4, where the first block is most of the vector.
const SAMPLE: usize = 8;

/// Binades added to a sampled scale: the block's largest product may be up to 2^4 times
/// the sample's before the block is run again. The block's window loses as many binades
/// at its lower end (products that small take the scalar path).
const SAMPLE_SLACK: i32 = 4;

/// What became of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Added to the state, with the scale `k` for the next block: the one the block was
    /// run with, or after a sampled one, the block's own (its largest product's).
    Done {
        /// The next block's scale.
        k: i32,
    },
    /// A product exceeded the bound the block was run with (a hint or a sample): nothing
    /// was added to the state; run it again with a full first pass.
    Restart,
    /// Too many products fell below the window of scale `k`: nothing was added to the
    /// state; run it again on a deeper path (or with a fresh scale, or through the
    /// integer bins).
    TooSpread {
        /// The scale the block was run with.
        k: i32,
        /// Whether over nine tenths of the products read before giving up were below the
        /// window (then the wide path would not hold them either).
        far: bool,
    },
    /// The products are near the subnormal range, where the shallow path cannot scale
    /// them: nothing was added to the state; run it again on the next deeper path.
    Deeper {
        /// The scale the block was run with.
        k: i32,
    },
    /// The block must go to the scalar path; nothing was added to the state.
    Scalar,
    /// A block run without a test per step ([`block`] without `STEPWISE`) had a product
    /// below its window, or a zero one: nothing was added to the state; run it again
    /// stepwise.
    Stray,
}

/// The scale exponent `K` for products of magnitude at most `m`, if the fast path can take
/// them (see the module documentation), without multiplying `x` by a power of two: for
/// the scalar method on short ranges ([`window`]).
#[inline(always)]
fn scale(m: f64) -> Option<i32> {
    scale_any(m).filter(|&k| k >= least_scale(SPREAD))
}

/// The scale exponent `K` for products of magnitude at most `m`, `|m| < 2^(K - 11)`, if
/// it is finite, nonzero and not too large for the accumulators.
#[inline(always)]
fn scale_any(m: f64) -> Option<i32> {
    if !(m.is_finite() && m > 0.0) {
        return None;
    }
    // m < 2^(bound + 1).
    let bound = ((m.to_bits() >> 52) & 0x7FF) as i32 - 1023;
    let k = bound + 12;
    (k <= 1020).then_some(k)
}

/// One block, elements `range` (a whole number of steps), on the fast path with `D`
/// levels, with the scale of the previous block or one from a first pass (see [`Bound`]).
/// See [`Outcome`] and the module documentation.
///
/// # Safety
/// `range.end + SLACK` of both sources is at most their length; the length of `range` is a
/// multiple of `groups::<S, E>() * W`.
// Inlined into the backend's code (with its target features) in optimized builds; out of
// line in unoptimized ones, where every inlined copy of a path would add its unshared
// stack slots to the caller's frame (the five paths' copies overflowed a test thread's
// 2 MiB stack in the multi-dot).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
unsafe fn block<const D: usize, const STEPWISE: bool, S, E, X, Y>(
    s: S,
    x: X,
    y: Y,
    range: core::ops::Range<usize>,
    bound: Bound,
    state: &mut ExactState,
    spills: &mut ExactState,
) -> Outcome
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let w = S::W;
    let two_product = !E::PRODUCT_EXACT_IN_F64;
    let (start, end) = (range.start, range.end);

    let k = match bound {
        Bound::Hint(k) | Bound::Guess(k) => k,
        Bound::Sample | Bound::Full => {
            // The first pass reads the block, or its first SAMPLE-th (whole steps, at
            // least one).
            let step = groups::<S, E>() * w;
            let read = if bound == Bound::Sample {
                ((end - start) / step / SAMPLE).max(1) * step
            } else {
                end - start
            };
            // The bound m = max |fl(x[i] * y[i])| of those elements, found on the products
            // times 2^PROBE_SHIFT (see there); unscaled if one of those overflows.
            let probe = start..start + read;
            // SAFETY: forwarded from the caller; `probe` is whole steps within `range`.
            let scaled = unsafe { largest_product(s, x, y, probe.clone(), pow2(PROBE_SHIFT)) };
            let k = if scaled.is_finite() {
                scale_any(scaled).map(|k| k - PROBE_SHIFT)
            } else {
                // SAFETY: as above.
                scale_any(unsafe { largest_product(s, x, y, probe, 1.0) })
            };
            match (k, read < end - start) {
                // A guess for the whole block, with room above the sample's largest product;
                // the accumulators allow scales up to 1020.
                (Some(k), true) => (k + SAMPLE_SLACK).min(1020),
                (Some(k), false) => k,
                // A sample without a scale (all zero, or NaN): the whole block decides.
                (None, true) => return Outcome::Restart,
                (None, false) => return Outcome::Scalar,
            }
        }
    };
    let window = window_of(D);
    if D == SHALLOW && k < least_scale(window) {
        // Products near the subnormal range: the deeper paths multiply them up.
        return Outcome::Deeper { k };
    }
    // A block whose window reaches below 2^-917 (`least_scale`: inexact TwoProduct errors,
    // subnormal sums) computes with `x * 2^c` instead of `x`, exactly (see the module
    // documentation), and puts every digit 2^-c lower. `ks` is the scale of the scaled
    // products.
    let c = (least_scale(window) - k).max(0);
    let ks = k + c;
    // The shallow path runs unscaled (c = 0, above); the deep one always multiplies.
    let up = s.splat(pow2(c));
    // The anchors `1.5 * 2^(K_j)` of the levels, for `p` and (2^53 lower) for `e`.
    let ca: [f64; D] = core::array::from_fn(|j| 1.5 * pow2(ks - LEVEL_GAP * j as i32));
    let cb: [f64; D] = core::array::from_fn(|j| 1.5 * pow2(ks - 53 - LEVEL_GAP * j as i32));
    let small = s.splat(pow2(ks - window));
    // Products below the window allowed before the block is given up: each costs an
    // integer product on the scalar path.
    // A deeper path costs a few tenths of a nanosecond a product more, an integer product
    // tens of nanoseconds (more in the subnormal range): few are allowed before a deeper
    // path, more on the deepest (beyond it, the integer bins take them all, about 2 ns a
    // product). The allowance grows with the elements done (`base + done / per`): a
    // block whose products spread wide throughout is given up after a few, one with a
    // few stray products is not.
    // A sampled scale is a guess: the first product below its window sends the block to
    // a full first pass (spills before that would cost tens of nanoseconds each).
    let (base, per) = match bound {
        Bound::Sample | Bound::Guess(_) => (0, usize::MAX),
        _ if D < DEEP => (2, 512),
        _ => (8, 64),
    };

    let mut sa: [[S::V; U]; D] = core::array::from_fn(|j| [s.splat(ca[j]); U]);
    let mut sb: [[S::V; U]; D] = core::array::from_fn(|j| [s.splat(cb[j]); U]);
    let (mut a, mut b) = ([s.zero(); U], [s.zero(); U]);
    let mut slow = 0;
    // The largest |p| of each lane (NaN ignored: NaN products end in the sums), and without
    // `STEPWISE` the smallest.
    let mut top = [s.zero(); U];
    let mut bottom = [s.splat(f64::INFINITY); U];
    // The elements PREFETCH_BYTES ahead are asked for while these are computed: one line
    // of each operand per step.
    let ahead = PREFETCH_BYTES / core::mem::size_of::<E>();
    // For additions issued on the multiply-add pipes (`Flags::add_on_fma`): the loop's
    // additions and subtractions would otherwise all queue on the adder pipes.
    let one = s.splat(core::hint::black_box(1.0));
    let mut i = start;
    // Steps until the next look at `bottom` (without `STEPWISE`).
    let mut until_look = LOOK_STEPS;
    while i < end {
        if !STEPWISE {
            until_look -= 1;
            if until_look == 0 {
                // A product below the window or a zero one is found within LOOK_STEPS
                // steps of it, not at the end of the block: data spread wide (or with
                // zeros) go stepwise for little.
                until_look = LOOK_STEPS;
                let mut low = s.zero();
                for lowest in &bottom[..groups::<S, E>()] {
                    low = s.or(low, s.below(*lowest, small));
                }
                if s.any(low) {
                    return Outcome::Stray;
                }
            }
        }
        x.prefetch(i + ahead);
        y.prefetch(i + ahead);
        // A loop of one or two constant rounds: unrolled by the compiler, the accumulators
        // stay in registers (the wide path's in part).
        for u in 0..groups::<S, E>() {
            let at = i + u * w;
            // SAFETY: at + W <= end, and end + SLACK <= n (caller).
            let (vx, vy) = unsafe { (x.vector(s, at), y.vector(s, at)) };
            // The register group of these accumulators: the wide path keeps one (the other
            // stays at its initial values, which add nothing at the block's end).
            let u = if D == WIDE { 0 } else { u };
            let vxs = if D == SHALLOW { vx } else { s.mul(vx, up) };
            let mut p = s.mul(vxs, vy);
            let mut e = if two_product {
                s.fms(vxs, vy, p)
            } else {
                s.zero()
            };
            if !STEPWISE {
                // Both ends checked once, at the end of the block: no test per step.
                top[u] = s.abs_max(p, top[u]);
                bottom[u] = s.abs_min(p, bottom[u]);
            }
            let abs = s.abs(p);
            // The bound is checked once, at the end of the block (a product above it makes
            // the block's sums worthless, and the block is run again).
            if STEPWISE {
                top[u] = s.max(abs, top[u]);
            }
            let out = s.below(abs, small);
            if STEPWISE && s.any(out) {
                // A zero operand makes p = e = 0 (the other is finite, or p is NaN and not
                // below `small`): adding them changes no accumulator, so they stay. Only
                // the sign of an all-zero sum depends on zero products, and this block has
                // a nonzero one (see the flags below).
                let zero = zero_operands(s, vx, vy);
                let out = s.and_not(zero, out);
                if s.any(out) {
                    slow += scalar_lanes(&lanes(s, vx), &lanes(s, vy), &lanes(s, out), w, spills);
                    if slow > base + (i - start) / per {
                        // Over nine tenths of the products so far below the window?
                        let seen = at + w - start;
                        return Outcome::TooSpread {
                            k,
                            far: 10 * slow > 9 * seen,
                        };
                    }
                    p = s.and_not(out, p);
                    e = s.and_not(out, e);
                }
            }
            // The cascade: each level keeps what falls on its grid, the rest goes on.
            for level in sa.iter_mut() {
                let t = s.add(level[u], p);
                p = s.sub(p, s.sub(t, level[u]));
                level[u] = t;
            }
            a[u] = s.add_on_fma(p, one, a[u]);
            if two_product {
                for level in sb.iter_mut() {
                    let t = s.add(level[u], e);
                    e = s.sub(e, s.sub(t, level[u]));
                    level[u] = t;
                }
                b[u] = s.add_on_fma(e, one, b[u]);
            }
        }
        i += groups::<S, E>() * w;
    }

    let largest = fold_max(s, top);
    if largest >= pow2(ks - 11) {
        return Outcome::Restart;
    }
    // Without `STEPWISE`, every product went into the accumulators: a product below the
    // window (or a zero one, or one whose operand is zero) may have made the sums inexact.
    // (A NaN lane is ignored here: NaN products make the accumulators NaN, below.)
    if !STEPWISE && fold_min(s, bottom) < pow2(ks - window) {
        return Outcome::Stray;
    }
    // The accumulators, their offsets and grids (scaled): the levels' sums `sa_j - ca_j`
    // on 2^(K_j - 52), the last rests `a` on the smallest product's quantum, and the same
    // 2^53 lower for `e`.
    let count = if two_product { 2 * (D + 1) } else { D + 1 };
    let mut accs = [[s.zero(); U]; 2 * (WIDE + 1)];
    let mut offsets = [0.0f64; 2 * (WIDE + 1)];
    let mut grids = [0i32; 2 * (WIDE + 1)];
    for j in 0..D {
        accs[j] = sa[j];
        offsets[j] = ca[j];
        grids[j] = ks - LEVEL_GAP * j as i32 - 52;
        accs[D + 1 + j] = sb[j];
        offsets[D + 1 + j] = cb[j];
        grids[D + 1 + j] = ks - 53 - LEVEL_GAP * j as i32 - 52;
    }
    (accs[D], grids[D]) = (a, ks - window - 52);
    (accs[2 * D + 1], grids[2 * D + 1]) = (b, ks - window - 105);

    // Each accumulator's lanes on its grid, `(v - offset) / 2^g`, in vector operations
    // (the exact operations of `on_grid`, on vectors): integers below 2^51 in magnitude
    // (each accumulator is an exact multiple of its grid 2^g, and below 2^(g + 51)), or NaN
    // and infinities where the accumulator was not finite (scalings by powers of two and the
    // subtraction keep a finite value finite and a non-finite one non-finite). Such an
    // integer `v` plus [`MAGIC`] is exact and lies in the binade [2^52, 2^53), whose quantum
    // is 1: its bits minus `MAGIC`'s are `v` as a two's complement integer. The groups' lanes
    // add up as integers in the vector lanes (below 2^52 in magnitude), then across the
    // lanes (below 2^55): the sums are exact, with no conversion lane by lane.
    let magic = s.splat(MAGIC);
    let limit = s.splat(pow2(51));
    // Every lane set (0 < 1).
    let ones = s.below(s.zero(), s.splat(1.0));
    // Set in a lane where some accumulator was not finite or not below the limit.
    let mut outside = s.zero();
    let mut sums = [0i64; 2 * (WIDE + 1)];
    for c_ in 0..count {
        let offset = s.splat(offsets[c_]);
        let [first, second] = grid_scales(grids[c_]);
        let (down1, down2) = (s.splat(first), s.splat(second));
        let mut bits = s.zero();
        for &acc in &accs[c_][..groups::<S, E>()] {
            let v = s.mul(s.mul(s.sub(acc, offset), down1), down2);
            outside = s.or(outside, s.and_not(s.below(s.abs(v), limit), ones));
            bits = s.add_bits(bits, s.sub_bits(s.add(v, magic), magic));
        }
        // Plain loops, no closures (see `fold_max`); wrapping, because the lanes of a
        // block that is given up below (`outside`) hold meaningless bits.
        let l = lanes(s, bits);
        for v in &l[..w] {
            sums[c_] = sums[c_].wrapping_add(v.to_bits() as i64);
        }
    }
    if s.any(outside) {
        return Outcome::Scalar;
    }
    for c_ in 0..count {
        // g - c + BIAS >= -1062 - 129 - 105 + 2176 > 0 (`scale_any`: k >= -1074 + 12), and
        // g - c + 95 + BIAS < 32 * LIMBS (k <= 1020).
        state
            .acc
            .add_i64_at(sums[c_], (grids[c_] - c + BIAS) as u32);
    }
    // The block has a nonzero product (it has a scale: without a hint, its largest product
    // is nonzero; with one, the block that gave it had one and set this flag already).
    state.flags |= NOT_NEG_ZERO;
    if slow > 0 {
        state.merge(spills);
        *spills = ExactState::new();
    }
    // After a sampled scale, the next block takes this block's own, without the slack
    // (`largest` is of the products scaled by 2^c, exactly: all normal or zero).
    let next = match bound {
        Bound::Sample | Bound::Guess(_) => scale_any(largest).map_or(k, |kt| kt - c),
        _ => k,
    };
    Outcome::Done { k: next }
}

/// The first pass computes the products with `x` times 2^PROBE_SHIFT: a product in the
/// subnormal range is computed in the normal range (multiplying into the subnormal range
/// costs a microcode assist of a hundred cycles or more). The bound only needs the binade,
/// with 11 to spare: the rounding at another precision does not matter.
const PROBE_SHIFT: i32 = 200;

/// The largest `|fl(x[i] * f * y[i])|` of the elements `range` (NaN products ignored).
///
/// # Safety
/// `range.end + SLACK` of both sources is at most their length; the length of `range` is a
/// multiple of `groups::<S, E>() * W`.
#[inline(always)]
unsafe fn largest_product<S, E, X, Y>(
    s: S,
    x: X,
    y: Y,
    range: core::ops::Range<usize>,
    f: f64,
) -> f64
where
    S: Load<E, f64> + Flags,
    E: Real,
    X: Source<S, E, f64>,
    Y: Source<S, E, f64>,
{
    let (w, f) = (S::W, s.splat(f));
    let mut mp = [s.zero(); U];
    let mut i = range.start;
    while i < range.end {
        for (u, m) in mp.iter_mut().enumerate().take(groups::<S, E>()) {
            let at = i + u * w;
            // SAFETY: at + W <= range.end, and range.end + SLACK <= n (caller).
            let (vx, vy) = unsafe { (x.vector(s, at), y.vector(s, at)) };
            *m = s.max(s.abs(s.mul(s.mul(vx, f), vy)), *m);
        }
        i += groups::<S, E>() * w;
    }
    fold_max(s, mp)
}

/// `v / 2^g` for a `v` that is an integer multiple of `2^g` below `2^(g + 53)` in
/// magnitude, `-1100 < g < 1000`: two exact scalings by powers of two ([`grid_scales`]),
/// then an exact conversion.
#[inline(always)]
fn on_grid(v: f64, g: i32) -> i64 {
    let [first, second] = grid_scales(g);
    (v * first * second) as i64
}

/// The two powers of two whose product is `2^-g`, `-1100 < g < 1000`, each within the
/// normal range: multiplying by one, then the other, takes a multiple `v` of `2^g` (with
/// `2^g <= |v|` or `v = 0`) to `v / 2^g` exactly, with no intermediate result out of range.
#[inline(always)]
fn grid_scales(g: i32) -> [f64; 2] {
    let half = -g / 2;
    [pow2(half), pow2(-g - half)]
}

/// The smallest lane of `U` vectors of non-negative numbers, zeros or infinities; NaN
/// lanes are ignored (+inf if all are NaN).
#[inline(always)]
fn fold_min<S: Flags>(s: S, v: [S::V; U]) -> f64 {
    // Plain loops, no closures (see `fold_max`).
    let mut least = f64::INFINITY;
    for &r in &v {
        let l = lanes(s, r);
        for &x in &l[..S::W] {
            least = if x < least { x } else { least };
        }
    }
    least
}

/// The largest lane of `U` vectors of non-negative numbers or zeros (not NaN).
///
/// Plain loops: iterator adapters with closures here were compiled out of line, without
/// the backend's target features, and cost about 150 ns per block (the vectors went
/// through memory twice, with store-forwarding stalls).
#[inline(always)]
fn fold_max<S: Flags>(s: S, v: [S::V; U]) -> f64 {
    let mut m = v[0];
    for &r in &v[1..] {
        m = s.max(r, m);
    }
    let l = lanes(s, m);
    let mut top = 0.0f64;
    for &x in &l[..S::W] {
        top = if x > top { x } else { top };
    }
    top
}
