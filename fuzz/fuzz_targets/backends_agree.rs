//! Every backend this CPU runs, at every accuracy level, gives the same bits; a strided view
//! gives the same bits as the contiguous copy of its logical elements (and as a reversed copy
//! read with inc = -1); the free functions agree with the backends.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_fuzz::{Bytes, Case, Float};
use pdot_kernels::{Accuracy, Backend, Input, Isa, Real, Strided, VisitPrecision};

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    b.precision().visit(Agree(&mut b));
});

/// [`agree`] for the type pair a case picks.
struct Agree<'a, 'b>(&'a mut Bytes<'b>);

impl VisitPrecision for Agree<'_, '_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        agree::<O, E>(self.0);
    }
}

fn agree<O: Real, E: Input<O>>(b: &mut Bytes<'_>) {
    let case = Case::<E>::decode(b);
    let (bx, by) = (case.buffer_x(), case.buffer_y());
    let (xs, ys) = (case.view_x(&bx), case.view_y(&by));
    let what = format!("{} ({})", case.describe(), <E as Input<O>>::PRECISION);
    // Contiguous slices on a backend (what `Backend::dot` does for one type).
    let on_slices =
        |be: Backend, acc, x: &[E], y: &[E]| be.dot_strided_as::<O, E>(acc, x.into(), y.into());

    // The view reads exactly the logical elements (bitwise, NaN payloads included).
    let xc: Vec<E> = xs.iter().collect();
    let yc: Vec<E> = ys.iter().collect();
    assert!(
        same_bits(&xc, &case.x) && same_bits(&yc, &case.y),
        "Strided::iter does not yield the logical elements: {what}"
    );
    let xr: Vec<E> = xc.iter().rev().copied().collect();
    let yr: Vec<E> = yc.iter().rev().copied().collect();
    let n = case.n();
    let x_rev = Strided::new(&xr, n, -1).expect("reversed view");
    let y_rev = Strided::new(&yr, n, -1).expect("reversed view");

    let portable = Backend::new(Isa::Portable).expect("the portable backend always exists");
    for &acc in Accuracy::ALL {
        let want = on_slices(portable, acc, &xc, &yc).bits();
        let check = |got: O, how: &str| {
            assert_eq!(
                got.bits(),
                want,
                "{how} at {acc} differs from portable on the contiguous copy: {what}"
            );
        };
        for isa in Isa::available() {
            let be = Backend::new(isa).expect("Isa::available lists runnable backends");
            check(on_slices(be, acc, &xc, &yc), &format!("{isa} contiguous"));
            check(
                be.dot_strided_as::<O, E>(acc, xs, ys),
                &format!("{isa} strided"),
            );
            check(
                be.dot_strided_as::<O, E>(acc, x_rev, y_rev),
                &format!("{isa} inc=-1 reversed copy"),
            );
            if case.inc_x == 1 && case.inc_y == 1 {
                // The same data as a plain slice at the buffer's (unaligned) offset.
                let xo = &bx[case.off_x..case.off_x + n];
                let yo = &by[case.off_y..case.off_y + n];
                check(on_slices(be, acc, xo, yo), &format!("{isa} offset slice"));
            }
        }
        check(
            pdot_kernels::dot_as::<O, E>(acc, &xc, &yc),
            "free contiguous function",
        );
        check(
            pdot_kernels::dot_strided_as::<O, E>(acc, xs, ys),
            "free strided function",
        );
        if acc == Accuracy::Fast {
            check(
                pdot_kernels::dot_as::<O, E>(Accuracy::Fast, &xc, &yc),
                "free Fast entry",
            );
        }
    }
}

fn same_bits<F: Float>(a: &[F], b: &[F]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| p.bits() == q.bits())
}
