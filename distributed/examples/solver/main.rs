//! Iterative solvers on 2-D stencil problems whose dot products go through pdot: with
//! `--accuracy exact`, the iteration count and the bits of every residual norm are the same
//! for every number of processes and every MPI library (scripts/solver-tests.sh checks it).
//!
//! ```text
//! mpiexec -n P target/release/examples/solver --method cg|pipelined-cg|gmres \
//!     --accuracy fast|compensated|exact|mpi --m 64 --tol 1e-8 --max-iter 10000 \
//!     [--problem poisson|jump|convdiff] [--restart 30] [--peclet 0.5] [--contrast 1e6]
//! ```
//!
//! The m × m grid is dealt to the ranks by whole rows (any `P`, also `P > m`); the
//! matrix-vector product exchanges ghost rows with the neighbours by point-to-point messages
//! on the world communicator; the dot products are reduced by pdot at the chosen accuracy
//! (`mpi`: each rank's local dot summed by `MPI_Allreduce`, the usual way). Rank 0 prints
//! one line: the method, problem, sizes, `P`, the accuracy, `iterations N`, `history 0x…`
//! (FNV-1a of the bits of every residual norm, in order), the relative residuals and the
//! time per iteration. Bad arguments: a message and exit status 2; an error of the
//! reduction: a message and exit status 1, on every rank alike.

mod args;
mod cg;
mod gmres;
mod grid;
mod halo;
mod history;
mod operator;
mod pipelined_cg;
mod reduction;
mod solve;
mod stencil;
mod vectors;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives};

use crate::args::{Method, Options};
use crate::grid::Grid;
use crate::operator::Operator;
use crate::solve::{Outcome, Settings};
use crate::stencil::Stencil;

fn main() -> ExitCode {
    let Some(universe) = mpi::initialize() else {
        eprintln!("solver: MPI could not be initialised");
        return ExitCode::FAILURE;
    };
    run(&universe.world())
}

/// Parses the options, solves, prints the line on rank 0; the exit status.
fn run<C: Communicator>(world: &C) -> ExitCode {
    let root = world.rank() == 0;
    let options = match Options::try_parse() {
        Ok(options) => options,
        Err(e) => {
            if root {
                let _ = e.print();
            }
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let problem = match options.problem() {
        Ok(problem) => problem,
        Err(message) => {
            if root {
                eprintln!("error: {message}");
            }
            return ExitCode::from(2);
        }
    };
    let m = options.m as usize;
    let grid = Grid::new(m, world.rank() as usize, world.size() as usize);
    let stencil = Stencil::new(problem, &options, &grid);
    let b = vec![1.0; grid.local_len()];
    let mut a = Operator::new(grid, stencil);
    let settings = Settings {
        comm: world,
        reduction: options.accuracy,
        tol: options.tol,
        max_iter: options.max_iter as usize,
    };

    world.barrier();
    let start = Instant::now();
    let outcome = match options.method {
        Method::Cg => cg::solve(&settings, &mut a, &b),
        Method::PipelinedCg => pipelined_cg::solve(&settings, &mut a, &b),
        Method::Gmres => gmres::solve(&settings, options.restart as usize, &mut a, &b),
    };
    let mine = start.elapsed().as_secs_f64();
    let mut seconds = 0.0;
    world.all_reduce_into(&mine, &mut seconds, SystemOperation::max());

    let report = outcome.and_then(|outcome: Outcome| {
        let true_residual = solve::true_relative_residual(&settings, &mut a, &b, &outcome)?;
        Ok((outcome, true_residual))
    });
    match report {
        Ok((outcome, true_residual)) => {
            if root {
                let restart = match options.method {
                    Method::Gmres => format!(" restart {}", options.restart),
                    _ => String::new(),
                };
                println!(
                    "{} {} m {m}{restart} P {} accuracy {} tol {:e} iterations {} \
                     history {:#018x} norms {} relres {:.3e} true-relres {:.3e} \
                     converged {} time/iter {:.2} us",
                    options.method,
                    problem,
                    world.size(),
                    options.accuracy,
                    options.tol,
                    outcome.iterations,
                    outcome.history.digest(),
                    outcome.history.count(),
                    outcome.relative_residual(),
                    true_residual,
                    if outcome.converged { "yes" } else { "no" },
                    seconds * 1e6 / outcome.iterations.max(1) as f64,
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if root {
                eprintln!("solver: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
