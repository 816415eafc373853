//! OpenBLAS's dot products (`cblas_ddot`, `cblas_sdot`, `cblas_dsdot`) behind safe wrappers.
//!
//! The wrappers check every argument before the call (equal lengths, strides that keep all
//! `n` elements inside the slices, values that fit in the 32-bit `blasint` of Debian's
//! OpenBLAS) and force OpenBLAS onto one thread before the first call, so that the comparison
//! with pdot's single-core kernels is fair. Setting `OPENBLAS_NUM_THREADS=1` in the
//! environment as well also keeps OpenBLAS from starting idle worker threads at load time.
//!
//! Increments follow the BLAS: for `inc < 0` logical element `i` is `x[(n - 1 - i) * |inc|]`;
//! `inc == 0` repeats `x[0]`.

use core::ffi::{c_char, c_int};
use core::fmt;
use std::ffi::CStr;
use std::sync::Once;

/// OpenBLAS's integer type (`blasint`): 32-bit in Debian's `libopenblas0` (not the ILP64
/// build).
type BlasInt = c_int;

/// The signature shared by the three cblas dot products.
type CblasDot<T, R> = unsafe extern "C" fn(BlasInt, *const T, BlasInt, *const T, BlasInt) -> R;

// Linked by build.rs (`-l openblas`). Declarations as in Debian's `cblas-openblas.h`.
unsafe extern "C" {
    fn cblas_ddot(n: BlasInt, x: *const f64, incx: BlasInt, y: *const f64, incy: BlasInt) -> f64;
    fn cblas_sdot(n: BlasInt, x: *const f32, incx: BlasInt, y: *const f32, incy: BlasInt) -> f32;
    fn cblas_dsdot(n: BlasInt, x: *const f32, incx: BlasInt, y: *const f32, incy: BlasInt) -> f64;
    fn openblas_set_num_threads(num_threads: c_int);
    fn openblas_get_num_threads() -> c_int;
    fn openblas_get_config() -> *const c_char;
    fn openblas_get_corename() -> *const c_char;
}

/// Why a BLAS vector argument was rejected before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlasArgError {
    /// `n` elements with increment `inc` need more than `len` elements.
    OutOfBounds {
        /// Number of logical elements.
        n: usize,
        /// Increment.
        inc: isize,
        /// Length of the slice.
        len: usize,
    },
    /// `n` or `inc` (or the span they cover) does not fit in OpenBLAS's 32-bit `blasint`.
    TooLarge {
        /// Number of logical elements.
        n: usize,
        /// Increment.
        inc: isize,
    },
}

impl fmt::Display for BlasArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BlasArgError::OutOfBounds { n, inc, len } => write!(
                f,
                "{n} elements with increment {inc} do not fit in a slice of {len} elements"
            ),
            BlasArgError::TooLarge { n, inc } => write!(
                f,
                "n = {n} with increment {inc} does not fit in OpenBLAS's 32-bit integers"
            ),
        }
    }
}

impl std::error::Error for BlasArgError {}

/// Checks a BLAS vector argument: `n` elements every `inc` inside `len` elements, and `n`,
/// `inc` representable as `blasint` (as is the span OpenBLAS computes from them).
///
/// # Errors
/// [`BlasArgError::OutOfBounds`] if the elements do not fit in the slice,
/// [`BlasArgError::TooLarge`] if a value does not fit in a 32-bit `blasint`.
///
/// ```
/// use pdot_benches::openblas::{check_vector, BlasArgError};
/// assert_eq!(check_vector(3, 5, -2), Ok(()));
/// assert!(matches!(check_vector(4, 5, 2), Err(BlasArgError::OutOfBounds { .. })));
/// ```
pub fn check_vector(n: usize, len: usize, inc: isize) -> Result<(), BlasArgError> {
    let too_large = BlasArgError::TooLarge { n, inc };
    if BlasInt::try_from(n).is_err() || BlasInt::try_from(inc).is_err() {
        return Err(too_large);
    }
    if n == 0 {
        return Ok(());
    }
    let last = (n - 1).checked_mul(inc.unsigned_abs()).ok_or(too_large)?;
    if BlasInt::try_from(last).is_err() {
        return Err(too_large);
    }
    if last >= len {
        return Err(BlasArgError::OutOfBounds { n, inc, len });
    }
    Ok(())
}

/// Forces OpenBLAS onto one thread; called by every wrapper before its first call (once per
/// process), and by [`info`].
pub fn force_single_thread() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `openblas_set_num_threads` takes a plain integer and only adjusts OpenBLAS's
        // thread count; 1 is always valid. `Once` keeps it from racing with itself.
        unsafe { openblas_set_num_threads(1) }
    });
}

/// What the linked OpenBLAS says about itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Info {
    /// `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64`.
    pub config: String,
    /// `openblas_get_corename()`: the kernel set chosen for this CPU, e.g. `Zen` or `SkylakeX`.
    pub corename: String,
    /// `openblas_get_num_threads()` after [`force_single_thread`] (1 expected).
    pub threads: i32,
}

/// Copies a C string owned by OpenBLAS.
fn owned_c_string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::from("?");
    }
    // SAFETY: OpenBLAS returns pointers to static, NUL-terminated strings that are never
    // freed or modified; the pointer was checked for null above.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_string_lossy().trim().to_owned()
}

/// The linked OpenBLAS's configuration, core name and thread count (after forcing one
/// thread).
///
/// ```
/// let info = pdot_benches::openblas::info();
/// assert_eq!(info.threads, 1);
/// ```
pub fn info() -> Info {
    force_single_thread();
    // SAFETY: no arguments; returns a pointer to a static string (read by `owned_c_string`).
    let config = owned_c_string(unsafe { openblas_get_config() });
    // SAFETY: as above.
    let corename = owned_c_string(unsafe { openblas_get_corename() });
    // SAFETY: no arguments; reads OpenBLAS's thread count.
    let threads = unsafe { openblas_get_num_threads() };
    Info {
        config,
        corename,
        threads,
    }
}

/// Checks all arguments, then calls a cblas dot product.
#[track_caller]
fn call<T, R>(f: CblasDot<T, R>, n: usize, x: &[T], incx: isize, y: &[T], incy: isize) -> R {
    if let Err(err) = check_vector(n, x.len(), incx) {
        panic!("OpenBLAS dot: x: {err}");
    }
    if let Err(err) = check_vector(n, y.len(), incy) {
        panic!("OpenBLAS dot: y: {err}");
    }
    // The checks above proved that these fit.
    let (n, incx, incy) = (n as BlasInt, incx as BlasInt, incy as BlasInt);
    force_single_thread();
    // SAFETY: `f` is one of the cblas dot products, which read `n` elements of `x` at indices
    // `i * |incx|` for `i < n` (likewise `y`), and nothing else; `check_vector` proved that
    // all of these indices are inside the slices (for n = 0 nothing is read). The slices are
    // borrowed for the whole call and the routines do not keep the pointers.
    unsafe { f(n, x.as_ptr(), incx, y.as_ptr(), incy) }
}

/// Panics if the two lengths differ.
#[track_caller]
fn same_length(x: usize, y: usize) {
    assert_eq!(
        x, y,
        "OpenBLAS dot: x has {x} elements but y has {y}; a dot product needs equal lengths"
    );
}

/// `cblas_ddot` on two slices.
///
/// # Panics
/// If the lengths differ, or do not fit in a 32-bit `blasint`.
///
/// ```
/// assert_eq!(pdot_benches::openblas::ddot(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
/// ```
#[track_caller]
pub fn ddot(x: &[f64], y: &[f64]) -> f64 {
    same_length(x.len(), y.len());
    call(cblas_ddot, x.len(), x, 1, y, 1)
}

/// `cblas_sdot` on two slices (accumulates in `f32`).
///
/// # Panics
/// If the lengths differ, or do not fit in a 32-bit `blasint`.
///
/// ```
/// assert_eq!(pdot_benches::openblas::sdot(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
/// ```
#[track_caller]
pub fn sdot(x: &[f32], y: &[f32]) -> f32 {
    same_length(x.len(), y.len());
    call(cblas_sdot, x.len(), x, 1, y, 1)
}

/// `cblas_dsdot` on two slices: `f32` inputs accumulated in `f64`.
///
/// Beware: OpenBLAS 0.3.21's x86_64 kernel sums each block of 32 products in `f32` (the
/// `sdot` kernel) and only adds the block sums in `f64`, so its accuracy is close to `sdot`'s.
///
/// # Panics
/// If the lengths differ, or do not fit in a 32-bit `blasint`.
///
/// ```
/// let x = [16777216.0, 1.0]; // 2^24, 1
/// assert_eq!(pdot_benches::openblas::dsdot(&x, &x), 281474976710657.0); // 2^48 + 1
/// ```
#[track_caller]
pub fn dsdot(x: &[f32], y: &[f32]) -> f64 {
    same_length(x.len(), y.len());
    call(cblas_dsdot, x.len(), x, 1, y, 1)
}

/// `cblas_ddot` with increments: `n` elements of `x` every `incx`, of `y` every `incy`.
///
/// # Panics
/// If the elements do not fit in the slices, or the values in a 32-bit `blasint`.
///
/// ```
/// let a = [1.0, 9.0, 2.0, 9.0, 3.0];
/// assert_eq!(pdot_benches::openblas::ddot_strided(3, &a, 2, &a, -2), 10.0);
/// ```
#[track_caller]
pub fn ddot_strided(n: usize, x: &[f64], incx: isize, y: &[f64], incy: isize) -> f64 {
    call(cblas_ddot, n, x, incx, y, incy)
}

/// `cblas_sdot` with increments.
///
/// # Panics
/// If the elements do not fit in the slices, or the values in a 32-bit `blasint`.
///
/// ```
/// let a = [1.0f32, 9.0, 2.0];
/// assert_eq!(pdot_benches::openblas::sdot_strided(2, &a, 2, &a, 2), 5.0);
/// ```
#[track_caller]
pub fn sdot_strided(n: usize, x: &[f32], incx: isize, y: &[f32], incy: isize) -> f32 {
    call(cblas_sdot, n, x, incx, y, incy)
}

/// `cblas_dsdot` with increments.
///
/// # Panics
/// If the elements do not fit in the slices, or the values in a 32-bit `blasint`.
///
/// ```
/// let a = [1.0f32, 9.0, 2.0];
/// assert_eq!(pdot_benches::openblas::dsdot_strided(2, &a, 2, &a, 0), 3.0);
/// ```
#[track_caller]
pub fn dsdot_strided(n: usize, x: &[f32], incx: isize, y: &[f32], incy: isize) -> f64 {
    call(cblas_dsdot, n, x, incx, y, incy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdot_kernels::{Accuracy, Strided, dot_strided, dsdot_strided as pdot_dsdot_strided};

    /// Deterministic values in [-1, 1) with varied exponents.
    fn values(len: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                (2.0 * u - 1.0) * f64::from(1u32 << (state % 7))
            })
            .collect()
    }

    /// |x|·|y| over the logical elements, the scale of the error bound.
    fn abs_dot(x: Strided<'_, f64>, y: Strided<'_, f64>) -> f64 {
        x.iter().zip(y.iter()).map(|(a, b)| (a * b).abs()).sum()
    }

    const INCS: [isize; 7] = [-3, -2, -1, 0, 1, 2, 4];

    /// Runs `strided(n, incx, incy)` for every n in 0..=80 and every pair of [`INCS`], then
    /// `contiguous(n)` for that n.
    fn each_case(mut strided: impl FnMut(usize, isize, isize), mut contiguous: impl FnMut(usize)) {
        for n in 0..=80usize {
            for incx in INCS {
                for incy in INCS {
                    strided(n, incx, incy);
                }
            }
            contiguous(n);
        }
    }

    #[test]
    fn ddot_agrees_with_pdot() {
        each_case(
            |n, incx, incy| {
                let len = n.max(1) * 4;
                let x = values(len, n as u64 * 31 + 7);
                let y = values(len + 3, n as u64 * 17 + 1);
                let xs = Strided::new(&x, n, incx).unwrap();
                let ys = Strided::new(&y, n, incy).unwrap();
                let reference = dot_strided(Accuracy::Compensated, xs, ys);
                let blas = ddot_strided(n, &x, incx, &y, incy);
                let tol = 2.0 * (n as f64) * f64::EPSILON * abs_dot(xs, ys);
                assert!(
                    (blas - reference).abs() <= tol,
                    "n={n} incx={incx} incy={incy}: {blas} vs {reference}"
                );
            },
            |n| {
                let x = values(n, 3);
                let y = values(n, 5);
                let tol = 2.0 * (n as f64) * f64::EPSILON * abs_dot(x[..].into(), y[..].into());
                assert!((ddot(&x, &y) - pdot_kernels::dot(&x, &y)).abs() <= tol);
            },
        );
    }

    #[test]
    fn sdot_and_dsdot_agree_with_pdot() {
        each_case(
            |n, incx, incy| {
                let len = n.max(1) * 4;
                let x: Vec<f32> = values(len, n as u64 + 11)
                    .iter()
                    .map(|&v| v as f32)
                    .collect();
                let y: Vec<f32> = values(len + 2, n as u64 + 13)
                    .iter()
                    .map(|&v| v as f32)
                    .collect();
                let xs = Strided::new(&x, n, incx).unwrap();
                let ys = Strided::new(&y, n, incy).unwrap();
                let scale: f64 = xs
                    .iter()
                    .zip(ys.iter())
                    .map(|(a, b)| (f64::from(a) * f64::from(b)).abs())
                    .sum();
                // dsdot: pdot accumulates the exact products in f64. OpenBLAS 0.3.21's x86_64
                // dsdot does not: it sums each block of 32 with the f32 sdot kernel and
                // only adds the block sums in f64, so it is held to the f32 bound.
                let exact = pdot_dsdot_strided(Accuracy::Compensated, xs, ys);
                let fast = pdot_dsdot_strided(Accuracy::Fast, xs, ys);
                let blas_ds = dsdot_strided(n, &x, incx, &y, incy);
                let tol64 = 2.0 * (n as f64) * f64::EPSILON * scale;
                let tol32 = 2.0 * (n as f64 + 1.0) * f64::from(f32::EPSILON) * scale;
                assert!((fast - exact).abs() <= tol64, "pdot dsdot n={n}");
                assert!(
                    (blas_ds - exact).abs() <= tol32,
                    "dsdot n={n} incx={incx} incy={incy}: {blas_ds} vs {exact}"
                );
                // sdot: f32 accumulation, within γ_n in f32 units.
                let blas_s = f64::from(sdot_strided(n, &x, incx, &y, incy));
                let pdot_s = f64::from(dot_strided(Accuracy::Fast, xs, ys));
                assert!(
                    (blas_s - exact).abs() <= tol32 && (pdot_s - exact).abs() <= tol32,
                    "sdot n={n} incx={incx} incy={incy}: {blas_s} / {pdot_s} vs {exact}"
                );
            },
            |n| {
                let x: Vec<f32> = values(n, 1).iter().map(|&v| v as f32).collect();
                let y: Vec<f32> = values(n, 2).iter().map(|&v| v as f32).collect();
                let exact = pdot_kernels::dsdot_with(Accuracy::Compensated, &x, &y);
                let scale: f64 = x
                    .iter()
                    .zip(&y)
                    .map(|(&a, &b)| f64::from(a * b).abs())
                    .sum();
                let tol32 = 2.0 * (n as f64 + 1.0) * f64::from(f32::EPSILON) * scale;
                assert!((dsdot(&x, &y) - exact).abs() <= tol32);
                assert!((f64::from(sdot(&x, &y)) - exact).abs() <= tol32);
            },
        );
    }

    #[test]
    fn exact_small_cases() {
        assert_eq!(ddot(&[], &[]), 0.0);
        assert_eq!(sdot(&[], &[]), 0.0);
        assert_eq!(dsdot(&[], &[]), 0.0);
        // Negative increment: BLAS starts at the far end.
        let a = [1.0, 2.0, 3.0];
        let b = [10.0, 20.0, 30.0];
        assert_eq!(
            ddot_strided(3, &a, -1, &b, 1),
            3.0 * 10.0 + 2.0 * 20.0 + 30.0
        );
        assert_eq!(ddot_strided(3, &a, 0, &b, 1), 60.0);
        // dsdot: 2^24 · 2^24 + 1 = 2^48 + 1 is exact in f64 (sdot rounds it to 2^48).
        let x = [16777216.0f32, 1.0];
        assert_eq!(dsdot(&x, &x), 281474976710657.0);
        assert_eq!(sdot(&x, &x), 281474976710656.0);
    }

    #[test]
    fn checks_reject_bad_arguments() {
        assert_eq!(check_vector(0, 0, 5), Ok(()));
        assert_eq!(check_vector(1, 1, 1000), Ok(()));
        assert_eq!(check_vector(3, 5, 2), Ok(()));
        assert_eq!(
            check_vector(3, 4, 2),
            Err(BlasArgError::OutOfBounds {
                n: 3,
                inc: 2,
                len: 4
            })
        );
        assert_eq!(
            check_vector(2, 0, 0),
            Err(BlasArgError::OutOfBounds {
                n: 2,
                inc: 0,
                len: 0
            })
        );
        assert!(matches!(
            check_vector(usize::MAX, usize::MAX, 1),
            Err(BlasArgError::TooLarge { .. })
        ));
        assert!(matches!(
            check_vector(2, usize::MAX, isize::MIN),
            Err(BlasArgError::TooLarge { .. })
        ));
        assert!(matches!(
            check_vector(1 << 20, usize::MAX, 1 << 20),
            Err(BlasArgError::TooLarge { .. })
        ));
    }

    #[test]
    #[should_panic(expected = "x has 2 elements but y has 3")]
    fn length_mismatch_panics() {
        ddot(&[1.0; 2], &[1.0; 3]);
    }

    #[test]
    #[should_panic(expected = "do not fit")]
    fn out_of_bounds_panics() {
        sdot_strided(3, &[1.0; 4], 2, &[1.0; 10], 1);
    }

    #[test]
    fn runs_on_one_thread() {
        let info = info();
        assert_eq!(info.threads, 1);
        assert!(info.config.contains("OpenBLAS"), "{}", info.config);
    }
}
