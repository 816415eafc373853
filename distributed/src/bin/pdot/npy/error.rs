//! The errors of reading a `.npy` file: [`NpyError`] and its
//! [`NpyErrorKind`], with their messages.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::Dtype;

/// A failure to read a `.npy` file: the file and the problem.
///
/// Its `Display` names both, e.g. `/data/x.npy: unsupported dtype '>f8'
/// (big-endian): only '<f4' (f32) and '<f8' (f64) are supported`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NpyError {
    path: PathBuf,
    kind: NpyErrorKind,
}

impl NpyError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &NpyErrorKind {
        &self.kind
    }

    pub(super) fn new(path: &Path, kind: NpyErrorKind) -> Self {
        NpyError {
            path: path.to_path_buf(),
            kind,
        }
    }
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.kind)
    }
}

impl Error for NpyError {}

impl From<NpyError> for io::Error {
    /// Keeps the io error kind of an [`NpyErrorKind::Io`]; every other
    /// problem becomes [`io::ErrorKind::InvalidData`] (or `InvalidInput` for
    /// a bad request), with the full message.
    fn from(err: NpyError) -> io::Error {
        let kind = match err.kind {
            NpyErrorKind::Io { kind, .. } => kind,
            NpyErrorKind::DtypeMismatch { .. } | NpyErrorKind::RunOutOfBounds { .. } => {
                io::ErrorKind::InvalidInput
            }
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, err.to_string())
    }
}

/// The problem an [`NpyError`] reports, one variant per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NpyErrorKind {
    /// The file could not be opened, sized or read.
    Io {
        /// What was being done, e.g. `"open the file"`.
        op: &'static str,
        /// The io error kind.
        kind: io::ErrorKind,
        /// The io error's message.
        message: String,
    },
    /// The file does not start with the `\x93NUMPY` magic.
    BadMagic {
        /// The first bytes of the file (at most six).
        found: Vec<u8>,
    },
    /// The format version is not 1.0, 2.0 or 3.0.
    UnsupportedVersion {
        /// The major version byte.
        major: u8,
        /// The minor version byte.
        minor: u8,
    },
    /// The file ends before the end of the header.
    TruncatedHeader {
        /// The bytes the file has.
        available: u64,
        /// The bytes the preamble and header need.
        needed: u64,
    },
    /// The header length field exceeds [`MAX_HEADER_LEN`].
    ///
    /// [`MAX_HEADER_LEN`]: super::MAX_HEADER_LEN
    HeaderTooLarge {
        /// The header length the file declares.
        header_len: u64,
        /// The limit.
        max: u64,
    },
    /// The header is not a valid dict of the expected form.
    MalformedHeader {
        /// What is wrong, and where.
        reason: String,
    },
    /// The descr is not `'<f4'` or `'<f8'`, e.g. `'>f8'` or `'<i4'`.
    UnsupportedDtype {
        /// The descr found: the string's content, or the literal's text if
        /// it is not a string (as for structured dtypes); bytes other than
        /// printable ASCII are escaped (`\n`, `\t`, `\xNN`).
        descr: String,
    },
    /// The file's dtype differs from the requested element type.
    DtypeMismatch {
        /// The dtype in the file.
        found: Dtype,
        /// The dtype of the requested element type.
        requested: Dtype,
    },
    /// The shape has other than one dimension.
    NotOneDimensional {
        /// The shape found.
        shape: Vec<usize>,
    },
    /// The file holds fewer data bytes than the header promises.
    TruncatedData {
        /// The number of elements the header promises.
        len: usize,
        /// Their dtype.
        dtype: Dtype,
        /// The data bytes the file has (its size minus the data offset).
        available: u64,
    },
    /// A requested run reaches beyond the end of the array.
    RunOutOfBounds {
        /// The run's first element.
        start: usize,
        /// The run's length.
        len: usize,
        /// The array's length.
        array_len: usize,
    },
}

impl fmt::Display for NpyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpyErrorKind::Io { op, message, .. } => write!(f, "cannot {op}: {message}"),
            NpyErrorKind::BadMagic { found } => write!(
                f,
                "not an npy file: it starts with b\"{}\" instead of the magic b\"\\x93NUMPY\"",
                found.escape_ascii()
            ),
            NpyErrorKind::UnsupportedVersion { major, minor } => write!(
                f,
                "unsupported npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"
            ),
            NpyErrorKind::TruncatedHeader { available, needed } => write!(
                f,
                "truncated header: the file has {available} bytes but its preamble and header \
                 need {needed}"
            ),
            NpyErrorKind::HeaderTooLarge { header_len, max } => write!(
                f,
                "header too large: it declares {header_len} bytes, more than the limit of {max}"
            ),
            NpyErrorKind::MalformedHeader { reason } => write!(f, "malformed header: {reason}"),
            NpyErrorKind::UnsupportedDtype { descr } => {
                let hint = if descr.starts_with('>') {
                    " (big-endian)"
                } else if descr.starts_with('[') {
                    " (structured)"
                } else {
                    ""
                };
                write!(
                    f,
                    "unsupported dtype '{descr}'{hint}: only '<f4' (f32) and '<f8' (f64) are \
                     supported"
                )
            }
            NpyErrorKind::DtypeMismatch { found, requested } => write!(
                f,
                "dtype mismatch: the file holds '{found}' ({}) but '{requested}' ({}) was \
                 requested",
                found.rust_name(),
                requested.rust_name()
            ),
            NpyErrorKind::NotOneDimensional { shape } => write!(
                f,
                "not a 1-D array: the shape is {} ({} dimensions); only 1-D arrays are supported",
                PyShape(shape),
                shape.len()
            ),
            NpyErrorKind::TruncatedData {
                len,
                dtype,
                available,
            } => {
                // u128: a hostile header's len * size must not overflow.
                let needed = *len as u128 * dtype.size() as u128;
                write!(
                    f,
                    "truncated data: the header promises {len} '{dtype}' elements ({needed} \
                     bytes) but the file has {available} bytes of data"
                )
            }
            NpyErrorKind::RunOutOfBounds {
                start,
                len,
                array_len,
            } => write!(
                f,
                "run out of bounds: the run of {len} elements starting at {start} reaches beyond \
                 the array's length {array_len}"
            ),
        }
    }
}

impl Error for NpyErrorKind {}

/// Formats a shape as Python writes a tuple: `()`, `(3,)`, `(2, 3)`.
struct PyShape<'a>(&'a [usize]);

impl fmt::Display for PyShape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [n] => write!(f, "({n},)"),
            dims => {
                f.write_str("(")?;
                for (i, d) in dims.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{d}")?;
                }
                f.write_str(")")
            }
        }
    }
}
