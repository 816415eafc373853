//! The command line of the solver example: method, problem, reduction, sizes, tolerances.

use std::fmt;
use std::str::FromStr;

use clap::{Parser, ValueEnum};
use pdot_kernels::Accuracy;

/// The largest grid side accepted: `m² ≤ 10⁸` unknowns (0.8 GB per vector at `P = 1`).
pub const MAX_M: u32 = 10_000;
/// The largest GMRES restart length accepted (the Krylov basis holds `restart + 1` vectors).
pub const MAX_RESTART: u32 = 1_000;

/// Iterative solvers on 2-D stencil problems, with dot products reduced by pdot at a chosen
/// accuracy or by a plain `MPI_Allreduce`. Prints one line on rank 0.
#[derive(Debug, Parser)]
#[command(name = "solver")]
pub struct Options {
    /// The iterative method.
    #[arg(long, value_enum, default_value_t = Method::Cg)]
    pub method: Method,
    /// The problem: poisson (5-point Laplacian), jump (diffusion with coefficients jumping
    /// by --contrast in a checkerboard), convdiff (convection–diffusion, central
    /// differences, non-symmetric: GMRES only).
    #[arg(long, value_enum)]
    pub problem: Option<Problem>,
    /// How dot products are reduced: fast, compensated, exact (pdot's deterministic
    /// reduction), or mpi (each rank's local dot, summed by MPI_Allreduce).
    #[arg(long, default_value = "exact")]
    pub accuracy: Reduction,
    /// The side of the interior grid: m × m unknowns.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_M)))]
    pub m: u32,
    /// The relative residual ‖r‖/‖b‖ to reach (0: run --max-iter iterations).
    #[arg(long, default_value_t = 1e-8, value_parser = parse_tolerance)]
    pub tol: f64,
    /// The most iterations (matrix-vector products of the Krylov method).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_iter: u32,
    /// GMRES: the restart length.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RESTART)))]
    pub restart: u32,
    /// convdiff: the cell Péclet number (convection · h / (2 · diffusion)), in [0, 1).
    #[arg(long, default_value_t = 0.5, value_parser = parse_peclet)]
    pub peclet: f64,
    /// jump: the ratio of the largest to the smallest diffusion coefficient, ≥ 1.
    #[arg(long, default_value_t = 1e6, value_parser = parse_contrast)]
    pub contrast: f64,
}

impl Options {
    /// The problem: the one asked for, or the method's default (poisson for CG, convdiff
    /// for GMRES). A symmetric method on a non-symmetric problem is a usage error.
    pub fn problem(&self) -> Result<Problem, String> {
        let problem = self.problem.unwrap_or(match self.method {
            Method::Gmres => Problem::Convdiff,
            Method::Cg | Method::PipelinedCg => Problem::Poisson,
        });
        if problem == Problem::Convdiff && self.method != Method::Gmres {
            return Err(format!(
                "--problem convdiff is not symmetric: use it with --method gmres, not {}",
                self.method
            ));
        }
        Ok(problem)
    }
}

/// The iterative method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Conjugate gradients (Hestenes–Stiefel): two reductions per iteration.
    Cg,
    /// Pipelined CG (Ghysels–Vanroose): one reduction of two dots per iteration,
    /// overlapped with the matrix-vector product.
    PipelinedCg,
    /// Restarted GMRES with classical Gram–Schmidt: the dots of each new vector against
    /// the basis in one reduction.
    Gmres,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Cg => "cg",
            Method::PipelinedCg => "pipelined-cg",
            Method::Gmres => "gmres",
        })
    }
}

/// The test problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Problem {
    /// −Δu = 1, 5-point stencil, Dirichlet boundary: symmetric positive definite.
    Poisson,
    /// −∇·(k∇u) = 1 with k jumping between 1 and the contrast in a checkerboard of 4 × 4
    /// blocks: symmetric positive definite, ill-conditioned.
    Jump,
    /// −Δu + c·(∂u/∂x + ∂u/∂y) = 1, central differences: non-symmetric.
    Convdiff,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::Poisson => "poisson",
            Problem::Jump => "jump",
            Problem::Convdiff => "convdiff",
        })
    }
}

/// How the ranks' partial dot products are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// pdot's deterministic reduction at this accuracy.
    Pdot(Accuracy),
    /// Each rank's local dot (the Fast kernel), summed by `MPI_Allreduce`: the usual way.
    Mpi,
}

impl FromStr for Reduction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("mpi") {
            return Ok(Reduction::Mpi);
        }
        s.parse::<Accuracy>()
            .map(Reduction::Pdot)
            .map_err(|_| format!("`{s}` is not one of fast, compensated, exact, mpi"))
    }
}

impl fmt::Display for Reduction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reduction::Pdot(accuracy) => write!(f, "{accuracy}"),
            Reduction::Mpi => f.write_str("mpi"),
        }
    }
}

fn parse_real(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("`{s}` is not a number"))
}

fn parse_tolerance(s: &str) -> Result<f64, String> {
    let tol = parse_real(s)?;
    if (0.0..1.0).contains(&tol) {
        Ok(tol)
    } else {
        Err(format!("the tolerance must be in [0, 1), not {s}"))
    }
}

fn parse_peclet(s: &str) -> Result<f64, String> {
    let peclet = parse_real(s)?;
    if (0.0..1.0).contains(&peclet) {
        Ok(peclet)
    } else {
        Err(format!("the cell Péclet number must be in [0, 1), not {s}"))
    }
}

fn parse_contrast(s: &str) -> Result<f64, String> {
    let contrast = parse_real(s)?;
    if (1.0..=1e12).contains(&contrast) {
        Ok(contrast)
    } else {
        Err(format!("the contrast must be in [1, 1e12], not {s}"))
    }
}
