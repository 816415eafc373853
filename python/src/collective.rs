//! The collective calls (`comm=`): each rank's share through pdot-mpi, with the GIL released
//! while the kernels run and while waiting on MPI. A rank whose arguments are bad still
//! joins the reduction (`LocalDots::reject`), so every rank raises the same exception.

use pdot_kernels::{Accuracy, Input, Real, Strided};
use pdot_mpi::{BorrowedComm, LocalDots};
use pyo3::prelude::*;

use crate::arrays::Bad;
use crate::comm::{self, Locked};
use crate::errors;
use crate::pending::{Pending, Started};
use crate::request::{Job, Kind, Request};
use crate::single::wide;

/// The results of a collective call, the same bits on every rank of `comm`; or the same
/// exception on every rank.
pub fn run(
    py: Python<'_>,
    comm: &Bound<'_, PyAny>,
    request: Result<Request<'_>, Bad>,
) -> PyResult<Vec<f64>> {
    let comm = comm::borrow(py, comm)?;
    let outcome = match &request {
        Ok(request) => request.dispatch(Blocking { py, comm }),
        Err(bad) => {
            let code = bad.code();
            py.detach(move || {
                let _lock = comm::lock();
                let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
                dots.reject(code);
                dots.allreduce(&*comm.0)
            })
        }
    };
    outcome.map_err(|e| errors::collective(py, e, request.err()))
}

/// The blocking reduction of a checked request.
struct Blocking<'py> {
    py: Python<'py>,
    comm: Locked<BorrowedComm<'static>>,
}

impl Job for Blocking<'_> {
    type Output = Result<Vec<f64>, pdot_mpi::Error>;

    fn run<O: Real, E: Input<O>>(
        self,
        request: &Request<'_>,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
    ) -> Self::Output {
        let (kind, accuracy, comm) = (request.kind, request.accuracy, self.comm);
        let values = self.py.detach(move || {
            let _lock = comm::lock();
            match kind {
                Kind::Nrm2 => {
                    pdot_mpi::nrm2_local_strided::<O, E>(&*comm.0, accuracy, x).map(|v| vec![v])
                }
                Kind::Dot | Kind::Mdot => {
                    let mut dots = LocalDots::<O>::new(accuracy);
                    dots.push_many_strided(x, ys);
                    dots.allreduce(&*comm.0)
                }
            }
        })?;
        Ok(values.into_iter().map(wide).collect())
    }
}

/// Starts a split-phase collective dot or multi-dot: the kernels run now, the reduction
/// progresses in `Pending::test` and completes in `Pending::finish`.
pub fn begin(
    py: Python<'_>,
    comm: &Bound<'_, PyAny>,
    request: Result<Request<'_>, Bad>,
    single: bool,
) -> PyResult<Pending> {
    let comm = comm::borrow(py, comm)?;
    match request {
        Ok(request) => {
            let pending = request.dispatch(Start { py, comm });
            Ok(Pending::new(pending, single, request.out, None))
        }
        Err(bad) => {
            let code = bad.code();
            let pending = py.detach(move || {
                let _lock = comm::lock();
                let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
                dots.reject(code);
                Locked(Started::F64(dots.begin(&*comm.0)))
            });
            Ok(Pending::new(
                pending,
                single,
                crate::arrays::Elem::F64,
                Some(bad),
            ))
        }
    }
}

/// The start of a split-phase reduction.
struct Start<'py> {
    py: Python<'py>,
    comm: Locked<BorrowedComm<'static>>,
}

impl Job for Start<'_> {
    type Output = Locked<Started>;

    fn run<O: Real, E: Input<O>>(
        self,
        request: &Request<'_>,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
    ) -> Self::Output {
        let (accuracy, comm) = (request.accuracy, self.comm);
        self.py.detach(move || {
            let _lock = comm::lock();
            let mut dots = LocalDots::<O>::new(accuracy);
            dots.push_many_strided(x, ys);
            Locked(Started::of(dots.begin(&*comm.0)))
        })
    }
}
