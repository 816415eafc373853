//! Errors: length mismatches panic with a message naming both lengths (at the caller's
//! location); `Strided::new` rejects views that do not fit or whose extent overflows, with a
//! message naming n, inc and the slice length; unknown and unavailable backends are errors;
//! unknown accuracy names are errors.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use pdot_kernels::{
    Accuracy, Backend, Isa, IsaError, StrideError, Strided, dot, dot_strided, dot_with, dsdot,
    dsdot_strided, dsdot_with,
};
use proptest::prelude::*;

thread_local! {
    /// Where the last panic on this thread was reported (set by the hook of `panic_of`).
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, which must panic, and returns its message and the location the panic reports.
///
/// The location comes from a panic hook. The hook is process-wide: it records into a
/// thread-local (so a panic of another test's thread cannot be mistaken for this one), and
/// a lock serialises the tests that install it.
fn panic_of(f: impl FnOnce()) -> (String, String) {
    static HOOK: Mutex<()> = Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        LOCATION.with(|l| *l.borrow_mut() = at);
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    let payload = result.expect_err("expected a panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    let location = LOCATION.with(|l| l.borrow_mut().take()).unwrap_or_default();
    (message, location)
}

/// `(file:line of the invocation, panic_of(expression))`: the expression must stay on the
/// invocation's line for the comparison of locations to mean anything.
macro_rules! panic_at_line {
    ($e:expr) => {
        (
            format!("{}:{}", file!(), line!()),
            panic_of(|| {
                let _ = $e;
            }),
        )
    };
}

fn assert_names_lengths(message: &str, a: usize, b: usize) {
    assert!(
        message.contains(&a.to_string()) && message.contains(&b.to_string()),
        "message {message:?} does not name both lengths {a} and {b}"
    );
}

#[test]
#[should_panic(expected = "x has 3 elements but y has 5")]
fn dot_length_mismatch_panics() {
    dot(&[1.0f64; 3], &[1.0; 5]);
}

#[test]
fn every_entry_point_rejects_mismatched_lengths_at_the_callers_line() {
    let (x, y) = (vec![1.0f64; 17], vec![1.0f64; 23]);
    let (xf, yf) = (vec![1.0f32; 17], vec![1.0f32; 23]);
    let b = Backend::detect();
    let checks = [
        panic_at_line!(dot(&x, &y)),
        panic_at_line!(dot_with(Accuracy::Compensated, &xf, &yf)),
        panic_at_line!(dot_strided(Accuracy::Fast, x[..].into(), y[..].into())),
        panic_at_line!(dsdot(&xf, &yf)),
        panic_at_line!(dsdot_with(Accuracy::Compensated, &xf, &yf)),
        panic_at_line!(dsdot_strided(Accuracy::Fast, xf[..].into(), yf[..].into())),
        panic_at_line!(b.dot(Accuracy::Fast, &x, &y)),
        panic_at_line!(b.dot_strided(Accuracy::Compensated, x[..].into(), y[..].into())),
        panic_at_line!(b.dot_strided_as::<f64, f32>(Accuracy::Fast, xf[..].into(), yf[..].into())),
    ];
    for (line, (message, location)) in checks {
        assert_names_lengths(&message, 17, 23);
        assert_eq!(
            location, line,
            "panic for {message:?} reported at the wrong place"
        );
    }
    // Strided views of different logical lengths, the shorter one on either side.
    let data = [1.0f64; 40];
    let (a, c) = (
        Strided::new(&data, 13, 3).unwrap(),
        Strided::new(&data, 7, -2).unwrap(),
    );
    assert_names_lengths(
        &panic_at_line!(dot_strided(Accuracy::Fast, a, c)).1.0,
        13,
        7,
    );
    assert_names_lengths(
        &panic_at_line!(dot_strided(Accuracy::Fast, c, a)).1.0,
        7,
        13,
    );
}

#[test]
fn out_of_bounds_views_are_rejected_with_a_clear_message() {
    let data = [0.0f64; 10];
    // n = 6, inc = 2 needs 11 elements.
    let err = Strided::new(&data, 6, 2).unwrap_err();
    assert_eq!(
        err,
        StrideError::OutOfBounds {
            n: 6,
            inc: 2,
            len: 10
        }
    );
    let text = err.to_string();
    for part in ["n = 6", "inc = 2", "11", "10"] {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
    let err = Strided::new(&data, 4, -4).unwrap_err();
    assert_eq!(
        err,
        StrideError::OutOfBounds {
            n: 4,
            inc: -4,
            len: 10
        }
    );
    assert!(err.to_string().contains("inc = -4"), "{err}");
    // Any n > 0 does not fit in an empty slice, even with inc = 0.
    assert_eq!(
        Strided::new(&[] as &[f32], 1, 0).unwrap_err(),
        StrideError::OutOfBounds {
            n: 1,
            inc: 0,
            len: 0
        }
    );
    // The last element exactly at the end fits; one more does not.
    assert!(Strided::new(&data, 4, 3).is_ok());
    assert!(Strided::new(&data, 5, 3).is_err());
    assert!(Strided::new(&data, 10, 1).is_ok());
    assert!(Strided::new(&data, 11, 1).is_err());
    // std::error::Error is implemented.
    let _: &dyn std::error::Error = &err;
}

#[test]
fn overflowing_views_are_rejected() {
    let data = [0.0f64; 4];
    let cases = [
        (usize::MAX, 2),
        (usize::MAX, -1),
        (2, isize::MIN),
        (3, isize::MAX),
        (isize::MAX as usize / 3 + 2, 3),
        (usize::MAX / 2 + 2, 1),
    ];
    for (n, inc) in cases {
        let err = Strided::new(&data, n, inc).unwrap_err();
        assert_eq!(
            err,
            StrideError::Overflow { n, inc },
            "n = {n}, inc = {inc}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("n = {n}")) && text.contains(&format!("inc = {inc}")),
            "{text}"
        );
    }
    // (n - 1)·|inc| exactly isize::MAX does not overflow; it is out of bounds.
    assert!(matches!(
        Strided::new(&data, 2, isize::MAX),
        Err(StrideError::OutOfBounds {
            n: 2,
            inc: isize::MAX,
            len: 4
        })
    ));
    let err = Strided::new(&data, 2, -isize::MAX).unwrap_err();
    assert!(matches!(err, StrideError::OutOfBounds { .. }), "{err:?}");
    assert!(err.to_string().contains(&isize::MAX.to_string()), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// `Strided::new` agrees with a model in 128-bit arithmetic: Overflow iff
    /// (n − 1)·|inc| > isize::MAX, else OutOfBounds iff (n − 1)·|inc| >= len, else Ok.
    #[test]
    fn stride_errors_follow_the_model(
        len in 0..64usize,
        n in prop_oneof![0..80usize, any::<usize>(), (usize::MAX - 3)..=usize::MAX],
        inc in prop_oneof![-9isize..=9, any::<isize>(), Just(isize::MIN), Just(isize::MAX)],
    ) {
        let data = vec![0.0f32; len];
        let last = (n as u128).saturating_sub(1) * inc.unsigned_abs() as u128;
        let got = Strided::new(&data, n, inc);
        if n == 0 {
            prop_assert!(got.is_ok());
        } else if last > isize::MAX as u128 {
            prop_assert_eq!(got.unwrap_err(), StrideError::Overflow { n, inc });
        } else if last >= len as u128 {
            prop_assert_eq!(got.unwrap_err(), StrideError::OutOfBounds { n, inc, len });
        } else {
            prop_assert!(got.is_ok());
        }
        if let Err(e) = Strided::new(&data, n, inc) {
            let text = e.to_string();
            prop_assert!(text.contains(&n.to_string()) && text.contains(&inc.to_string()), "{}", text);
        }
    }
}

#[test]
fn unknown_isa_names_are_errors() {
    let err = "sse9".parse::<Isa>().unwrap_err();
    assert_eq!(err, IsaError::Unknown("sse9".to_owned()));
    let text = err.to_string();
    assert!(text.contains("sse9"), "{text}");
    for name in ["portable", "avx2", "avx512"] {
        assert!(text.contains(name), "{text} should list {name}");
    }
    assert!("".parse::<Isa>().is_err());
    // Names round-trip, case-insensitively.
    for &isa in Isa::ALL {
        assert_eq!(isa.name().parse::<Isa>(), Ok(isa));
        assert_eq!(isa.name().to_uppercase().parse::<Isa>(), Ok(isa));
        assert_eq!(isa.to_string(), isa.name());
    }
}

#[test]
fn unavailable_backends_are_errors_consistent_with_the_cpu() {
    #[cfg(target_arch = "x86_64")]
    let expected = [
        (Isa::Portable, true),
        (
            Isa::Avx2,
            std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma"),
        ),
        (
            Isa::Avx512,
            std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx2")
                && std::is_x86_feature_detected!("fma"),
        ),
    ];
    #[cfg(not(target_arch = "x86_64"))]
    let expected = [
        (Isa::Portable, true),
        (Isa::Avx2, false),
        (Isa::Avx512, false),
    ];
    for (isa, runs) in expected {
        match Backend::new(isa) {
            Ok(b) => {
                assert!(runs, "{isa} accepted on a CPU without it");
                assert_eq!(b.isa(), isa);
            }
            Err(e) => {
                assert!(!runs, "{isa} refused on a CPU that has it: {e}");
                assert_eq!(e, IsaError::Unavailable(isa));
                assert!(e.to_string().contains(isa.name()), "{e}");
            }
        }
        assert_eq!(Isa::available().contains(&isa), runs);
    }
}

#[test]
fn unknown_accuracy_names_are_errors() {
    let err = "exactish".parse::<Accuracy>().unwrap_err();
    assert!(err.to_string().contains("exactish"), "{err}");
    for &a in Accuracy::ALL {
        assert_eq!(a.name().parse::<Accuracy>(), Ok(a));
        assert_eq!(a.to_string(), a.name());
    }
    assert_eq!(Accuracy::default(), Accuracy::Fast);
}

/// `StrideError`'s fields are public, so its message must not assume they came from
/// `Strided::new` (n = 0, or an extent that overflows, used to panic in `Display`).
#[test]
fn stride_error_messages_never_panic_on_hand_made_errors() {
    let cases = [
        StrideError::OutOfBounds {
            n: 0,
            inc: 1,
            len: 0,
        },
        StrideError::OutOfBounds {
            n: usize::MAX,
            inc: isize::MIN,
            len: 3,
        },
        StrideError::OutOfBounds {
            n: 2,
            inc: isize::MAX,
            len: 1,
        },
        StrideError::Overflow { n: 0, inc: 0 },
    ];
    for err in cases {
        let text = err.to_string();
        assert!(text.contains("inc = "), "{text}");
    }
    let text = StrideError::OutOfBounds {
        n: 0,
        inc: 1,
        len: 0,
    }
    .to_string();
    assert!(text.contains("needs 0 elements"), "{text}");
    let text = StrideError::OutOfBounds {
        n: 2,
        inc: isize::MAX,
        len: 1,
    }
    .to_string();
    assert!(
        text.contains(&format!("needs {} elements", isize::MAX as usize + 1)),
        "{text}"
    );
}
