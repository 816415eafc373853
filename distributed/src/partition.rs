//! Which rank owns which element: pure index arithmetic, no MPI.

use crate::counts::Counts;
use crate::error::Error;
use crate::layout::Layout;

/// The share of one rank in a vector of `n` elements distributed over `ranks` ranks.
///
/// Every function is pure index arithmetic: it works without MPI, and two ranks that build
/// the same `(n, ranks, layout)` agree on where every element lives. The local elements are
/// numbered in increasing global order.
///
/// ```
/// use pdot_mpi::{Layout, Partition};
///
/// // 10 elements, 3 ranks, blocks of 2 dealt round robin: rank 1 owns 2, 3, 8, 9.
/// let p = Partition::new(10, 3, 1, Layout::BlockCyclic(2))?;
/// assert_eq!(p.local_len(), 4);
/// assert_eq!((0..4).map(|i| p.global_index(i).unwrap()).collect::<Vec<_>>(), [2, 3, 8, 9]);
/// assert_eq!(p.locate(8), Some((1, 2)));
/// assert_eq!(p.runs().collect::<Vec<_>>(), [(2, 2), (8, 2)]);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
///
/// A partition may also come from per-rank counts ([`Partition::from_counts`]): an irregular
/// block layout.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Partition {
    n: usize,
    ranks: usize,
    rank: usize,
    layout: Layout,
    /// The per-rank counts of an irregular block layout (`layout` is then `Block`).
    counts: Option<Counts>,
}

impl Partition {
    /// The share of `rank` (counted from 0) among `ranks` ranks.
    ///
    /// # Errors
    /// [`Error::InvalidLayout`] for `BlockCyclic(0)`, [`Error::InvalidRank`] when
    /// `rank >= ranks` or `ranks == 0`.
    ///
    /// ```
    /// use pdot_mpi::{Error, Layout, Partition};
    ///
    /// assert!(Partition::new(5, 2, 1, Layout::Block).is_ok());
    /// assert!(matches!(Partition::new(5, 2, 2, Layout::Block), Err(Error::InvalidRank { .. })));
    /// ```
    pub fn new(n: usize, ranks: usize, rank: usize, layout: Layout) -> Result<Self, Error> {
        if !layout.is_valid() {
            return Err(Error::InvalidLayout { layout });
        }
        if rank >= ranks {
            return Err(Error::InvalidRank { rank, ranks });
        }
        Ok(Partition {
            n,
            ranks,
            rank,
            layout,
            counts: None,
        })
    }

    /// The share of `rank` when rank `r` holds `counts.count(r)` consecutive elements, in
    /// rank order (an irregular block layout; [`Partition::layout`] is then
    /// [`Layout::Block`] and [`Partition::counts`] gives the counts).
    ///
    /// # Errors
    /// [`Error::InvalidRank`] when `rank >= counts.ranks()`.
    ///
    /// ```
    /// use pdot_mpi::{Counts, Partition};
    ///
    /// let counts = Counts::new([3, 0, 2])?;
    /// let p = Partition::from_counts(counts.clone(), 2)?;
    /// assert_eq!((p.len(), p.ranks(), p.local_len()), (5, 3, 2));
    /// assert_eq!(p.runs().collect::<Vec<_>>(), [(3, 2)]);
    /// assert_eq!(p.locate(2), Some((0, 2)));
    /// assert_eq!(p.counts(), Some(&counts));
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn from_counts(counts: Counts, rank: usize) -> Result<Self, Error> {
        let ranks = counts.ranks();
        if rank >= ranks {
            return Err(Error::InvalidRank { rank, ranks });
        }
        Ok(Partition {
            n: counts.len(),
            ranks,
            rank,
            layout: Layout::Block,
            counts: Some(counts),
        })
    }

    /// The per-rank counts of a partition made by [`Partition::from_counts`], else `None`.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert_eq!(Partition::new(7, 2, 0, Layout::Block)?.counts(), None);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn counts(&self) -> Option<&Counts> {
        self.counts.as_ref()
    }

    /// The global length `n`.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert_eq!(Partition::new(7, 2, 0, Layout::Cyclic)?.len(), 7);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the global vector is empty.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert!(Partition::new(0, 2, 0, Layout::Cyclic)?.is_empty());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The number of ranks `P`.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert_eq!(Partition::new(7, 2, 0, Layout::Cyclic)?.ranks(), 2);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn ranks(&self) -> usize {
        self.ranks
    }

    /// The rank this share belongs to.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert_eq!(Partition::new(7, 2, 1, Layout::Cyclic)?.rank(), 1);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The layout ([`Layout::Block`] for a partition from counts).
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// assert_eq!(Partition::new(7, 2, 1, Layout::Cyclic)?.layout(), Layout::Cyclic);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The same vector and layout, seen from another rank.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// let p = Partition::new(7, 2, 0, Layout::Block)?;
    /// assert_eq!(p.of_rank(1).unwrap().local_len(), 3);
    /// assert!(p.of_rank(2).is_none());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn of_rank(&self, rank: usize) -> Option<Partition> {
        (rank < self.ranks).then(|| Partition {
            rank,
            ..self.clone()
        })
    }

    /// How many elements this rank owns.
    ///
    /// Balanced for a [`Layout`]: over the ranks, local lengths differ by at most one element
    /// (block, cyclic) or one block (block-cyclic). From counts: this rank's count.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// let lens: Vec<usize> = (0..3)
    ///     .map(|r| Partition::new(10, 3, r, Layout::Block).unwrap().local_len())
    ///     .collect();
    /// assert_eq!(lens, [4, 3, 3]);
    /// ```
    pub fn local_len(&self) -> usize {
        let (n, p, r) = (self.n, self.ranks, self.rank);
        if let Some(counts) = &self.counts {
            return counts.count(r);
        }
        match self.layout {
            Layout::Block | Layout::Cyclic => n / p + usize::from(r < n % p),
            Layout::BlockCyclic(b) => {
                let (full, rem) = (n / b, n % b);
                let owned_full = full / p + usize::from(r < full % p);
                let partial = if rem > 0 && full % p == r { rem } else { 0 };
                owned_full * b + partial
            }
        }
    }

    /// The global index of local element `local`, or `None` if `local >= local_len()`.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// let p = Partition::new(10, 3, 2, Layout::Cyclic)?;
    /// assert_eq!(p.global_index(1), Some(5));
    /// assert_eq!(p.global_index(3), None);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn global_index(&self, local: usize) -> Option<usize> {
        if local >= self.local_len() {
            return None;
        }
        let (n, p, r) = (self.n, self.ranks, self.rank);
        Some(match self.layout {
            Layout::Block => self.block_start(n, p, r) + local,
            Layout::Cyclic => local * p + r,
            Layout::BlockCyclic(b) => ((local / b) * p + r) * b + local % b,
        })
    }

    /// Where global element `global` lives: `(rank, local index)`, or `None` if
    /// `global >= n`.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// let p = Partition::new(10, 3, 0, Layout::Block)?;
    /// assert_eq!(p.locate(4), Some((1, 0)));
    /// assert_eq!(p.locate(10), None);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn locate(&self, global: usize) -> Option<(usize, usize)> {
        if global >= self.n {
            return None;
        }
        let (n, p) = (self.n, self.ranks);
        if let Some(counts) = &self.counts {
            let owner = counts.owner(global)?;
            return Some((owner, global - counts.start(owner)));
        }
        Some(match self.layout {
            Layout::Block => {
                let (q, r) = (n / p, n % p);
                let big = r * (q + 1);
                if global < big {
                    (global / (q + 1), global % (q + 1))
                } else {
                    // q > 0 here: global < n = big + (p - r) * q.
                    let rest = global - big;
                    (r + rest / q, rest % q)
                }
            }
            Layout::Cyclic => (global % p, global / p),
            Layout::BlockCyclic(b) => {
                let block = global / b;
                (block % p, (block / p) * b + global % b)
            }
        })
    }

    /// The local part as maximal runs of consecutive global indices, `(global start, length)`,
    /// in local order.
    ///
    /// ```
    /// # use pdot_mpi::{Layout, Partition};
    /// let p = Partition::new(7, 2, 1, Layout::BlockCyclic(3))?;
    /// assert_eq!(p.runs().collect::<Vec<_>>(), [(3, 3)]);
    /// let q = Partition::new(5, 2, 0, Layout::Cyclic)?;
    /// assert_eq!(q.runs().collect::<Vec<_>>(), [(0, 1), (2, 1), (4, 1)]);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn runs(&self) -> impl Iterator<Item = (usize, usize)> + use<> {
        let (n, p, r) = (self.n, self.ranks, self.rank);
        let (first, block, stride) = match self.layout {
            // One rank owns everything, in one run, whatever the layout.
            _ if p == 1 => (0, n, usize::MAX),
            // A rank without elements (possible with counts) has no run, even where its
            // start is below `n`.
            _ if self.local_len() == 0 => (n, 0, usize::MAX),
            Layout::Block => (self.block_start(n, p, r), self.local_len(), usize::MAX),
            Layout::Cyclic => (r, 1, p),
            // (r * b) may exceed n (then the rank owns nothing); computed saturating so
            // that it cannot overflow.
            Layout::BlockCyclic(b) => (r.saturating_mul(b), b, p.saturating_mul(b)),
        };
        let mut next = Some(first);
        std::iter::from_fn(move || {
            let start = next.filter(|&s| s < n)?;
            let len = block.min(n - start);
            if len == 0 {
                return None;
            }
            next = start.checked_add(stride);
            Some((start, len))
        })
    }
}

impl Partition {
    /// The first global index of rank `r` in a block layout (regular or from counts).
    fn block_start(&self, n: usize, p: usize, r: usize) -> usize {
        match &self.counts {
            Some(counts) => counts.start(r),
            None => r * (n / p) + r.min(n % p),
        }
    }
}
