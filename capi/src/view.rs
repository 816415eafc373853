//! Views of the caller's arrays: a pointer, a length and a BLAS increment made into a
//! [`Strided`] view, after the checks that make that sound.

use pdot_kernels::Strided;

use crate::status::{Failure, PDOT_ERR_LENGTH, PDOT_ERR_NULL_POINTER};

/// The number of elements `n` as a `usize`, or the error of a negative one.
pub(crate) fn length(n: i64, what: &str) -> Result<usize, Failure> {
    usize::try_from(n)
        .map_err(|_| Failure::new(PDOT_ERR_LENGTH, format!("{what} = {n} is negative")))
}

/// The BLAS view of `n` elements of `x` with increment `inc` (`x` is the element of lowest
/// address, as in the reference BLAS, also for `inc < 0`).
///
/// # Safety
/// If `n > 0` and `x` is not null, `x` must point to an array of at least
/// `(n - 1) * |inc| + 1` elements, readable and not written during the lifetime `'a`.
pub(crate) unsafe fn strided<'a, T: Copy>(
    x: *const T,
    n: usize,
    inc: i64,
    what: &str,
) -> Result<Strided<'a, T>, Failure> {
    let bad_span = || {
        Failure::new(
            PDOT_ERR_LENGTH,
            format!("{what}: n = {n} elements with increment {inc} do not fit in memory"),
        )
    };
    let inc = isize::try_from(inc).map_err(|_| bad_span())?;
    let span = match n {
        0 => 0,
        _ => (n - 1)
            .checked_mul(inc.unsigned_abs())
            .and_then(|last| last.checked_add(1))
            .filter(|&len| len.saturating_mul(size_of::<T>()) <= isize::MAX as usize)
            .ok_or_else(bad_span)?,
    };
    let data: &[T] = if span == 0 {
        &[]
    } else if x.is_null() {
        return Err(Failure::new(
            PDOT_ERR_NULL_POINTER,
            format!("{what} is a null pointer, with n = {n}"),
        ));
    } else {
        // SAFETY: `x` is not null and, by the caller's contract, points to `span` readable
        // elements that nothing writes during `'a`; `span * size_of::<T>()` is at most
        // `isize::MAX` (checked above). Alignment is the C caller's (a `double *` is aligned).
        unsafe { std::slice::from_raw_parts(x, span) }
    };
    Strided::new(data, n, inc).map_err(|e| Failure::new(PDOT_ERR_LENGTH, format!("{what}: {e}")))
}

/// The `k` pointers of an array of pointers `ys` (null allowed when `k == 0`).
///
/// # Safety
/// If `k > 0` and `ys` is not null, `ys` must point to `k` readable pointers.
pub(crate) unsafe fn pointers<'a, T>(
    ys: *const *const T,
    k: usize,
    what: &str,
) -> Result<&'a [*const T], Failure> {
    if k == 0 {
        return Ok(&[]);
    }
    if ys.is_null() {
        return Err(Failure::new(
            PDOT_ERR_NULL_POINTER,
            format!("{what} is a null pointer, with k = {k}"),
        ));
    }
    // SAFETY: not null, and by the caller's contract `k` readable pointers.
    Ok(unsafe { std::slice::from_raw_parts(ys, k) })
}

/// The `k` results at `out` (null is an error when `k > 0`).
///
/// # Safety
/// If `out` is not null, it must point to `k` writable elements that nothing else accesses
/// during `'a`.
pub(crate) unsafe fn results<'a, T>(out: *mut T, k: usize) -> Result<&'a mut [T], Failure> {
    if k == 0 {
        return Ok(&mut []);
    }
    if out.is_null() {
        return Err(Failure::new(
            PDOT_ERR_NULL_POINTER,
            "the result pointer is null",
        ));
    }
    // SAFETY: not null, and by the caller's contract `k` writable elements, not aliased.
    Ok(unsafe { std::slice::from_raw_parts_mut(out, k) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_follow_blas_semantics() {
        let data = [1.0f64, 2.0, 3.0, 4.0, 5.0];
        // SAFETY: `data` has 5 elements; every view below addresses at most 5.
        unsafe {
            let v = strided(data.as_ptr(), 3, 2, "x").unwrap();
            assert_eq!(v.iter().collect::<Vec<_>>(), [1.0, 3.0, 5.0]);
            let v = strided(data.as_ptr(), 3, -2, "x").unwrap();
            assert_eq!(v.iter().collect::<Vec<_>>(), [5.0, 3.0, 1.0]);
            let v = strided(data.as_ptr(), 4, 0, "x").unwrap();
            assert_eq!(v.iter().collect::<Vec<_>>(), [1.0; 4]);
            let v = strided(std::ptr::null::<f64>(), 0, 7, "x").unwrap();
            assert_eq!(v.iter().count(), 0);
            let e = strided(std::ptr::null::<f64>(), 2, 1, "x").unwrap_err();
            assert_eq!(e.status, PDOT_ERR_NULL_POINTER);
            let e = strided(data.as_ptr(), usize::MAX / 2, 4, "x").unwrap_err();
            assert_eq!(e.status, PDOT_ERR_LENGTH);
            let e = strided(data.as_ptr(), 2, i64::MIN, "x").unwrap_err();
            assert_eq!(e.status, PDOT_ERR_LENGTH);
        }
        assert_eq!(length(-1, "n").unwrap_err().status, PDOT_ERR_LENGTH);
        assert_eq!(length(5, "n"), Ok(5));
    }
}
