//! A checked call: the vectors, the accuracy and the result type, and the dispatch to the
//! kernels' generic functions for the three type pairs.

use pdot_kernels::{Accuracy, Input, Real, Strided};
use pyo3::prelude::*;

use crate::args;
use crate::arrays::{Bad, Elem, Vector};

/// What is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `x · y`: one result.
    Dot,
    /// `x · y_j` for every `y_j`: one result each.
    Mdot,
    /// `‖x‖₂`: one result.
    Nrm2,
}

/// A checked call.
pub struct Request<'py> {
    /// What is computed.
    pub kind: Kind,
    /// The accuracy level.
    pub accuracy: Accuracy,
    /// The result type.
    pub out: Elem,
    /// `x`.
    pub x: Vector<'py>,
    /// `y` (one for a dot product), the `y_j` of a multi-dot, none for a norm.
    pub ys: Vec<Vector<'py>>,
}

impl<'py> Request<'py> {
    /// `dot(x, y, accuracy, dtype=...)`. Lengths that differ are refused here on one core;
    /// in a collective call (`lengths_checked_by_mpi`) pdot-mpi reports them on every rank.
    pub fn dot(
        x: &Bound<'py, PyAny>,
        y: &Bound<'py, PyAny>,
        accuracy: &str,
        dtype: Option<&Bound<'py, PyAny>>,
        lengths_checked_by_mpi: bool,
    ) -> Result<Self, Bad> {
        let (x, y) = (Vector::new(x, "x")?, Vector::new(y, "y")?);
        args::same_elem(x.elem, y.elem, "y")?;
        if !lengths_checked_by_mpi {
            args::same_len(x.len, y.len, "y")?;
        }
        Request::checked(Kind::Dot, accuracy, dtype, x, vec![y])
    }

    /// `mdot(x, ys, accuracy, dtype=...)`; lengths as for [`Request::dot`].
    pub fn mdot(
        x: &Bound<'py, PyAny>,
        ys: &Bound<'py, PyAny>,
        accuracy: &str,
        dtype: Option<&Bound<'py, PyAny>>,
        lengths_checked_by_mpi: bool,
    ) -> Result<Self, Bad> {
        let x = Vector::new(x, "x")?;
        let items = ys.try_iter().map_err(|_| {
            Bad::Type("ys must be a sequence of 1-D arrays (or a 2-D array)".to_owned())
        })?;
        let mut vectors = Vec::new();
        for (j, item) in items.enumerate() {
            let item = item.map_err(|e| Bad::Type(format!("ys could not be iterated: {e}")))?;
            let what = format!("ys[{j}]");
            let y = Vector::new(&item, &what)?;
            args::same_elem(x.elem, y.elem, &what)?;
            if !lengths_checked_by_mpi {
                args::same_len(x.len, y.len, &what)?;
            }
            vectors.push(y);
        }
        Request::checked(Kind::Mdot, accuracy, dtype, x, vectors)
    }

    /// `nrm2(x, accuracy, dtype=...)`.
    pub fn nrm2(
        x: &Bound<'py, PyAny>,
        accuracy: &str,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> Result<Self, Bad> {
        let x = Vector::new(x, "x")?;
        Request::checked(Kind::Nrm2, accuracy, dtype, x, Vec::new())
    }

    /// The request, once the accuracy and result type are checked.
    fn checked(
        kind: Kind,
        accuracy: &str,
        dtype: Option<&Bound<'py, PyAny>>,
        x: Vector<'py>,
        ys: Vec<Vector<'py>>,
    ) -> Result<Self, Bad> {
        Ok(Request {
            kind,
            accuracy: args::accuracy(accuracy)?,
            out: args::result_type(x.elem, dtype)?,
            x,
            ys,
        })
    }

    /// The number of elements the kernels read.
    pub fn elements(&self) -> usize {
        self.x.len * (1 + self.ys.len())
    }

    /// Runs `job` on the views of the vectors, with the type pair of the request.
    pub fn dispatch<J: Job>(&self, job: J) -> J::Output {
        match (self.x.elem, self.out) {
            (Elem::F64, Elem::F64) => {
                let ys: Vec<_> = self.ys.iter().map(Vector::f64s).collect();
                job.run::<f64, f64>(self, self.x.f64s(), &ys)
            }
            (Elem::F32, Elem::F32) => {
                let ys: Vec<_> = self.ys.iter().map(Vector::f32s).collect();
                job.run::<f32, f32>(self, self.x.f32s(), &ys)
            }
            (Elem::F32, Elem::F64) => {
                let ys: Vec<_> = self.ys.iter().map(Vector::f32s).collect();
                job.run::<f64, f32>(self, self.x.f32s(), &ys)
            }
            (Elem::F64, Elem::F32) => {
                unreachable!("pdot: float64 inputs with a float32 result pass args::result_type")
            }
        }
    }
}

/// Work generic over the type pair (result `O`, inputs `E`).
pub trait Job {
    /// What the work gives.
    type Output;

    /// Does the work on `x` and the `ys` (as in `request`).
    fn run<O: Real, E: Input<O>>(
        self,
        request: &Request<'_>,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
    ) -> Self::Output;
}
