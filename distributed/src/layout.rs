//! How the elements of a distributed vector are dealt out to the ranks.

use std::fmt;
use std::str::FromStr;

/// How the `n` elements of a vector are distributed over `P` ranks.
///
/// ```
/// use pdot_mpi::Layout;
///
/// let layout: Layout = "block-cyclic:64".parse()?;
/// assert_eq!(layout, Layout::BlockCyclic(64));
/// assert_eq!(layout.to_string(), "block-cyclic:64");
/// assert_eq!("cyclic".parse::<Layout>()?, Layout::Cyclic);
/// # Ok::<(), pdot_mpi::ParseLayoutError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One contiguous range per rank, in rank order; the first `n % P` ranks hold one element
    /// more than the others.
    Block,
    /// Element `i` lives on rank `i % P` (round robin, one element at a time).
    Cyclic,
    /// Blocks of `b` consecutive elements dealt round robin: element `i` lives on rank
    /// `(i / b) % P`. `BlockCyclic(1)` is [`Layout::Cyclic`] by another name; `b` must be at
    /// least 1.
    BlockCyclic(usize),
}

impl Layout {
    /// Whether the layout is usable: a block-cyclic block size must be at least 1.
    ///
    /// ```
    /// use pdot_mpi::Layout;
    ///
    /// assert!(Layout::BlockCyclic(8).is_valid());
    /// assert!(!Layout::BlockCyclic(0).is_valid());
    /// ```
    pub fn is_valid(self) -> bool {
        !matches!(self, Layout::BlockCyclic(0))
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layout::Block => f.write_str("block"),
            Layout::Cyclic => f.write_str("cyclic"),
            Layout::BlockCyclic(b) => write!(f, "block-cyclic:{b}"),
        }
    }
}

/// Why a string is not a [`Layout`].
///
/// ```
/// use pdot_mpi::Layout;
///
/// let err = "block-cyclic:0".parse::<Layout>().unwrap_err();
/// assert!(err.to_string().contains("at least 1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLayoutError {
    input: String,
    why: &'static str,
}

impl fmt::Display for ParseLayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid layout {:?}: {} (expected block, cyclic or block-cyclic:B with B >= 1)",
            self.input, self.why
        )
    }
}

impl std::error::Error for ParseLayoutError {}

impl FromStr for Layout {
    type Err = ParseLayoutError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = |why| ParseLayoutError {
            input: s.to_owned(),
            why,
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "block" => Ok(Layout::Block),
            "cyclic" => Ok(Layout::Cyclic),
            other => {
                let Some(b) = other.strip_prefix("block-cyclic:") else {
                    return Err(error("unknown layout"));
                };
                match b.parse::<usize>() {
                    Ok(0) => Err(error("the block size must be at least 1")),
                    Ok(b) => Ok(Layout::BlockCyclic(b)),
                    Err(_) => Err(error("the block size is not a whole number")),
                }
            }
        }
    }
}

/// A layout as one integer: 0 block, 1 cyclic, `2 + b` block-cyclic with block `b`.
pub(crate) fn layout_code(layout: Layout) -> u64 {
    match layout {
        Layout::Block => 0,
        Layout::Cyclic => 1,
        Layout::BlockCyclic(b) => (b as u64).saturating_add(2),
    }
}

/// The inverse of [`layout_code`].
pub(crate) fn layout_from_code(code: u64) -> Option<Layout> {
    match code {
        0 => Some(Layout::Block),
        1 => Some(Layout::Cyclic),
        c => usize::try_from(c - 2).ok().map(Layout::BlockCyclic),
    }
}
