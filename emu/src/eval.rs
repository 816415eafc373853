//! One case on one backend: its views of the data, the call, the result bits.

use pdot_kernels::{Backend, Input, Real, Strided};

use crate::cases::{Case, LAYOUTS, Op, SLOTS};
use crate::data::{Data, OFFSETS};

/// The bits of a result, `f32` zero-extended.
pub trait Bits: Real {
    /// `self`'s bits in a `u64`.
    fn bits(self) -> u64;
}

impl Bits for f64 {
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

impl Bits for f32 {
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

/// Elements of a buffer that a view of `n` elements with `inc` reads (0: blocked 4/7).
fn span(n: usize, inc: isize) -> usize {
    match (n, inc) {
        (0, _) => 0,
        (_, 0) => (n - 1) / 4 * 7 + (n - 1) % 4 + 1,
        _ => (n - 1) * inc.unsigned_abs() + 1,
    }
}

/// The view of `n` elements with `inc` (0: blocked 4/7) at `offset` in `buf`.
fn view<T: Copy>(buf: &[T], offset: usize, n: usize, inc: isize) -> Option<Strided<'_, T>> {
    let buf = buf.get(offset..offset + span(n, inc))?;
    if inc == 0 {
        Strided::blocked(buf, n, 4, 7).ok()
    } else {
        Strided::new(buf, n, inc).ok()
    }
}

/// The start offset of view `which` (0: x, 1..=3: the y's) of case `id`.
fn offset(id: usize, which: usize) -> usize {
    (id.wrapping_mul(0x9E37_79B9) >> 7).wrapping_add(which * 389) % OFFSETS
}

/// Case `id` (described by `case`) on backend `b`: the bits of its results, or `None` if a
/// view could not be made (a bug of the table).
pub fn run_case(b: Backend, id: usize, case: &Case, data: &Data) -> Option<[u64; SLOTS]> {
    match case.elem {
        0 => results::<f64, f64>(b, id, case, &data.x64, &data.y64),
        1 => results::<f32, f32>(b, id, case, &data.x32, &data.y32),
        _ => results::<f64, f32>(b, id, case, &data.x32, &data.y32),
    }
}

/// [`run_case`] for inputs `E` and results `O`.
fn results<O: Bits, E: Input<O>>(
    b: Backend,
    id: usize,
    case: &Case,
    xs: &[E],
    ys: &[E],
) -> Option<[u64; SLOTS]> {
    let (_, incx, incy) = LAYOUTS[case.layout];
    let n = case.n;
    let x = view(xs, offset(id, 0), n, incx)?;
    let mut out = [0u64; SLOTS];
    match case.op {
        Op::Dot => {
            let y = view(ys, offset(id, 1), n, incy)?;
            out[0] = b.dot_strided_as::<O, E>(case.acc, x, y).bits();
        }
        Op::Mdot => {
            let mut y = [x; SLOTS];
            for (j, v) in y.iter_mut().enumerate() {
                *v = view(ys, offset(id, j + 1), n, incy)?;
            }
            let mut r = [O::zero(); SLOTS];
            b.mdot_strided_as::<O, E>(case.acc, x, &y, &mut r);
            for (o, v) in out.iter_mut().zip(r) {
                *o = v.bits();
            }
        }
        Op::Nrm2 => out[0] = b.nrm2_strided_as::<O, E>(case.acc, x).bits(),
    }
    Some(out)
}
