//! The canonical traversal: logical element `i` is accumulated in virtual lane
//! `i % A::LANES`, lanes in increasing `i`.
//!
//! A backend holds `K = LANES / W` registers of `W` lanes. Register `k`, lane `v` holds the
//! canonical lane `(rot + k * W + v) % LANES`, where `rot` (0 when strided) is the number of
//! leading elements peeled so that the contiguous loads of `x` are aligned. The peeled
//! elements and the ragged end go through small stack buffers padded with `-0.0` (in `x`)
//! and `+0.0` (in `y`): the padded product is `-0.0`, and `a + (-0.0) == a` for every `a`,
//! so padding never changes a lane's bits, whatever the backend's width or the alignment.

use crate::real::Real;
use crate::simd::Load;
use crate::strided::Strided;

use super::method::Method;

/// Where the vectors of one operand come from.
trait Source<S: Load<E, A>, E: Real, A: Real>: Copy {
    /// Logical elements `i..i + W`.
    ///
    /// # Safety
    /// `i + W <= n` of the view this source was made from.
    unsafe fn vector(self, s: S, i: usize) -> S::V;
    /// Logical element `i`.
    ///
    /// # Safety
    /// `i < n` of the view this source was made from.
    unsafe fn element(self, i: usize) -> E;
}

/// A contiguous operand (`inc == 1`): plain vector loads.
#[derive(Clone, Copy)]
struct Contiguous<E>(*const E);

impl<S: Load<E, A>, E: Real, A: Real> Source<S, E, A> for Contiguous<E> {
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
}

/// A strided operand: hardware gathers with precomputed offsets.
#[derive(Clone, Copy)]
struct Gathered<E, I> {
    first: *const E,
    inc: isize,
    index: I,
}

impl<S: Load<E, A, Index = I>, E: Real, A: Real, I: Copy> Source<S, E, A> for Gathered<E, I> {
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        // SAFETY: logical elements i..i + W are in the view (caller); `index` addresses
        // exactly those, `inc` apart from logical element i. `i * inc` fits in an isize
        // because the view's extent does (checked by `Strided::new`).
        unsafe { s.gather(self.first.offset(i as isize * self.inc), self.index) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        // SAFETY: i < n (caller); offset in range as above.
        unsafe { self.first.offset(i as isize * self.inc).read() }
    }
}

/// A strided operand whose stride the backend's gather cannot address: the vector is
/// assembled from scalar reads.
#[derive(Clone, Copy)]
struct Assembled<E> {
    first: *const E,
    inc: isize,
}

impl<S: Load<E, A>, E: Real, A: Real> Source<S, E, A> for Assembled<E> {
    #[inline(always)]
    unsafe fn vector(self, s: S, i: usize) -> S::V {
        let mut buf = [E::zero(); 16];
        for (k, b) in buf[..S::W].iter_mut().enumerate() {
            // SAFETY: i + k < n (caller).
            *b = unsafe { Source::<S, E, A>::element(self, i + k) };
        }
        // SAFETY: `buf` holds 16 >= W readable elements.
        unsafe { s.load(buf.as_ptr()) }
    }
    #[inline(always)]
    unsafe fn element(self, i: usize) -> E {
        // SAFETY: i < n (caller); offset in range as for `Gathered`.
        unsafe { self.first.offset(i as isize * self.inc).read() }
    }
}

/// Accumulates `x · y` into `lanes` with method `M`, in the canonical order.
///
/// # Safety
/// `x.len() == y.len()`, and `s`'s target features must be enabled in the caller (this is
/// meant to run inside [`crate::simd::Simd::vectorize`]).
#[inline(always)]
pub(crate) unsafe fn sweep<S, E, A, M>(
    s: S,
    x: Strided<'_, E>,
    y: Strided<'_, E>,
    lanes: &mut M::Lanes,
) where
    S: Load<E, A>,
    E: Real,
    A: Real + From<E>,
    M: Method<A, S>,
{
    let n = x.len();
    let ((px, ix), (py, iy)) = (x.raw(), y.raw());
    // SAFETY: every source below is made from its own view of n elements; x and y have the
    // same n (caller).
    unsafe {
        if ix == 1 && iy == 1 {
            let rot = peel::<S, E, A>(px, n);
            run::<S, E, A, M, _, _>(s, n, Contiguous(px), Contiguous(py), rot, lanes);
        } else if let (Some(gx), Some(gy)) = (s.index(ix), s.index(iy)) {
            let gx = Gathered {
                first: px,
                inc: ix,
                index: gx,
            };
            let gy = Gathered {
                first: py,
                inc: iy,
                index: gy,
            };
            run::<S, E, A, M, _, _>(s, n, gx, gy, 0, lanes);
        } else {
            let ax = Assembled { first: px, inc: ix };
            let ay = Assembled { first: py, inc: iy };
            run::<S, E, A, M, _, _>(s, n, ax, ay, 0, lanes);
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

/// The traversal proper; see the module documentation.
///
/// # Safety
/// `x` and `y` are sources of `n` elements each; `rot < W`, `rot < n`.
#[inline(always)]
unsafe fn run<S, E, A, M, X, Y>(s: S, n: usize, x: X, y: Y, rot: usize, lanes: &mut M::Lanes)
where
    S: Load<E, A>,
    E: Real,
    A: Real + From<E>,
    M: Method<A, S>,
    X: Source<S, E, A>,
    Y: Source<S, E, A>,
{
    let w = S::W;
    let l = A::LANES;
    let k = const { A::LANES / S::W };
    const { assert!(A::LANES % S::W == 0 && A::LANES / S::W <= 8 && S::W <= 16) };

    let mut regs = [M::zero(s); 8];
    let mut i = 0;
    // SAFETY: each source read below is of logical elements < n (the loop bounds say so),
    // and `rot < W <= n` (caller).
    unsafe {
        if rot > 0 {
            // Elements 0..rot are the first of canonical lanes 0..rot, which sit in the last
            // register's top `rot` lanes.
            let (bx, by) = padded::<S, E, A, X, Y>(x, y, 0, rot, w - rot);
            regs[k - 1] = M::step(s, regs[k - 1], s.load(bx.as_ptr()), s.load(by.as_ptr()));
            i = rot;
        }
        while n - i >= l {
            for (j, r) in regs[..k].iter_mut().enumerate() {
                *r = M::step(s, *r, x.vector(s, i + j * w), y.vector(s, i + j * w));
            }
            i += l;
        }
        let mut j = 0;
        while n - i >= w {
            regs[j] = M::step(s, regs[j], x.vector(s, i), y.vector(s, i));
            i += w;
            j += 1;
        }
        if i < n {
            let (bx, by) = padded::<S, E, A, X, Y>(x, y, i, n, 0);
            regs[j] = M::step(s, regs[j], s.load(bx.as_ptr()), s.load(by.as_ptr()));
        }
    }
    for (j, r) in regs[..k].iter().enumerate() {
        M::store(s, *r, lanes, rot + j * w);
    }
}

/// Logical elements `from..to` of `x` and `y` placed at `at..`, in buffers of `W` elements
/// padded with `-0.0` (x) and `+0.0` (y).
///
/// # Safety
/// `from <= to <= n` of both sources, `at + (to - from) <= W`.
#[inline(always)]
unsafe fn padded<S, E, A, X, Y>(x: X, y: Y, from: usize, to: usize, at: usize) -> ([E; 16], [E; 16])
where
    S: Load<E, A>,
    E: Real,
    A: Real,
    X: Source<S, E, A>,
    Y: Source<S, E, A>,
{
    let mut bx = [E::neg_zero(); 16];
    let mut by = [E::zero(); 16];
    for i in from..to {
        // SAFETY: i < to <= n (caller).
        unsafe {
            bx[at + i - from] = x.element(i);
            by[at + i - from] = y.element(i);
        }
    }
    (bx, by)
}
