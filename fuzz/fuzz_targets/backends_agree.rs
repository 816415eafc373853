//! Every backend this CPU runs, at every accuracy level, gives the same bits; a strided view
//! gives the same bits as the contiguous copy of its logical elements (and as a reversed copy
//! read with inc = -1); the free functions agree with the backends.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_fuzz::{Bytes, Case, Ds, F32, F64, Float, Kind};
use pdot_kernels::{Accuracy, Backend, Isa, Strided};

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    match b.u8() % 3 {
        0 => agree::<F64>(&mut b),
        1 => agree::<F32>(&mut b),
        _ => agree::<Ds>(&mut b),
    }
});

fn agree<K: Kind>(b: &mut Bytes<'_>) {
    let case = Case::<K::In>::decode(b);
    let (bx, by) = (case.buffer_x(), case.buffer_y());
    let (xs, ys) = (case.view_x(&bx), case.view_y(&by));
    let what = format!("{} ({})", case.describe(), K::NAME);

    // The view reads exactly the logical elements (bitwise, NaN payloads included).
    let xc: Vec<K::In> = xs.iter().collect();
    let yc: Vec<K::In> = ys.iter().collect();
    assert!(
        same_bits(&xc, &case.x) && same_bits(&yc, &case.y),
        "Strided::iter does not yield the logical elements: {what}"
    );
    let xr: Vec<K::In> = xc.iter().rev().copied().collect();
    let yr: Vec<K::In> = yc.iter().rev().copied().collect();
    let n = case.n();
    let x_rev = Strided::new(&xr, n, -1).expect("reversed view");
    let y_rev = Strided::new(&yr, n, -1).expect("reversed view");

    let portable = Backend::new(Isa::Portable).expect("the portable backend always exists");
    for &acc in Accuracy::ALL {
        let want = K::backend_slice(portable, acc, &xc, &yc).bits();
        let check = |got: K::Out, how: &str| {
            assert_eq!(
                got.bits(),
                want,
                "{how} at {acc} differs from portable on the contiguous copy: {what}"
            );
        };
        for isa in Isa::available() {
            let be = Backend::new(isa).expect("Isa::available lists runnable backends");
            check(
                K::backend_slice(be, acc, &xc, &yc),
                &format!("{isa} contiguous"),
            );
            check(K::backend(be, acc, xs, ys), &format!("{isa} strided"));
            check(
                K::backend(be, acc, x_rev, y_rev),
                &format!("{isa} inc=-1 reversed copy"),
            );
            if case.inc_x == 1 && case.inc_y == 1 {
                // The same data as a plain slice at the buffer's (unaligned) offset.
                let xo = &bx[case.off_x..case.off_x + n];
                let yo = &by[case.off_y..case.off_y + n];
                check(
                    K::backend_slice(be, acc, xo, yo),
                    &format!("{isa} offset slice"),
                );
            }
        }
        check(K::free_slice(acc, &xc, &yc), "free contiguous function");
        check(K::free_strided(acc, xs, ys), "free strided function");
        if acc == Accuracy::Fast {
            check(K::free_fast(&xc, &yc), "free Fast function");
        }
    }
}

fn same_bits<F: Float>(a: &[F], b: &[F]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| p.bits() == q.bits())
}
