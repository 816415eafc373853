//! The single-core entries: dot products, multi-dots and norms of strided arrays, with BLAS
//! semantics (negative increments included).

use std::ffi::c_int;

use pdot_kernels::{Input, Real, Strided};

use crate::accuracy::accuracy;
use crate::status::{Failure, entry};
use crate::view::{length, pointers, results, strided};

/// `x · y` of `n` elements, written to `*result`.
///
/// # Safety
/// As the header says of `pdot_ddot`: `x`, `y` valid for their views, `result` writable.
unsafe fn dot<O: Real, E: Input<O>>(
    n: i64,
    x: *const E,
    incx: i64,
    y: *const E,
    incy: i64,
    level: c_int,
    result: *mut O,
) -> c_int {
    entry(|| {
        let level = accuracy(level)?;
        let n = length(n, "n")?;
        // SAFETY: the caller's contract (the entry's documentation).
        let (x, y, out) = unsafe {
            (
                strided(x, n, incx, "x")?,
                strided(y, n, incy, "y")?,
                results(result, 1)?,
            )
        };
        out[0] = pdot_kernels::dot_strided_as::<O, E>(level, x, y);
        Ok(())
    })
}

/// `x · y_j` for `j < k`, written to `results[j]`.
///
/// # Safety
/// As the header says of `pdot_dmdot`.
#[allow(clippy::too_many_arguments)]
unsafe fn mdot<O: Real, E: Input<O>>(
    n: i64,
    x: *const E,
    incx: i64,
    k: i64,
    ys: *const *const E,
    incy: i64,
    level: c_int,
    out: *mut O,
) -> c_int {
    entry(|| {
        let level = accuracy(level)?;
        let n = length(n, "n")?;
        let k = length(k, "k")?;
        // SAFETY: the caller's contract (the entry's documentation).
        unsafe {
            let x = strided(x, n, incx, "x")?;
            let ys: Vec<Strided<'_, E>> = pointers(ys, k, "ys")?
                .iter()
                .enumerate()
                .map(|(j, &y)| strided(y, n, incy, &format!("ys[{j}]")))
                .collect::<Result<_, Failure>>()?;
            let out = results(out, k)?;
            pdot_kernels::mdot_strided_as::<O, E>(level, x, &ys, out);
        }
        Ok(())
    })
}

/// `‖x‖₂`, written to `*result`.
///
/// # Safety
/// As the header says of `pdot_dnrm2`.
unsafe fn nrm2<O: Real, E: Input<O>>(
    n: i64,
    x: *const E,
    incx: i64,
    level: c_int,
    result: *mut O,
) -> c_int {
    entry(|| {
        let level = accuracy(level)?;
        let n = length(n, "n")?;
        // SAFETY: the caller's contract (the entry's documentation).
        let (x, out) = unsafe { (strided(x, n, incx, "x")?, results(result, 1)?) };
        out[0] = pdot_kernels::nrm2_strided_as::<O, E>(level, x);
        Ok(())
    })
}

/// The dot product of `n` doubles of `x` (increment `incx`) and `y` (increment `incy`) at
/// `accuracy` (a `pdot_accuracy`), written to `*result`. BLAS semantics: element `i` is
/// `x[i * incx]` for `incx > 0`, `x[(n - 1 - i) * |incx|]` for `incx < 0` (`x` points to
/// the element of lowest address), `x[0]` for `incx == 0`; `n == 0` gives 0.
///
/// Returns `PDOT_SUCCESS`, or `PDOT_ERR_LENGTH` (`n < 0`), `PDOT_ERR_NULL_POINTER`,
/// `PDOT_ERR_ACCURACY`; `*result` is then unchanged.
///
/// # Safety
/// `x` and `y` must point to the `(n - 1) * |inc| + 1` elements their views address (or be
/// null when `n == 0`), `result` to a writable double.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_ddot(
    n: i64,
    x: *const f64,
    incx: i64,
    y: *const f64,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { dot(n, x, incx, y, incy, accuracy, result) }
}

/// `pdot_ddot` for floats, with a float result.
///
/// # Safety
/// As `pdot_ddot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_sdot(
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { dot(n, x, incx, y, incy, accuracy, result) }
}

/// `pdot_ddot` for floats, accumulated and returned in double (as BLAS `dsdot`).
///
/// # Safety
/// As `pdot_ddot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_dsdot(
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { dot(n, x, incx, y, incy, accuracy, result) }
}

/// Multi-dot: `results[j] = x · ys[j]` for `j < k`, reading `x` once; each result has the
/// bits `pdot_ddot` gives for that pair. All `ys[j]` have `n` elements and increment `incy`.
///
/// Returns `PDOT_SUCCESS`, or `PDOT_ERR_LENGTH` (`n < 0` or `k < 0`),
/// `PDOT_ERR_NULL_POINTER`, `PDOT_ERR_ACCURACY`.
///
/// # Safety
/// `x` as in `pdot_ddot`; `ys` must point to `k` pointers, each valid as `y` of `pdot_ddot`;
/// `results` to `k` writable doubles (each may be null when `k == 0`).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_dmdot(
    n: i64,
    x: *const f64,
    incx: i64,
    k: i64,
    ys: *const *const f64,
    incy: i64,
    accuracy: c_int,
    results: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { mdot(n, x, incx, k, ys, incy, accuracy, results) }
}

/// `pdot_dmdot` for floats, with float results.
///
/// # Safety
/// As `pdot_dmdot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_smdot(
    n: i64,
    x: *const f32,
    incx: i64,
    k: i64,
    ys: *const *const f32,
    incy: i64,
    accuracy: c_int,
    results: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { mdot(n, x, incx, k, ys, incy, accuracy, results) }
}

/// The Euclidean norm `‖x‖₂` of `n` doubles of `x` (increment `incx`, BLAS semantics) at
/// `accuracy`, written to `*result`, without overflow or underflow in intermediate
/// results; `PDOT_EXACT` gives the correctly rounded norm.
///
/// Returns `PDOT_SUCCESS`, or `PDOT_ERR_LENGTH`, `PDOT_ERR_NULL_POINTER`,
/// `PDOT_ERR_ACCURACY`.
///
/// # Safety
/// `x` as in `pdot_ddot`, `result` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_dnrm2(
    n: i64,
    x: *const f64,
    incx: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { nrm2(n, x, incx, accuracy, result) }
}

/// `pdot_dnrm2` for floats, with a float result.
///
/// # Safety
/// As `pdot_dnrm2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_snrm2(
    n: i64,
    x: *const f32,
    incx: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { nrm2(n, x, incx, accuracy, result) }
}
