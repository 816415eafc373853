//! An irregular block distribution: per-rank element counts given by the caller.

use std::fmt;
use std::sync::Arc;

use mpi::topology::Communicator;
use mpi::traits::CommunicatorCollectives;

use crate::agreement::mix;
use crate::error::Error;
use crate::private;

/// How many elements each rank holds, in rank order, of a vector split into one contiguous
/// range per rank (PETSc's local sizes): rank `r` holds the global indices
/// `start(r) .. start(r) + count(r)`. Any counts, including 0.
///
/// Where [`Layout::Block`](crate::Layout::Block) balances the ranks itself, `Counts` takes the
/// split of an application: the rows of an `m × m` grid dealt by whole grid rows, say. Build
/// a [`Partition`](crate::Partition) with [`Partition::from_counts`](crate::Partition::from_counts)
/// and a vector with [`DistVector::from_local_counts`](crate::DistVector::from_local_counts).
/// Cheap to clone (the counts are shared).
///
/// ```
/// use pdot_mpi::Counts;
///
/// let counts = Counts::new([3, 0, 2])?;
/// assert_eq!((counts.ranks(), counts.len()), (3, 5));
/// assert_eq!((counts.count(2), counts.start(2)), (2, 3));
/// assert_eq!(counts.owner(3), Some(2));
/// assert_eq!(counts.to_string(), "counts [3, 0, 2]");
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Counts {
    /// `starts[r]` is the first global index of rank `r`; `starts[ranks]` is `n`.
    starts: Arc<[usize]>,
}

impl Counts {
    /// The distribution with `counts[r]` elements on rank `r`.
    ///
    /// # Errors
    /// [`Error::CountsOverflow`] if the counts add up beyond `usize::MAX`.
    ///
    /// ```
    /// use pdot_mpi::{Counts, Error};
    ///
    /// assert_eq!(Counts::new(vec![4, 4, 2])?.len(), 10);
    /// assert_eq!(Counts::new([usize::MAX, 1]), Err(Error::CountsOverflow));
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn new(counts: impl IntoIterator<Item = usize>) -> Result<Counts, Error> {
        let mut starts = vec![0usize];
        let mut at = 0usize;
        for c in counts {
            at = at.checked_add(c).ok_or(Error::CountsOverflow)?;
            starts.push(at);
        }
        Ok(Counts {
            starts: starts.into(),
        })
    }

    /// The counts of every rank of `comm`, from each rank's own `local_len` (an all-gather
    /// on pdot's private communicator): for a caller who knows only its own share's length,
    /// as in PETSc. Every rank gets the same counts.
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// [`Error::CountsOverflow`] (on every rank) if the lengths add up beyond `usize::MAX`.
    ///
    /// ```no_run
    /// use pdot_mpi::{Counts, DistVector};
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let mine: Vec<f64> = vec![1.0; 17]; // this rank's rows, however many
    /// let counts = Counts::gather(&world, mine.len())?;
    /// let x = DistVector::from_local_counts(&world, &counts, mine)?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn gather<C: Communicator>(comm: &C, local_len: usize) -> Result<Counts, Error> {
        let private = private::communicator(comm);
        let mut all = vec![0u64; private.size() as usize];
        private.all_gather_into(&(local_len as u64), &mut all[..]);
        // Lengths of this platform's `usize` on every rank (the same binary).
        Counts::new(all.into_iter().map(|c| c as usize))
    }

    /// The number of ranks the counts are for.
    ///
    /// ```
    /// assert_eq!(pdot_mpi::Counts::new([1, 2])?.ranks(), 2);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn ranks(&self) -> usize {
        self.starts.len() - 1
    }

    /// The global length: the sum of the counts.
    ///
    /// ```
    /// assert_eq!(pdot_mpi::Counts::new([1, 2])?.len(), 3);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.starts[self.ranks()]
    }

    /// Whether the global vector is empty.
    ///
    /// ```
    /// assert!(pdot_mpi::Counts::new([0, 0])?.is_empty());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The count of rank `rank` (0 beyond the last rank).
    ///
    /// ```
    /// let c = pdot_mpi::Counts::new([1, 2])?;
    /// assert_eq!((c.count(1), c.count(5)), (2, 0));
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn count(&self, rank: usize) -> usize {
        match (self.starts.get(rank), self.starts.get(rank + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        }
    }

    /// The first global index of rank `rank` (`len()` beyond the last rank).
    ///
    /// ```
    /// let c = pdot_mpi::Counts::new([1, 2])?;
    /// assert_eq!((c.start(0), c.start(1), c.start(9)), (0, 1, 3));
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn start(&self, rank: usize) -> usize {
        self.starts.get(rank).copied().unwrap_or(self.len())
    }

    /// The rank that holds global index `global`, or `None` if `global >= len()`.
    ///
    /// ```
    /// let c = pdot_mpi::Counts::new([2, 0, 1])?;
    /// assert_eq!([0, 1, 2, 3].map(|g| c.owner(g)), [Some(0), Some(0), Some(2), None]);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn owner(&self, global: usize) -> Option<usize> {
        (global < self.len()).then(|| self.starts.partition_point(|&s| s <= global) - 1)
    }

    /// The counts, in rank order.
    ///
    /// ```
    /// let c = pdot_mpi::Counts::new([2, 0, 1])?;
    /// assert_eq!(c.iter().collect::<Vec<_>>(), [2, 0, 1]);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.starts.windows(2).map(|w| w[1] - w[0])
    }

    /// A 64-bit digest of the counts, never 0 (which states "no counts"): what ranks compare
    /// to check that they agree on them.
    pub(crate) fn digest(&self) -> u64 {
        let h = self
            .iter()
            .fold(mix(self.ranks() as u64 ^ 0x636f_756e), |h, c| {
                mix(h ^ mix(c as u64))
            });
        h.max(1)
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("counts [")?;
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{c}")?;
        }
        f.write_str("]")
    }
}
