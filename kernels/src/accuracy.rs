//! The accuracy levels a dot product can be computed at.

use core::fmt;
use core::str::FromStr;

/// How accurately a dot product is computed.
///
/// Every level is deterministic: the same inputs give the same bits on every run and on every
/// backend (AVX-512, AVX2+FMA, portable). [`Accuracy::Fast`] and
/// [`Accuracy::Compensated`] follow the canonical order (element `i` in virtual lane
/// `i % LANES`, lanes combined in a fixed pairwise tree); [`Accuracy::Exact`] does not need
/// one: its result is the exact value rounded once, whatever the order.
///
/// # Example
///
/// ```
/// use pdot_kernels::{dot_with, Accuracy};
///
/// // 1e16 + 1 - 1e16: the rounding of the first sum loses the 1 in working precision.
/// let x = [1e16, 1.0, -1e16];
/// let y = [1.0, 1.0, 1.0];
/// assert_eq!(dot_with(Accuracy::Compensated, &x, &y), 1.0);
/// assert_eq!("compensated".parse::<Accuracy>().unwrap(), Accuracy::Compensated);
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Accuracy {
    /// Several FMA accumulators; error at most γ_n·|x|·|y| (γ_n = n·u / (1 − n·u)).
    #[default]
    Fast,
    /// As accurate as if computed in twice the working precision, then rounded:
    /// |r − x·y| ≤ u·|x·y| + γ_n²·|x|·|y|.
    ///
    /// For `f64` (and `f32` inputs with an `f64` result) this is Ogita–Rump–Oishi Dot2:
    /// TwoProduct by FMA and TwoSum, lane by lane in the canonical order. For `f32` inputs
    /// with an `f32` result it is, literally, twice the precision: exact `f64` products,
    /// `f64` FMA accumulation in the canonical order of `f64`, one rounding to `f32` — within
    /// the same bound (tighter, in fact) and faster than Dot2 in `f32`.
    Compensated,
    /// The exact dot product, rounded once to nearest (ties to even): the best possible
    /// result, for every finite input (subnormal products, products that overflow and
    /// cancel). Hence the same bits for any order, splitting, layout, rank count or CPU.
    ///
    /// Products are split exactly (TwoProduct; `f32` products are exact in `f64`) and added
    /// per SIMD lane into fixed-point accumulators made of floating-point numbers, pinned to
    /// a binade chosen from a bound on each block's products; whatever does not fit them
    /// takes an exact scalar path, and everything ends in a fixed-point superaccumulator
    /// covering the whole exponent range, rounded once. Special values: NaN, inf·0 or +inf
    /// with −inf give NaN, an infinity alone gives
    /// that infinity, a sum beyond the format's range gives ±inf; an exact zero is +0, and
    /// −0 only when every product is −0.
    Exact,
}

impl Accuracy {
    /// Every accuracy level, from the fastest to the most accurate.
    ///
    /// ```
    /// use pdot_kernels::Accuracy;
    /// assert_eq!(Accuracy::ALL[0], Accuracy::Fast);
    /// assert_eq!(Accuracy::ALL.last(), Some(&Accuracy::Exact));
    /// ```
    pub const ALL: &'static [Accuracy] = &[Accuracy::Fast, Accuracy::Compensated, Accuracy::Exact];

    /// The lower-case name used on command lines and in reports.
    ///
    /// ```
    /// use pdot_kernels::Accuracy;
    /// assert_eq!(Accuracy::Fast.name(), "fast");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Accuracy::Fast => "fast",
            Accuracy::Compensated => "compensated",
            Accuracy::Exact => "exact",
        }
    }
}

impl fmt::Display for Accuracy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an [`Accuracy`] from text: names the text and the accepted names.
///
/// ```
/// use pdot_kernels::Accuracy;
/// let err = "exactly".parse::<Accuracy>().unwrap_err();
/// assert!(err.to_string().contains("exactly"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseAccuracyError {
    text: String,
}

impl fmt::Display for ParseAccuracyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Accuracy::ALL.iter().map(|a| a.name()).collect();
        write!(
            f,
            "unknown accuracy {:?}: expected one of {}",
            self.text,
            names.join(", ")
        )
    }
}

impl std::error::Error for ParseAccuracyError {}

impl FromStr for Accuracy {
    type Err = ParseAccuracyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Accuracy::ALL
            .iter()
            .copied()
            .find(|a| a.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseAccuracyError { text: s.to_owned() })
    }
}
