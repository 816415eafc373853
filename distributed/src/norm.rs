//! Collective Euclidean norms: each rank's [`NormPartial`] of its elements, reduced by the
//! deterministic tree.

use mpi::topology::Communicator;
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, NormPartial, Partial, Real,
    Strided,
};

use crate::agreement::{Agreement, Problem};
use crate::dist_vector::DistVector;
use crate::dot::counts_code;
use crate::error::{Error, Quantity, accuracy_code};
use crate::layout::layout_code;
use crate::reduce;
use crate::reducible::Reducible;

/// `‖x‖₂` where each rank holds a piece of `x`, whatever its length (including 0): the
/// global vector is the concatenation of the ranks' `x_local` in rank order. Any
/// [`Input`] pair (`f32` inputs with an `f64` result sum the squares in `f64`); the
/// accuracy is chosen at run time.
///
/// Each rank makes the [`NormPartial`] of its piece (one kernel pass, rescaled by a power
/// of two only if its squares overflow or underflow), and the partials are combined by the
/// deterministic reduction ([`crate::schedule`]): every rank gets the same bits. At
/// [`Accuracy::Exact`] the result is the correctly rounded norm, equal to
/// [`pdot_kernels::nrm2_as`] on the concatenated vector for any split and any `P`; at the
/// other levels it depends on the split and `P` (it is [`crate::simulate`] of the ranks'
/// partials), and at `P = 1` it equals [`pdot_kernels::nrm2_as`].
///
/// Collective: every rank of `comm` must call it.
///
/// # Errors
/// The same on every rank: [`Error::Disagree`] if ranks pass different accuracies.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use mpi::traits::Communicator;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// // Rank r holds r + 1 elements equal to 2 (a solver's own split).
/// let r: Vec<f64> = vec![2.0; world.rank() as usize + 1];
/// let norm = pdot_mpi::nrm2_local::<f64, f64>(&world, Accuracy::Exact, &r)?;
/// let p = world.size() as f64;
/// assert_eq!(norm, (4.0 * p * (p + 1.0) / 2.0).sqrt());
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn nrm2_local<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: &[E],
) -> Result<O, Error> {
    let agreement = Agreement::new(comm.rank() as usize, &[], None);
    at_level(comm, accuracy, agreement, Some(x_local.into()))
}

/// [`nrm2_local`] of a strided view of this rank's piece (BLAS increments, negative ones
/// included, or blocked runs; nothing is copied): the bits [`nrm2_local`] gives for the
/// contiguous copy.
///
/// Collective: every rank of `comm` must call it.
///
/// # Errors
/// As [`nrm2_local`].
///
/// ```no_run
/// use mpi::traits::Communicator;
/// use pdot_kernels::{Accuracy, Strided};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let rows = [3.0f64, -1.0, 4.0, -1.0]; // this rank's piece is every other element
/// let norm = pdot_mpi::nrm2_local_strided::<f64, f64>(&world, Accuracy::Exact, Strided::new(&rows, 2, 2)?)?;
/// assert_eq!(norm, (25.0 * f64::from(world.size())).sqrt()); // every rank holds 3 and 4
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn nrm2_local_strided<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: Strided<'_, E>,
) -> Result<O, Error> {
    let agreement = Agreement::new(comm.rank() as usize, &[], None);
    at_level(comm, accuracy, agreement, Some(x_local))
}

/// `‖x‖₂` of a distributed vector with elements `E` and a result of type `O`, the same
/// bits on every rank, for every pair of [`Input`] (as [`pdot_kernels::nrm2_as`] on one
/// core). At [`Accuracy::Exact`] the correctly rounded norm, the same for every `P` and
/// layout.
///
/// Collective: every rank of `comm` must call it.
///
/// # Errors
/// The same on every rank: [`Error::Disagree`] if ranks pass vectors of different lengths,
/// layouts or counts, or different accuracies; [`Error::Communicator`] if the vector was
/// built on a communicator of another size.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = DistVector::from_fn(&world, 1000, Layout::Cyclic, |i| i as f32)?;
/// let norm: f64 = pdot_mpi::nrm2_as::<f64, f32>(&world, Accuracy::Exact, &x)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn nrm2_as<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x: &DistVector<E>,
) -> Result<O, Error> {
    let p = x.partition();
    let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
    let facts = [
        (Quantity::GlobalLength, p.len() as u64),
        (Quantity::Layout, layout_code(p.layout())),
        (Quantity::Counts, counts_code(p)),
    ];
    let problem = (p.ranks(), p.rank()) != (ranks, rank);
    let problem = problem.then_some(Problem::Communicator {
        built_for: p.ranks() as u64,
    });
    let view = problem.is_none().then(|| Strided::from(x.local()));
    at_level(comm, accuracy, Agreement::new(rank, &facts, problem), view)
}

/// `‖x‖₂` of a distributed vector, result in the element type: [`nrm2_as::<T, T>`](nrm2_as).
///
/// # Errors
/// As [`nrm2_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = DistVector::from_fn(&world, 2, Layout::Block, |i| [3.0f64, 4.0][i])?;
/// assert_eq!(pdot_mpi::nrm2(&world, Accuracy::Fast, &x)?, 5.0);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn nrm2<T: Input<T>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x: &DistVector<T>,
) -> Result<T, Error> {
    nrm2_as(comm, accuracy, x)
}

/// Reduces this rank's norm partial at `accuracy` (of the view, or empty when `None`
/// because a problem was found) and returns the finished norm, or the verdict's error.
fn at_level<C: Communicator, O: Real, I: Input<O>>(
    comm: &C,
    accuracy: Accuracy,
    mut agreement: Agreement,
    view: Option<Strided<'_, I>>,
) -> Result<O, Error> {
    let rank = comm.rank() as usize;
    agreement.add_facts(rank, &[(Quantity::Accuracy, accuracy_code(accuracy))]);
    match accuracy {
        Accuracy::Fast => reduce_norm::<C, FastPartial<O>, I>(comm, agreement, view),
        Accuracy::Compensated => reduce_norm::<C, CompensatedPartial<O>, I>(comm, agreement, view),
        Accuracy::Exact => reduce_norm::<C, ExactPartial<O>, I>(comm, agreement, view),
        // A level added to the kernels but not yet here: reported on every rank.
        _ => {
            agreement.report(rank, Problem::UnsupportedAccuracy);
            reduce_norm::<C, FastPartial<O>, I>(comm, agreement, None)
        }
    }
}

fn reduce_norm<C, P, I>(
    comm: &C,
    agreement: Agreement,
    view: Option<Strided<'_, I>>,
) -> Result<P::Output, Error>
where
    C: Communicator,
    P: Partial,
    NormPartial<P>: Reducible,
    I: Input<P::Output>,
{
    let mut partial = match view {
        Some(x) => NormPartial::<P>::of_strided(x),
        None => NormPartial::new(),
    };
    reduce::run(comm, agreement, std::slice::from_mut(&mut partial))?;
    Ok(partial.finish())
}
