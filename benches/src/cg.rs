//! The two dot products of a CG iteration, on the vectors of a real solve: the 5-point
//! Poisson matrix on an `m × m` grid (Dirichlet boundary, `b = 1`, as the solver example
//! `distributed/examples/solver` at `--problem poisson`), after a few CG iterations. Each
//! iteration of CG computes `p·Ap` and `r·r` (n = m² each).

use std::hint::black_box;

use pdot_kernels::{Accuracy, dot_with};

use crate::runner::Batch;

/// The vectors of CG after some iterations: the search direction `p`, `q = A p` and the
/// residual `r`.
#[derive(Clone, Debug, PartialEq)]
pub struct CgVectors {
    /// The grid side (n = m²).
    pub m: usize,
    /// The CG iterations done before these vectors.
    pub iteration: usize,
    /// The search direction.
    pub p: Vec<f64>,
    /// The Poisson matrix times `p`.
    pub q: Vec<f64>,
    /// The residual.
    pub r: Vec<f64>,
}

/// `out = A u` for the 5-point Poisson matrix (4 on the diagonal, −1 for each neighbour in
/// the `m × m` grid), row by row.
fn poisson(m: usize, u: &[f64], out: &mut [f64]) {
    for i in 0..m {
        for j in 0..m {
            let k = i * m + j;
            let west = if j > 0 { u[k - 1] } else { 0.0 };
            let east = if j + 1 < m { u[k + 1] } else { 0.0 };
            let up = if i > 0 { u[k - m] } else { 0.0 };
            let down = if i + 1 < m { u[k + m] } else { 0.0 };
            out[k] = 4.0 * u[k] - west - east - up - down;
        }
    }
}

impl CgVectors {
    /// Runs `iterations` of CG (Fast dot products) from `x = 0` on `A x = 1` with the
    /// Poisson matrix of side `m`, and keeps `p`, `A p` and `r` of the last iteration.
    ///
    /// # Panics
    /// If `m == 0`.
    ///
    /// ```
    /// let v = pdot_benches::cg::CgVectors::poisson(20, 5);
    /// assert_eq!((v.r.len(), v.iteration), (400, 5));
    /// // q = A p, e.g. at the corner (two neighbours outside the grid).
    /// assert_eq!(v.q[0], 4.0 * v.p[0] - v.p[1] - v.p[20]);
    /// ```
    pub fn poisson(m: usize, iterations: usize) -> CgVectors {
        Self::poisson_snapshots(m, &[iterations])
            .pop()
            .expect("one snapshot")
    }

    /// One CG run as [`CgVectors::poisson`], keeping the vectors after each number of
    /// iterations in `at` (in increasing order).
    ///
    /// # Panics
    /// If `m == 0` or `at` is not increasing.
    ///
    /// ```
    /// let v = pdot_benches::cg::CgVectors::poisson_snapshots(10, &[2, 6]);
    /// assert_eq!(v.iter().map(|s| s.iteration).collect::<Vec<_>>(), [2, 6]);
    /// assert_eq!(v[1], pdot_benches::cg::CgVectors::poisson(10, 6));
    /// ```
    pub fn poisson_snapshots(m: usize, at: &[usize]) -> Vec<CgVectors> {
        assert!(m > 0, "the grid side must be positive");
        assert!(at.is_sorted(), "snapshots must be in increasing order");
        let n = m * m;
        let mut r = vec![1.0; n];
        let mut p = r.clone();
        let mut q = vec![0.0; n];
        poisson(m, &p, &mut q);
        let mut rr = dot_with(Accuracy::Fast, &r, &r);
        let mut out = Vec::with_capacity(at.len());
        let mut iteration = 0;
        for &stop in at {
            while iteration < stop {
                let alpha = rr / dot_with(Accuracy::Fast, &p, &q);
                for (ri, qi) in r.iter_mut().zip(&q) {
                    *ri -= alpha * qi;
                }
                let next = dot_with(Accuracy::Fast, &r, &r);
                let beta = next / rr;
                for (pi, ri) in p.iter_mut().zip(&r) {
                    *pi = ri + beta * *pi;
                }
                rr = next;
                poisson(m, &p, &mut q);
                iteration += 1;
            }
            out.push(CgVectors {
                m,
                iteration,
                p: p.clone(),
                q: q.clone(),
                r: r.clone(),
            });
        }
        out
    }

    /// The fraction of the products `p_i · q_i` with a zero factor (some iterations leave
    /// `A p` exactly 0 far from the boundary, others rounding noise there).
    ///
    /// ```
    /// // Before the first iteration p = b = 1 and A p = 0 away from the boundary.
    /// let v = pdot_benches::cg::CgVectors::poisson(40, 0);
    /// assert_eq!(v.zero_products(), (38.0 * 38.0) / (40.0 * 40.0));
    /// ```
    pub fn zero_products(&self) -> f64 {
        let zeros = self
            .p
            .iter()
            .zip(&self.q)
            .filter(|(a, b)| **a == 0.0 || **b == 0.0)
            .count();
        zeros as f64 / self.len() as f64
    }

    /// The number of elements of each vector (m²).
    pub fn len(&self) -> usize {
        self.r.len()
    }

    /// Whether the vectors are empty (never: `m > 0`).
    pub fn is_empty(&self) -> bool {
        self.r.is_empty()
    }

    /// The two dot products of one iteration, `p·Ap + r·r`, at `accuracy`, batched as the
    /// report's contenders (`run(reps)` calls both `reps` times).
    ///
    /// ```
    /// use pdot_kernels::Accuracy;
    /// let v = pdot_benches::cg::CgVectors::poisson(8, 2);
    /// let fast = v.batch(Accuracy::Fast)(1);
    /// let exact = v.batch(Accuracy::Exact)(1);
    /// assert!((fast - exact).abs() <= 1e-12 * exact.abs());
    /// ```
    pub fn batch(&self, accuracy: Accuracy) -> Batch<'_> {
        Box::new(move |reps| {
            let mut acc = 0.0;
            for _ in 0..reps {
                let pq = dot_with(
                    accuracy,
                    black_box(self.p.as_slice()),
                    black_box(self.q.as_slice()),
                );
                let rr = dot_with(
                    accuracy,
                    black_box(self.r.as_slice()),
                    black_box(self.r.as_slice()),
                );
                acc += pq + rr;
            }
            black_box(acc)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdot_testkit::exact_dot;

    /// q is A p (at an inner point and a corner), and the Exact batch computes the correctly
    /// rounded p·q and r·r (the testkit reference).
    #[test]
    fn exact_batch_is_the_reference() {
        let v = CgVectors::poisson(30, 7);
        let (m, k) = (v.m, 5 * v.m + 5);
        let expect = 4.0 * v.p[k] - v.p[k - 1] - v.p[k + 1] - v.p[k - m] - v.p[k + m];
        assert_eq!(v.q[k], expect);
        assert_eq!(v.q[0], 4.0 * v.p[0] - v.p[1] - v.p[m]);
        let pq = exact_dot(&v.p, &v.q).expect("finite").to_f64();
        let rr = exact_dot(&v.r, &v.r).expect("finite").to_f64();
        assert_eq!(v.batch(Accuracy::Exact)(1), pq + rr);
        assert_eq!(v.batch(Accuracy::Exact)(2), (pq + rr) + (pq + rr));
    }
}
