//! `Strided::new` on arbitrary (len, n, inc): never panics; `Ok` exactly when all n elements
//! lie in the slice (checked with independent i128 arithmetic), `Overflow` when (n-1)·|inc|
//! exceeds `isize::MAX`, `OutOfBounds` otherwise; an `Ok` view reads the BLAS elements.
//!
//! `Strided::blocked` on arbitrary (len, n, block, stride) likewise: `ZeroBlock` for block 0,
//! `BlockedOverflow` when the stride or the largest offset (checked in u128) exceeds
//! `isize::MAX`, `BlockedOutOfBounds` when it is beyond the slice, `Ok` otherwise; an `Ok`
//! view reads `data[(i / block) * stride + i % block]`, and its dot products (every backend,
//! every accuracy level, f64, f32 and f32 -> f64) have the bits of the contiguous copy's.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_fuzz::Bytes;
use pdot_kernels::{Accuracy, Backend, Isa, StrideError, Strided};

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

    // Blocked views of the same buffer.
    let block = pick_block(&mut b);
    let stride = pick_stride(&mut b, block);
    let n = pick_blocked_n(&mut b, buf.len(), block, stride);
    check_blocked(&buf, n, block, stride);
    // Display of any blocked error value, hand-made ones (block 0 included), never panics.
    let (block, stride) = (b.u64() as usize, b.u64() as usize);
    let block = [block, 0, 1, usize::MAX][b.below(4) as usize];
    assert!(!StrideError::ZeroBlock.to_string().is_empty());
    let e = StrideError::BlockedOutOfBounds {
        n,
        block,
        stride,
        len,
    };
    assert!(!e.to_string().is_empty());
    let e = StrideError::BlockedOverflow { n, block, stride };
    assert!(!e.to_string().is_empty());
});

fn pick_block(b: &mut Bytes<'_>) -> usize {
    match b.u8() % 4 {
        0 => b.below(4) as usize,
        1 | 2 => 1 + b.below(40) as usize,
        3 => b.pick(&[
            usize::MAX,
            usize::MAX / 2,
            usize::MAX / 2 + 1,
            1 << 32,
            2047,
            2048,
            2049,
        ]),
        _ => unreachable!(),
    }
}

fn pick_stride(b: &mut Bytes<'_>, block: usize) -> usize {
    match b.u8() % 5 {
        // Gaps between runs (the block-cyclic case).
        0 | 1 => block.saturating_add(b.below(41) as usize),
        // Overlapping runs.
        2 => b.below(block.min(4096) as u64 + 1) as usize,
        3 => b.pick(&[
            0,
            1,
            isize::MAX as usize,
            isize::MAX as usize + 1,
            usize::MAX,
            1 << 32,
            (1 << 31) - 1,
            2048,
        ]),
        _ => b.u64() as usize,
    }
}

/// One past the largest index of a blocked view of `n > 0` elements, `block > 0`, in u128
/// (no overflow: q < 2^64 and stride < 2^64). The run before the last, which is full, may
/// reach further than the last element when runs overlap.
fn blocked_extent(n: usize, block: usize, stride: usize) -> u128 {
    let (last, block, stride) = (n as u128 - 1, block as u128, stride as u128);
    let (q, r) = (last / block, last % block);
    let mut max = q * stride + r;
    if q >= 1 {
        max = max.max((q - 1) * stride + block - 1);
    }
    max + 1
}

fn pick_blocked_n(b: &mut Bytes<'_>, len: usize, block: usize, stride: usize) -> usize {
    match b.u8() % 5 {
        // At the boundary: the largest n that fits (the extent grows with n), +-2.
        0 | 1 if block > 0 => {
            let (mut lo, mut hi) = (0u128, 1u128 << 64);
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if blocked_extent(mid as usize, block, stride) <= len as u128 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (lo as i128 + b.range_i64(-2, 2) as i128).clamp(0, usize::MAX as i128) as usize
        }
        2 => b.below(len as u64 + 4) as usize,
        3 => b.pick(&[usize::MAX, usize::MAX - 1, usize::MAX / 2, 1 << 32, 2, 3]),
        _ => b.u64() as usize,
    }
}

fn check_blocked(buf: &[f64], n: usize, block: usize, stride: usize) {
    let len = buf.len();
    let extent = (block > 0 && n > 0).then(|| blocked_extent(n, block, stride));
    let expected = if block == 0 {
        Err(StrideError::ZeroBlock)
    } else if stride > isize::MAX as usize {
        Err(StrideError::BlockedOverflow { n, block, stride })
    } else {
        match extent {
            None => Ok(()),
            Some(e) if e - 1 > isize::MAX as u128 => {
                Err(StrideError::BlockedOverflow { n, block, stride })
            }
            Some(e) if e > len as u128 => Err(StrideError::BlockedOutOfBounds {
                n,
                block,
                stride,
                len,
            }),
            Some(_) => Ok(()),
        }
    };
    let what = format!("len={len} n={n} block={block} stride={stride}");
    match (Strided::blocked(buf, n, block, stride), expected) {
        (Ok(view), Ok(())) => check_blocked_view(buf, view, n, block, stride),
        (Err(e), Err(want)) => {
            assert_eq!(e, want, "{what}");
            let msg = e.to_string();
            assert!(!msg.is_empty());
            if let (StrideError::BlockedOutOfBounds { .. }, Some(extent)) = (e, extent) {
                assert!(
                    msg.contains(&format!("needs {extent} elements")),
                    "message {msg:?} for {what}"
                );
            }
        }
        (got, want) => panic!(
            "Strided::blocked({what}) = {:?}, expected {want:?}",
            got.map(|_| "Ok")
        ),
    }
}

fn check_blocked_view(buf: &[f64], view: Strided<'_, f64>, n: usize, block: usize, stride: usize) {
    assert_eq!(view.len(), n);
    assert_eq!(view.inc(), stride as isize);
    assert_eq!(view.block(), block);
    assert_eq!(view.is_empty(), n == 0);
    let index = |i: usize| -> usize {
        let k = (i / block) as u128 * stride as u128 + (i % block) as u128;
        usize::try_from(k).expect("index of an Ok view fits")
    };
    let it = view.iter();
    assert_eq!(it.len(), n);
    for (i, v) in it.take(MAX_READ).enumerate() {
        assert_eq!(
            v.to_bits(),
            buf[index(i)].to_bits(),
            "element {i} of n={n} block={block} stride={stride}"
        );
    }
    for i in [0, n / 2, n.saturating_sub(1)] {
        if i < n {
            assert_eq!(view.get(i), Some(buf[index(i)]), "get({i})");
        }
    }
    assert_eq!(view.get(n), None);
    assert_eq!(view.get(usize::MAX), None);
    if n > MAX_READ {
        return;
    }
    // Dot products: values of many magnitudes (so that the order of the additions shows),
    // against the contiguous copy; y is the copy reversed, contiguous.
    let vals: Vec<f64> = buf
        .iter()
        .map(|&k| {
            ((k * 0.754_877_666_246_692_7).fract() - 0.5) * (((k as i32) % 61 - 30) as f64).exp2()
        })
        .collect();
    let fvals: Vec<f32> = vals.iter().map(|&v| v as f32).collect();
    let xs = Strided::blocked(&vals, n, block, stride).expect("same shape");
    let fxs = Strided::blocked(&fvals, n, block, stride).expect("same shape");
    let copy: Vec<f64> = (0..n).map(|i| vals[index(i)]).collect();
    let fcopy: Vec<f32> = (0..n).map(|i| fvals[index(i)]).collect();
    let y: Vec<f64> = copy.iter().rev().copied().collect();
    let fy: Vec<f32> = fcopy.iter().rev().copied().collect();
    for isa in Isa::available() {
        let be = Backend::new(isa).expect("Isa::available lists runnable backends");
        for &a in Accuracy::ALL {
            let what = format!("{isa:?} {a} n={n} block={block} stride={stride}");
            let (s, c) = (be.dot_strided(a, xs, y[..].into()), be.dot(a, &copy, &y));
            assert_eq!(s.to_bits(), c.to_bits(), "f64 {what}");
            let (s, c) = (
                be.dot_strided(a, fxs, fy[..].into()),
                be.dot(a, &fcopy, &fy),
            );
            assert_eq!(s.to_bits(), c.to_bits(), "f32 {what}");
            let (s, c) = (
                be.dsdot_strided(a, fy[..].into(), fxs),
                be.dsdot_strided(a, fy[..].into(), fcopy[..].into()),
            );
            assert_eq!(s.to_bits(), c.to_bits(), "f32->f64 {what}");
        }
    }
}

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
