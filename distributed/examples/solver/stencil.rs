//! The 5-point stencils of the test problems, as coefficients per grid point.

use crate::args::{Options, Problem};
use crate::grid::Grid;

/// The coefficients of one grid point: `(A u)_p = centre·u_p − west·u_W − east·u_E −
/// up·u_N − down·u_S`, the neighbours outside the grid being 0 (Dirichlet).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The diagonal.
    pub centre: f64,
    /// The weight of the neighbour in the previous column.
    pub west: f64,
    /// The weight of the neighbour in the next column.
    pub east: f64,
    /// The weight of the neighbour in the previous grid row.
    pub up: f64,
    /// The weight of the neighbour in the next grid row.
    pub down: f64,
}

impl Point {
    /// The value of the stencil at a point of value `u` with neighbours `west`, `east`,
    /// `up`, `down`: one expression, in one order, whatever rank evaluates it.
    #[inline(always)]
    pub fn apply(&self, u: f64, west: f64, east: f64, up: f64, down: f64) -> f64 {
        self.centre * u - self.west * west - self.east * east - self.up * up - self.down * down
    }
}

/// The stencil of a problem on this rank's rows: one for every point, or one per point.
#[derive(Clone, Debug)]
pub enum Stencil {
    /// The same coefficients at every point.
    Constant(Point),
    /// The coefficients of each local point, row by row.
    Variable(Vec<Point>),
}

impl Stencil {
    /// The stencil of `problem` (scaled by h²) on `grid`'s rows.
    pub fn new(problem: Problem, options: &Options, grid: &Grid) -> Stencil {
        match problem {
            Problem::Poisson => Stencil::Constant(Point {
                centre: 4.0,
                west: 1.0,
                east: 1.0,
                up: 1.0,
                down: 1.0,
            }),
            // c·∂u/∂x by central differences, times h²: (c·h/2)(u_E − u_W), and the same
            // in the row direction; the cell Péclet number is c·h/2.
            Problem::Convdiff => {
                let g = options.peclet;
                Stencil::Constant(Point {
                    centre: 4.0,
                    west: 1.0 + g,
                    east: 1.0 - g,
                    up: 1.0 + g,
                    down: 1.0 - g,
                })
            }
            Problem::Jump => Stencil::Variable(jump(grid, options.contrast)),
        }
    }
}

/// −∇·(k∇u) by finite volumes: the weight of a face is the harmonic mean of the
/// coefficients of the two cells (the cell's own at the boundary), the diagonal the sum of
/// the four faces. `k` is `contrast` on the dark squares of a 4 × 4 checkerboard, 1 on the
/// light ones.
fn jump(grid: &Grid, contrast: f64) -> Vec<Point> {
    let m = grid.m;
    let k = |row: usize, col: usize| {
        let dark = (row * 4 / m + col * 4 / m) % 2 == 1;
        if dark { contrast } else { 1.0 }
    };
    let face = |a: f64, b: f64| 2.0 * a * b / (a + b);
    let mut points = Vec::with_capacity(grid.local_len());
    for r in 0..grid.rows {
        let row = grid.global_row(r);
        for col in 0..m {
            let here = k(row, col);
            let across = |neighbour: Option<(usize, usize)>| match neighbour {
                Some((i, j)) if i < m && j < m => face(here, k(i, j)),
                _ => here,
            };
            let west = across(col.checked_sub(1).map(|j| (row, j)));
            let east = across(Some((row, col + 1)));
            let up = across(row.checked_sub(1).map(|i| (i, col)));
            let down = across(Some((row + 1, col)));
            points.push(Point {
                centre: ((west + east) + up) + down,
                west,
                east,
                up,
                down,
            });
        }
    }
    points
}
