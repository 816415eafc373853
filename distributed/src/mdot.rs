//! The collective multi-dot: `x · y_1, ..., x · y_k` of local pieces in one reduction, each
//! rank's partials made in one pass over its piece of `x` ([`Partial::of_many`]).

use mpi::topology::Communicator;
use pdot_kernels::{Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real};

use crate::agreement::{Agreement, Problem};
use crate::error::{Error, Quantity, accuracy_code};
use crate::reduce;
use crate::reducible::Reducible;

/// `x · y_j` for every `j`, where each rank holds a piece of the vectors, whatever its length
/// (including 0): the global vectors are the concatenations of the ranks' pieces in rank
/// order, as for [`crate::dot_local_as`]. Each rank reads its piece of `x` once for up to
/// eight `y_j` ([`pdot_kernels::mdot_as`]), and the `k` partials travel in one message per
/// step of the reduction.
///
/// Result `j` has exactly the bits of [`crate::dot_local_as`]`(comm, accuracy, x_local,
/// ys_local[j])`, on every rank.
///
/// Collective: every rank of `comm` must call it, with the same number of vectors.
///
/// # Errors
/// The same on every rank: [`Error::LengthMismatch`] naming the lowest rank where some
/// `ys_local[j]` differs in length from `x_local`, and the lengths (of the first such `j`);
/// [`Error::Disagree`] if ranks pass different accuracies or different numbers of vectors
/// ([`Quantity::Count`]).
///
/// ```no_run
/// use pdot_kernels::Accuracy;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// // GMRES-like: the new vector against the basis, in one reduction.
/// let w = vec![1.0f64; 100];
/// let basis: Vec<Vec<f64>> = (0..4).map(|j| vec![j as f64; 100]).collect();
/// let ys: Vec<&[f64]> = basis.iter().map(Vec::as_slice).collect();
/// let h = pdot_mpi::mdot_local::<f64, f64>(&world, Accuracy::Exact, &w, &ys)?;
/// assert_eq!(h.len(), 4);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn mdot_local<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: &[E],
    ys_local: &[&[E]],
) -> Result<Vec<O>, Error> {
    let rank = comm.rank() as usize;
    let mut agreement = Agreement::new(rank, &[], None);
    agreement.add_facts(rank, &[(Quantity::Accuracy, accuracy_code(accuracy))]);
    match accuracy {
        Accuracy::Fast => reduce_many::<_, FastPartial<O>, E>(comm, agreement, x_local, ys_local),
        Accuracy::Compensated => {
            reduce_many::<_, CompensatedPartial<O>, E>(comm, agreement, x_local, ys_local)
        }
        Accuracy::Exact => reduce_many::<_, ExactPartial<O>, E>(comm, agreement, x_local, ys_local),
        // A level added to the kernels but not yet here: reported on every rank.
        _ => {
            agreement.report(rank, Problem::UnsupportedAccuracy);
            let none: Vec<&[E]> = ys_local.iter().map(|_| &x_local[..0]).collect();
            reduce_many::<_, FastPartial<O>, E>(comm, agreement, &x_local[..0], &none)
        }
    }
}

/// This rank's partials of `x · ys[j]` at level `P`, reduced, finished.
fn reduce_many<C, P, I>(
    comm: &C,
    mut agreement: Agreement,
    x: &[I],
    ys: &[&[I]],
) -> Result<Vec<P::Output>, Error>
where
    C: Communicator,
    P: Partial + Reducible,
    I: Input<P::Output>,
{
    let rank = comm.rank() as usize;
    let mut partials: Vec<P> = Vec::with_capacity(ys.len());
    if let Some(lengths) = push_partials(x, ys, &mut partials) {
        agreement.report(rank, lengths);
    }
    reduce::run(comm, agreement, &mut partials)?;
    Ok(partials.iter().map(Partial::finish).collect())
}

/// Appends the partials of `x · ys[j]` to `out`, one pass over `x` for up to eight `ys[j]`.
/// If some `ys[j]` differs in length from `x`, appends empty partials instead (one per
/// `ys[j]`, so that the count stays right) and returns the problem, for the first such `j`:
/// never a panic.
pub(crate) fn push_partials<P: Partial, I: Input<P::Output>>(
    x: &[I],
    ys: &[&[I]],
    out: &mut Vec<P>,
) -> Option<Problem> {
    let start = out.len();
    out.resize(start + ys.len(), P::new());
    match ys.iter().find(|y| y.len() != x.len()) {
        Some(y) => Some(Problem::LengthMismatch {
            x: x.len() as u64,
            y: y.len() as u64,
        }),
        None => {
            P::of_many(x, ys, &mut out[start..]);
            None
        }
    }
}
