//! The run: decide the precision (from `--precision` or from the files, the same on every
//! rank), then one generic job for the pair of types it names ([`Precision::visit`]).

use std::path::{Path, PathBuf};
use std::time::Instant;

use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives};
use num_traits::NumCast;
use pdot_kernels::{Input, Precision, Real, VisitPrecision};
use pdot_mpi::{DistVector, Partition};

use crate::agree::agree;
use crate::args::{Args, Data};
use crate::memory;
use crate::npy::{self, Dtype};
use crate::output::{Measured, Report};

/// Runs the job the arguments describe. Collective; the error is the same on every rank.
pub fn run<C: Communicator>(comm: &C, args: &Args) -> Result<Report, String> {
    let (precision, files) = match &args.data {
        Data::Generated { .. } => (args.precision.unwrap_or(Precision::F64), None),
        Data::Files { x, y, n } => {
            let local = inspect(x, y, *n, args.precision);
            let (precision, len) = agree(comm, local)?;
            same_everywhere(comm, precision, len)?;
            (precision, Some(len))
        }
    };
    precision.visit(Job {
        comm,
        args,
        files_len: files,
    })
}

/// The element type of a precision: what its files hold.
fn dtype_of(precision: Precision) -> Dtype {
    match precision {
        Precision::F64 => Dtype::F64,
        _ => Dtype::F32,
    }
}

/// Reads both headers (this rank alone) and decides the precision and the length: the
/// dtypes and lengths must match, `--n` (if given) must match, and `--precision` (if given)
/// must read the files' dtype; without it, '<f8' gives f64 and '<f4' gives f32.
fn inspect(
    x: &Path,
    y: &Path,
    n: Option<usize>,
    precision: Option<Precision>,
) -> Result<(Precision, usize), String> {
    let hx = npy::read_header(x).map_err(|e| e.to_string())?;
    let hy = npy::read_header(y).map_err(|e| e.to_string())?;
    if hx.dtype != hy.dtype {
        return Err(format!(
            "x and y differ in dtype: {} holds '{}' ({}), {} holds '{}' ({})",
            x.display(),
            hx.dtype,
            hx.dtype.rust_name(),
            y.display(),
            hy.dtype,
            hy.dtype.rust_name()
        ));
    }
    if hx.len != hy.len {
        return Err(format!(
            "x and y differ in length: {} has {} elements, {} has {}",
            x.display(),
            hx.len,
            y.display(),
            hy.len
        ));
    }
    if let Some(n) = n.filter(|&n| n != hx.len) {
        return Err(format!(
            "--n {n} does not match the files, which hold {} elements",
            hx.len
        ));
    }
    let precision = match precision {
        None if hx.dtype == Dtype::F64 => Precision::F64,
        None => Precision::F32,
        Some(p) if dtype_of(p) == hx.dtype => p,
        Some(p) => {
            return Err(format!(
                "{} and {} hold '{}' ({}) elements, which --precision {p} does not read \
                 (--precision f64 reads '<f8' files; f32 and f32-f64 read '<f4' files; without \
                 --precision the files' dtype decides)",
                x.display(),
                y.display(),
                hx.dtype,
                hx.dtype.rust_name()
            ));
        }
    };
    Ok((precision, hx.len))
}

/// Checks that every rank decided the same precision and length (ranks that see different
/// files, e.g. on unshared disks, must not run different jobs). Collective.
fn same_everywhere<C: Communicator>(
    comm: &C,
    precision: Precision,
    len: usize,
) -> Result<(), String> {
    let code = Precision::ALL
        .iter()
        .position(|&p| p == precision)
        .unwrap_or(0) as u64;
    let mine = [code, len as u64];
    let (mut low, mut high) = ([0u64; 2], [0u64; 2]);
    comm.all_reduce_into(&mine[..], &mut low[..], SystemOperation::min());
    comm.all_reduce_into(&mine[..], &mut high[..], SystemOperation::max());
    if low != high {
        return Err(format!(
            "the ranks read different files: their element types or lengths differ (lengths \
             from {} to {}); every rank must see the same --x and --y",
            low[1], high[1]
        ));
    }
    Ok(())
}

/// The generic job, run by [`Precision::visit`] for the pair of types (O, E).
struct Job<'a, C> {
    comm: &'a C,
    args: &'a Args,
    /// The files' length, when the data comes from files (decided in [`run`]).
    files_len: Option<usize>,
}

impl<C: Communicator> VisitPrecision for Job<'_, C> {
    type Output = Result<Report, String>;

    fn visit<O: Real, E: Input<O>>(self) -> Self::Output {
        let (comm, args) = (self.comm, self.args);
        let (x, y) = load::<C, E>(comm, args, self.files_len)?;
        let mut times = Vec::with_capacity(args.repeat);
        let mut result: Option<(f64, String)> = None;
        for _ in 0..args.repeat {
            comm.barrier();
            let start = Instant::now();
            let d =
                pdot_mpi::dot_as::<O, E>(comm, args.accuracy, &x, &y).map_err(|e| e.to_string())?;
            let mine = start.elapsed().as_secs_f64();
            let mut slowest = 0.0;
            comm.all_reduce_into(&mine, &mut slowest, SystemOperation::max());
            times.push(slowest);
            // Each repetition must give the same bits (a built-in check of determinism).
            let shown = show(d);
            if result.as_ref().is_some_and(|r| r.1 != shown.1) {
                return Err("internal error: repeated runs gave different bits".into());
            }
            result = Some(shown);
        }
        let result = result.ok_or("no repetition ran")?;
        let mut peak = 0u64;
        comm.all_reduce_into(&memory::peak_rss_bytes(), &mut peak, SystemOperation::max());
        Ok(Report::new(
            args,
            Measured {
                result,
                n: x.len(),
                ranks: comm.size() as usize,
                precision: <E as Input<O>>::PRECISION.name(),
                element_bytes: size_of::<E>(),
                times,
                peak_rss_bytes_max: peak,
            },
        ))
    }
}

/// The result as it prints: its value (widened exactly to f64) and its bits in hex.
fn show<O: Real>(d: O) -> (f64, String) {
    let wide = d.to_f64().unwrap_or(f64::NAN);
    if size_of::<O>() == 4 {
        (
            wide,
            format!("0x{:08x}", d.to_f32().unwrap_or(f32::NAN).to_bits()),
        )
    } else {
        (wide, format!("0x{:016x}", wide.to_bits()))
    }
}

/// The two distributed vectors: generated, or read from the files (each rank its own part).
fn load<C: Communicator, E: Real>(
    comm: &C,
    args: &Args,
    files_len: Option<usize>,
) -> Result<(DistVector<E>, DistVector<E>), String> {
    let layout = args.layout;
    match (&args.data, files_len) {
        (Data::Files { x, y, .. }, Some(n)) => {
            let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
            let read = || -> Result<_, String> {
                let share = Partition::new(n, ranks, rank, layout).map_err(|e| e.to_string())?;
                Ok((read_share::<E>(x, &share)?, read_share::<E>(y, &share)?))
            };
            let (xs, ys) = agree(comm, read())?;
            let x = DistVector::from_local(comm, n, layout, xs).map_err(|e| e.to_string())?;
            let y = DistVector::from_local(comm, n, layout, ys).map_err(|e| e.to_string())?;
            Ok((x, y))
        }
        (
            Data::Generated {
                n,
                generator: g,
                seed,
            },
            _,
        ) => {
            let digits = if size_of::<E>() == 4 { 24 } else { 53 };
            let (g, seed) = (*g, *seed);
            // The generated values are exact in E, so the conversion is exact.
            let input = |v: f64| <E as NumCast>::from(v).unwrap_or_else(E::nan);
            let x = DistVector::from_fn(comm, *n, layout, |i| input(g.element(seed, i, digits).0));
            let x = x.map_err(|e| e.to_string())?;
            let y = DistVector::from_fn(comm, *n, layout, |i| input(g.element(seed, i, digits).1));
            Ok((x, y.map_err(|e| e.to_string())?))
        }
        (Data::Files { .. }, None) => Err("internal error: the files were not inspected".into()),
    }
}

/// This rank's elements of the file at `path`, as `E` (the type its dtype names).
fn read_share<E: Real>(path: &PathBuf, share: &Partition) -> Result<Vec<E>, String> {
    let dtype = if size_of::<E>() == 4 {
        Dtype::F32
    } else {
        Dtype::F64
    };
    npy::read_runs_as(path, dtype, share.runs())
        .map_err(|e| e.to_string())?
        .into_vec::<E>()
        .ok_or_else(|| format!("internal error: {} read as the wrong type", path.display()))
}
