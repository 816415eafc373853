//! What every method is given and what it returns.

use mpi::traits::Communicator;
use pdot_mpi::Error;

use crate::args::Reduction;
use crate::history::History;
use crate::operator::Operator;
use crate::reduction;
use crate::vectors;

/// The settings of a solve, the same on every rank.
pub struct Settings<'c, C: Communicator> {
    /// The communicator of the ranks sharing the grid.
    pub comm: &'c C,
    /// How dot products are reduced.
    pub reduction: Reduction,
    /// The relative residual to reach.
    pub tol: f64,
    /// The most iterations.
    pub max_iter: usize,
}

/// The result of a solve, the same on every rank.
pub struct Outcome {
    /// This rank's piece of the approximate solution.
    pub x: Vec<f64>,
    /// The iterations done (matrix-vector products of the Krylov process).
    pub iterations: usize,
    /// The residual norms the method computed, in order (the first: ‖b‖).
    pub history: History,
    /// ‖b‖, the scale of the relative residual.
    pub b_norm: f64,
    /// Whether the method stopped at the tolerance (not at `max_iter` or a breakdown).
    pub converged: bool,
}

impl Outcome {
    /// The last residual norm the method computed, relative to ‖b‖.
    pub fn relative_residual(&self) -> f64 {
        self.history.last() / self.b_norm
    }
}

/// `‖b − A x‖ / ‖b‖`, computed afresh (collective).
pub fn true_relative_residual<C: Communicator>(
    settings: &Settings<'_, C>,
    a: &mut Operator,
    b: &[f64],
    outcome: &Outcome,
) -> Result<f64, Error> {
    let mut ax = vec![0.0; b.len()];
    a.apply(settings.comm, &outcome.x, &mut ax);
    let mut r = vec![0.0; b.len()];
    vectors::difference(b, &ax, &mut r);
    Ok(reduction::nrm2(settings.comm, settings.reduction, &r)? / outcome.b_norm)
}
