//! The distributed matrix-vector product: a ghost-row exchange, then the stencil.

use mpi::traits::Communicator;

use crate::grid::Grid;
use crate::halo::Ghosts;
use crate::stencil::{Point, Stencil};

/// How many rows [`Operator::apply_with`] computes between two calls of its hook.
pub const ROWS_PER_CALL: usize = 16;

/// `A`: the stencil on this rank's rows, with its ghost rows.
pub struct Operator {
    /// This rank's rows.
    pub grid: Grid,
    stencil: Stencil,
    ghosts: Ghosts,
}

impl Operator {
    /// The operator of `stencil` on `grid`.
    pub fn new(grid: Grid, stencil: Stencil) -> Operator {
        let ghosts = Ghosts::new(&grid);
        Operator {
            grid,
            stencil,
            ghosts,
        }
    }

    /// `out = A u` on this rank's rows (`u`, `out`: local pieces). Collective over the
    /// neighbours: exchanges ghost rows on `comm`.
    pub fn apply<C: Communicator>(&mut self, comm: &C, u: &[f64], out: &mut [f64]) {
        self.apply_with(comm, u, out, || {});
    }

    /// [`Operator::apply`], calling `now_and_then` after the ghost exchange and every
    /// [`ROWS_PER_CALL`] rows (to advance a reduction that overlaps the product).
    pub fn apply_with<C: Communicator>(
        &mut self,
        comm: &C,
        u: &[f64],
        out: &mut [f64],
        mut now_and_then: impl FnMut(),
    ) {
        self.ghosts.exchange(comm, &self.grid, u);
        now_and_then();
        let m = self.grid.m;
        for r in 0..self.grid.rows {
            if r % ROWS_PER_CALL == ROWS_PER_CALL - 1 {
                now_and_then();
            }
            let up = if r == 0 {
                &self.ghosts.up[..]
            } else {
                &u[(r - 1) * m..r * m]
            };
            let down = if r + 1 == self.grid.rows {
                &self.ghosts.down[..]
            } else {
                &u[(r + 1) * m..(r + 2) * m]
            };
            let rows = r * m..(r + 1) * m;
            match &self.stencil {
                Stencil::Constant(point) => {
                    row(|_| point, &u[rows.clone()], up, down, &mut out[rows]);
                }
                Stencil::Variable(points) => {
                    let points = &points[rows.clone()];
                    row(|j| &points[j], &u[rows.clone()], up, down, &mut out[rows]);
                }
            }
        }
    }
}

/// One grid row of `A u`: `u` the row, `up` and `down` the rows around it. The columns
/// outside the grid count as 0, as in [`Point::apply`] for every point.
#[inline(always)]
fn row<'a>(
    point: impl Fn(usize) -> &'a Point,
    u: &[f64],
    up: &[f64],
    down: &[f64],
    out: &mut [f64],
) {
    let m = u.len();
    let (up, down, out) = (&up[..m], &down[..m], &mut out[..m]);
    if m == 1 {
        out[0] = point(0).apply(u[0], 0.0, 0.0, up[0], down[0]);
        return;
    }
    out[0] = point(0).apply(u[0], 0.0, u[1], up[0], down[0]);
    let inner = out[1..m - 1]
        .iter_mut()
        .zip(u.windows(3))
        .zip(up[1..].iter().zip(&down[1..]));
    for (j, ((out, w), (&up, &down))) in inner.enumerate() {
        *out = point(j + 1).apply(w[1], w[0], w[2], up, down);
    }
    out[m - 1] = point(m - 1).apply(u[m - 1], u[m - 2], 0.0, up[m - 1], down[m - 1]);
}
