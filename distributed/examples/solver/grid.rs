//! The m × m grid dealt to the ranks by whole grid rows, in blocks.

use pdot_mpi::Counts;

/// This rank's block of grid rows of an `m × m` grid, unknowns numbered row by row
/// (`index = row · m + column`). Rows are split as evenly as possible, the first `m mod P`
/// ranks taking one more (so the ranks without rows, when `P > m`, are the last ones).
#[derive(Clone, Debug)]
pub struct Grid {
    /// The side of the grid.
    pub m: usize,
    /// The first global grid row of this rank.
    pub first_row: usize,
    /// How many grid rows this rank holds (0 when `P > m` and this rank is past the last).
    pub rows: usize,
    /// The rank holding the grid row just above this rank's first (none at the top, or
    /// when this rank holds no rows).
    pub up: Option<i32>,
    /// The rank holding the grid row just below this rank's last.
    pub down: Option<i32>,
}

impl Grid {
    /// The block of `rank` among `ranks` for an `m × m` grid.
    pub fn new(m: usize, rank: usize, ranks: usize) -> Grid {
        let rows_of = |r: usize| m / ranks + usize::from(r < m % ranks);
        let counts = Counts::new((0..ranks).map(rows_of)).expect("at most m rows in all");
        let (first_row, rows) = (counts.start(rank), counts.count(rank));
        let owner = |row: usize| counts.owner(row).map(|r| r as i32);
        let (up, down) = if rows == 0 {
            (None, None)
        } else {
            (
                first_row.checked_sub(1).and_then(owner),
                owner(first_row + rows),
            )
        };
        Grid {
            m,
            first_row,
            rows,
            up,
            down,
        }
    }

    /// The number of unknowns on this rank.
    pub fn local_len(&self) -> usize {
        self.rows * self.m
    }

    /// The global grid row of local row `r`.
    pub fn global_row(&self, r: usize) -> usize {
        self.first_row + r
    }
}
