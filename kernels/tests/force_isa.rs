//! `PDOT_FORCE_ISA` forces a backend: `Backend::from_env` honours it, reports unknown and
//! unavailable names as errors, and `Backend::active` (what the free functions use) picks
//! it once per process.
//!
//! This binary has exactly one test, because it changes the process environment.

use pdot_kernels::{Accuracy, Backend, FORCE_ISA_VAR, Isa, IsaError, dot_with};

/// Sets (or, with `None`, removes) `PDOT_FORCE_ISA`.
fn set_force(value: Option<&str>) {
    // SAFETY: `set_var`/`remove_var` are unsound only while another thread may read or write
    // the environment. This test binary contains this single test, so the harness runs no
    // other test concurrently; the harness's own main thread only waits for the test's result
    // while it runs; and this test starts no threads. The kernels read the variable on this
    // thread only (`from_env`, and `active` on its first call).
    unsafe {
        match value {
            Some(v) => std::env::set_var(FORCE_ISA_VAR, v),
            None => std::env::remove_var(FORCE_ISA_VAR),
        }
    }
}

#[test]
fn force_isa_variable() {
    assert_eq!(FORCE_ISA_VAR, "PDOT_FORCE_ISA");
    let available = Isa::available();
    let detected = Backend::detect().isa();

    // Unset or empty: the detected backend.
    set_force(None);
    assert_eq!(Backend::from_env().map(Backend::isa), Ok(detected));
    set_force(Some(""));
    assert_eq!(Backend::from_env().map(Backend::isa), Ok(detected));

    // Each backend by name (case and surrounding blanks do not matter): itself if the CPU
    // runs it, otherwise `Unavailable`.
    for &isa in Isa::ALL {
        for spelling in [
            isa.name().to_owned(),
            format!(" {} ", isa.name().to_uppercase()),
        ] {
            set_force(Some(&spelling));
            let got = Backend::from_env().map(Backend::isa);
            if available.contains(&isa) {
                assert_eq!(got, Ok(isa), "PDOT_FORCE_ISA={spelling:?}");
            } else {
                assert_eq!(
                    got,
                    Err(IsaError::Unavailable(isa)),
                    "PDOT_FORCE_ISA={spelling:?}"
                );
            }
        }
    }

    // A name that is no backend.
    set_force(Some("bogus"));
    let err = Backend::from_env().unwrap_err();
    assert_eq!(err, IsaError::Unknown("bogus".to_owned()));
    assert!(err.to_string().contains("bogus"), "{err}");

    // `active` reads the variable on its first call, and keeps that choice.
    set_force(Some("portable"));
    assert_eq!(Backend::active().isa(), Isa::Portable);
    set_force(Some(detected.name()));
    assert_eq!(
        Backend::active().isa(),
        Isa::Portable,
        "active must be chosen once"
    );
    // The free functions run on it and give the bits of every other backend.
    let x: Vec<f64> = (0..100).map(|i| 1.0 / f64::from(i + 1)).collect();
    for &a in Accuracy::ALL {
        let forced = dot_with(a, &x, &x);
        let best = Backend::detect().dot(a, &x, &x);
        assert_eq!(forced.to_bits(), best.to_bits(), "{a}");
    }
    set_force(None);
}
