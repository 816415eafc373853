//! The wire form's header and its errors.

use core::fmt;

use crate::accuracy::Accuracy;
use crate::real::Real;

/// The first bytes of every wire form.
const MAGIC: [u8; 4] = *b"PDOT";
/// The wire format's version.
const VERSION: u8 = 2;
/// Bytes before the payload: magic, version, level, result type, flags.
pub(crate) const HEADER_LEN: usize = 8;

/// Why bytes are not the wire form of a partial.
///
/// ```
/// use pdot_kernels::{ExactPartial, Partial, WireError};
/// let err = ExactPartial::<f64>::from_wire(&[0u8; 3]).unwrap_err();
/// assert!(matches!(err, WireError::Length { found: 3, .. }));
/// assert!(err.to_string().contains("3 bytes"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// The buffer does not have the length of the wire form: shorter or longer than the
    /// form it holds (as far as its header tells), or, for writing, shorter than
    /// [`Partial::WIRE_MAX`](crate::Partial::WIRE_MAX).
    Length {
        /// The length of the wire form (or the least length the buffer needs).
        expected: usize,
        /// The length of the buffer.
        found: usize,
    },
    /// The buffer does not start with the pdot magic bytes `PDOT`.
    Magic,
    /// The wire format version is not one this build reads.
    Version(u8),
    /// The header is that of a partial of another accuracy level or result type.
    Kind {
        /// What the receiving type expects, e.g. `exact f64`.
        expected: String,
        /// What the header says.
        found: String,
    },
    /// The header and payload are well-formed but no dot product has this state.
    Invalid(&'static str),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Length { expected, found } => write!(
                f,
                "a partial's wire form is {expected} bytes, this buffer has {found} bytes"
            ),
            WireError::Magic => {
                f.write_str("not a pdot partial: the buffer does not start with PDOT")
            }
            WireError::Version(v) => {
                write!(
                    f,
                    "pdot partial of wire version {v}; this build reads version {VERSION}"
                )
            }
            WireError::Kind { expected, found } => {
                write!(
                    f,
                    "expected a partial of kind {expected}, the header says {found}"
                )
            }
            WireError::Invalid(why) => write!(f, "invalid pdot partial: {why}"),
        }
    }
}

impl std::error::Error for WireError {}

fn level_code(a: Accuracy) -> u8 {
    match a {
        Accuracy::Fast => 1,
        Accuracy::Compensated => 2,
        Accuracy::Exact => 3,
    }
}

fn describe(level: u8, width: u8) -> String {
    let level = Accuracy::ALL
        .iter()
        .find(|&&a| level_code(a) == level)
        .map_or_else(|| format!("level#{level}"), |a| a.name().to_owned());
    let ty = match width {
        4 => "f32".to_owned(),
        8 => "f64".to_owned(),
        w => format!("type#{w}"),
    };
    format!("{level} {ty}")
}

/// Writes the header of a partial of `level` with result `O` and `flags`.
pub(crate) fn write_header<O: Real>(out: &mut [u8], level: Accuracy, flags: u8) {
    out[..4].copy_from_slice(&MAGIC);
    out[4] = VERSION;
    out[5] = level_code(level);
    out[6] = core::mem::size_of::<O>() as u8;
    out[7] = flags;
}

/// Checks the header of `bytes` for a partial of `level` with result `O`, after checking that
/// `bytes` has at least `len` bytes; returns the flags byte and the bytes after the header.
pub(crate) fn read_header<O: Real>(
    bytes: &[u8],
    level: Accuracy,
    len: usize,
) -> Result<(u8, &[u8]), WireError> {
    if bytes.len() < len {
        return Err(WireError::Length {
            expected: len,
            found: bytes.len(),
        });
    }
    if bytes[..4] != MAGIC {
        return Err(WireError::Magic);
    }
    if bytes[4] != VERSION {
        return Err(WireError::Version(bytes[4]));
    }
    let width = core::mem::size_of::<O>() as u8;
    if bytes[5] != level_code(level) || bytes[6] != width {
        return Err(WireError::Kind {
            expected: describe(level_code(level), width),
            found: describe(bytes[5], bytes[6]),
        });
    }
    Ok((bytes[7], &bytes[HEADER_LEN..]))
}

/// Checks that `out` has room for `len` bytes.
pub(crate) fn check_out(out: &[u8], len: usize) -> Result<(), WireError> {
    if out.len() >= len {
        Ok(())
    } else {
        Err(WireError::Length {
            expected: len,
            found: out.len(),
        })
    }
}

/// The little-endian `f64` at `bytes[at..at + 8]`.
pub(crate) fn f64_at(bytes: &[u8], at: usize) -> f64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    f64::from_le_bytes(b)
}

/// The state whose wire form is `bytes`, all of it (at most `max` bytes), read by `prefix`
/// (a `from_wire_prefix`): a longer or shorter buffer is a [`WireError::Length`].
pub(crate) fn whole_form<T>(
    bytes: &[u8],
    max: usize,
    prefix: impl FnOnce(&[u8]) -> Result<(T, usize), WireError>,
) -> Result<T, WireError> {
    if bytes.len() > max {
        return Err(WireError::Length {
            expected: max,
            found: bytes.len(),
        });
    }
    let (value, len) = prefix(bytes)?;
    if len != bytes.len() {
        return Err(WireError::Length {
            expected: len,
            found: bytes.len(),
        });
    }
    Ok(value)
}
