//! What travels with the values of every distributed entry: the lowest rank that found a
//! problem in its own arguments (and the status of that problem), and the smallest and
//! largest count of results the ranks asked for. Combined exactly (minimum rank, minimum
//! and maximum count), so every rank ends with the same verdict, hence the same status.

use pdot_mpi::Reducible;

use crate::status::{Failure, PDOT_ERR_DISAGREE, pdot_status, pdot_status_name};

/// One rank's (or a set of ranks') statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// The lowest rank with a problem (`u32::MAX`: none).
    rank: u32,
    /// That rank's status.
    status: u32,
    /// The smallest and largest count of results asked for.
    count: (u64, u64),
}

const NONE: u32 = u32::MAX;

impl Verdict {
    /// Rank `rank`'s statement: its problem, if any, and the count it asked for.
    pub(crate) fn new(rank: usize, problem: Option<&Failure>, count: u64) -> Self {
        let (rank, status) = match problem {
            Some(f) => (u32::try_from(rank).unwrap_or(NONE - 1), f.status as u32),
            None => (NONE, 0),
        };
        Verdict {
            rank,
            status,
            count: (count, count),
        }
    }

    /// The status all ranks return: the problem of the lowest rank that has one, else a
    /// disagreement on the count, else success.
    pub(crate) fn settle(&self) -> Result<(), Failure> {
        if self.rank != NONE {
            let status = status_of(self.status);
            // SAFETY: `pdot_status_name` returns a static NUL-terminated string.
            let name = unsafe { std::ffi::CStr::from_ptr(pdot_status_name(status as i32)) };
            return Err(Failure::new(
                status,
                format!(
                    "rank {} passed invalid arguments ({}): {}",
                    self.rank,
                    name.to_string_lossy(),
                    describe(status)
                ),
            ));
        }
        let (low, high) = self.count;
        if low != high {
            return Err(Failure::new(
                PDOT_ERR_DISAGREE,
                format!(
                    "ranks disagree on the number of results: {low} on one rank, {high} on another"
                ),
            ));
        }
        Ok(())
    }
}

/// The status whose code is `code` (one a rank sent: always a valid one).
fn status_of(code: u32) -> pdot_status {
    use pdot_status::*;
    [
        PDOT_ERR_NULL_POINTER,
        PDOT_ERR_LENGTH,
        PDOT_ERR_ACCURACY,
        PDOT_ERR_DISAGREE,
        PDOT_ERR_CORRUPT,
        PDOT_ERR_COMM,
        PDOT_ERR_MPI_STATE,
        PDOT_ERR_REQUEST,
    ]
    .into_iter()
    .find(|&s| s as u32 == code)
    .unwrap_or(PDOT_ERR_INTERNAL)
}

/// What a status means, for the message every rank shows.
fn describe(status: pdot_status) -> &'static str {
    use pdot_status::*;
    match status {
        PDOT_ERR_NULL_POINTER => "a null pointer where elements must be read or written",
        PDOT_ERR_LENGTH => "a negative length or count, or a span beyond the address space",
        PDOT_ERR_ACCURACY => "an unknown accuracy code",
        _ => "see its status",
    }
}

impl Reducible for Verdict {
    const WIRE_LEN: usize = 24;
    fn write_wire(&self, out: &mut [u8]) {
        out[..4].copy_from_slice(&self.rank.to_le_bytes());
        out[4..8].copy_from_slice(&self.status.to_le_bytes());
        out[8..16].copy_from_slice(&self.count.0.to_le_bytes());
        out[16..24].copy_from_slice(&self.count.1.to_le_bytes());
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        let word = |at: usize, len: usize| bytes.get(at..at + len);
        Some(Verdict {
            rank: u32::from_le_bytes(word(0, 4)?.try_into().ok()?),
            status: u32::from_le_bytes(word(4, 4)?.try_into().ok()?),
            count: (
                u64::from_le_bytes(word(8, 8)?.try_into().ok()?),
                u64::from_le_bytes(word(16, 8)?.try_into().ok()?),
            ),
        })
    }
    fn combine(&mut self, right: &Self) {
        if right.rank < self.rank {
            self.rank = right.rank;
            self.status = right.status;
        }
        self.count = (
            self.count.0.min(right.count.0),
            self.count.1.max(right.count.1),
        );
    }
    fn kind_name() -> String {
        "pdot C API arguments".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{PDOT_ERR_ACCURACY, PDOT_ERR_NULL_POINTER};

    fn of(rank: usize, status: Option<pdot_status>, count: u64) -> Verdict {
        Verdict::new(rank, status.map(|s| Failure::new(s, "")).as_ref(), count)
    }

    #[test]
    fn the_lowest_rank_with_a_problem_wins_in_any_order() {
        let all = [
            of(0, None, 3),
            of(1, Some(PDOT_ERR_ACCURACY), 3),
            of(2, Some(PDOT_ERR_NULL_POINTER), 3),
            of(3, None, 3),
        ];
        // Every order of combination gives the same verdict.
        for perm in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]] {
            let mut v = all[perm[0]];
            for &i in &perm[1..] {
                v.combine(&all[i]);
            }
            let e = v.settle().unwrap_err();
            assert_eq!(e.status, PDOT_ERR_ACCURACY);
            assert!(e.message.starts_with("rank 1 "), "{}", e.message);
        }
    }

    #[test]
    fn counts_must_agree_and_the_wire_round_trips() {
        let mut v = of(0, None, 2);
        assert_eq!(v.settle(), Ok(()));
        v.combine(&of(1, None, 3));
        assert_eq!(v.settle().unwrap_err().status, PDOT_ERR_DISAGREE);
        let mut bytes = [0u8; Verdict::WIRE_LEN];
        for v in [v, of(7, Some(PDOT_ERR_NULL_POINTER), u64::MAX)] {
            v.write_wire(&mut bytes);
            assert_eq!(Verdict::read_wire(&bytes), Some(v));
        }
    }
}
