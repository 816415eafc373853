//! The errors of the distributed layer. The collective functions return the same `Error` on
//! every rank of the communicator.

use std::fmt;

use pdot_kernels::Accuracy;

use crate::layout::{Layout, layout_from_code};

/// The code of an accuracy level in statements: its index in [`Accuracy::ALL`].
pub(crate) fn accuracy_code(accuracy: Accuracy) -> u64 {
    Accuracy::ALL
        .iter()
        .position(|&a| a == accuracy)
        .unwrap_or(usize::MAX) as u64
}

/// A value every rank must agree on.
///
/// ```
/// use pdot_mpi::Quantity;
///
/// assert_eq!(Quantity::GlobalLength.to_string(), "the global length");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Quantity {
    /// The global length `n` of a vector (of `x` in a dot product).
    GlobalLength,
    /// The layout of a vector (of `x` in a dot product).
    Layout,
    /// The global length of `y` in a dot product.
    GlobalLengthY,
    /// The layout of `y` in a dot product.
    LayoutY,
    /// The number of values reduced together.
    Count,
    /// The kind of the values reduced ([`crate::Reducible::kind_name`] and wire length;
    /// reported as [`Error::KindDisagree`], with the names).
    ValueKind,
    /// The accuracy level of a collective dot product or of [`crate::LocalDots`].
    Accuracy,
    /// The per-rank counts of a vector distributed by [`crate::Counts`] (of `x` in a dot
    /// product), stated as a 64-bit digest of the counts (0 for a [`Layout`]).
    Counts,
    /// The per-rank counts of `y` in a dot product, as [`Quantity::Counts`].
    CountsY,
}

impl Quantity {
    /// Shows a value of this quantity as the user wrote it.
    pub(crate) fn show(self, value: u64) -> String {
        match self {
            Quantity::Layout | Quantity::LayoutY => match layout_from_code(value) {
                Some(layout) => layout.to_string(),
                None => format!("layout code {value}"),
            },
            Quantity::ValueKind => format!("values of kind digest {value:#018x}"),
            Quantity::Accuracy => match Accuracy::ALL.get(value as usize) {
                Some(accuracy) => accuracy.name().to_owned(),
                None => format!("accuracy code {value}"),
            },
            Quantity::Counts | Quantity::CountsY if value == 0 => "a layout".to_owned(),
            Quantity::Counts | Quantity::CountsY => format!("counts with digest {value:#018x}"),
            _ => value.to_string(),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantity::GlobalLength => "the global length",
            Quantity::Layout => "the layout",
            Quantity::GlobalLengthY => "the global length of y",
            Quantity::LayoutY => "the layout of y",
            Quantity::Count => "the number of values to reduce",
            Quantity::ValueKind => "the kind of values to reduce",
            Quantity::Accuracy => "the accuracy",
            Quantity::Counts => "the per-rank counts",
            Quantity::CountsY => "the per-rank counts of y",
        })
    }
}

/// What went wrong in the distributed layer.
///
/// Returned by the collective functions identically on every rank: the ranks exchange what
/// each found before any of them decides, so a problem on one rank is reported everywhere
/// (with the rank that has it), and no rank is left waiting.
///
/// ```
/// use pdot_mpi::{Error, Layout, Quantity};
///
/// let e = Error::Disagree { what: Quantity::GlobalLength, low_rank: 2, low: 99, high_rank: 0, high: 100 };
/// assert_eq!(
///     e.to_string(),
///     "ranks disagree on the global length: rank 2 has 99, rank 0 has 100"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `BlockCyclic(0)`: a block size must be at least 1.
    InvalidLayout {
        /// The layout given.
        layout: Layout,
    },
    /// A rank number outside `0..ranks`.
    InvalidRank {
        /// The rank given.
        rank: usize,
        /// The number of ranks.
        ranks: usize,
    },
    /// Ranks passed different values of something that must be the same on every rank.
    Disagree {
        /// What they disagree on.
        what: Quantity,
        /// The lowest rank holding the smallest value.
        low_rank: usize,
        /// The smallest value (layouts as in [`Quantity`]'s display).
        low: u64,
        /// The lowest rank holding the largest value.
        high_rank: usize,
        /// The largest value.
        high: u64,
    },
    /// A rank's local part has the wrong length for its share of the layout.
    LocalLength {
        /// The (lowest) rank with the problem.
        rank: usize,
        /// The length its share has.
        expected: usize,
        /// The length it passed.
        found: usize,
    },
    /// `x` and `y` are distributed differently, so their local parts do not pair up.
    PartitionMismatch {
        /// Global length and layout of `x`.
        x: (usize, Layout),
        /// Global length and layout of `y`.
        y: (usize, Layout),
    },
    /// `x` and `y` have different lengths (in a dot product of replicated vectors).
    LengthMismatch {
        /// The (lowest) rank with the problem.
        rank: usize,
        /// Length of `x` there.
        x: usize,
        /// Length of `y` there.
        y: usize,
    },
    /// Two ranks exchanged messages that could not be decoded: they were in different
    /// collective calls (a program that calls pdot's collectives in a different order on
    /// different ranks), or run different versions of pdot.
    Corrupt {
        /// The two ranks, lower first.
        ranks: (usize, usize),
    },
    /// A vector was built on a communicator of another size (or where this process had
    /// another rank) than the one passed to the collective.
    Communicator {
        /// The (lowest) rank with the problem.
        rank: usize,
        /// The number of ranks the vector was built for.
        built_for: usize,
    },
    /// An accuracy level of the kernels that this version of pdot-mpi does not handle.
    UnsupportedAccuracy,
    /// Ranks passed values of different kinds to one reduction (an Exact partial on one
    /// rank, a Fast one on another, say).
    KindDisagree {
        /// The lowest rank holding the kind of the smallest digest.
        low_rank: usize,
        /// Its kind ([`crate::Reducible::kind_name`], cut at 120 bytes).
        low: String,
        /// The lowest rank holding the kind of the largest digest.
        high_rank: usize,
        /// Its kind.
        high: String,
    },
    /// Per-rank counts ([`crate::Counts`]) for another number of ranks than the
    /// communicator has.
    CountsRanks {
        /// The number of ranks the counts are for.
        counts: usize,
        /// The number of ranks of the communicator.
        ranks: usize,
    },
    /// A fixed number of results was asked for ([`crate::LocalDots::allreduce_array`]), but
    /// another number of dot products was pushed.
    CountMismatch {
        /// The number asked for.
        expected: usize,
        /// The number pushed.
        found: usize,
    },
    /// Per-rank counts whose sum exceeds `usize::MAX`.
    CountsOverflow,
    /// `x` and `y` are distributed by different per-rank counts (or one by counts, the other
    /// by a layout), so their local parts do not pair up.
    CountsMismatch {
        /// The global length of `x`.
        x: usize,
        /// The global length of `y`.
        y: usize,
    },
    /// A caller (a binding such as pdot's Python package) found this rank's input unusable
    /// and said so with [`crate::LocalDots::reject`], with a code of its own; it wins over
    /// any disagreement (a rank that rejects its input may pass anything).
    Rejected {
        /// The (lowest) rank that rejected its input.
        rank: usize,
        /// The caller's code for what was wrong.
        code: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidLayout { layout } => write!(
                f,
                "invalid layout {layout:?}: a block-cyclic block size must be at least 1"
            ),
            Error::InvalidRank { rank, ranks } => {
                write!(f, "rank {rank} does not exist among {ranks} ranks")
            }
            Error::Disagree {
                what,
                low_rank,
                low,
                high_rank,
                high,
            } => write!(
                f,
                "ranks disagree on {what}: rank {low_rank} has {}, rank {high_rank} has {}",
                what.show(*low),
                what.show(*high)
            ),
            Error::LocalLength {
                rank,
                expected,
                found,
            } => write!(
                f,
                "rank {rank} passed a local part of {found} elements, but its share of the \
                 layout has {expected}"
            ),
            Error::PartitionMismatch { x, y } => write!(
                f,
                "x and y are distributed differently: x has n = {} ({}), y has n = {} ({})",
                x.0, x.1, y.0, y.1
            ),
            Error::LengthMismatch { rank, x, y } => write!(
                f,
                "x and y differ in length on rank {rank}: x has {x} elements, y has {y}"
            ),
            Error::Corrupt { ranks: (a, b) } => write!(
                f,
                "ranks {a} and {b} exchanged messages they could not decode (different \
                 collective calls on different ranks, or different versions of pdot)"
            ),
            Error::Communicator { rank, built_for } => write!(
                f,
                "rank {rank} passed a vector built for another communicator (of {built_for} \
                 ranks, or with another rank numbering)"
            ),
            Error::UnsupportedAccuracy => {
                f.write_str("this accuracy level is not supported by pdot-mpi")
            }
            Error::KindDisagree {
                low_rank,
                low,
                high_rank,
                high,
            } => write!(
                f,
                "ranks disagree on the kind of values to reduce: rank {low_rank} has {low}, \
                 rank {high_rank} has {high}"
            ),
            Error::CountsRanks { counts, ranks } => write!(
                f,
                "the per-rank counts are for {counts} ranks, but the communicator has {ranks}"
            ),
            Error::CountMismatch { expected, found } => write!(
                f,
                "{expected} results were asked for, but {found} dot products were pushed"
            ),
            Error::CountsOverflow => f.write_str("the per-rank counts add up beyond usize::MAX"),
            Error::CountsMismatch { x, y } => write!(
                f,
                "x and y are distributed differently: x has n = {x}, y has n = {y}, and they \
                 are not split by the same per-rank counts"
            ),
            Error::Rejected { rank, code } => {
                write!(f, "rank {rank} rejected its input (code {code})")
            }
        }
    }
}

impl std::error::Error for Error {}
