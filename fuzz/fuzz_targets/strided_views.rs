//! `Strided::new` on arbitrary (len, n, inc): never panics; `Ok` exactly when all n elements
//! lie in the slice (checked with independent i128 arithmetic), `Overflow` when (n-1)·|inc|
//! exceeds `isize::MAX`, `OutOfBounds` otherwise; an `Ok` view reads the BLAS elements.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_fuzz::Bytes;
use pdot_kernels::{StrideError, Strided};

/// Largest slice the target builds.
const MAX_LEN: u64 = 2048;
/// Elements of a view read back at most (inc = 0 allows any n).
const MAX_READ: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    let len = match b.u8() % 4 {
        0 => b.below(4) as usize,
        _ => b.below(MAX_LEN + 1) as usize,
    };
    let inc = pick_inc(&mut b);
    let n = pick_n(&mut b, len, inc);
    // Distinct values, so a wrong index shows.
    let buf: Vec<f64> = (0..len).map(|k| k as f64).collect();
    check(&buf, n, inc);
    // The full-slice conversion is the contiguous view.
    let whole = Strided::from(&buf[..]);
    assert_eq!((whole.len(), whole.inc()), (len, 1));
    assert!(whole.iter().map(|v| v as usize).eq(0..len));
    // Display of any error value, hand-made ones included, never panics.
    let (n, inc, len) = (b.u64() as usize, b.u64() as isize, b.u64() as usize);
    let pick = [n, 0, 1, usize::MAX];
    let n = pick[b.below(4) as usize];
    assert!(!StrideError::Overflow { n, inc }.to_string().is_empty());
    assert!(
        !StrideError::OutOfBounds { n, inc, len }
            .to_string()
            .is_empty()
    );
});

fn pick_inc(b: &mut Bytes<'_>) -> isize {
    match b.u8() % 4 {
        0 | 1 => b.range_i64(-9, 9) as isize,
        2 => b.pick(&[
            isize::MIN,
            isize::MIN + 1,
            isize::MAX,
            isize::MAX - 1,
            isize::MAX / 2,
            isize::MAX / 2 + 1,
            -(isize::MAX / 2) - 1,
            1 << 32,
            -(1 << 32),
            1 << 31,
            (1 << 31) - 1,
            -(1 << 31),
            2048,
            -2049,
        ]),
        _ => b.u64() as isize,
    }
}

fn pick_n(b: &mut Bytes<'_>, len: usize, inc: isize) -> usize {
    match b.u8() % 5 {
        // At the boundary: the largest n that fits, +-2.
        0 | 1 => {
            let fit = match (len, inc.unsigned_abs()) {
                (0, _) => 0,
                (_, 0) => len,
                (_, step) => (len - 1) / step + 1,
            };
            (fit as i128 + b.range_i64(-2, 2) as i128).max(0) as usize
        }
        2 => b.below(len as u64 + 4) as usize,
        3 => b.pick(&[
            usize::MAX,
            usize::MAX - 1,
            usize::MAX / 2,
            usize::MAX / 2 + 1,
            usize::MAX / 2 + 2,
            1 << 32,
            (1 << 32) + 1,
            1 << 33,
            2,
            3,
        ]),
        _ => b.u64() as usize,
    }
}

fn check(buf: &[f64], n: usize, inc: isize) {
    let len = buf.len();
    // Independent arithmetic: the span (n-1)·|inc| in i128 never overflows.
    let span: i128 = if n == 0 {
        -1
    } else {
        (n as i128 - 1) * (inc as i128).abs()
    };
    let expected = if n == 0 {
        Ok(())
    } else if span > isize::MAX as i128 {
        Err(StrideError::Overflow { n, inc })
    } else if span >= len as i128 {
        Err(StrideError::OutOfBounds { n, inc, len })
    } else {
        Ok(())
    };
    let got = Strided::new(buf, n, inc);
    match (got, expected) {
        (Ok(view), Ok(())) => check_view(buf, view, n, inc),
        (Err(e), Err(want)) => {
            assert_eq!(e, want, "len={len} n={n} inc={inc}");
            let msg = e.to_string();
            assert!(!msg.is_empty());
            if let StrideError::OutOfBounds { .. } = e {
                assert!(
                    msg.contains(&format!("needs {} elements", span + 1)),
                    "message {msg:?} for len={len} n={n} inc={inc}"
                );
            }
        }
        (got, want) => panic!(
            "Strided::new(len={len}, n={n}, inc={inc}) = {:?}, expected {want:?}",
            got.map(|_| "Ok")
        ),
    }
}

fn check_view(buf: &[f64], view: Strided<'_, f64>, n: usize, inc: isize) {
    assert_eq!(view.len(), n);
    assert_eq!(view.inc(), inc);
    assert_eq!(view.is_empty(), n == 0);
    let it = view.iter();
    assert_eq!(it.len(), n);
    let step = inc.unsigned_abs() as i128;
    let index = |i: usize| -> usize {
        let k = if inc >= 0 {
            i as i128 * step
        } else {
            (n as i128 - 1 - i as i128) * step
        };
        usize::try_from(k).expect("index of an Ok view fits")
    };
    for (i, v) in it.take(MAX_READ).enumerate() {
        assert_eq!(
            v.to_bits(),
            buf[index(i)].to_bits(),
            "element {i} of n={n} inc={inc}"
        );
    }
    for i in [0, n / 2, n.saturating_sub(1)] {
        if i < n {
            assert_eq!(view.get(i), Some(buf[index(i)]), "get({i}) n={n} inc={inc}");
        }
    }
    assert_eq!(view.get(n), None);
    assert_eq!(view.get(usize::MAX), None);
}
