//! The contenders of one benchmark case as batched closures: `run(reps)` calls the kernel
//! `reps` times on the same data, so that one dynamic call and one clock read cover a whole
//! sample even for n = 1000.

use std::hint::black_box;

use pdot_kernels::{Accuracy, Real, Strided, dot_as, dot_strided_as};

use crate::data::Alignment;
use crate::peer::Peer;

/// What is being timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contender {
    /// pdot at [`Accuracy::Fast`].
    PdotFast,
    /// pdot at [`Accuracy::Compensated`].
    PdotCompensated,
    /// pdot at [`Accuracy::Exact`] (correctly rounded).
    PdotExact,
    /// OpenBLAS `cblas_?dot`, one thread.
    OpenBlas,
    /// `x.iter().zip(y).map(|(a, b)| a * b).sum()` (contiguous only).
    Naive,
}

impl Contender {
    /// All contenders, in report order.
    pub const ALL: [Contender; 5] = [
        Contender::PdotFast,
        Contender::PdotCompensated,
        Contender::PdotExact,
        Contender::OpenBlas,
        Contender::Naive,
    ];

    /// An identifier: `"pdot_fast"`, `"pdot_compensated"`, `"pdot_exact"`, `"openblas"`,
    /// `"naive"`.
    pub fn name(self) -> &'static str {
        match self {
            Contender::PdotFast => "pdot_fast",
            Contender::PdotCompensated => "pdot_compensated",
            Contender::PdotExact => "pdot_exact",
            Contender::OpenBlas => "openblas",
            Contender::Naive => "naive",
        }
    }

    /// A label for plots and tables.
    pub fn label(self) -> &'static str {
        match self {
            Contender::PdotFast => "pdot Fast",
            Contender::PdotCompensated => "pdot Compensated",
            Contender::PdotExact => "pdot Exact",
            Contender::OpenBlas => "OpenBLAS",
            Contender::Naive => "naive iterator",
        }
    }
}

/// Where the data starts and how far apart the logical elements are (`incx = incy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Start of x and y relative to a 64-byte boundary.
    pub alignment: Alignment,
    /// The increment (1 = contiguous).
    pub inc: usize,
}

impl Layout {
    /// The layouts of the report: contiguous aligned and at a 16-byte offset, then aligned
    /// with increments 2 and 4.
    pub const STANDARD: [Layout; 4] = [
        Layout {
            alignment: Alignment::Aligned,
            inc: 1,
        },
        Layout {
            alignment: Alignment::Offset16,
            inc: 1,
        },
        Layout {
            alignment: Alignment::Aligned,
            inc: 2,
        },
        Layout {
            alignment: Alignment::Aligned,
            inc: 4,
        },
    ];

    /// The largest increment of [`Layout::STANDARD`].
    pub const MAX_INC: usize = 4;

    /// An identifier such as `"aligned_inc1"` or `"offset16_inc1"`.
    pub fn name(self) -> String {
        format!("{}_inc{}", self.alignment.name(), self.inc)
    }

    /// Whether `contender` is measured on this layout (the naive iterator only on contiguous
    /// data).
    pub fn has(self, contender: Contender) -> bool {
        contender != Contender::Naive || self.inc == 1
    }
}

/// A batched kernel: `run(reps)` calls it `reps` times and returns the sum of the results.
pub type Batch<'a> = Box<dyn Fn(usize) -> f64 + 'a>;

/// Wraps one call in a loop whose inputs the optimizer cannot see through; the results are
/// widened to `f64`, so that every contender has the same closure type.
fn batched<'a, O: Real, E: 'a, K>(x: &'a [E], y: &'a [E], kernel: K) -> Batch<'a>
where
    K: Fn(&'a [E], &'a [E]) -> O + 'a,
{
    Box::new(move |reps| {
        let mut acc = 0.0;
        for _ in 0..reps {
            acc += kernel(black_box(x), black_box(y))
                .to_f64()
                .unwrap_or(f64::NAN);
        }
        black_box(acc)
    })
}

/// The batched kernel of `contender` on `n` logical elements of `x` and `y` every `inc`
/// (`x`, `y` as given by [`crate::data::Pair::views`]), or `None` where the contender is not
/// measured (the naive iterator on strided data).
///
/// # Panics
/// If `x` or `y` is too short for `n` elements every `inc`, or `inc` is 0 or above
/// `isize::MAX`.
pub fn batch<'a, O: Real, E: Peer<O>>(
    contender: Contender,
    x: &'a [E],
    y: &'a [E],
    n: usize,
    inc: usize,
) -> Option<Batch<'a>> {
    let inc = isize::try_from(inc).expect("increment too large");
    assert!(inc > 0, "increment must be positive");
    let span = if n == 0 {
        0
    } else {
        (n - 1) * inc.unsigned_abs() + 1
    };
    assert!(
        x.len() >= span && y.len() >= span,
        "x ({}) or y ({}) too short for {n} elements every {inc}",
        x.len(),
        y.len()
    );
    let pdot = |accuracy: Accuracy| -> Batch<'a> {
        if inc == 1 {
            batched(&x[..n], &y[..n], move |x, y| dot_as::<O, E>(accuracy, x, y))
        } else {
            batched(x, y, move |x, y| {
                let xs = Strided::new(x, n, inc).expect("checked above");
                let ys = Strided::new(y, n, inc).expect("checked above");
                dot_strided_as::<O, E>(accuracy, xs, ys)
            })
        }
    };
    Some(match contender {
        Contender::PdotFast => pdot(Accuracy::Fast),
        Contender::PdotCompensated => pdot(Accuracy::Compensated),
        Contender::PdotExact => pdot(Accuracy::Exact),
        Contender::OpenBlas if inc == 1 => batched(&x[..n], &y[..n], E::blas),
        Contender::OpenBlas => batched(x, y, move |x, y| E::blas_strided(n, x, y, inc)),
        Contender::Naive if inc == 1 => batched(&x[..n], &y[..n], E::naive),
        Contender::Naive => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Pair;

    /// Every contender of every layout runs and roughly agrees with the others.
    fn agree<O: Real, E: Peer<O>>() {
        let n = 1234;
        let pair = Pair::<E>::for_strides(n, Layout::MAX_INC, 9);
        for layout in Layout::STANDARD {
            let (x, y) = pair.views(layout.alignment, n, layout.inc);
            let reference = batch::<O, E>(Contender::PdotCompensated, x, y, n, layout.inc)
                .expect("always measured")(1);
            for contender in Contender::ALL {
                let Some(run) = batch::<O, E>(contender, x, y, n, layout.inc) else {
                    assert!(!layout.has(contender));
                    continue;
                };
                let one = run(1);
                assert!((one - reference).abs() < 1e-2, "{contender:?} {layout:?}");
                assert!((run(3) - 3.0 * one).abs() < 1e-2);
            }
        }
    }

    #[test]
    fn contenders_agree() {
        agree::<f64, f64>();
        agree::<f32, f32>();
        agree::<f64, f32>();
    }
}
