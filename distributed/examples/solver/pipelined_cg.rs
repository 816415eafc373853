//! Pipelined CG (Ghysels & Vanroose, 2014; no preconditioner), from x₀ = 0: one reduction
//! per iteration carrying `r·r` and `w·r` (`w = A r`), overlapped with the product `A w`.

use mpi::traits::Communicator;
use pdot_mpi::Error;

use crate::history::History;
use crate::operator::Operator;
use crate::reduction::{Dots, begin, finish_array};
use crate::solve::{Outcome, Settings};
use crate::vectors::{axpy, xpby};

/// Solves `A x = b` by pipelined CG; records ‖rₖ‖ = √(rₖ·rₖ) of every iteration (‖b‖ first).
///
/// The recurrences keep `w = A r`, `s = A p`, `z = A s` up to date, so that the dots of an
/// iteration depend only on vectors known before its matrix-vector product:
/// `γ = r·r`, `δ = w·r` are reduced while `n = A w` is computed; then
/// `β = γ/γ₋₁`, `α = γ/(δ − βγ/α₋₁)`, `z ← n + βz`, `s ← w + βs`, `p ← r + βp`,
/// `x ← x + αp`, `r ← r − αs`, `w ← w − αz`.
pub fn solve<C: Communicator>(
    s: &Settings<'_, C>,
    a: &mut Operator,
    b: &[f64],
) -> Result<Outcome, Error> {
    let len = b.len();
    let mut x = vec![0.0; len];
    let mut r = b.to_vec();
    let mut w = vec![0.0; len];
    a.apply(s.comm, &r, &mut w);
    let mut p = vec![0.0; len];
    let mut sv = vec![0.0; len];
    let mut z = vec![0.0; len];
    let mut n = vec![0.0; len];
    let mut history = History::new();
    let (mut b_norm, mut target) = (0.0, 0.0);
    let (mut gamma_old, mut alpha_old) = (0.0, 0.0);
    let mut iterations = 0;
    let converged = loop {
        let mut dots = Dots::new(s.reduction);
        dots.push(&r, &r);
        dots.push(&w, &r);
        let mut reduction = begin(s.comm, dots);
        a.apply_with(s.comm, &w, &mut n, || reduction.test());
        let [gamma, delta] = finish_array(reduction)?;
        let norm = gamma.sqrt();
        history.record(norm);
        if iterations == 0 {
            b_norm = norm; // x₀ = 0: r₀ = b
            target = s.tol * b_norm;
        }
        if norm <= target {
            break true;
        }
        if iterations == s.max_iter || !norm.is_finite() {
            break false;
        }
        let (alpha, beta) = if iterations == 0 {
            (gamma / delta, 0.0)
        } else {
            let beta = gamma / gamma_old;
            (gamma / (delta - beta * gamma / alpha_old), beta)
        };
        xpby(&n, beta, &mut z);
        xpby(&w, beta, &mut sv);
        xpby(&r, beta, &mut p);
        axpy(alpha, &p, &mut x);
        axpy(-alpha, &sv, &mut r);
        axpy(-alpha, &z, &mut w);
        (gamma_old, alpha_old) = (gamma, alpha);
        iterations += 1;
    };
    Ok(Outcome {
        x,
        iterations,
        history,
        b_norm,
        converged,
    })
}
