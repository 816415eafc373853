//! The exchange of ghost rows between neighbouring ranks, by point-to-point messages on
//! the caller's communicator.

use mpi::point_to_point::{Destination, Source};
use mpi::request;
use mpi::traits::Communicator;

use crate::grid::Grid;

/// Tag of a rank's first row, sent to the rank above (which keeps it as its lower ghost).
const TAG_TO_UP: i32 = 7001;
/// Tag of a rank's last row, sent to the rank below (its upper ghost).
const TAG_TO_DOWN: i32 = 7002;

/// The rows just outside this rank's block: the last row of the rank above and the first
/// row of the rank below (zeros at the Dirichlet boundary, where there is no such rank).
pub struct Ghosts {
    /// The grid row above this rank's first row.
    pub up: Vec<f64>,
    /// The grid row below this rank's last row.
    pub down: Vec<f64>,
}

impl Ghosts {
    /// Ghost rows of zeros for `grid`.
    pub fn new(grid: &Grid) -> Ghosts {
        Ghosts {
            up: vec![0.0; grid.m],
            down: vec![0.0; grid.m],
        }
    }

    /// Fills the ghost rows from the neighbours' pieces of the vector whose local piece is
    /// `local`: sends this rank's first and last rows, receives the neighbours' rows.
    /// Collective over the neighbours (every rank with rows must call it).
    pub fn exchange<C: Communicator>(&mut self, comm: &C, grid: &Grid, local: &[f64]) {
        if grid.rows == 0 {
            return;
        }
        let m = grid.m;
        let first = &local[..m];
        let last = &local[local.len() - m..];
        request::scope(|scope| {
            let to_up = grid.up.map(|r| {
                comm.process_at_rank(r)
                    .immediate_send_with_tag(scope, first, TAG_TO_UP)
            });
            let to_down = grid.down.map(|r| {
                comm.process_at_rank(r)
                    .immediate_send_with_tag(scope, last, TAG_TO_DOWN)
            });
            if let Some(r) = grid.up {
                comm.process_at_rank(r)
                    .receive_into_with_tag(&mut self.up[..], TAG_TO_DOWN);
            }
            if let Some(r) = grid.down {
                comm.process_at_rank(r)
                    .receive_into_with_tag(&mut self.down[..], TAG_TO_UP);
            }
            for sent in [to_up, to_down].into_iter().flatten() {
                sent.wait_without_status();
            }
        });
    }
}
