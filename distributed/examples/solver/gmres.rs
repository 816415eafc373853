//! Restarted GMRES(m) with classical Gram–Schmidt, from x₀ = 0: per iteration one
//! reduction for the projections of the new vector on the whole basis, one for its norm.

use mpi::traits::Communicator;
use pdot_mpi::Error;

use crate::history::History;
use crate::operator::Operator;
use crate::reduction::{dots_against, nrm2};
use crate::solve::{Outcome, Settings};
use crate::vectors::{axpy, difference, divide};

/// Solves `A x = b` by GMRES(`restart`). Records ‖b‖, then the residual norm that the
/// Givens rotations give after every iteration, and the true ‖b − A x‖ at every restart.
/// Converged when the true residual norm is within the tolerance.
pub fn solve<C: Communicator>(
    s: &Settings<'_, C>,
    restart: usize,
    a: &mut Operator,
    b: &[f64],
) -> Result<Outcome, Error> {
    let len = b.len();
    let mut x = vec![0.0; len];
    let mut r = b.to_vec();
    let mut ax = vec![0.0; len];
    let b_norm = nrm2(s.comm, s.reduction, b)?;
    let target = s.tol * b_norm;
    let mut history = History::new();
    history.record(b_norm);
    let mut beta = b_norm;
    let mut iterations = 0;
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(restart + 1);
    // The columns of the Hessenberg matrix, rotated into R; the rotations; Q^T β e₁.
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(restart);
    let mut rotations: Vec<(f64, f64)> = Vec::with_capacity(restart);
    let mut g: Vec<f64> = Vec::with_capacity(restart + 1);
    while beta > target && iterations < s.max_iter {
        basis.clear();
        columns.clear();
        rotations.clear();
        g.clear();
        g.push(beta);
        let mut v = r.clone();
        divide(&mut v, beta);
        basis.push(v);
        while columns.len() < restart && iterations < s.max_iter {
            let mut w = vec![0.0; len];
            a.apply(s.comm, &basis[basis.len() - 1], &mut w);
            let mut h = dots_against(s.comm, s.reduction, &basis, &w)?;
            for (v, &hv) in basis.iter().zip(&h) {
                axpy(-hv, v, &mut w);
            }
            let h_next = nrm2(s.comm, s.reduction, &w)?;
            h.push(h_next);
            iterations += 1;
            let estimate = rotate(&mut h, &mut rotations, &mut g);
            columns.push(h);
            history.record(estimate);
            if h_next == 0.0 || estimate <= target || estimate.is_nan() {
                break; // an invariant subspace, or the estimate is within the tolerance
            }
            divide(&mut w, h_next);
            basis.push(w);
        }
        // x ← x + V y, R y = g (back substitution).
        let k = columns.len();
        let mut y = vec![0.0; k];
        for i in (0..k).rev() {
            let mut t = g[i];
            for (l, &yl) in y.iter().enumerate().skip(i + 1) {
                t -= columns[l][i] * yl;
            }
            y[i] = t / columns[i][i];
        }
        for (v, &yi) in basis.iter().zip(&y) {
            axpy(yi, v, &mut x);
        }
        a.apply(s.comm, &x, &mut ax);
        difference(b, &ax, &mut r);
        beta = nrm2(s.comm, s.reduction, &r)?;
        history.record(beta);
        if !beta.is_finite() {
            break;
        }
    }
    Ok(Outcome {
        x,
        iterations,
        history,
        b_norm,
        converged: beta <= target,
    })
}

/// Applies the earlier Givens rotations to the new column `h` (length `j + 2`), makes and
/// applies the rotation that zeroes its last entry, updates `g`; returns |g_{j+1}|, the
/// residual norm of the least-squares solution so far.
fn rotate(h: &mut [f64], rotations: &mut Vec<(f64, f64)>, g: &mut Vec<f64>) -> f64 {
    let j = rotations.len();
    for (i, &(c, s)) in rotations.iter().enumerate() {
        let (a, b) = (h[i], h[i + 1]);
        h[i] = c * a + s * b;
        h[i + 1] = c * b - s * a;
    }
    let (a, b) = (h[j], h[j + 1]);
    let d = a.hypot(b);
    let (c, s) = if d == 0.0 { (1.0, 0.0) } else { (a / d, b / d) };
    h[j] = d;
    h[j + 1] = 0.0;
    rotations.push((c, s));
    let gj = g[j];
    g[j] = c * gj;
    g.push(-s * gj);
    g[j + 1].abs()
}
