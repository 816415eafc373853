//! Conjugate gradients (Hestenes–Stiefel), from x₀ = 0: two reductions per iteration,
//! `p·Ap` and `r·r`.

use mpi::traits::Communicator;
use pdot_mpi::Error;

use crate::history::History;
use crate::operator::Operator;
use crate::reduction::dot;
use crate::solve::{Outcome, Settings};
use crate::vectors::{axpy, xpby};

/// Solves `A x = b` by CG; records ‖rₖ‖ = √(rₖ·rₖ) of every iteration (and ‖b‖ first).
pub fn solve<C: Communicator>(
    s: &Settings<'_, C>,
    a: &mut Operator,
    b: &[f64],
) -> Result<Outcome, Error> {
    let n = b.len();
    let mut x = vec![0.0; n];
    let mut r = b.to_vec();
    let mut p = r.clone();
    let mut q = vec![0.0; n];
    let mut rr = dot(s.comm, s.reduction, &r, &r)?;
    let b_norm = rr.sqrt();
    let target = s.tol * b_norm;
    let mut history = History::new();
    history.record(b_norm);
    let mut iterations = 0;
    while iterations < s.max_iter && rr.sqrt() > target {
        a.apply(s.comm, &p, &mut q);
        let alpha = rr / dot(s.comm, s.reduction, &p, &q)?;
        axpy(alpha, &p, &mut x);
        axpy(-alpha, &q, &mut r);
        let rr_next = dot(s.comm, s.reduction, &r, &r)?;
        history.record(rr_next.sqrt());
        iterations += 1;
        xpby(&r, rr_next / rr, &mut p);
        rr = rr_next;
    }
    Ok(Outcome {
        x,
        iterations,
        history,
        b_norm,
        converged: rr.sqrt() <= target,
    })
}
