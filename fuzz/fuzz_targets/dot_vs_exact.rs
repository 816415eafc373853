//! Each accuracy level against the exact reference:
//!
//! - Fast: |r − x·y| ≤ γ_k·|x|·|y| + n·η, with k = min(n, ⌈n/32⌉ + 6) roundings on any path
//!   of the canonical order (⌈n/L⌉ FMAs in a lane, log2 L ≤ 6 tree levels; never more than
//!   n, the bound the documentation promises);
//! - Compensated: |r − x·y| ≤ u·|x·y| + γ_n²·|x|·|y| + (2n + 2)·η;
//! - Exact: the bits of the reference `ExactDot` (pdot-testkit), on every
//!   backend: the exact sum rounded once to nearest-even (±inf beyond the range, whatever
//!   the intermediate sums), NaN for a NaN operand, inf·0 or +inf with −inf, an infinity
//!   alone gives that infinity, an exact zero is +0 and −0 only when every product is −0.
//!   No case is skipped: products beyond the range and their cancellation included;
//!
//! where u is the unit roundoff and η the smallest subnormal of the accumulator format (the
//! underflow allowance). Bounds are evaluated in f64 and inflated so that rounding in their
//! evaluation cannot make them too tight. For Fast and Compensated, a case whose |x|·|y|
//! comes within a factor 4 of the format's overflow threshold is skipped (intermediate
//! overflow may give ±inf or NaN there).
//!
//! Non-finite inputs follow IEEE: a NaN, or inf·0, or both +inf and −inf products give NaN;
//! otherwise an infinite product gives that infinity. NaN results must be the canonical
//! positive quiet NaN.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_fuzz::{Bytes, Case, Float};
use pdot_kernels::{Accuracy, Backend, Input, Isa, Real, VisitPrecision};
use pdot_testkit::{ExactDot, ExactSum, Rounding, gamma, inflate};

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    let acc = Accuracy::ALL[b.below(Accuracy::ALL.len() as u64) as usize];
    b.precision().visit(Check { b: &mut b, acc });
});

/// [`check`] for the type pair a case picks.
struct Check<'a, 'b> {
    b: &'a mut Bytes<'b>,
    acc: Accuracy,
}

impl VisitPrecision for Check<'_, '_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        check::<O, E>(self.b, self.acc);
    }
}

/// The dot product of `O` from `E` inputs on `backend`.
fn dot<O: Real, E: Input<O>>(
    backend: Backend,
    acc: Accuracy,
    case: &Case<E>,
    (bx, by): (&[E], &[E]),
) -> O {
    backend.dot_strided_as::<O, E>(acc, case.view_x(bx), case.view_y(by))
}

fn check<O: Real, E: Input<O>>(b: &mut Bytes<'_>, acc: Accuracy) {
    let case = Case::<E>::decode(b);
    let (bx, by) = (case.buffer_x(), case.buffer_y());
    let r: O = dot(Backend::active(), acc, &case, (&bx, &by));
    let what = format!("{acc} {} ({})", case.describe(), <E as Input<O>>::PRECISION);
    let n = case.n();

    if acc == Accuracy::Exact {
        check_exact::<O, E>(&case, r, &what);
        // The signed-zero rule: the same case with x made of zeros, of the sign that makes
        // every product −0 (or of signs from the input).
        let all_neg = b.u8().is_multiple_of(2);
        let mut zeros = case.clone();
        for (xi, yi) in zeros.x.iter_mut().zip(&case.y) {
            let negative = if all_neg {
                yi.as_f64().is_sign_positive()
            } else {
                b.u8() & 1 == 1
            };
            *xi = E::from_f64(if negative { -0.0 } else { 0.0 });
        }
        if case.inc_x == 0 && case.n() > 0 {
            // One slot read n times: the logical elements are all the first.
            let first = zeros.x[0];
            zeros.x.fill(first);
        }
        let (zx, zy) = (zeros.buffer_x(), zeros.buffer_y());
        let r = dot(Backend::active(), acc, &zeros, (&zx, &zy));
        check_exact::<O, E>(&zeros, r, &format!("{what}, x replaced by signed zeros"));
        return;
    }

    // Exact sums of x·y and |x|·|y| over the finite pairs, and the IEEE facts of the rest.
    let mut exact = ExactSum::new();
    let mut abs = ExactSum::new();
    let (mut nan, mut pos_inf, mut neg_inf) = (false, false, false);
    for (&xi, &yi) in case.x.iter().zip(&case.y) {
        let (a, c) = (xi.as_f64(), yi.as_f64());
        if a.is_nan() || c.is_nan() {
            nan = true;
        } else if a.is_infinite() || c.is_infinite() {
            if a == 0.0 || c == 0.0 {
                nan = true; // inf · 0
            } else if (a < 0.0) == (c < 0.0) {
                pos_inf = true;
            } else {
                neg_inf = true;
            }
        } else {
            exact.add_product(a, c);
            abs.add_abs_product(a, c);
        }
    }
    let r64 = r.as_f64();
    if r64.is_nan() {
        assert_eq!(
            r.bits(),
            O::nan().bits(),
            "NaN result {:#x} is not the canonical quiet NaN: {what}",
            r.bits()
        );
    }

    let rounding = Rounding::of_bits(8 * size_of::<O>());
    let (u, eta) = (rounding.u, rounding.eta);
    let abs_up = abs.abs_upper_f64();
    // |x|·|y| (finite part) so large that an intermediate sum could overflow.
    let may_overflow = abs_up * (1.0 + 2.0 * gamma(n, u)) * 4.0 >= rounding.max;

    if nan || (pos_inf && neg_inf) {
        assert!(
            r64.is_nan(),
            "expected NaN (NaN input, inf·0 or inf−inf), got {r64:e}: {what}"
        );
        return;
    }
    if pos_inf || neg_inf {
        let want = if pos_inf {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
        if may_overflow {
            // The finite part may overflow to the opposite infinity: NaN is IEEE-correct too.
            assert!(
                r64 == want || r64.is_nan(),
                "expected {want} or NaN, got {r64:e}: {what}"
            );
        } else {
            assert_eq!(
                r64, want,
                "an infinite product must give that infinity: {what}"
            );
        }
        return;
    }
    if may_overflow {
        return;
    }
    assert!(
        r64.is_finite(),
        "finite inputs far from overflow gave {r64:e}: {what}"
    );

    let err = ExactSum::from_f64(r64).abs_diff(&exact).abs_upper_f64();
    let bound = match acc {
        Accuracy::Fast => {
            let k = n.min(n.div_ceil(32) + 6);
            inflate(gamma(k, u) * abs_up + n as f64 * eta)
        }
        _ => {
            let g = gamma(n, u);
            inflate(u * exact.abs_upper_f64() + g * g * abs_up + (2 * n + 2) as f64 * eta)
        }
    };
    assert!(
        err <= bound,
        "error {err:e} exceeds the bound {bound:e}: result {r64:e} ({:#x}), exact {exact:?}, \
         |x|·|y| {abs_up:e}: {what}",
        r.bits()
    );

    if abs.is_zero() {
        // Every product is an exact zero: no level may invent a nonzero.
        assert_eq!(r64, 0.0, "all products are zero: {what}");
    }
}

/// Accuracy::Exact: the reference's bits, on the active backend (`r`) and on every other.
fn check_exact<O: Real, E: Input<O>>(case: &Case<E>, r: O, what: &str) {
    let mut d = ExactDot::new();
    for (&a, &b) in case.x.iter().zip(&case.y) {
        d.add(a.as_f64(), b.as_f64());
    }
    let want = if O::MANT == 52 {
        d.to_f64().to_bits()
    } else {
        u64::from(d.to_f32().to_bits())
    };
    let (bx, by) = (case.buffer_x(), case.buffer_y());
    let check = |got: O, how: &str| {
        assert!(
            got.bits() == want,
            "{how}: exact level gave {:e} ({:#x}), the correctly rounded result is {:#x} \
             (exact sum {:?}, nan {}, +inf {}, -inf {}, {} of {} products -0): {what}",
            got.as_f64(),
            got.bits(),
            want,
            d.sum,
            d.nan,
            d.pos_inf,
            d.neg_inf,
            d.neg_zero_products,
            d.products,
        );
    };
    check(r, "active backend");
    for isa in Isa::available() {
        let be = Backend::new(isa).expect("Isa::available lists runnable backends");
        check(dot(be, Accuracy::Exact, case, (&bx, &by)), isa.name());
    }
}
