//! The distributed matrix-vector product: a ghost-row exchange, then the stencil.

use mpi::traits::Communicator;

use crate::grid::Grid;
use crate::halo::Ghosts;
use crate::stencil::{Point, Stencil};

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
        self.ghosts.exchange(comm, &self.grid, u);
        let m = self.grid.m;
        for r in 0..self.grid.rows {
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

/// One grid row of `A u`: `u` the row, `up` and `down` the rows around it.
#[inline(always)]
fn row<'a>(point: impl Fn(usize) -> &'a Point, u: &[f64], up: &[f64], down: &[f64], out: &mut [f64]) {
    let m = u.len();
    let (up, down, out) = (&up[..m], &down[..m], &mut out[..m]);
    for j in 0..m {
        let west = if j == 0 { 0.0 } else { u[j - 1] };
        let east = if j + 1 == m { 0.0 } else { u[j + 1] };
        out[j] = point(j).apply(u[j], west, east, up[j], down[j]);
    }
}
