//! `pdot`: the distributed dot product of two long vectors, run under `mpiexec` (or alone as
//! one rank). See `pdot --help`.

mod agree;
mod args;
mod generate;
mod memory;
mod output;

use std::process::ExitCode;
use std::time::Instant;

use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::{Accuracy, Real};

use pdot_mpi::npy::{self, NpyElement};
use pdot_mpi::{DistVector, Error, Partition};

use agree::agree;
use args::{Args, Command, Data, Precision};
use output::Report;

fn main() -> ExitCode {
    let command = args::parse(std::env::args().skip(1));
    let args = match command {
        Ok(Command::Help) => {
            print!("{}", args::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("pdot {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(args)) => Ok(args),
        Err(e) => Err(e),
    };
    let Some(universe) = mpi::initialize() else {
        eprintln!("pdot: error: MPI could not be initialised");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    if let Err(e) = check_launcher(world.size()) {
        eprintln!("pdot: error: {e}");
        return ExitCode::FAILURE;
    }
    // Every rank parsed the same arguments, so a usage error is the same everywhere.
    let (outcome, status) = match args {
        Err(e) => (Err(e), ExitCode::from(2)),
        Ok(args) => match run(&world, &args) {
            Ok(report) => (Ok(report.render(args.json)), ExitCode::SUCCESS),
            Err(e) => (Err(e), ExitCode::FAILURE),
        },
    };
    if world.rank() == 0 {
        match outcome {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("pdot: error: {e}"),
        }
    }
    // No rank leaves before rank 0 has printed: a launcher may kill the job as soon as one
    // rank exits with a failure.
    world.barrier();
    status
}

/// Catches the launcher trap: a pdot built against one MPI and started by the other MPI's
/// `mpiexec` runs as P separate one-rank jobs.
fn check_launcher(size: i32) -> Result<(), String> {
    let launched = ["PMI_SIZE", "OMPI_COMM_WORLD_SIZE"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse::<i64>().ok());
    match launched {
        Some(p) if p > 1 && size == 1 => Err(format!(
            "the launcher started {p} processes, but MPI sees a world of 1 rank: this pdot \
             was built against another MPI than the mpiexec that started it (use the \
             mpiexec of the MPI pdot links, e.g. mpiexec.mpich; see the README)"
        )),
        _ => Ok(()),
    }
}

/// The element types and their dot product.
trait Precise {
    type In: Real + NpyElement;
    type Out: Real;
    fn dot<C: Communicator>(
        comm: &C,
        accuracy: Accuracy,
        x: &DistVector<Self::In>,
        y: &DistVector<Self::In>,
    ) -> Result<Self::Out, Error>;
    /// `v`, which is exact in the input type.
    fn input(v: f64) -> Self::In;
    fn digits() -> u32;
    /// The result as it prints: its value and its bits in hex.
    fn show(d: Self::Out) -> (f64, String);
}

struct F64;
struct F32;
struct F32F64;

impl Precise for F64 {
    type In = f64;
    type Out = f64;
    fn dot<C: Communicator>(
        comm: &C,
        a: Accuracy,
        x: &DistVector<f64>,
        y: &DistVector<f64>,
    ) -> Result<f64, Error> {
        pdot_mpi::dot(comm, a, x, y)
    }
    fn input(v: f64) -> f64 {
        v
    }
    fn digits() -> u32 {
        53
    }
    fn show(d: f64) -> (f64, String) {
        (d, format!("0x{:016x}", d.to_bits()))
    }
}

impl Precise for F32 {
    type In = f32;
    type Out = f32;
    fn dot<C: Communicator>(
        comm: &C,
        a: Accuracy,
        x: &DistVector<f32>,
        y: &DistVector<f32>,
    ) -> Result<f32, Error> {
        pdot_mpi::dot(comm, a, x, y)
    }
    fn input(v: f64) -> f32 {
        v as f32
    }
    fn digits() -> u32 {
        24
    }
    fn show(d: f32) -> (f64, String) {
        (f64::from(d), format!("0x{:08x}", d.to_bits()))
    }
}

impl Precise for F32F64 {
    type In = f32;
    type Out = f64;
    fn dot<C: Communicator>(
        comm: &C,
        a: Accuracy,
        x: &DistVector<f32>,
        y: &DistVector<f32>,
    ) -> Result<f64, Error> {
        pdot_mpi::dsdot(comm, a, x, y)
    }
    fn input(v: f64) -> f32 {
        v as f32
    }
    fn digits() -> u32 {
        24
    }
    fn show(d: f64) -> (f64, String) {
        F64::show(d)
    }
}

fn run<C: Communicator>(comm: &C, args: &Args) -> Result<Report, String> {
    match args.precision {
        Precision::F64 => run_with::<C, F64>(comm, args),
        Precision::F32 => run_with::<C, F32>(comm, args),
        Precision::F32F64 => run_with::<C, F32F64>(comm, args),
    }
}

fn run_with<C: Communicator, P: Precise>(comm: &C, args: &Args) -> Result<Report, String> {
    let (x, y) = load::<C, P>(comm, args)?;
    let mut times = Vec::with_capacity(args.repeat);
    let mut result = None;
    for _ in 0..args.repeat {
        comm.barrier();
        let start = Instant::now();
        let d = P::dot(comm, args.accuracy, &x, &y).map_err(|e| e.to_string())?;
        let mine = start.elapsed().as_secs_f64();
        let mut slowest = 0.0;
        comm.all_reduce_into(&mine, &mut slowest, SystemOperation::max());
        times.push(slowest);
        // Each repetition must give the same bits (a built-in check of determinism).
        let shown = P::show(d);
        if result
            .as_ref()
            .is_some_and(|r: &(f64, String)| r.1 != shown.1)
        {
            return Err("internal error: repeated runs gave different bits".into());
        }
        result = Some(shown);
    }
    let (value, bits) = result.ok_or("no repetition ran")?;
    let mut peak = 0u64;
    comm.all_reduce_into(&memory::peak_rss_bytes(), &mut peak, SystemOperation::max());
    Ok(Report::new(
        value,
        bits,
        x.len(),
        comm.size() as usize,
        args,
        &mut times,
        peak,
    ))
}

/// An npy error, with a hint where the fix is an option of pdot.
fn explain(e: npy::NpyError) -> String {
    match e.kind() {
        npy::NpyErrorKind::DtypeMismatch { .. } => {
            format!("{e} (--precision f64 reads '<f8' files; f32 and f32-f64 read '<f4' files)")
        }
        _ => e.to_string(),
    }
}

/// x and y, distributed.
type Pair<P> = (
    DistVector<<P as Precise>::In>,
    DistVector<<P as Precise>::In>,
);

/// The two distributed vectors: generated, or read from the files (each rank its own part).
fn load<C: Communicator, P: Precise>(comm: &C, args: &Args) -> Result<Pair<P>, String> {
    let layout = args.layout;
    match &args.data {
        Data::Generated {
            n,
            generator: g,
            seed,
        } => {
            let digits = P::digits();
            let (g, seed) = (*g, *seed);
            let x =
                DistVector::from_fn(comm, *n, layout, |i| P::input(g.element(seed, i, digits).0));
            let x = x.map_err(|e| e.to_string())?;
            let y =
                DistVector::from_fn(comm, *n, layout, |i| P::input(g.element(seed, i, digits).1));
            Ok((x, y.map_err(|e| e.to_string())?))
        }
        Data::Files { x, y, n } => {
            let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
            let read = || -> Result<_, String> {
                let hx = npy::read_header(x).map_err(|e| e.to_string())?;
                let hy = npy::read_header(y).map_err(|e| e.to_string())?;
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
                let share =
                    Partition::new(hx.len, ranks, rank, layout).map_err(|e| e.to_string())?;
                let (_, xs) = npy::read_runs::<P::In>(x, share.runs()).map_err(explain)?;
                let (_, ys) = npy::read_runs::<P::In>(y, share.runs()).map_err(explain)?;
                Ok((hx.len, xs, ys))
            };
            let (n, xs, ys) = agree(comm, read())?;
            let x = DistVector::from_local(comm, n, layout, xs).map_err(|e| e.to_string())?;
            let y = DistVector::from_local(comm, n, layout, ys).map_err(|e| e.to_string())?;
            Ok((x, y))
        }
    }
}
