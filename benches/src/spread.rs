//! The data cases of the Exact price (issue 11): the same n, `f64` data whose products
//! spread over more and more of the exponent range, from uniform [-1, 1) to Ogita–Rump–Oishi
//! GenDot at condition 1e300 and products in the subnormal range.

use pdot_testkit::{Family, gen_f64, gen_tiny_products};

use crate::data::AlignedBuf;

/// One kind of `f64` input data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataCase {
    /// Uniform in [-1, 1) (the report's data): the baseline of the ratios.
    Random,
    /// Ogita–Rump–Oishi GenDot with condition number about `10^log10_cond`.
    GenDot {
        /// The decimal logarithm of the condition number.
        log10_cond: u32,
    },
    /// `±m · 2^e`, `m` uniform in [1, 2), `e` uniform in `-spread..=spread`, for x and y.
    WideExponents {
        /// The largest exponent magnitude (products stay below `2^(2·spread + 2)`).
        spread: i32,
    },
    /// Normal inputs whose products are about `2^-1074 ..= 2^-999`
    /// ([`pdot_testkit::gen_tiny_products`]).
    TinyProducts,
}

impl DataCase {
    /// Every case of the report, the baseline first.
    pub const ALL: [DataCase; 7] = [
        DataCase::Random,
        DataCase::GenDot { log10_cond: 19 },
        DataCase::GenDot { log10_cond: 100 },
        DataCase::GenDot { log10_cond: 300 },
        DataCase::WideExponents { spread: 60 },
        DataCase::WideExponents { spread: 500 },
        DataCase::TinyProducts,
    ];

    /// A short name: `random`, `gendot_1e19`, `exp_pm2^60`, `tiny_products`.
    ///
    /// ```
    /// use pdot_benches::spread::DataCase;
    /// assert_eq!(DataCase::GenDot { log10_cond: 300 }.name(), "gendot_1e300");
    /// ```
    pub fn name(self) -> String {
        match self {
            DataCase::Random => "random".into(),
            DataCase::GenDot { log10_cond } => format!("gendot_1e{log10_cond}"),
            DataCase::WideExponents { spread } => format!("exp_pm2^{spread}"),
            DataCase::TinyProducts => "tiny_products".into(),
        }
    }

    /// A label for the report: `random [-1, 1)`, `GenDot cond 1e19`, ...
    ///
    /// ```
    /// use pdot_benches::spread::DataCase;
    /// assert_eq!(DataCase::TinyProducts.label(), "products 2^-1074..2^-999");
    /// ```
    pub fn label(self) -> String {
        match self {
            DataCase::Random => "random [-1, 1)".into(),
            DataCase::GenDot { log10_cond } => format!("GenDot cond 1e{log10_cond}"),
            DataCase::WideExponents { spread } => format!("exponents ±{spread}"),
            DataCase::TinyProducts => "products 2^-1074..2^-999".into(),
        }
    }

    /// `n` pairs of this case from `seed` (deterministic), 64-byte aligned.
    ///
    /// ```
    /// use pdot_benches::spread::DataCase;
    /// for case in DataCase::ALL {
    ///     let (x, y) = case.vectors(100, 1);
    ///     assert_eq!((x.len(), y.len()), (100, 100));
    ///     assert!(x.aligned().iter().zip(y.aligned()).all(|(a, b)| (a * b).is_finite()));
    /// }
    /// ```
    pub fn vectors(self, n: usize, seed: u64) -> (AlignedBuf<f64>, AlignedBuf<f64>) {
        let (x, y) = match self {
            DataCase::Random => {
                return (
                    AlignedBuf::random(n, seed),
                    AlignedBuf::random(n, seed ^ 0x5DEE_CE66_D1CE_CAFE),
                );
            }
            DataCase::GenDot { log10_cond } => {
                gen_f64(Family::IllConditioned { log10_cond }, n, seed)
            }
            DataCase::WideExponents { spread } => {
                gen_f64(Family::WideExponents { spread }, n, seed)
            }
            DataCase::TinyProducts => gen_tiny_products(n, seed),
        };
        (AlignedBuf::from_slice(&x), AlignedBuf::from_slice(&y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdot_testkit::exact_dot;

    /// Every case is finite, has an exact dot product (the reference agrees it is finite),
    /// and spans the exponents it claims.
    #[test]
    fn cases_span_their_exponents() {
        let n = 2000;
        for case in DataCase::ALL {
            let (x, y) = case.vectors(n, 3);
            let (x, y) = (x.aligned(), y.aligned());
            assert!(exact_dot(x, y).is_some(), "{}", case.name());
            let exps: Vec<i32> = x
                .iter()
                .zip(y)
                .filter(|(a, b)| **a != 0.0 && **b != 0.0)
                .map(|(a, b)| (a.abs().log2() + b.abs().log2()).round() as i32)
                .collect();
            let (lo, hi) = (
                *exps.iter().min().expect("nonzero products"),
                *exps.iter().max().expect("nonzero products"),
            );
            let span = hi - lo;
            match case {
                DataCase::Random => assert!(span < 64, "{span}"),
                DataCase::GenDot { log10_cond } => {
                    let bits = (f64::from(log10_cond) * 10f64.log2()) as i32;
                    assert!(span > bits * 3 / 4, "{}: {span}", case.name());
                }
                DataCase::WideExponents { spread } => {
                    assert!(span > 3 * spread, "{}: {span}", case.name());
                }
                DataCase::TinyProducts => {
                    assert!(hi <= -998 && lo >= -1075, "{lo}..{hi}");
                }
            }
        }
    }
}
