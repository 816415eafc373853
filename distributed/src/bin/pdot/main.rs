//! `pdot`: the distributed dot product of two long vectors, run under `mpiexec` (or alone as
//! one rank). See `pdot --help`.

mod agree;
mod args;
mod count;
mod generate;
mod job;
mod memory;
mod npy;
mod output;

use std::process::ExitCode;

use mpi::traits::{Communicator, CommunicatorCollectives};

use args::Command;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args_os()) {
        Ok(Command::Print(text)) => {
            print!("{text}");
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
    // Every rank parsed the same arguments, so a usage error is the same everywhere (clap's
    // message starts with "error:").
    let (outcome, status) = match args {
        Err(usage) => (Err(format!("pdot: {usage}")), ExitCode::from(2)),
        Ok(args) => match job::run(&world, &args).and_then(|r| r.render(args.json)) {
            Ok(text) => (Ok(text), ExitCode::SUCCESS),
            Err(e) => (Err(format!("pdot: error: {e}")), ExitCode::FAILURE),
        },
    };
    if world.rank() == 0 {
        match outcome {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("{e}"),
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
