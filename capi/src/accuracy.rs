//! The accuracy argument of the entries: an `int` code, checked.

use std::ffi::c_int;

use pdot_kernels::Accuracy;

use crate::status::{Failure, PDOT_ERR_ACCURACY};

/// The accuracy levels, as the `accuracy` argument of every entry takes them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pdot_accuracy {
    /// SIMD sum, the speed of BLAS; rounding error grows with `n` and the condition number.
    PDOT_FAST = 0,
    /// Compensated (Ogita–Rump–Oishi): as if computed in twice the working precision.
    PDOT_COMPENSATED = 1,
    /// The correctly rounded result, the same bits for every split and number of ranks.
    PDOT_EXACT = 2,
}

/// The level of an accuracy code, or the error of an unknown code.
pub(crate) fn accuracy(code: c_int) -> Result<Accuracy, Failure> {
    match code {
        0 => Ok(Accuracy::Fast),
        1 => Ok(Accuracy::Compensated),
        2 => Ok(Accuracy::Exact),
        _ => Err(Failure::new(
            PDOT_ERR_ACCURACY,
            format!(
                "unknown accuracy code {code}: use PDOT_FAST (0), PDOT_COMPENSATED (1) or \
                 PDOT_EXACT (2)"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_of_the_enum() {
        assert_eq!(
            accuracy(pdot_accuracy::PDOT_FAST as c_int),
            Ok(Accuracy::Fast)
        );
        assert_eq!(
            accuracy(pdot_accuracy::PDOT_COMPENSATED as c_int),
            Ok(Accuracy::Compensated)
        );
        assert_eq!(
            accuracy(pdot_accuracy::PDOT_EXACT as c_int),
            Ok(Accuracy::Exact)
        );
        for bad in [-1, 3, c_int::MAX, c_int::MIN] {
            assert_eq!(accuracy(bad).unwrap_err().status, PDOT_ERR_ACCURACY);
        }
    }
}
