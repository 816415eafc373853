//! The collective dot products.

use mpi::topology::Communicator;
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real, Strided,
};

use crate::agreement::{Agreement, Problem};
use crate::dist_vector::DistVector;
use crate::error::{Error, Quantity, accuracy_code};
use crate::layout::{Layout, layout_code};
use crate::local_dots::LocalDots;
use crate::partition::Partition;
use crate::pending_dots::PendingDot;
use crate::reduce;
use crate::reducible::Reducible;

/// `x · y` of two distributed vectors with elements `E` and a result of type `O`, the same
/// bits on every rank, for every pair of [`Input`]: `dot_as::<f64, f64>`,
/// `dot_as::<f32, f32>`, and `dot_as::<f64, f32>` (f32 inputs, products and sums in f64, like
/// BLAS `dsdot`), as [`pdot_kernels::dot_as`] on one core.
///
/// Each rank computes the partial of its share with the single-core kernel at `accuracy`,
/// and the partials are combined by the deterministic reduction ([`crate::schedule`]): the
/// result depends only on the data, the accuracy and `P`. At [`Accuracy::Exact`] it is the
/// correctly rounded dot product, the same for every `P` and every layout, and equal to
/// [`pdot_kernels::dot_as`] on the whole vectors.
///
/// Collective: every rank of `comm` must call it. One message exchange per doubling step,
/// on pdot's private duplicate of `comm` (made at the first call on `comm`).
///
/// # Errors
/// The same on every rank: [`Error::PartitionMismatch`] if `x` and `y` have different
/// lengths or layouts ([`Error::CountsMismatch`] if they differ only in their
/// [`Counts`](crate::Counts)), [`Error::Disagree`] if ranks pass vectors of different lengths
/// or layouts, or different accuracies, [`Error::Communicator`] if a vector was built on a communicator of another size.
///
/// ```no_run
/// use pdot_kernels::{Accuracy, Input, Real};
/// use pdot_mpi::{DistVector, Layout};
///
/// // Written once for every type pair:
/// fn norm2<O: Real, E: Input<O>>(
///     comm: &impl mpi::traits::Communicator,
///     x: &DistVector<E>,
/// ) -> Result<O, pdot_mpi::Error> {
///     pdot_mpi::dot_as::<O, E>(comm, Accuracy::Exact, x, x)
/// }
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = DistVector::from_fn(&world, 1000, Layout::Block, |i| i as f32)?;
/// let in_f64: f64 = norm2::<f64, f32>(&world, &x)?;
/// let in_f32: f32 = norm2::<f32, f32>(&world, &x)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_as<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x: &DistVector<E>,
    y: &DistVector<E>,
) -> Result<O, Error> {
    distributed(comm, accuracy, x, y)
}

/// `x · y` of two distributed vectors, result in the element type:
/// [`dot_as::<T, T>`](dot_as).
///
/// # Errors
/// As [`dot_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = DistVector::from_fn(&world, 1000, Layout::Block, |i| i as f64)?;
/// let y = DistVector::from_fn(&world, 1000, Layout::Block, |_| 0.5)?;
/// assert_eq!(pdot_mpi::dot(&world, Accuracy::Exact, &x, &y)?, 249_750.0);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot<T: Input<T>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x: &DistVector<T>,
    y: &DistVector<T>,
) -> Result<T, Error> {
    dot_as(comm, accuracy, x, y)
}

/// `x · y` of two distributed f32 vectors with an f64 result (products and sums in f64):
/// [`dot_as::<f64, f32>`](dot_as).
///
/// # Errors
/// As [`dot_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = DistVector::from_fn(&world, 1000, Layout::Cyclic, |i| i as f32)?;
/// let d: f64 = pdot_mpi::dsdot(&world, Accuracy::Compensated, &x, &x)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dsdot(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x: &DistVector<f32>,
    y: &DistVector<f32>,
) -> Result<f64, Error> {
    dot_as(comm, accuracy, x, y)
}

/// `x · y` when every rank holds the whole vectors, for every pair of [`Input`] (as
/// [`dot_as`]): each rank takes its share under `layout` as a view (contiguous for a block
/// layout, stride `P` for cyclic, runs of `b` for block-cyclic; nothing is copied), and the
/// partials are reduced as in [`dot_as`]. For the same data, `P` and layout the result has
/// the same bits as [`dot_as`] on [`DistVector`]s.
///
/// Collective: every rank of `comm` must call it.
///
/// # Errors
/// The same on every rank: [`Error::LengthMismatch`] if `x` and `y` differ in length on some
/// rank, [`Error::Disagree`] if ranks pass different lengths or layouts,
/// [`Error::InvalidLayout`] for `BlockCyclic(0)`.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::Layout;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x: Vec<f32> = (0..1000).map(|i| i as f32).collect();
/// let d = pdot_mpi::dot_replicated_as::<f64, f32>(&world, Accuracy::Exact, Layout::Cyclic, &x, &x)?;
/// assert_eq!(d, pdot_kernels::dot_as::<f64, f32>(Accuracy::Exact, &x, &x));
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_replicated_as<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    layout: Layout,
    x: &[E],
    y: &[E],
) -> Result<O, Error> {
    replicated(comm, accuracy, layout, x, y)
}

/// [`dot_replicated_as::<T, T>`](dot_replicated_as): whole vectors on every rank, result in
/// the element type.
///
/// # Errors
/// As [`dot_replicated_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::Layout;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
/// let d = pdot_mpi::dot_replicated(&world, Accuracy::Exact, Layout::Cyclic, &x, &x)?;
/// assert_eq!(d, pdot_kernels::dot_with(Accuracy::Exact, &x, &x));
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_replicated<T: Input<T>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    layout: Layout,
    x: &[T],
    y: &[T],
) -> Result<T, Error> {
    dot_replicated_as(comm, accuracy, layout, x, y)
}

/// [`dot_replicated_as::<f64, f32>`](dot_replicated_as): f32 vectors, f64 result.
///
/// # Errors
/// As [`dot_replicated_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use pdot_mpi::Layout;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = vec![0.1f32; 1000];
/// let d = pdot_mpi::dsdot_replicated(&world, Accuracy::Exact, Layout::Block, &x, &x)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dsdot_replicated(
    comm: &impl Communicator,
    accuracy: Accuracy,
    layout: Layout,
    x: &[f32],
    y: &[f32],
) -> Result<f64, Error> {
    dot_replicated_as(comm, accuracy, layout, x, y)
}

/// `x · y` where each rank holds a piece of the vectors, whatever its length (including
/// 0): the global vectors are the concatenation of the ranks' `x_local` (and `y_local`) in
/// rank order. For solvers that keep their own distribution, with no [`DistVector`] and no
/// [`Layout`]. Any [`Input`] pair, as [`dot_as`]; the accuracy is chosen at run time.
///
/// Each rank computes the partial of its piece with the single-core kernel, and the
/// partials are combined by the deterministic reduction ([`crate::schedule`]): every rank
/// gets the same bits. At [`Accuracy::Exact`] the result is the correctly rounded dot
/// product, equal to [`pdot_kernels::dot_as`] on the concatenated vectors for any split and
/// any `P`; at the other levels it depends on the split and `P` (it is
/// [`crate::simulate`] of the ranks' partials).
///
/// Collective: every rank of `comm` must call it.
///
/// # Errors
/// The same on every rank: [`Error::LengthMismatch`] naming the lowest rank where
/// `x_local` and `y_local` differ in length, and both lengths; [`Error::Disagree`] if ranks
/// pass different accuracies.
///
/// ```no_run
/// use pdot_kernels::Accuracy;
/// use mpi::traits::Communicator;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// // Rank r holds r + 1 elements of the vectors (a solver's own split).
/// let r: Vec<f64> = vec![1.0; world.rank() as usize + 1];
/// let accuracy: Accuracy = "exact".parse().unwrap(); // from a command line, say
/// let rr = pdot_mpi::dot_local_as::<f64, f64>(&world, accuracy, &r, &r)?;
/// let p = world.size() as f64;
/// assert_eq!(rr, p * (p + 1.0) / 2.0);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_local_as<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: &[E],
    y_local: &[E],
) -> Result<O, Error> {
    let rank = comm.rank() as usize;
    let (problem, views) = if x_local.len() == y_local.len() {
        (None, Some((x_local.into(), y_local.into())))
    } else {
        let lengths = Problem::LengthMismatch {
            x: x_local.len() as u64,
            y: y_local.len() as u64,
        };
        (Some(lengths), None)
    };
    at_level(comm, accuracy, Agreement::new(rank, &[], problem), views)
}

/// [`dot_local_as::<T, T>`](dot_local_as): local pieces of any length on each rank, result
/// in the element type.
///
/// # Errors
/// As [`dot_local_as`].
///
/// ```no_run
/// use pdot_kernels::Accuracy;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (r, ar) = (vec![1.0f64; 10], vec![2.0f64; 10]);
/// let rar = pdot_mpi::dot_local(&world, Accuracy::Compensated, &r, &ar)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_local<T: Input<T>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: &[T],
    y_local: &[T],
) -> Result<T, Error> {
    dot_local_as(comm, accuracy, x_local, y_local)
}

/// Starts [`dot_local_as`] and returns at once: a split-phase reduction ([`crate::Pending`])
/// whose [`finish`](PendingDot::finish) gives the bits and errors `dot_local_as` gives for
/// the same pieces. The partial is computed here, so the pieces are not borrowed afterwards.
///
/// Collective: every rank of `comm` must call it (see [`crate::Pending`] for the order of
/// calls, progress and dropping).
///
/// ```no_run
/// use pdot_kernels::Accuracy;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (r, z) = (vec![1.0f64; 100], vec![0.5f64; 100]);
/// let rz = pdot_mpi::dot_local_begin::<f64, f64>(&world, Accuracy::Compensated, &r, &z);
/// // ... other work ...
/// let rz = rz.finish()?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn dot_local_begin<O: Real, E: Input<O>>(
    comm: &impl Communicator,
    accuracy: Accuracy,
    x_local: &[E],
    y_local: &[E],
) -> PendingDot<O> {
    let mut dots = LocalDots::new(accuracy);
    dots.push(x_local, y_local);
    PendingDot(dots.begin(comm))
}

/// This rank's partial of `x · y` at level `P`, to reduce with others in one message
/// ([`crate::allreduce`]). A purely local computation.
///
/// # Errors
/// [`Error::PartitionMismatch`] if `x` and `y` are distributed differently (the same on every
/// rank, since the ranks agreed on the distributions when the vectors were built).
///
/// ```no_run
/// use pdot_kernels::{ExactPartial, Partial};
/// use pdot_mpi::{DistVector, Layout};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let r = DistVector::from_fn(&world, 1000, Layout::Block, |i| i as f64)?;
/// let p = DistVector::from_fn(&world, 1000, Layout::Block, |i| 1.0 / (1.0 + i as f64))?;
/// // r·r and r·p in one reduction:
/// let mut both: (ExactPartial<f64>, ExactPartial<f64>) =
///     (pdot_mpi::local_partial(&r, &r)?, pdot_mpi::local_partial(&r, &p)?);
/// pdot_mpi::allreduce(&world, &mut both)?;
/// let (rr, rp) = (both.0.finish(), both.1.finish());
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn local_partial<P: Partial, I: Input<P::Output>>(
    x: &DistVector<I>,
    y: &DistVector<I>,
) -> Result<P, Error> {
    check_pair(x.partition(), y.partition())?;
    Ok(P::of(x.local(), y.local()))
}

fn check_pair(x: &Partition, y: &Partition) -> Result<(), Error> {
    if (x.len(), x.layout()) != (y.len(), y.layout()) {
        return Err(Error::PartitionMismatch {
            x: (x.len(), x.layout()),
            y: (y.len(), y.layout()),
        });
    }
    if x.counts() != y.counts() {
        return Err(Error::CountsMismatch {
            x: x.len(),
            y: y.len(),
        });
    }
    Ok(())
}

/// The statement of a partition's counts: their digest, or 0 for a [`Layout`].
pub(crate) fn counts_code(p: &Partition) -> u64 {
    p.counts().map_or(0, |c| c.digest())
}

fn distributed<C: Communicator, O: Real, I: Input<O>>(
    comm: &C,
    accuracy: Accuracy,
    x: &DistVector<I>,
    y: &DistVector<I>,
) -> Result<O, Error> {
    let (px, py) = (x.partition(), y.partition());
    let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
    let facts = [
        (Quantity::GlobalLength, px.len() as u64),
        (Quantity::Layout, layout_code(px.layout())),
        (Quantity::GlobalLengthY, py.len() as u64),
        (Quantity::LayoutY, layout_code(py.layout())),
        (Quantity::Counts, counts_code(px)),
        (Quantity::CountsY, counts_code(py)),
    ];
    let built_for = [px, py].map(|p| (p.ranks(), p.rank()));
    let problem = built_for
        .iter()
        .find(|&&b| b != (ranks, rank))
        .map(|&(r, _)| Problem::Communicator {
            built_for: r as u64,
        });
    let pairs = check_pair(px, py).is_ok() && problem.is_none();
    let views = pairs.then(|| (Strided::from(x.local()), Strided::from(y.local())));
    let agreement = Agreement::new(rank, &facts, problem);
    let result = at_level(comm, accuracy, agreement, views)?;
    check_pair(px, py)?;
    Ok(result)
}

fn replicated<C: Communicator, O: Real, I: Input<O>>(
    comm: &C,
    accuracy: Accuracy,
    layout: Layout,
    x: &[I],
    y: &[I],
) -> Result<O, Error> {
    let (ranks, rank) = (comm.size() as usize, comm.rank() as usize);
    let facts = [
        (Quantity::GlobalLength, x.len() as u64),
        (Quantity::Layout, layout_code(layout)),
        (Quantity::GlobalLengthY, y.len() as u64),
    ];
    let mut problem = None;
    if x.len() != y.len() {
        problem = Some(Problem::LengthMismatch {
            x: x.len() as u64,
            y: y.len() as u64,
        });
    }
    let views = match Partition::new(x.len(), ranks, rank, layout) {
        Err(_) => {
            problem = Some(Problem::InvalidLayout {
                code: layout_code(layout),
            });
            None
        }
        Ok(p) => problem
            .is_none()
            .then(|| Some((share(&p, x)?, share(&p, y)?)))
            .flatten(),
    };
    let agreement = Agreement::new(rank, &facts, problem);
    at_level(comm, accuracy, agreement, views)
}

/// The share of `data` (the whole vector) that partition `p` gives its rank, as a view.
fn share<'a, T: Real>(p: &Partition, data: &'a [T]) -> Option<Strided<'a, T>> {
    let len = p.local_len();
    let Some((first, run)) = p.runs().next() else {
        return Some(Strided::from(&data[..0]));
    };
    let rest = data.get(first..)?;
    match p.layout() {
        _ if run == len => Some(Strided::from(rest.get(..len)?)),
        Layout::Block => None,
        Layout::Cyclic => Strided::new(rest, len, p.ranks() as isize).ok(),
        Layout::BlockCyclic(b) => Strided::blocked(rest, len, b, p.ranks() * b).ok(),
    }
}

/// Reduces this rank's partial at `accuracy` (of the views, or empty when `None` because a
/// problem was found) and returns the finished result, or the verdict's error.
fn at_level<C: Communicator, O: Real, I: Input<O>>(
    comm: &C,
    accuracy: Accuracy,
    mut agreement: Agreement,
    views: Option<(Strided<'_, I>, Strided<'_, I>)>,
) -> Result<O, Error> {
    let rank = comm.rank() as usize;
    agreement.add_facts(rank, &[(Quantity::Accuracy, accuracy_code(accuracy))]);
    match accuracy {
        Accuracy::Fast => reduce_partial::<C, FastPartial<O>, I>(comm, agreement, views),
        Accuracy::Compensated => {
            reduce_partial::<C, CompensatedPartial<O>, I>(comm, agreement, views)
        }
        Accuracy::Exact => reduce_partial::<C, ExactPartial<O>, I>(comm, agreement, views),
        // A level added to the kernels but not yet here: every rank passes the same accuracy
        // (or the wire kinds disagree), so every rank reports it.
        _ => {
            agreement.report(rank, Problem::UnsupportedAccuracy);
            reduce_partial::<C, FastPartial<O>, I>(comm, agreement, None)
        }
    }
}

fn reduce_partial<C, P, I>(
    comm: &C,
    agreement: Agreement,
    views: Option<(Strided<'_, I>, Strided<'_, I>)>,
) -> Result<P::Output, Error>
where
    C: Communicator,
    P: Partial + Reducible,
    I: Input<P::Output>,
{
    let mut partial = match views {
        Some((x, y)) => P::of_strided(x, y),
        None => P::new(),
    };
    reduce::run(comm, agreement, std::slice::from_mut(&mut partial))?;
    Ok(partial.finish())
}
