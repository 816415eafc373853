//! The reduction behind every distributed entry: this rank's values, each paired with its
//! [`Verdict`], reduced by pdot-mpi's deterministic all-reduce on its private duplicate of
//! the caller's communicator, then settled into the same status on every rank.
//!
//! A rank whose arguments are invalid still takes part, with empty values of the same kind
//! and as many as the others send (so no rank waits and no message is misread); its problem
//! travels in the verdict, and every rank returns its status.

use mpi::topology::SimpleCommunicator;
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, NormPartial, Partial, Real,
    Strided,
};
use pdot_mpi::{Error, Reducible};

use crate::status::{Failure, PDOT_ERR_CORRUPT, PDOT_ERR_DISAGREE, PDOT_ERR_INTERNAL};
use crate::verdict::Verdict;

/// This rank's pairs of views, or the problem found in its arguments.
pub(crate) type Pairs<'a, E> = Result<Vec<(Strided<'a, E>, Strided<'a, E>)>, Failure>;

/// A value the entries reduce and finish into a result: a dot partial at one level, or a
/// norm partial.
pub(crate) trait Finish: Reducible + 'static {
    /// The result type.
    type Output: Real;
    /// The empty value (of a rank with no elements, or with invalid arguments).
    fn empty() -> Self;
    /// The finished result.
    fn result(&self) -> Self::Output;
}

macro_rules! finish_partial {
    ($($partial:ident),*) => {$(
        impl<O: Real> Finish for $partial<O> {
            type Output = O;
            fn empty() -> Self {
                <Self as Partial>::new()
            }
            fn result(&self) -> O {
                self.finish()
            }
        }
    )*};
}

finish_partial!(FastPartial, CompensatedPartial, ExactPartial);

impl<P: Partial + Reducible> Finish for NormPartial<P> {
    type Output = P::Output;
    fn empty() -> Self {
        NormPartial::new()
    }
    fn result(&self) -> P::Output {
        self.finish()
    }
}

/// This rank's values with its verdict: `values()` when it found no problem, else empty
/// values; `max(count, 1)` of them (one at least, to carry the verdict).
pub(crate) fn guard<R: Finish>(
    rank: usize,
    problem: Option<&Failure>,
    count: Option<usize>,
    values: impl FnOnce() -> Vec<R>,
) -> Vec<(Verdict, R)> {
    let stated = count.map_or(u64::MAX, |c| c as u64);
    let verdict = Verdict::new(rank, problem, stated);
    let mut out = if problem.is_none() {
        values()
    } else {
        Vec::new()
    };
    out.resize_with(count.unwrap_or(0).max(1), R::empty);
    out.into_iter().map(|v| (verdict, v)).collect()
}

/// The results of a reduction of guarded values (the first `count`), or the status every
/// rank returns.
pub(crate) fn settle<R: Finish>(
    reduced: Result<Vec<(Verdict, R)>, Error>,
    count: usize,
) -> Result<Vec<R::Output>, Failure> {
    let reduced = reduced.map_err(|e| from_mpi(&e))?;
    match reduced.first() {
        Some((verdict, _)) => verdict.settle()?,
        None => return Err(Failure::new(PDOT_ERR_INTERNAL, "pdot: an empty reduction")),
    }
    Ok(reduced
        .iter()
        .take(count)
        .map(|(_, r)| r.result())
        .collect())
}

/// The status of an error of pdot-mpi (the same on every rank).
pub(crate) fn from_mpi(e: &Error) -> Failure {
    match e {
        Error::Disagree { .. } => Failure::new(PDOT_ERR_DISAGREE, e.to_string()),
        Error::KindDisagree { .. } => Failure::new(
            PDOT_ERR_DISAGREE,
            format!(
                "ranks called different entries or passed different accuracies or precisions \
                 ({e})"
            ),
        ),
        Error::Corrupt { .. } => Failure::new(PDOT_ERR_CORRUPT, e.to_string()),
        _ => Failure::new(PDOT_ERR_INTERNAL, format!("pdot: unexpected error: {e}")),
    }
}

/// What an entry does with its guarded values: reduce them at once, or start a split-phase
/// reduction.
pub(crate) trait Mode<O: Real> {
    /// What the entry gets back.
    type Out;
    /// Reduces (or starts reducing) `values`, of which the first `count` are results.
    fn go<R: Finish<Output = O>>(
        self,
        comm: &SimpleCommunicator,
        values: Vec<(Verdict, R)>,
        count: usize,
    ) -> Self::Out;
}

/// Reduce at once and write the results.
pub(crate) struct Blocking<'a, O>(pub(crate) Option<&'a mut [O]>);

impl<O: Real> Mode<O> for Blocking<'_, O> {
    type Out = Result<(), Failure>;
    fn go<R: Finish<Output = O>>(
        self,
        comm: &SimpleCommunicator,
        mut values: Vec<(Verdict, R)>,
        count: usize,
    ) -> Result<(), Failure> {
        let reduced = pdot_mpi::allreduce_slice(comm, &mut values).map(|()| values);
        let results = settle(reduced, count)?;
        // Every rank with a verdict of success had its output (a missing one is a problem).
        if let Some(out) = self.0 {
            out.copy_from_slice(&results);
        }
        Ok(())
    }
}

/// This rank's problem: the first of `problems` that is one.
pub(crate) fn first_problem<'a>(
    problems: impl IntoIterator<Item = Option<&'a Failure>>,
) -> Option<&'a Failure> {
    problems.into_iter().flatten().next()
}

/// The distributed dot products of `pairs` (this rank's pieces) at `level`, through `mode`.
pub(crate) fn dots<O: Real, E: Input<O>, M: Mode<O>>(
    comm: &SimpleCommunicator,
    level: &Result<Accuracy, Failure>,
    pairs: &Pairs<'_, E>,
    count: Option<usize>,
    other: Option<&Failure>,
    mode: M,
) -> M::Out {
    use mpi::traits::Communicator;
    let rank = comm.rank() as usize;
    let problem = first_problem([level.as_ref().err(), other, pairs.as_ref().err()]);
    let n = count.unwrap_or(0);
    fn partials<P: Partial, E: Input<P::Output>>(pairs: &Pairs<'_, E>) -> Vec<P> {
        pairs
            .iter()
            .flatten()
            .map(|&(x, y)| P::of_strided(x, y))
            .collect()
    }
    match level {
        Ok(Accuracy::Fast) => {
            let v = guard::<FastPartial<O>>(rank, problem, count, || partials(pairs));
            mode.go(comm, v, n)
        }
        Ok(Accuracy::Compensated) => {
            let v = guard::<CompensatedPartial<O>>(rank, problem, count, || partials(pairs));
            mode.go(comm, v, n)
        }
        Ok(Accuracy::Exact) => {
            let v = guard::<ExactPartial<O>>(rank, problem, count, || partials(pairs));
            mode.go(comm, v, n)
        }
        // An unknown accuracy code (`problem` holds it): empty values of the Fast kind.
        _ => {
            let v = guard::<FastPartial<O>>(rank, problem, count, Vec::new);
            mode.go(comm, v, n)
        }
    }
}

/// The distributed norm of `x` (this rank's piece) at `level`, through `mode`.
pub(crate) fn norm<O: Real, E: Input<O>, M: Mode<O>>(
    comm: &SimpleCommunicator,
    level: &Result<Accuracy, Failure>,
    x: &Result<Strided<'_, E>, Failure>,
    other: Option<&Failure>,
    mode: M,
) -> M::Out {
    use mpi::traits::Communicator;
    let rank = comm.rank() as usize;
    let problem = first_problem([level.as_ref().err(), other, x.as_ref().err()]);
    fn partial<P: Partial + Reducible, E: Input<P::Output>>(
        x: &Result<Strided<'_, E>, Failure>,
    ) -> Vec<NormPartial<P>> {
        x.iter().map(|&x| NormPartial::<P>::of_strided(x)).collect()
    }
    let one = Some(1);
    match level {
        Ok(Accuracy::Fast) => mode.go(
            comm,
            guard(rank, problem, one, || partial::<FastPartial<O>, E>(x)),
            1,
        ),
        Ok(Accuracy::Compensated) => mode.go(
            comm,
            guard(rank, problem, one, || {
                partial::<CompensatedPartial<O>, E>(x)
            }),
            1,
        ),
        Ok(Accuracy::Exact) => mode.go(
            comm,
            guard(rank, problem, one, || partial::<ExactPartial<O>, E>(x)),
            1,
        ),
        _ => {
            let v = guard::<NormPartial<FastPartial<O>>>(rank, problem, one, Vec::new);
            mode.go(comm, v, 1)
        }
    }
}
