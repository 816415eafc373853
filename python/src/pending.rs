//! `pdot.Pending`: a split-phase collective dot product (or multi-dot) in flight.

use std::any::Any;
use std::sync::Mutex;

use numpy::PyArray1;
use pdot_kernels::Real;
use pdot_mpi::PendingDots;
use pyo3::prelude::*;

use crate::arrays::{Bad, Elem};
use crate::comm::{self, Locked};
use crate::errors;
use crate::single::wide;

/// A split-phase collective dot product in flight, from `pdot.dot_begin` or
/// `pdot.mdot_begin`. The local kernels have run; the reduction over the ranks advances in
/// `test()` and completes in `finish()`, which returns what the blocking call returns (the
/// same bits on every rank) or raises its exception (on every rank). Drop it only after
/// `finish()`: dropping an unfinished one waits for this rank's part of the reduction.
#[pyclass(module = "pdot", name = "Pending")]
pub struct Pending {
    state: Mutex<State>,
    /// `dot_begin`: `finish` gives a float; `mdot_begin`: an array.
    single: bool,
    /// The result type.
    out: Elem,
}

/// Where a pending reduction is.
enum State {
    /// In flight; with this rank's own exception if it rejected its input.
    Running(Locked<Started>, Option<Bad>),
    /// `finish` was called.
    Finished,
}

impl Pending {
    /// A pending reduction.
    pub fn new(started: Locked<Started>, single: bool, out: Elem, mine: Option<Bad>) -> Self {
        Pending {
            state: Mutex::new(State::Running(started, mine)),
            single,
            out,
        }
    }
}

#[pymethods]
impl Pending {
    /// Advances the reduction without waiting; True once this rank's result is ready
    /// (then `finish()` returns at once). Call it between pieces of other work.
    fn test(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *state {
            State::Running(started, _) => {
                let _lock = comm::lock();
                match &mut started.0 {
                    Started::F64(p) => p.test(),
                    Started::F32(p) => p.test(),
                }
            }
            State::Finished => true,
        }
    }

    /// Completes the reduction (waiting, with the GIL released) and returns its result: a
    /// float for `dot_begin`, a 1-D array for `mdot_begin`; raises the blocking call's
    /// exception, on every rank. Only once.
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let state = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *state, State::Finished)
        };
        let State::Running(started, mine) = state else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "pdot: finish() was already called on this Pending",
            ));
        };
        let outcome = py.detach(move || {
            let started = started; // moved whole (Send), not by its field
            let _lock = comm::lock();
            match started.0 {
                Started::F64(p) => p.finish().map(|v| v.into_iter().map(wide).collect()),
                Started::F32(p) => p.finish().map(|v| v.into_iter().map(wide).collect()),
            }
        });
        let values: Vec<f64> = outcome.map_err(|e| errors::collective(py, e, mine))?;
        results(py, values, self.single, self.out)
    }

    fn __repr__(&self) -> String {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match *state {
            State::Running(..) => "<pdot.Pending: running>".to_owned(),
            State::Finished => "<pdot.Pending: finished>".to_owned(),
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let state = std::mem::replace(
            self.state.get_mut().unwrap_or_else(|e| e.into_inner()),
            State::Finished,
        );
        if let State::Running(started, _) = state {
            if mpi::environment::is_finalized() {
                // Nothing can be freed once MPI has ended (at interpreter exit, mpi4py
                // finalises MPI before the last objects go).
                std::mem::forget(started);
                return;
            }
            let _lock = comm::lock();
            drop(started);
        }
    }
}

/// The Python value of results: a float for one, an array of the result type for several.
pub fn results(
    py: Python<'_>,
    values: Vec<f64>,
    single: bool,
    out: Elem,
) -> PyResult<Bound<'_, PyAny>> {
    if single {
        return Ok(
            pyo3::types::PyFloat::new(py, values.first().copied().unwrap_or(f64::NAN)).into_any(),
        );
    }
    Ok(match out {
        Elem::F64 => PyArray1::from_vec(py, values).into_any(),
        Elem::F32 => {
            let narrow: Vec<f32> = values.iter().map(|&v| v as f32).collect();
            PyArray1::from_vec(py, narrow).into_any()
        }
    })
}

/// A started reduction, by result type.
pub enum Started {
    /// float64 results.
    F64(PendingDots<f64>),
    /// float32 results.
    F32(PendingDots<f32>),
}

impl Started {
    /// `pending` by its result type (`O` is f64 or f32: the kernels' `Real` types).
    pub fn of<O: Real>(pending: PendingDots<O>) -> Started {
        let any: Box<dyn Any> = Box::new(pending);
        match any.downcast::<PendingDots<f64>>() {
            Ok(p) => Started::F64(*p),
            Err(any) => match any.downcast::<PendingDots<f32>>() {
                Ok(p) => Started::F32(*p),
                Err(_) => unreachable!("pdot: a result type other than f64 and f32"),
            },
        }
    }
}
