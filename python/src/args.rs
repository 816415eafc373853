//! The arguments every function shares: the accuracy level and the result type.

use numpy::{PyArrayDescr, PyArrayDescrMethods};
use pdot_kernels::Accuracy;
use pyo3::prelude::*;

use crate::arrays::{Bad, Elem};

/// `accuracy="fast"|"compensated"|"exact"`.
pub fn accuracy(name: &str) -> Result<Accuracy, Bad> {
    name.parse().map_err(|_| {
        Bad::Value(format!(
            "accuracy must be \"fast\", \"compensated\" or \"exact\", not {name:?}"
        ))
    })
}

/// The result type for inputs of type `elem` and the `dtype=` argument: the input type by
/// default; float64 for float32 inputs on request (sums in float64, as BLAS `dsdot`).
pub fn result_type(elem: Elem, dtype: Option<&Bound<'_, PyAny>>) -> Result<Elem, Bad> {
    let Some(dtype) = dtype.filter(|d| !d.is_none()) else {
        return Ok(elem);
    };
    let descr = PyArrayDescr::new(dtype.py(), dtype)
        .map_err(|e| Bad::Type(format!("dtype must be a NumPy float dtype: {e}")))?;
    let out = match (descr.kind(), descr.itemsize()) {
        (b'f', 8) => Elem::F64,
        (b'f', 4) => Elem::F32,
        _ => {
            return Err(Bad::Type(format!(
                "dtype must be float64 or float32, not {}",
                descr
                    .str()
                    .map_or_else(|_| "?".to_owned(), |s| s.to_string())
            )));
        }
    };
    if (elem, out) == (Elem::F64, Elem::F32) {
        return Err(Bad::Type(
            "dtype=float32 needs float32 inputs (float64 inputs give a float64 result)".to_owned(),
        ));
    }
    Ok(out)
}

/// The same element type for `x` and `other` (named `what`).
pub fn same_elem(x: Elem, other: Elem, what: &str) -> Result<(), Bad> {
    if x == other {
        return Ok(());
    }
    Err(Bad::Type(format!(
        "x is {} but {what} is {}: pass arrays of one dtype",
        x.name(),
        other.name()
    )))
}

/// The same length for `x` and `other` (named `what`).
pub fn same_len(x: usize, other: usize, what: &str) -> Result<(), Bad> {
    if x == other {
        return Ok(());
    }
    Err(Bad::Value(format!(
        "x has {x} elements but {what} has {other}: the lengths must be equal"
    )))
}
