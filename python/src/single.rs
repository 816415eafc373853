//! The calls on one core: the kernels of pdot-kernels on the arrays' views, with the GIL
//! released for all but small arrays.

use pdot_kernels::{Input, Real, Strided};
use pyo3::prelude::*;

use crate::request::{Job, Kind, Request};

/// Below this many elements read, the kernels run with the GIL held: releasing and taking
/// it back costs more than they take (as NumPy, which also keeps it for small arrays).
pub const DETACH_MIN: usize = 1 << 14;

/// The results of `request` on this core, as f64 (exact for an f32 result).
pub fn run(py: Python<'_>, request: &Request<'_>) -> Vec<f64> {
    request.dispatch(Single { py })
}

/// The kernels' work, with the GIL released when the arrays are large.
struct Single<'py> {
    py: Python<'py>,
}

impl Job for Single<'_> {
    type Output = Vec<f64>;

    fn run<O: Real, E: Input<O>>(
        self,
        request: &Request<'_>,
        x: Strided<'_, E>,
        ys: &[Strided<'_, E>],
    ) -> Vec<f64> {
        let (kind, accuracy) = (request.kind, request.accuracy);
        let work = move || -> Vec<O> {
            match kind {
                Kind::Dot => vec![pdot_kernels::dot_strided_as::<O, E>(accuracy, x, ys[0])],
                Kind::Mdot => {
                    let mut out = vec![O::zero(); ys.len()];
                    pdot_kernels::mdot_strided_as::<O, E>(accuracy, x, ys, &mut out);
                    out
                }
                Kind::Nrm2 => vec![pdot_kernels::nrm2_strided_as::<O, E>(accuracy, x)],
            }
        };
        let values = if request.elements() >= DETACH_MIN {
            self.py.detach(work)
        } else {
            work()
        };
        values.iter().map(|v| wide(*v)).collect()
    }
}

/// `v` as f64 (exact: f64 holds every f32).
pub fn wide<O: Real>(v: O) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}
