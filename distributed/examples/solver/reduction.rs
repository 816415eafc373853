//! The one place where the solvers reduce dot products over the ranks: pdot's
//! [`LocalDots`] at an accuracy, or the usual `MPI_Allreduce` sum of local dots.
//!
//! The split-phase reduction ([`begin`], [`Handle::test`], [`finish`]) is pdot's
//! `LocalDots::begin`; the fused multi-dot of classical Gram–Schmidt lives in
//! [`dots_against`].

use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::Accuracy;
use pdot_mpi::{Error, LocalDots, PendingDots};

use crate::args::Reduction;

/// Dot products of this rank's pieces, to reduce together in one message.
pub enum Dots {
    /// pdot's partials at an accuracy.
    Pdot(LocalDots<f64>),
    /// This rank's dot products by the Fast kernel, to sum by `MPI_Allreduce`.
    Mpi(Vec<f64>),
}

impl Dots {
    /// No dot products yet, to be reduced by `reduction`.
    pub fn new(reduction: Reduction) -> Dots {
        match reduction {
            Reduction::Pdot(accuracy) => Dots::Pdot(LocalDots::new(accuracy)),
            Reduction::Mpi => Dots::Mpi(Vec::new()),
        }
    }

    /// Adds this rank's pieces of the next dot product.
    pub fn push(&mut self, x: &[f64], y: &[f64]) {
        match self {
            Dots::Pdot(dots) => dots.push(x, y),
            Dots::Mpi(local) => local.push(pdot_kernels::dot_with(Accuracy::Fast, x, y)),
        }
    }
}

/// A reduction under way: pdot's split-phase reduction, or the result of a blocking
/// `MPI_Allreduce` (the usual way has no split phase here).
pub enum Handle {
    /// pdot's reduction, started at [`begin`]; [`Handle::test`] advances it.
    Pdot(PendingDots<f64>),
    /// The `MPI_Allreduce` sums, done at [`begin`].
    Done(Vec<f64>),
}

impl Handle {
    /// Advances the reduction without waiting (call it now and then during the work that
    /// overlaps the reduction: with more than two ranks, its later rounds start only then).
    pub fn test(&mut self) {
        if let Handle::Pdot(pending) = self {
            pending.test();
        }
    }
}

/// Starts reducing `dots` over the ranks of `comm` (collective): pdot's split-phase
/// reduction (the local partials are already computed; the messages go out now), or a
/// blocking `MPI_Allreduce`.
pub fn begin<C: Communicator>(comm: &C, dots: Dots) -> Handle {
    match dots {
        Dots::Pdot(dots) => Handle::Pdot(dots.begin(comm)),
        Dots::Mpi(local) => {
            let mut global = vec![0.0; local.len()];
            comm.all_reduce_into(&local[..], &mut global[..], SystemOperation::sum());
            Handle::Done(global)
        }
    }
}

/// Waits for the reduction `handle` and returns the dot products, in push order: the same
/// on every rank (an error too).
pub fn finish(handle: Handle) -> Result<Vec<f64>, Error> {
    match handle {
        Handle::Pdot(pending) => pending.finish(),
        Handle::Done(values) => Ok(values),
    }
}

/// [`finish`] for a number of dot products known at compile time.
pub fn finish_array<const N: usize>(handle: Handle) -> Result<[f64; N], Error> {
    let values = finish(handle)?;
    let found = values.len();
    values
        .try_into()
        .map_err(|_| Error::CountMismatch { expected: N, found })
}

/// The dot products of `dots`, reduced in one message (collective).
pub fn allreduce<C: Communicator>(comm: &C, dots: Dots) -> Result<Vec<f64>, Error> {
    finish(begin(comm, dots))
}

/// `x · y` over the ranks (collective).
pub fn dot<C: Communicator>(
    comm: &C,
    reduction: Reduction,
    x: &[f64],
    y: &[f64],
) -> Result<f64, Error> {
    match reduction {
        Reduction::Pdot(accuracy) => pdot_mpi::dot_local(comm, accuracy, x, y),
        Reduction::Mpi => {
            let mut dots = Dots::new(reduction);
            dots.push(x, y);
            Ok(allreduce(comm, dots)?[0])
        }
    }
}

/// `‖x‖₂` over the ranks (collective): pdot's norm at the accuracy (at Exact the correctly
/// rounded norm of the whole vector), or the square root of the `MPI_Allreduce` sum of the
/// local `x · x`.
pub fn nrm2<C: Communicator>(comm: &C, reduction: Reduction, x: &[f64]) -> Result<f64, Error> {
    match reduction {
        Reduction::Pdot(accuracy) => pdot_mpi::nrm2_local(comm, accuracy, x),
        Reduction::Mpi => Ok(dot(comm, reduction, x, x)?.sqrt()),
    }
}

/// `vᵢ · w` for every `vᵢ` of `basis`, in one reduction message (collective): the
/// projections of classical Gram–Schmidt, by pdot's fused multi-dot.
pub fn dots_against<C: Communicator>(
    comm: &C,
    reduction: Reduction,
    basis: &[Vec<f64>],
    w: &[f64],
) -> Result<Vec<f64>, Error> {
    let mut dots = Dots::new(reduction);
    match &mut dots {
        // The fused multi-dot: w is read once for all the basis vectors.
        Dots::Pdot(local) => {
            let basis: Vec<&[f64]> = basis.iter().map(Vec::as_slice).collect();
            local.push_many(w, &basis);
        }
        Dots::Mpi(_) => {
            for v in basis {
                dots.push(w, v);
            }
        }
    }
    allreduce(comm, dots)
}
