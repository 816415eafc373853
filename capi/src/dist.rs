//! The distributed entries: dot products, multi-dots, several dot products in one message
//! and norms, of each rank's local share of the vectors, on the caller's communicator; and
//! their split-phase `*_begin` forms.

use std::ffi::c_int;

use mpi::ffi::MPI_Comm;
use pdot_kernels::{Input, Real};

use crate::accuracy::accuracy;
use crate::comm::borrow;
use crate::reduce::{Blocking, Pairs, dots, norm};
use crate::request::{Begin, hand_over, pdot_request};
use crate::status::{Failure, PDOT_ERR_NULL_POINTER, PDOT_ERR_REQUEST, entry};
use crate::view::{length, pointers, results, strided};

/// The single pair `(x, y)` of `n` elements.
///
/// # Safety
/// As `pdot_ddot`'s `x` and `y`.
unsafe fn pair<'a, E: Copy>(
    n: i64,
    x: *const E,
    incx: i64,
    y: *const E,
    incy: i64,
) -> Pairs<'a, E> {
    let n = length(n, "n")?;
    // SAFETY: the caller's contract.
    unsafe { Ok(vec![(strided(x, n, incx, "x")?, strided(y, n, incy, "y")?)]) }
}

/// The pairs `(x, ys[j])` of a multi-dot.
///
/// # Safety
/// As `pdot_dmdot`'s `x` and `ys`.
unsafe fn fan<'a, E: Copy>(
    n: i64,
    x: *const E,
    incx: i64,
    k: usize,
    ys: *const *const E,
    incy: i64,
) -> Pairs<'a, E> {
    let n = length(n, "n")?;
    // SAFETY: the caller's contract.
    unsafe {
        let x = strided(x, n, incx, "x")?;
        pointers(ys, k, "ys")?
            .iter()
            .enumerate()
            .map(|(j, &y)| Ok((x, strided(y, n, incy, &format!("ys[{j}]"))?)))
            .collect()
    }
}

/// The pairs `(xs[j], ys[j])` of `n` contiguous elements each.
///
/// # Safety
/// As `pdot_mpi_ddots`'s `xs` and `ys`.
unsafe fn pairs<'a, E: Copy>(
    k: usize,
    n: i64,
    xs: *const *const E,
    ys: *const *const E,
) -> Pairs<'a, E> {
    let n = length(n, "n")?;
    // SAFETY: the caller's contract.
    unsafe {
        let (xs, ys) = (pointers(xs, k, "xs")?, pointers(ys, k, "ys")?);
        xs.iter()
            .zip(ys)
            .enumerate()
            .map(|(j, (&x, &y))| {
                Ok((
                    strided(x, n, 1, &format!("xs[{j}]"))?,
                    strided(y, n, 1, &format!("ys[{j}]"))?,
                ))
            })
            .collect()
    }
}

/// A blocking distributed reduction of `pairs` into `count` results at `out`.
///
/// # Safety
/// `comm` a live communicator or `MPI_COMM_NULL`; `out` null or `count` writable results.
unsafe fn blocking<O: Real, E: Input<O>>(
    comm: MPI_Comm,
    level: c_int,
    pairs: impl FnOnce() -> Pairs<'static, E>,
    count: Result<usize, Failure>,
    out: *mut O,
) -> c_int {
    entry(|| {
        // SAFETY: the caller's contract.
        let comm = unsafe { borrow(comm)? };
        let level = accuracy(level);
        let pairs = match &count {
            Ok(_) => pairs(),
            Err(e) => Err(e.clone()),
        };
        let count = count.ok();
        // SAFETY: the caller's contract.
        let out = unsafe { results(out, count.unwrap_or(0)) };
        let (out, problem) = match out {
            Ok(out) => (Some(out), None),
            Err(e) => (None, Some(e)),
        };
        dots(
            &comm,
            &level,
            &pairs,
            count,
            problem.as_ref(),
            Blocking(out),
        )
    })
}

/// Starts a split-phase distributed reduction of `pairs` into `count` results at `out`.
///
/// # Safety
/// As `blocking`, and `request` null or writable; `out` valid until the request completes.
unsafe fn begin<O: Real, E: Input<O>>(
    comm: MPI_Comm,
    level: c_int,
    pairs: impl FnOnce() -> Pairs<'static, E>,
    count: Result<usize, Failure>,
    out: *mut O,
    request: *mut *mut pdot_request,
) -> c_int {
    entry(|| {
        // SAFETY: the caller's contract.
        let comm = unsafe { borrow(comm)? };
        let level = accuracy(level);
        let pairs = match &count {
            Ok(_) => pairs(),
            Err(e) => Err(e.clone()),
        };
        let count = count.ok();
        let problem = if request.is_null() {
            Some(Failure::new(
                PDOT_ERR_REQUEST,
                "the request pointer is null",
            ))
        } else if out.is_null() && count.unwrap_or(0) > 0 {
            Some(Failure::new(
                PDOT_ERR_NULL_POINTER,
                "the result pointer is null",
            ))
        } else {
            None
        };
        let started = dots(&comm, &level, &pairs, count, problem.as_ref(), Begin(out));
        // SAFETY: the caller's contract.
        unsafe { hand_over(started, request) }
    })
}

/// The distributed dot product `x · y`, where each rank of `comm` holds `n` elements of
/// `x` and `y` (its local share, any length, 0 included; increments as in `pdot_ddot`): the
/// global vectors are the concatenation of the ranks' shares in rank order. Written to
/// `*result` on every rank, with the same bits on every rank; `PDOT_EXACT` gives the
/// correctly rounded dot product of the global vectors, the same for every split and number
/// of ranks.
///
/// Collective: every rank of `comm` must call it. pdot's messages travel on its private
/// duplicate of `comm` (made on first use, freed when `comm` is freed); `comm` itself is
/// never freed, and MPI never initialised nor finalised by pdot.
///
/// Returns the same status on every rank: `PDOT_SUCCESS`; for invalid arguments on any
/// rank (`PDOT_ERR_LENGTH`, `PDOT_ERR_NULL_POINTER`, `PDOT_ERR_ACCURACY`) that rank's
/// status (the lowest such rank's), `*result` unchanged; `PDOT_ERR_DISAGREE` if ranks pass
/// different accuracies or call different entries. Found locally before any communication:
/// `PDOT_ERR_MPI_STATE`, `PDOT_ERR_COMM`.
///
/// # Safety
/// `comm` must be a live communicator (or `MPI_COMM_NULL`); the arrays as in `pdot_ddot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_ddot(
    comm: MPI_Comm,
    n: i64,
    x: *const f64,
    incx: i64,
    y: *const f64,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { blocking(comm, accuracy, || pair(n, x, incx, y, incy), Ok(1), result) }
}

/// `pdot_mpi_ddot` for floats, with a float result.
///
/// # Safety
/// As `pdot_mpi_ddot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_sdot(
    comm: MPI_Comm,
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { blocking(comm, accuracy, || pair(n, x, incx, y, incy), Ok(1), result) }
}

/// `pdot_mpi_ddot` for floats, accumulated and returned in double (as `pdot_dsdot`).
///
/// # Safety
/// As `pdot_mpi_ddot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_dsdot(
    comm: MPI_Comm,
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { blocking(comm, accuracy, || pair(n, x, incx, y, incy), Ok(1), result) }
}

/// The distributed multi-dot `results[j] = x · ys[j]`, `j < k`, on each rank's local
/// shares (`n` elements each, increments as in `pdot_dmdot`), all reduced in one message;
/// each result has the bits of `pdot_mpi_ddot` for that pair.
///
/// Collective, with the statuses of `pdot_mpi_ddot`; also `PDOT_ERR_DISAGREE` if ranks
/// pass different `k`.
///
/// # Safety
/// `comm` as in `pdot_mpi_ddot`; the arrays as in `pdot_dmdot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_dmdot(
    comm: MPI_Comm,
    n: i64,
    x: *const f64,
    incx: i64,
    k: i64,
    ys: *const *const f64,
    incy: i64,
    accuracy: c_int,
    results: *mut f64,
) -> c_int {
    let count = length(k, "k");
    let c = *count.as_ref().unwrap_or(&0);
    // SAFETY: the same contract.
    unsafe {
        blocking(
            comm,
            accuracy,
            || fan(n, x, incx, c, ys, incy),
            count,
            results,
        )
    }
}

/// `pdot_mpi_dmdot` for floats, with float results.
///
/// # Safety
/// As `pdot_mpi_dmdot`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_smdot(
    comm: MPI_Comm,
    n: i64,
    x: *const f32,
    incx: i64,
    k: i64,
    ys: *const *const f32,
    incy: i64,
    accuracy: c_int,
    results: *mut f32,
) -> c_int {
    let count = length(k, "k");
    let c = *count.as_ref().unwrap_or(&0);
    // SAFETY: the same contract.
    unsafe {
        blocking(
            comm,
            accuracy,
            || fan(n, x, incx, c, ys, incy),
            count,
            results,
        )
    }
}

/// Several distributed dot products in one message: `results[j] = xs[j] · ys[j]`, `j < k`,
/// each rank holding `n` contiguous elements of every vector (as CG's `r·r` and `r·Ar`
/// together). Each result has the bits of `pdot_mpi_ddot` for that pair.
///
/// Collective, with the statuses of `pdot_mpi_dmdot`.
///
/// # Safety
/// `comm` as in `pdot_mpi_ddot`; `xs` and `ys` must point to `k` pointers each, to `n`
/// readable doubles each; `results` to `k` writable doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_ddots(
    comm: MPI_Comm,
    k: i64,
    n: i64,
    xs: *const *const f64,
    ys: *const *const f64,
    accuracy: c_int,
    results: *mut f64,
) -> c_int {
    let count = length(k, "k");
    let c = *count.as_ref().unwrap_or(&0);
    // SAFETY: the same contract.
    unsafe { blocking(comm, accuracy, || pairs(c, n, xs, ys), count, results) }
}

/// `pdot_mpi_ddots` for floats, with float results.
///
/// # Safety
/// As `pdot_mpi_ddots`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_sdots(
    comm: MPI_Comm,
    k: i64,
    n: i64,
    xs: *const *const f32,
    ys: *const *const f32,
    accuracy: c_int,
    results: *mut f32,
) -> c_int {
    let count = length(k, "k");
    let c = *count.as_ref().unwrap_or(&0);
    // SAFETY: the same contract.
    unsafe { blocking(comm, accuracy, || pairs(c, n, xs, ys), count, results) }
}

/// The distributed norm of `x`.
///
/// # Safety
/// As `pdot_mpi_dnrm2`.
unsafe fn mpi_nrm2<O: Real, E: Input<O>>(
    comm: MPI_Comm,
    n: i64,
    x: *const E,
    incx: i64,
    level: c_int,
    result: *mut O,
) -> c_int {
    entry(|| {
        // SAFETY: the caller's contract.
        let comm = unsafe { borrow(comm)? };
        let level = accuracy(level);
        // SAFETY: the caller's contract.
        let x = length(n, "n").and_then(|n| unsafe { strided(x, n, incx, "x") });
        // SAFETY: the caller's contract.
        let (out, problem) = match unsafe { results(result, 1) } {
            Ok(out) => (Some(out), None),
            Err(e) => (None, Some(e)),
        };
        norm(&comm, &level, &x, problem.as_ref(), Blocking(out))
    })
}

/// The distributed Euclidean norm `‖x‖₂` of each rank's local share (`n` elements,
/// increment `incx`), the same bits on every rank; `PDOT_EXACT` gives the correctly rounded
/// norm for every split and number of ranks.
///
/// Collective, with the statuses of `pdot_mpi_ddot`.
///
/// # Safety
/// `comm` as in `pdot_mpi_ddot`; `x` and `result` as in `pdot_dnrm2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_dnrm2(
    comm: MPI_Comm,
    n: i64,
    x: *const f64,
    incx: i64,
    accuracy: c_int,
    result: *mut f64,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { mpi_nrm2(comm, n, x, incx, accuracy, result) }
}

/// `pdot_mpi_dnrm2` for floats, with a float result.
///
/// # Safety
/// As `pdot_mpi_dnrm2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_mpi_snrm2(
    comm: MPI_Comm,
    n: i64,
    x: *const f32,
    incx: i64,
    accuracy: c_int,
    result: *mut f32,
) -> c_int {
    // SAFETY: the same contract.
    unsafe { mpi_nrm2(comm, n, x, incx, accuracy, result) }
}

/// Starts `pdot_mpi_ddot` and returns at once with a request in `*request`; `pdot_wait`
/// (or a `pdot_test` that reports completion) then writes `*result` with the bits
/// `pdot_mpi_ddot` gives, and returns its status. The arrays are read before this returns;
/// `result` must stay valid until the request completes.
///
/// Collective. Returns `PDOT_SUCCESS` on every rank once the reduction is started (invalid
/// arguments on any rank, a null `request` included, are reported by `pdot_wait`, the same
/// on every rank); `PDOT_ERR_MPI_STATE`, `PDOT_ERR_COMM` locally, with no request.
/// Requests may be completed in any order; each must be completed or freed before
/// `MPI_Finalize`, and before 32768 more reductions start on `comm`.
///
/// # Safety
/// As `pdot_mpi_ddot`; `request` must point to a writable `pdot_request *`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_ddot_begin(
    comm: MPI_Comm,
    n: i64,
    x: *const f64,
    incx: i64,
    y: *const f64,
    incy: i64,
    accuracy: c_int,
    result: *mut f64,
    request: *mut *mut pdot_request,
) -> c_int {
    // SAFETY: the same contract.
    unsafe {
        begin(
            comm,
            accuracy,
            || pair(n, x, incx, y, incy),
            Ok(1),
            result,
            request,
        )
    }
}

/// `pdot_mpi_ddot_begin` for floats, with a float result.
///
/// # Safety
/// As `pdot_mpi_ddot_begin`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_sdot_begin(
    comm: MPI_Comm,
    n: i64,
    x: *const f32,
    incx: i64,
    y: *const f32,
    incy: i64,
    accuracy: c_int,
    result: *mut f32,
    request: *mut *mut pdot_request,
) -> c_int {
    // SAFETY: the same contract.
    unsafe {
        begin(
            comm,
            accuracy,
            || pair(n, x, incx, y, incy),
            Ok(1),
            result,
            request,
        )
    }
}

/// Starts `pdot_mpi_ddots` (several dot products in one message) and returns at once, as
/// `pdot_mpi_ddot_begin`; `results` (`k` doubles) must stay valid until the request
/// completes.
///
/// # Safety
/// As `pdot_mpi_ddots`; `request` must point to a writable `pdot_request *`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn pdot_mpi_ddots_begin(
    comm: MPI_Comm,
    k: i64,
    n: i64,
    xs: *const *const f64,
    ys: *const *const f64,
    accuracy: c_int,
    results: *mut f64,
    request: *mut *mut pdot_request,
) -> c_int {
    let count = length(k, "k");
    let c = *count.as_ref().unwrap_or(&0);
    // SAFETY: the same contract.
    unsafe {
        begin(
            comm,
            accuracy,
            || pairs(c, n, xs, ys),
            count,
            results,
            request,
        )
    }
}
