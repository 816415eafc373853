//! Split-phase reductions: [`allreduce_begin`] starts the deterministic all-reduce and
//! returns a [`Pending`] handle; the caller does other work, calling [`Pending::test`] now
//! and then, and [`Pending::finish`] gives the result, the same bits as the blocking
//! [`crate::allreduce_slice`].
//!
//! Why pdot's own schedule as a state machine and not `MPI_Iallreduce` with a user
//! operation: MPI assumes a reduction operation is associative and may bracket and order it
//! as it likes (per message size, per rank count), which only Exact partials tolerate; the
//! Fast and Compensated partials, the agreement's doubt flag and any [`Reducible`] of the
//! caller need the fixed expression of [`crate::schedule`] to give the blocking call's bits.
//! rsmpi's immediate collectives with user operations also tie the buffers to a scope (a
//! stack frame) where a handle must own them, and an MPI error there aborts instead of
//! becoming the same [`Error`] on every rank. The price: pdot advances its reductions only
//! inside its own calls (`test`, `finish`, `begin`, any blocking pdot reduction), whereas an
//! MPI library may also progress its own while the caller waits in other MPI calls.

use std::cell::RefCell;
use std::rc::Rc;

use mpi::topology::Communicator;

use crate::agreement::Agreement;
use crate::error::Error;
use crate::outstanding::{self, Advance, Entry};
use crate::private::{self, Duplicate};
use crate::progress::Reduction;
use crate::reducible::Reducible;

/// A split-phase reduction in flight: this rank's values, the messages it owns, and the
/// private communicator they travel on.
struct Split<R: Reducible> {
    private: Rc<Duplicate>,
    reduction: Reduction<R, Vec<R>>,
}

impl<R: Reducible> Advance for Split<R> {
    fn advance(&mut self) -> bool {
        self.reduction.advance(self.private.comm())
    }
}

/// A deterministic all-reduce in flight, started by [`allreduce_begin`] (or by
/// [`crate::LocalDots::begin`], [`crate::dot_local_begin`]): owns the values and every
/// message buffer, borrows nothing.
///
/// - [`Pending::test`] performs, without waiting, every step whose message has arrived, of
///   this and of every other outstanding reduction of the thread, and says whether this one
///   is done;
/// - [`Pending::finish`] waits for the end and returns the combined values: the same bits
///   as [`crate::allreduce_slice`] on the same values, and the same [`Error`] on every rank.
///
/// **Order.** Every rank must start pdot's collectives on a communicator (split-phase or
/// blocking) in the same order. Finishing may happen in any order, a different one on each
/// rank, interleaved with blocking pdot calls and with the caller's own messages: whenever
/// pdot waits, it advances every outstanding reduction.
///
/// **Progress.** A reduction advances only inside pdot's calls on this thread (`test`,
/// `finish`, the drop of a handle, any blocking pdot reduction). With `P <= 2` everything a
/// rank sends is posted by `begin`, so the reduction completes while the ranks compute;
/// beyond, each of the `log2 P` rounds can only start once the previous round's message is
/// in, so to overlap a reduction with work, call `test` now and then in the work loop. A
/// peer's `finish` waits for this rank's next call into pdot, not for MPI's progress.
///
/// **Drop.** Dropping an unfinished handle completes this rank's part of the reduction (it
/// waits, as `finish` does, advancing the others), so that no peer waits forever and no MPI
/// request is left reading freed memory, and discards the result.
///
/// **Limits.** Each reduction on a communicator, blocking or split-phase, takes the next of
/// 32768 message tags in turn (on pdot's private duplicate of the communicator, where
/// nothing else travels): a handle must be finished or dropped before 32768 more reductions
/// start on its communicator, or their messages could be taken for its own. Handles must be
/// finished or dropped before MPI ends (before the `Universe` is dropped).
///
/// **Panics.** If code of the values' type ([`Reducible`]) panics while pdot advances the
/// reduction, the panic propagates out of that pdot call and the reduction is abandoned on
/// this rank (its peers then wait for it, as for any rank that panics in a collective);
/// `finish` of an abandoned reduction panics too.
///
/// ```no_run
/// use pdot_kernels::{ExactPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (r, z) = (vec![1.0f64; 1000], vec![0.5f64; 1000]);
/// let mut rz = pdot_mpi::allreduce_begin(&world, vec![ExactPartial::<f64>::of(&r, &z)]);
/// let mut work = 0.0;
/// for chunk in r.chunks(100) {
///     work += chunk.iter().sum::<f64>(); // the caller's other work
///     rz.test(); // lets the reduction's next round start
/// }
/// let rz = rz.finish()?[0].finish();
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
#[must_use = "a pending reduction does its work in test and finish; dropping it waits for this rank's part"]
pub struct Pending<R: Reducible + 'static> {
    split: Rc<RefCell<Split<R>>>,
}

/// Starts the deterministic all-reduce of `values` over the ranks of `comm` (combined
/// element by element, as [`crate::allreduce_slice`]) and returns its handle: this rank's
/// first message is sent before it returns.
///
/// Collective: every rank of `comm` must call it (see [`Pending`] for the order of calls).
///
/// Errors come from [`Pending::finish`], the same on every rank: [`Error::Disagree`] if
/// ranks pass different numbers of values, [`Error::KindDisagree`] if they pass values of
/// different kinds.
///
/// ```no_run
/// use pdot_kernels::{FastPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = vec![1.0f64; 100];
/// let mut norms = pdot_mpi::allreduce_begin(&world, vec![FastPartial::<f64>::of(&x, &x)]);
/// // ... other work ...
/// let norms: Vec<FastPartial<f64>> = norms.finish()?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn allreduce_begin<C: Communicator, R: Reducible + 'static>(
    comm: &C,
    values: Vec<R>,
) -> Pending<R> {
    let agreement = Agreement::new(comm.rank() as usize, &[], None);
    Pending::start(comm, agreement, values)
}

impl<R: Reducible + 'static> Pending<R> {
    /// Starts the reduction of `values` with this rank's statements `agreement`.
    pub(crate) fn start<C: Communicator + ?Sized>(
        comm: &C,
        agreement: Agreement,
        values: Vec<R>,
    ) -> Self {
        let private = Rc::clone(private::shared(comm));
        let reduction = Reduction::new(&private, private.next_tag(), agreement, values);
        let split = Rc::new(RefCell::new(Split { private, reduction }));
        let done = split.borrow_mut().advance();
        if !done {
            let entry: Entry = split.clone();
            outstanding::register(entry);
        }
        Pending { split }
    }

    /// Performs, without waiting, every step whose message has arrived, of this reduction
    /// and of every other outstanding one of this thread; returns whether this one is done
    /// ([`Pending::finish`] then returns at once).
    ///
    /// ```no_run
    /// use pdot_kernels::{ExactPartial, Partial};
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let x = vec![1.0f64; 100];
    /// let mut xx = pdot_mpi::allreduce_begin(&world, vec![ExactPartial::<f64>::of(&x, &x)]);
    /// while !xx.test() {
    ///     // ... a slice of other work ...
    /// }
    /// let xx = xx.finish()?;
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn test(&mut self) -> bool {
        outstanding::advance_all();
        self.advance_own()
    }

    /// Waits for the end of the reduction (advancing every outstanding one meanwhile) and
    /// returns the combined values: the same bits on every rank, those of
    /// [`crate::allreduce_slice`].
    ///
    /// # Errors
    /// The same on every rank: [`Error::Disagree`] if ranks passed different numbers of
    /// values ([`crate::Quantity::Count`]), [`Error::KindDisagree`] if they passed values of
    /// different kinds, and for [`crate::LocalDots::begin`] the errors of
    /// [`crate::LocalDots::allreduce`].
    ///
    /// # Panics
    /// If the reduction was abandoned by a panic in code of the values' type (see
    /// [`Pending`]).
    ///
    /// ```no_run
    /// use pdot_kernels::{CompensatedPartial, Partial};
    ///
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let x = vec![0.25f32; 100];
    /// let a = pdot_mpi::allreduce_begin(&world, vec![CompensatedPartial::<f32>::of(&x, &x)]);
    /// let b = pdot_mpi::allreduce_begin(&world, vec![CompensatedPartial::<f32>::of(&x, &x)]);
    /// // Any order, on any rank.
    /// let b = b.finish()?;
    /// let a = a.finish()?;
    /// assert_eq!(a[0].finish(), b[0].finish());
    /// # Ok::<(), pdot_mpi::Error>(())
    /// ```
    pub fn finish(self) -> Result<Vec<R>, Error> {
        self.wait();
        let mut split = self.split.borrow_mut();
        assert!(
            !split.reduction.abandoned(),
            "pdot: this reduction was abandoned: a Reducible impl panicked while it ran"
        );
        split.reduction.agreement().verdict()?;
        Ok(std::mem::take(split.reduction.values_mut()))
    }

    /// Advances this reduction alone; whether it is done.
    fn advance_own(&mut self) -> bool {
        // Not borrowed elsewhere: the list of outstanding reductions borrows it only while
        // advancing it, and does not call back here.
        self.split
            .try_borrow_mut()
            .map(|mut s| s.advance())
            .unwrap_or(false)
    }

    /// Waits until this rank's part is done, advancing every outstanding reduction, and
    /// forgets it.
    fn wait(&self) {
        let split = &self.split;
        outstanding::wait_until(|| split.try_borrow_mut().is_ok_and(|mut s| s.advance()));
        let entry: Entry = split.clone();
        outstanding::remove(&entry);
    }
}

impl<R: Reducible + 'static> Drop for Pending<R> {
    /// Completes this rank's part of the reduction (waiting, as [`Pending::finish`] does)
    /// and discards the result; while a panic unwinds, abandons it instead.
    fn drop(&mut self) {
        if std::thread::panicking() {
            let entry: Entry = self.split.clone();
            outstanding::remove(&entry);
            return;
        }
        self.wait();
    }
}
