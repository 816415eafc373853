//! The deterministic all-reduce, blocking: the [schedule](crate::schedule) executed by the
//! [state machine](crate::progress) on [reducible](crate::reducible) values, with the ranks'
//! [agreement](crate::agreement) in the header of every message, driven to the end at once.

use mpi::topology::Communicator;

use crate::agreement::Agreement;
use crate::error::Error;
use crate::outstanding;
use crate::private;
use crate::progress::Reduction;
use crate::reducible::Reducible;

/// Combines `value` over all ranks of `comm` with the deterministic reduction: every rank
/// ends with the same bits, those of one fixed expression (a balanced tree in rank order,
/// see [`crate::schedule`]) over the ranks' values.
///
/// Collective: every rank of `comm` must call it, with a value of the same type.
///
/// # Errors
/// On every rank: [`Error::KindDisagree`] if ranks pass values of different kinds
/// ([`Reducible::kind_name`] or wire length), naming them.
///
/// ```no_run
/// use pdot_kernels::{ExactPartial, FastPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (x, y, z) = (vec![1.0f64; 100], vec![2.0f64; 100], vec![3.0f64; 100]);
/// // Two dot products of this rank's data, reduced in one message.
/// let mut both = (ExactPartial::<f64>::of(&x, &y), FastPartial::<f64>::of(&x, &z));
/// pdot_mpi::allreduce(&world, &mut both)?;
/// let (xy, xz) = (both.0.finish(), both.1.finish());
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn allreduce<C: Communicator, R: Reducible>(comm: &C, value: &mut R) -> Result<(), Error> {
    allreduce_slice(comm, std::slice::from_mut(value))
}

/// Like [`allreduce`] for a run-time number of values, combined element by element.
///
/// # Errors
/// On every rank: [`Error::Disagree`] if ranks pass different numbers of values,
/// [`Error::KindDisagree`] if they pass values of different kinds.
///
/// ```no_run
/// use pdot_kernels::{FastPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = vec![1.0f64; 100];
/// let mut norms: Vec<FastPartial<f64>> = (0..3).map(|_| FastPartial::of(&x, &x)).collect();
/// pdot_mpi::allreduce_slice(&world, &mut norms)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn allreduce_slice<C: Communicator, R: Reducible>(
    comm: &C,
    values: &mut [R],
) -> Result<(), Error> {
    let agreement = Agreement::new(comm.rank() as usize, &[], None);
    run(comm, agreement, values)
}

/// Executes the reduction of `values` with the agreement header `agreement` (this rank's
/// statements) and returns the verdict of the combined agreement, the same on every rank.
/// The values are only meaningful if it is `Ok`.
///
/// The state machine of a split-phase reduction ([`crate::progress`]), driven to the end at
/// once: the same steps on the same messages, hence the same bits. While it waits for a
/// message, it advances the outstanding split-phase reductions too ([`crate::outstanding`]).
pub(crate) fn run<C: Communicator + ?Sized, R: Reducible>(
    comm: &C,
    agreement: Agreement,
    values: &mut [R],
) -> Result<(), Error> {
    let private = private::shared(comm);
    let comm = private.comm();
    let mut reduction = Reduction::new(private, private.next_tag(), agreement, values);
    outstanding::wait_until(|| reduction.advance(comm));
    reduction.agreement().verdict()
}
