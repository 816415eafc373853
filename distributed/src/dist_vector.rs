//! A vector of which each rank holds only its own share.

use mpi::topology::Communicator;

use crate::agreement::{Agreement, Problem};
use crate::counts::Counts;
use crate::error::{Error, Quantity};
use crate::layout::{Layout, layout_code};
use crate::partition::Partition;
use crate::reduce;
use crate::reducible::Nothing;

/// A vector of global length `n` distributed over the ranks of a communicator: each rank
/// holds only the elements its [`Partition`] gives it, in increasing global order. Memory per
/// rank is O(n / P); the global vector is never allocated.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let n = 1_000_000;
/// let x = DistVector::from_fn(&world, n, Layout::Cyclic, |i| i as f64)?;
/// let y = DistVector::from_fn(&world, n, Layout::Cyclic, |i| 1.0 / (i as f64 + 1.0))?;
/// let d = pdot_mpi::dot(&world, Accuracy::Exact, &x, &y)?; // the same bits on every rank
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DistVector<T> {
    partition: Partition,
    local: Vec<T>,
}

impl<T> DistVector<T> {
    /// Builds this rank's share of the vector whose element `i` is `f(i)`: `f` is called for
    /// the global indices this rank owns, in increasing order.
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// The same on every rank: [`Error::Disagree`] if ranks pass different `n` or `layout`,
    /// [`Error::InvalidLayout`] for `BlockCyclic(0)`.
    ///
    /// ```no_run
    /// use pdot_mpi::{DistVector, Layout};
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Block, |i| i as f32)?;
    /// assert_eq!(x.len(), 10);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn from_fn<C: Communicator>(
        comm: &C,
        n: usize,
        layout: Layout,
        f: impl FnMut(usize) -> T,
    ) -> Result<Self, Error> {
        let partition = agree_on_partition(comm, n, layout, |_| None)?;
        Ok(DistVector::generate(partition, f))
    }

    /// Wraps this rank's share, computed elsewhere (read from a file, the output of a solver
    /// step). `local` must hold exactly the elements the rank owns under `layout`, in
    /// increasing global order.
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// The same on every rank: [`Error::LocalLength`] naming the lowest rank whose `local`
    /// has the wrong length, [`Error::Disagree`] if ranks pass different `n` or `layout`,
    /// [`Error::InvalidLayout`] for `BlockCyclic(0)`.
    ///
    /// ```no_run
    /// use pdot_mpi::{DistVector, Layout, Partition};
    /// use mpi::traits::Communicator;
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    /// let share = Partition::new(100, ranks, rank, Layout::Block)?;
    /// let local: Vec<f64> = vec![1.0; share.local_len()];
    /// let x = DistVector::from_local(&world, 100, Layout::Block, local)?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn from_local<C: Communicator>(
        comm: &C,
        n: usize,
        layout: Layout,
        local: Vec<T>,
    ) -> Result<Self, Error> {
        let partition = agree_on_partition(comm, n, layout, holds(local.len()))?;
        Ok(DistVector { partition, local })
    }

    /// Builds this rank's share of the vector whose element `i` is `f(i)`, distributed by
    /// per-rank counts: rank `r` holds the `counts.count(r)` elements from
    /// `counts.start(r)` on. `f` is called for the global indices this rank owns, in order.
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// The same on every rank: [`Error::Disagree`] if ranks pass different counts (their
    /// sums first, then [`Quantity::Counts`]), [`Error::CountsRanks`] if the counts are not
    /// for `comm.size()` ranks.
    ///
    /// ```no_run
    /// use pdot_mpi::{Counts, DistVector};
    /// use mpi::traits::Communicator;
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// // An m × m grid dealt by whole grid rows: the first m % P ranks get one row more.
    /// let (m, p) = (1000, world.size() as usize);
    /// let counts = Counts::new((0..p).map(|r| (m / p + usize::from(r < m % p)) * m))?;
    /// let x = DistVector::from_counts_fn(&world, &counts, |i| i as f64)?;
    /// assert_eq!(x.len(), m * m);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn from_counts_fn<C: Communicator>(
        comm: &C,
        counts: &Counts,
        f: impl FnMut(usize) -> T,
    ) -> Result<Self, Error> {
        let partition = agree_on_counts(comm, counts, |_| None)?;
        Ok(DistVector::generate(partition, f))
    }

    /// Wraps this rank's share of a vector distributed by per-rank counts: `local` must hold
    /// the `counts.count(rank)` elements from `counts.start(rank)` on, in order.
    ///
    /// Collective: every rank of `comm` must call it.
    ///
    /// # Errors
    /// The same on every rank: [`Error::LocalLength`] naming the lowest rank whose `local`
    /// is not its count long, and the errors of [`DistVector::from_counts_fn`].
    ///
    /// ```no_run
    /// use pdot_kernels::Accuracy;
    /// use pdot_mpi::{Counts, DistVector};
    /// use mpi::traits::Communicator;
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// // Rank r holds r + 1 elements.
    /// let counts = Counts::new((0..world.size() as usize).map(|r| r + 1))?;
    /// let local = vec![1.0f64; world.rank() as usize + 1];
    /// let x = DistVector::from_local_counts(&world, &counts, local)?;
    /// let n = pdot_mpi::dot(&world, Accuracy::Exact, &x, &x)?;
    /// assert_eq!(n as usize, counts.len());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn from_local_counts<C: Communicator>(
        comm: &C,
        counts: &Counts,
        local: Vec<T>,
    ) -> Result<Self, Error> {
        let partition = agree_on_counts(comm, counts, holds(local.len()))?;
        Ok(DistVector { partition, local })
    }

    /// This rank's share of the indices.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Cyclic, |i| i as f64)?;
    /// assert_eq!(x.partition().local_len(), x.local().len());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// This rank's elements, in increasing global order.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Cyclic, |i| i as f64)?;
    /// let p = x.partition();
    /// for (i, v) in x.local().iter().enumerate() {
    ///     assert_eq!(*v, p.global_index(i).unwrap() as f64);
    /// }
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn local(&self) -> &[T] {
        &self.local
    }

    /// This rank's elements, to change in place (the share itself cannot change).
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let mut x = DistVector::from_fn(&world, 10, Layout::Block, |i| i as f64)?;
    /// x.local_mut().iter_mut().for_each(|v| *v *= 2.0);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn local_mut(&mut self) -> &mut [T] {
        &mut self.local
    }

    /// This rank's elements, taken out.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Block, |i| i as f64)?;
    /// let local: Vec<f64> = x.into_local();
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn into_local(self) -> Vec<T> {
        self.local
    }

    /// The global length `n`.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Block, |i| i as f64)?;
    /// assert_eq!(x.len(), 10);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.partition.len()
    }

    /// Whether the global vector is empty.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 0, Layout::Block, |i| i as f64)?;
    /// assert!(x.is_empty());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.partition.is_empty()
    }

    /// The layout.
    ///
    /// ```no_run
    /// # use pdot_mpi::{DistVector, Layout};
    /// # let universe = mpi::initialize().unwrap();
    /// # let world = universe.world();
    /// let x = DistVector::from_fn(&world, 10, Layout::Cyclic, |i| i as f64)?;
    /// assert_eq!(x.layout(), Layout::Cyclic);
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn layout(&self) -> Layout {
        self.partition.layout()
    }
}

/// The collective check of a vector's distribution: every rank states `n` and `layout` and
/// the problem `check` finds with its share; the same verdict comes back everywhere.
/// The check of a rank's own share: it must hold `found` elements.
fn holds(found: usize) -> impl FnOnce(&Partition) -> Option<Problem> {
    move |p| {
        (p.local_len() != found).then_some(Problem::LocalLength {
            expected: p.local_len() as u64,
            found: found as u64,
        })
    }
}

impl<T> DistVector<T> {
    /// The share of `partition` whose element of global index `i` is `f(i)`.
    fn generate(partition: Partition, f: impl FnMut(usize) -> T) -> Self {
        let local = partition
            .runs()
            .flat_map(|(s, l)| s..s + l)
            .map(f)
            .collect();
        DistVector { partition, local }
    }
}

fn agree_on_partition<C: Communicator>(
    comm: &C,
    n: usize,
    layout: Layout,
    check: impl FnOnce(&Partition) -> Option<Problem>,
) -> Result<Partition, Error> {
    let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
    let partition = Partition::new(n, ranks, rank, layout);
    let problem = match &partition {
        Ok(p) => check(p),
        Err(_) => Some(Problem::InvalidLayout {
            code: layout_code(layout),
        }),
    };
    let facts = [
        (Quantity::GlobalLength, n as u64),
        (Quantity::Layout, layout_code(layout)),
    ];
    let mut nothing: [Nothing; 0] = [];
    reduce::run(comm, Agreement::new(rank, &facts, problem), &mut nothing)?;
    partition
}

/// The collective check of a distribution by counts: every rank states the global length
/// and a digest of the counts, and the problem `check` finds with its share.
fn agree_on_counts<C: Communicator>(
    comm: &C,
    counts: &Counts,
    check: impl FnOnce(&Partition) -> Option<Problem>,
) -> Result<Partition, Error> {
    let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
    let partition = Partition::from_counts(counts.clone(), rank)
        .ok()
        .filter(|_| counts.ranks() == ranks);
    let problem = match &partition {
        Some(p) => check(p),
        None => Some(Problem::CountsRanks {
            counts: counts.ranks() as u64,
            ranks: ranks as u64,
        }),
    };
    let facts = [
        (Quantity::GlobalLength, counts.len() as u64),
        (Quantity::Counts, counts.digest()),
    ];
    let mut nothing: [Nothing; 0] = [];
    reduce::run(comm, Agreement::new(rank, &facts, problem), &mut nothing)?;
    // Every rank's counts are for `ranks` ranks when the verdict is `Ok`.
    partition.ok_or(Error::CountsRanks {
        counts: counts.ranks(),
        ranks,
    })
}
