//! Split-phase dot products: the handles of [`crate::LocalDots::begin`] and
//! [`crate::dot_local_begin`], which finish into the dot products themselves.

use mpi::topology::Communicator;
use pdot_kernels::{CompensatedPartial, ExactPartial, FastPartial, Partial, Real};

use crate::agreement::Agreement;
use crate::error::Error;
use crate::pending::Pending;

/// Dot products in flight, started by [`crate::LocalDots::begin`]: a [`Pending`]
/// reduction of their partials at the accuracy chosen at run time. [`PendingDots::finish`]
/// gives what [`crate::LocalDots::allreduce`] gives for the same dot products, bit for bit,
/// and the same errors; see [`Pending`] for the order of calls, progress and dropping.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::LocalDots;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (r, ar) = (vec![1.0f64; 1000], vec![0.5f64; 1000]);
/// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
/// dots.push(&r, &r);
/// dots.push(&r, &ar);
/// let mut pending = dots.begin(&world);
/// // ... the preconditioner, calling pending.test() now and then ...
/// pending.test();
/// let [rr, rar] = pending.finish_array()?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[must_use = "pending dot products do their work in test and finish; dropping them waits for this rank's part"]
pub struct PendingDots<O: Real> {
    level: Level<O>,
}

/// The reduction of the partials of one accuracy level.
enum Level<O: Real> {
    Fast(Pending<FastPartial<O>>),
    Compensated(Pending<CompensatedPartial<O>>),
    Exact(Pending<ExactPartial<O>>),
}

impl<O: Real> PendingDots<O> {
    /// Starts the reduction of Fast partials.
    pub(crate) fn fast<C: Communicator + ?Sized>(
        comm: &C,
        agreement: Agreement,
        partials: Vec<FastPartial<O>>,
    ) -> Self {
        let level = Level::Fast(Pending::start(comm, agreement, partials));
        PendingDots { level }
    }

    /// Starts the reduction of Compensated partials.
    pub(crate) fn compensated<C: Communicator + ?Sized>(
        comm: &C,
        agreement: Agreement,
        partials: Vec<CompensatedPartial<O>>,
    ) -> Self {
        let level = Level::Compensated(Pending::start(comm, agreement, partials));
        PendingDots { level }
    }

    /// Starts the reduction of Exact partials.
    pub(crate) fn exact<C: Communicator + ?Sized>(
        comm: &C,
        agreement: Agreement,
        partials: Vec<ExactPartial<O>>,
    ) -> Self {
        let level = Level::Exact(Pending::start(comm, agreement, partials));
        PendingDots { level }
    }

    /// [`Pending::test`]: advances every outstanding reduction without waiting; whether
    /// these dot products are done.
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
    /// dots.push(&[1.0f64; 8], &[2.0; 8]);
    /// let mut pending = dots.begin(&world);
    /// while !pending.test() {}
    /// let d = pending.finish()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn test(&mut self) -> bool {
        match &mut self.level {
            Level::Fast(p) => p.test(),
            Level::Compensated(p) => p.test(),
            Level::Exact(p) => p.test(),
        }
    }

    /// Waits for the end and returns the dot products, in push order: the same bits on
    /// every rank, those of [`crate::LocalDots::allreduce`].
    ///
    /// # Errors
    /// As [`crate::LocalDots::allreduce`], the same on every rank.
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let x = vec![1.0f32; 10];
    /// let mut dots = LocalDots::<f32>::new(Accuracy::Compensated);
    /// dots.push(&x, &x);
    /// let gram: Vec<f32> = dots.begin(&world).finish()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn finish(self) -> Result<Vec<O>, Error> {
        Ok(match self.level {
            Level::Fast(p) => finished(p.finish()?),
            Level::Compensated(p) => finished(p.finish()?),
            Level::Exact(p) => finished(p.finish()?),
        })
    }

    /// [`PendingDots::finish`] for a number of dot products known at compile time.
    ///
    /// # Errors
    /// As [`PendingDots::finish`], and [`Error::CountMismatch`] when `N` is not the number
    /// of dot products pushed (on every rank: the ranks agreed on that number).
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// # use pdot_mpi::LocalDots;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let (r, z) = (vec![1.0f64; 10], vec![2.0f64; 10]);
    /// let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    /// dots.push(&r, &z);
    /// let [rz] = dots.begin(&world).finish_array()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn finish_array<const N: usize>(self) -> Result<[O; N], Error> {
        let values = self.finish()?;
        let count = values.len();
        values.try_into().map_err(|_| Error::CountMismatch {
            expected: N,
            found: count,
        })
    }
}

fn finished<P: Partial>(partials: Vec<P>) -> Vec<P::Output> {
    partials.iter().map(Partial::finish).collect()
}

/// One dot product in flight, started by [`crate::dot_local_begin`]: finishes into what
/// [`crate::dot_local_as`] gives for the same pieces, bit for bit, and the same errors. See
/// [`Pending`] for the order of calls, progress and dropping.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (r, z) = (vec![1.0f64; 100], vec![0.5f64; 100]);
/// let mut rz = pdot_mpi::dot_local_begin::<f64, f64>(&world, Accuracy::Exact, &r, &z);
/// rz.test();
/// let rz: f64 = rz.finish()?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[must_use = "a pending dot product does its work in test and finish; dropping it waits for this rank's part"]
pub struct PendingDot<O: Real>(pub(crate) PendingDots<O>);

impl<O: Real> PendingDot<O> {
    /// [`Pending::test`]: advances every outstanding reduction without waiting; whether
    /// this dot product is done.
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let mut d = pdot_mpi::dot_local_begin::<f64, f64>(&world, Accuracy::Fast, &[1.0], &[2.0]);
    /// while !d.test() {}
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn test(&mut self) -> bool {
        self.0.test()
    }

    /// Waits for the end and returns the dot product, the same bits on every rank.
    ///
    /// # Errors
    /// As [`crate::dot_local_as`], the same on every rank.
    ///
    /// ```no_run
    /// # use pdot_kernels::Accuracy;
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let d = pdot_mpi::dot_local_begin::<f64, f32>(&world, Accuracy::Exact, &[1.0], &[2.0]);
    /// let d: f64 = d.finish()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn finish(self) -> Result<O, Error> {
        let [d] = self.0.finish_array()?;
        Ok(d)
    }
}
