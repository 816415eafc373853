//! Partial reads of NumPy `.npy` files holding 1-D arrays of little-endian
//! `f32` (`'<f4'`) or `f64` (`'<f8'`), and a matching writer.
//!
//! Each MPI rank reads only *its own* elements: [`read_runs`] takes a list of
//! element runs `(global start, length)` and reads just those ranges of the
//! file, never the whole array unless asked (see [`read_all`]). Format
//! versions 1.0, 2.0 and 3.0 are understood.
//!
//! # Reading many short runs
//!
//! Reading a cyclic layout (runs of one element every `P` elements) with one
//! system call per element would be hopeless, so consecutive runs (in the
//! order given) are *coalesced* into groups: a group grows while its span
//! fits in one window of [`WINDOW_BYTES`] (1 MiB) and the gap from the group
//! to the next run is at most [`MAX_GAP_BYTES`] (64 KiB); the group's span is
//! read with one call and the wanted elements are picked out of it. A run
//! longer than a window is read in window-sized chunks. Memory stays
//! `O(elements returned + runs + window)`; empty runs are dropped and every
//! other run returns at least one element, so this is
//! `O(elements returned + window)`.
//!
//! # Header parsing
//!
//! The header is a Python dict literal; it is parsed by a small, strict,
//! panic-free parser that accepts what NumPy writes and what NumPy's own
//! reader accepts in practice: keys in any order, any whitespace, an optional
//! trailing comma, single or double quotes, `(n,)` shapes, Python 2's `3L`
//! and `u'<f8'`, and padding with spaces and `'\n'`. Exactly the keys
//! `'descr'`, `'fortran_order'` and `'shape'` must be present, as NumPy
//! requires. It is never more lenient than NumPy (a differential fuzz
//! against `np.load` found no header it accepts that NumPy refuses); it
//! refuses a few Python niceties no writer produces: comments, implicit
//! string concatenation, `1_000`, `0x10`.
//!
//! `fortran_order: True` is accepted: for a 1-D array C and Fortran order
//! describe the same layout. Bytes after the array data are ignored, as
//! NumPy ignores them.
//!
//! # Example
//!
//! ```
//! use pdot_mpi::npy;
//!
//! let path = std::env::temp_dir().join(format!("pdot-npy-doc-mod-{}.npy", std::process::id()));
//! let data: Vec<f64> = (0..10).map(f64::from).collect();
//! npy::write(&path, &data)?;
//!
//! // Rank 1 of 3 in a cyclic layout owns elements 1, 4, 7.
//! let runs = (1..10).step_by(3).map(|start| (start, 1));
//! let (header, mine) = npy::read_runs::<f64>(&path, runs)?;
//! assert_eq!(header.len, 10);
//! assert_eq!(mine, [1.0, 4.0, 7.0]);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::error::Error;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The six bytes every `.npy` file starts with.
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The largest header (the dict text, in bytes) this module agrees to read.
///
/// NumPy's writer produces about 128 bytes for a 1-D array; NumPy's reader
/// refuses more than 10,000 by default. The limit bounds the memory a hostile
/// file can make the reader allocate.
///
/// ```
/// assert!(pdot_mpi::npy::MAX_HEADER_LEN >= 10_000);
/// ```
pub const MAX_HEADER_LEN: usize = 1 << 20;

/// The size of the window through which runs are read (1 MiB).
///
/// ```
/// assert_eq!(pdot_mpi::npy::WINDOW_BYTES, 1 << 20);
/// ```
pub const WINDOW_BYTES: usize = 1 << 20;

/// The largest gap, in bytes, between a group of runs and the next run over
/// which the two are still read with one call (64 KiB): reading that many
/// unwanted bytes costs about as much as one more system call.
///
/// ```
/// assert!(pdot_mpi::npy::MAX_GAP_BYTES <= pdot_mpi::npy::WINDOW_BYTES);
/// ```
pub const MAX_GAP_BYTES: usize = 64 << 10;

/// How deeply tuples and lists may nest in a header before it is rejected
/// (the parser is recursive; this keeps its stack bounded).
const MAX_DEPTH: usize = 16;

/// The element types this module reads and writes.
///
/// ```
/// use pdot_mpi::npy::Dtype;
///
/// assert_eq!(Dtype::F64.name(), "<f8");
/// assert_eq!(Dtype::F32.size(), 4);
/// assert_eq!(Dtype::F32.to_string(), "<f4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// Little-endian IEEE 754 binary32, NumPy descr `'<f4'`.
    F32,
    /// Little-endian IEEE 754 binary64, NumPy descr `'<f8'`.
    F64,
}

impl Dtype {
    /// The NumPy descr string of this dtype: `"<f4"` or `"<f8"`.
    ///
    /// ```
    /// assert_eq!(pdot_mpi::npy::Dtype::F32.name(), "<f4");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "<f4",
            Dtype::F64 => "<f8",
        }
    }

    /// The size of one element in bytes: 4 or 8.
    ///
    /// ```
    /// assert_eq!(pdot_mpi::npy::Dtype::F64.size(), 8);
    /// ```
    pub const fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// The dtype a NumPy descr string names, if it is one of the supported
    /// ones (`"<f4"`, `"<f8"`).
    ///
    /// ```
    /// use pdot_mpi::npy::Dtype;
    ///
    /// assert_eq!(Dtype::from_descr("<f8"), Some(Dtype::F64));
    /// assert_eq!(Dtype::from_descr(">f8"), None);
    /// ```
    pub fn from_descr(descr: &str) -> Option<Dtype> {
        match descr {
            "<f4" => Some(Dtype::F32),
            "<f8" => Some(Dtype::F64),
            _ => None,
        }
    }

    /// The Rust type name, for messages.
    const fn rust_name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the header of a valid 1-D `.npy` file says.
///
/// ```
/// use pdot_mpi::npy::{self, Dtype};
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-header-{}.npy", std::process::id()));
/// npy::write(&path, &[1.0f32, 2.0, 3.0])?;
/// let header = npy::read_header(&path)?;
/// assert_eq!(header.version, (1, 0));
/// assert_eq!(header.dtype, Dtype::F32);
/// assert_eq!(header.len, 3);
/// assert!(!header.fortran_order);
/// assert_eq!(header.data_offset % 64, 0);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NpyHeader {
    /// The format version `(major, minor)`: `(1, 0)`, `(2, 0)` or `(3, 0)`.
    pub version: (u8, u8),
    /// The element type.
    pub dtype: Dtype,
    /// The number of elements (the one entry of the shape).
    pub len: usize,
    /// The header's `fortran_order` flag; irrelevant for a 1-D array.
    pub fortran_order: bool,
    /// The byte offset of element 0 in the file.
    pub data_offset: u64,
}

mod sealed {
    /// Keeps [`super::NpyElement`] implemented for `f32` and `f64` only, and
    /// carries the byte conversions.
    pub trait Sealed: Copy + Sized {
        /// Appends the elements encoded little-endian in `bytes` (whose
        /// length is a multiple of the element size) to `out`.
        fn extend_from_le(bytes: &[u8], out: &mut Vec<Self>);
        /// Appends the little-endian encoding of `values` to `out`.
        fn extend_le_bytes(values: &[Self], out: &mut Vec<u8>);
    }

    impl Sealed for f32 {
        fn extend_from_le(bytes: &[u8], out: &mut Vec<Self>) {
            let (chunks, _) = bytes.as_chunks::<4>();
            out.extend(chunks.iter().map(|c| f32::from_le_bytes(*c)));
        }
        fn extend_le_bytes(values: &[Self], out: &mut Vec<u8>) {
            out.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        }
    }

    impl Sealed for f64 {
        fn extend_from_le(bytes: &[u8], out: &mut Vec<Self>) {
            let (chunks, _) = bytes.as_chunks::<8>();
            out.extend(chunks.iter().map(|c| f64::from_le_bytes(*c)));
        }
        fn extend_le_bytes(values: &[Self], out: &mut Vec<u8>) {
            out.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        }
    }
}

/// An element type of a `.npy` file: implemented for `f32` (`'<f4'`) and
/// `f64` (`'<f8'`), and sealed. Conversions keep every bit, NaN payloads and
/// the sign of zero included.
///
/// ```
/// use pdot_mpi::npy::{Dtype, NpyElement};
///
/// fn dtype_of<T: NpyElement>() -> Dtype {
///     T::DTYPE
/// }
/// assert_eq!(dtype_of::<f32>(), Dtype::F32);
/// assert_eq!(<f64 as NpyElement>::DTYPE, Dtype::F64);
/// ```
pub trait NpyElement: sealed::Sealed {
    /// The dtype this type reads from and writes to.
    const DTYPE: Dtype;
}

impl NpyElement for f32 {
    const DTYPE: Dtype = Dtype::F32;
}

impl NpyElement for f64 {
    const DTYPE: Dtype = Dtype::F64;
}

/// A failure to read a `.npy` file: the file and the problem.
///
/// Its `Display` names both, e.g. `/data/x.npy: unsupported dtype '>f8'
/// (big-endian): only '<f4' (f32) and '<f8' (f64) are supported`.
///
/// ```
/// use pdot_mpi::npy::{self, NpyErrorKind};
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-error-{}.npy", std::process::id()));
/// std::fs::write(&path, b"not numpy at all")?;
/// let err = npy::read_header(&path).unwrap_err();
/// assert_eq!(err.path(), path.as_path());
/// assert!(matches!(err.kind(), NpyErrorKind::BadMagic { .. }));
/// assert!(err.to_string().contains("not an npy file"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NpyError {
    path: PathBuf,
    kind: NpyErrorKind,
}

impl NpyError {
    /// The file the error is about.
    ///
    /// ```
    /// let err = pdot_mpi::npy::read_header("/nonexistent/x.npy").unwrap_err();
    /// assert_eq!(err.path(), std::path::Path::new("/nonexistent/x.npy"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What went wrong.
    ///
    /// ```
    /// use pdot_mpi::npy::{self, NpyErrorKind};
    ///
    /// let err = npy::read_header("/nonexistent/x.npy").unwrap_err();
    /// assert!(matches!(
    ///     err.kind(),
    ///     NpyErrorKind::Io { kind: std::io::ErrorKind::NotFound, .. }
    /// ));
    /// ```
    pub fn kind(&self) -> &NpyErrorKind {
        &self.kind
    }

    fn new(path: &Path, kind: NpyErrorKind) -> Self {
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
///
/// ```
/// use pdot_mpi::npy::{Dtype, NpyErrorKind};
///
/// let kind = NpyErrorKind::DtypeMismatch { found: Dtype::F32, requested: Dtype::F64 };
/// assert_eq!(
///     kind.to_string(),
///     "dtype mismatch: the file holds '<f4' (f32) but '<f8' (f64) was requested"
/// );
/// ```
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

/// Parses the preamble and header at the start of a `.npy` file.
///
/// `bytes` is the start of the file: at least the preamble and the header
/// (later bytes are ignored). This is the pure part of [`read_header`]; it
/// does not check the data size, which needs the file's size. It never
/// panics, whatever the bytes; on success `data_offset <= bytes.len()`.
///
/// ```
/// use pdot_mpi::npy::{self, Dtype, NpyErrorKind};
///
/// let mut file = b"\x93NUMPY\x01\x00\x46\x00".to_vec();
/// file.extend_from_slice(b"{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }");
/// file.resize(80 - 1, b' ');
/// file.push(b'\n');
/// let header = npy::parse_header(&file)?;
/// assert_eq!((header.dtype, header.len, header.data_offset), (Dtype::F64, 5, 80));
///
/// let err = npy::parse_header(b"\x93NUMPY\x04\x00").unwrap_err();
/// assert_eq!(err, NpyErrorKind::UnsupportedVersion { major: 4, minor: 0 });
/// # Ok::<(), NpyErrorKind>(())
/// ```
pub fn parse_header(bytes: &[u8]) -> Result<NpyHeader, NpyErrorKind> {
    let (version, prelude_len, header_len) = parse_preamble(bytes)?;
    let end = prelude_len + header_len;
    let Some(dict) = bytes.get(prelude_len..end) else {
        return Err(NpyErrorKind::TruncatedHeader {
            available: bytes.len() as u64,
            needed: end as u64,
        });
    };
    let fields = parse_dict(dict)?;
    Ok(NpyHeader {
        version,
        dtype: fields.dtype,
        len: fields.len,
        fortran_order: fields.fortran_order,
        data_offset: end as u64,
    })
}

/// Parses the magic, version and header length: returns the version, the
/// preamble's length and the header's length.
fn parse_preamble(bytes: &[u8]) -> Result<((u8, u8), usize, usize), NpyErrorKind> {
    let truncated = |needed: usize| NpyErrorKind::TruncatedHeader {
        available: bytes.len() as u64,
        needed: needed as u64,
    };
    let Some(magic) = bytes.first_chunk::<6>() else {
        return Err(if MAGIC.starts_with(bytes) {
            truncated(10)
        } else {
            NpyErrorKind::BadMagic {
                found: bytes.to_vec(),
            }
        });
    };
    if magic != MAGIC {
        return Err(NpyErrorKind::BadMagic {
            found: magic.to_vec(),
        });
    }
    let Some(&[_, _, _, _, _, _, major, minor]) = bytes.first_chunk::<8>() else {
        return Err(truncated(10));
    };
    let (prelude_len, header_len) = match (major, minor) {
        (1, 0) => match bytes.first_chunk::<10>() {
            Some(&[.., a, b]) => (10, usize::from(u16::from_le_bytes([a, b]))),
            None => return Err(truncated(10)),
        },
        (2, 0) | (3, 0) => match bytes.first_chunk::<12>() {
            Some(&[.., a, b, c, d]) => (12, u32::from_le_bytes([a, b, c, d]) as usize),
            None => return Err(truncated(12)),
        },
        _ => return Err(NpyErrorKind::UnsupportedVersion { major, minor }),
    };
    if header_len > MAX_HEADER_LEN {
        return Err(NpyErrorKind::HeaderTooLarge {
            header_len: header_len as u64,
            max: MAX_HEADER_LEN as u64,
        });
    }
    Ok(((major, minor), prelude_len, header_len))
}

/// The validated contents of a header dict.
struct Fields {
    dtype: Dtype,
    len: usize,
    fortran_order: bool,
}

/// A Python literal in the header, with its source text.
struct Lit<'a> {
    raw: &'a [u8],
    val: Val<'a>,
}

/// The Python literals a header may hold.
enum Val<'a> {
    /// A string's content between the quotes (escapes left as written).
    Str(&'a [u8]),
    /// An integer: `None` when negative or too large for `usize`.
    Int(Option<usize>),
    /// `True`, `False` or `None`.
    Name(&'a [u8]),
    /// A tuple.
    Tuple(Vec<Lit<'a>>),
    /// A list.
    List,
}

/// Header text for a message: printable ASCII as is, other bytes escaped
/// (`\n`, `\t`, `\xNN`).
fn printable(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        match b {
            b' '..=b'~' => out.push(char::from(b)),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Quotes a piece of header text for a message, cut at 80 bytes.
fn quoted(raw: &[u8]) -> String {
    const MAX: usize = 80;
    match raw.get(..MAX) {
        Some(head) if raw.len() > MAX => format!("`{}...`", printable(head)),
        _ => format!("`{}`", printable(raw)),
    }
}

/// A recursive-descent parser over the header dict's bytes.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') = self.peek() {
            self.i += 1;
        }
    }

    /// An error message saying what was expected at the current position.
    fn expected(&self, what: &str) -> String {
        let found = match self.peek() {
            Some(c) => format!("'{}'", printable(&[c])),
            None => "the end of the header".to_owned(),
        };
        format!(
            "expected {what} at byte {} of the header, found {found}",
            self.i
        )
    }

    /// The source text from `start` to the current position.
    fn since(&self, start: usize) -> &'a [u8] {
        self.s.get(start..self.i).unwrap_or_default()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn value(&mut self, depth: usize) -> Result<Lit<'a>, String> {
        let start = self.i;
        let val = match self.peek() {
            Some(q @ (b'\'' | b'"')) => Val::Str(self.string(q)?),
            // Python 2's unicode strings, `u'<f8'`.
            Some(b'u' | b'U') if matches!(self.s.get(self.i + 1), Some(b'\'' | b'"')) => {
                self.i += 1;
                let q = self.peek().unwrap_or(b'\'');
                Val::Str(self.string(q)?)
            }
            Some(b'0'..=b'9' | b'-' | b'+') => Val::Int(self.int()?),
            Some(b'(') => return self.sequence(b')', depth),
            Some(b'[') => {
                self.sequence(b']', depth)?;
                Val::List
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                while let Some(c) = self.peek() {
                    if !(c.is_ascii_alphanumeric() || c == b'_') {
                        break;
                    }
                    self.i += 1;
                }
                let name = self.since(start);
                if !matches!(name, b"True" | b"False" | b"None") {
                    return Err(format!(
                        "unexpected name {} at byte {start} of the header (only True, False and \
                         None are literals)",
                        quoted(name)
                    ));
                }
                Val::Name(name)
            }
            _ => return Err(self.expected("a value")),
        };
        Ok(Lit {
            raw: self.since(start),
            val,
        })
    }

    fn string(&mut self, quote: u8) -> Result<&'a [u8], String> {
        let start = self.i;
        self.i += 1;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    return Err(format!(
                        "unterminated string starting at byte {start} of the header"
                    ));
                }
                Some(b'\\') => self.i += 2,
                Some(c) if c == quote => {
                    let content = self.s.get(start + 1..self.i).unwrap_or_default();
                    self.i += 1;
                    return Ok(content);
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn int(&mut self) -> Result<Option<usize>, String> {
        let start = self.i;
        let negative = self.eat(b'-');
        if !negative {
            self.eat(b'+');
        }
        let digits_start = self.i;
        let mut value = Some(0usize);
        while let Some(c @ b'0'..=b'9') = self.peek() {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(usize::from(c - b'0')));
            self.i += 1;
        }
        if self.i == digits_start {
            return Err(self.expected("a digit"));
        }
        // Python 2 wrote long integers as `3L`; NumPy still reads them.
        if !self.eat(b'L') {
            self.eat(b'l');
        }
        if let Some(c) = self.peek()
            && (c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            self.i += 1;
            return Err(format!(
                "malformed number {} at byte {start} of the header (only decimal integers are \
                 allowed)",
                quoted(self.since(start))
            ));
        }
        Ok(if negative { None } else { value })
    }

    /// A tuple (`close == b')'`) or a list (`b']'`). `(x)` without a comma
    /// is just `x` in parentheses, as in Python.
    fn sequence(&mut self, close: u8, depth: usize) -> Result<Lit<'a>, String> {
        if depth >= MAX_DEPTH {
            return Err(format!(
                "tuples and lists nested deeper than {MAX_DEPTH} levels at byte {} of the header",
                self.i
            ));
        }
        let start = self.i;
        self.i += 1;
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            self.skip_ws();
            if self.eat(close) {
                break;
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.eat(b',') {
                comma = true;
            } else if self.eat(close) {
                break;
            } else {
                let what = if close == b')' {
                    "',' or ')'"
                } else {
                    "',' or ']'"
                };
                return Err(self.expected(what));
            }
        }
        let raw = self.since(start);
        if close == b')'
            && !comma
            && items.len() == 1
            && let Some(inner) = items.pop()
        {
            return Ok(Lit {
                raw,
                val: inner.val,
            });
        }
        let val = if close == b')' {
            Val::Tuple(items)
        } else {
            Val::List
        };
        Ok(Lit { raw, val })
    }

    /// The top-level dict: its entries, in order.
    fn dict(&mut self) -> Result<Vec<(Lit<'a>, Lit<'a>)>, String> {
        self.skip_ws();
        if !self.eat(b'{') {
            return Err(self.expected("'{' opening the header dict"));
        }
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            let key = self.value(1)?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.expected("':' after a key"));
            }
            self.skip_ws();
            let value = self.value(1)?;
            entries.push((key, value));
            self.skip_ws();
            if self.eat(b'}') {
                break;
            }
            if !self.eat(b',') {
                return Err(self.expected("',' or '}'"));
            }
        }
        self.skip_ws();
        if self.i < self.s.len() {
            return Err(self.expected("only spaces and newlines after the header dict"));
        }
        Ok(entries)
    }
}

/// Parses and validates the header dict.
fn parse_dict(dict: &[u8]) -> Result<Fields, NpyErrorKind> {
    let malformed = |reason: String| NpyErrorKind::MalformedHeader { reason };
    let entries = Parser { s: dict, i: 0 }.dict().map_err(malformed)?;
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in entries {
        let slot = match key.val {
            Val::Str(b"descr") => &mut descr,
            Val::Str(b"fortran_order") => &mut fortran,
            Val::Str(b"shape") => &mut shape,
            Val::Str(_) => {
                return Err(malformed(format!(
                    "unexpected key {} (the keys must be exactly 'descr', 'fortran_order' and \
                     'shape')",
                    quoted(key.raw)
                )));
            }
            _ => {
                return Err(malformed(format!(
                    "the key {} is not a string",
                    quoted(key.raw)
                )));
            }
        };
        if slot.is_some() {
            return Err(malformed(format!("duplicate key {}", quoted(key.raw))));
        }
        *slot = Some(value);
    }
    let missing = |key: &str| malformed(format!("missing key '{key}'"));
    let descr = descr.ok_or_else(|| missing("descr"))?;
    let fortran = fortran.ok_or_else(|| missing("fortran_order"))?;
    let shape = shape.ok_or_else(|| missing("shape"))?;

    let fortran_order = match fortran.val {
        Val::Name(b"True") => true,
        Val::Name(b"False") => false,
        _ => {
            return Err(malformed(format!(
                "'fortran_order' must be True or False, found {}",
                quoted(fortran.raw)
            )));
        }
    };
    let dtype = match descr.val {
        Val::Str(s) => std::str::from_utf8(s).ok().and_then(Dtype::from_descr),
        _ => None,
    };
    let Some(dtype) = dtype else {
        let text = match descr.val {
            Val::Str(s) => s,
            _ => descr.raw,
        };
        return Err(NpyErrorKind::UnsupportedDtype {
            descr: printable(text),
        });
    };
    let Val::Tuple(items) = shape.val else {
        return Err(malformed(format!(
            "'shape' must be a tuple of integers such as (5,), found {}",
            quoted(shape.raw)
        )));
    };
    let mut dims = Vec::with_capacity(items.len());
    for item in &items {
        match item.val {
            Val::Int(Some(d)) => dims.push(d),
            _ => {
                return Err(malformed(format!(
                    "'shape' entry {} is not a valid length (in shape {})",
                    quoted(item.raw),
                    quoted(shape.raw)
                )));
            }
        }
    }
    match dims[..] {
        [len] => Ok(Fields {
            dtype,
            len,
            fortran_order,
        }),
        _ => Err(NpyErrorKind::NotOneDimensional { shape: dims }),
    }
}

/// Wraps an io error as the [`NpyErrorKind::Io`] of doing `op`.
fn io_error(op: &'static str) -> impl FnOnce(io::Error) -> NpyErrorKind {
    move |e| NpyErrorKind::Io {
        op,
        kind: e.kind(),
        message: e.to_string(),
    }
}

/// Reads into `buf` until it is full or the source ends; returns the count.
fn read_up_to<R: Read>(src: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(buf.get_mut(n..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads and validates the header of the source, checking the data size
/// against the source's size.
fn header_from<R: Read + Seek>(src: &mut R) -> Result<NpyHeader, NpyErrorKind> {
    let file_len = src
        .seek(SeekFrom::End(0))
        .map_err(io_error("determine the file size"))?;
    src.seek(SeekFrom::Start(0))
        .map_err(io_error("read the header"))?;
    let mut start = vec![0u8; 12];
    let n = read_up_to(src, &mut start).map_err(io_error("read the header"))?;
    start.truncate(n);
    let (_, prelude_len, header_len) = parse_preamble(&start)?;
    let end = prelude_len + header_len;
    if end as u64 > file_len {
        return Err(NpyErrorKind::TruncatedHeader {
            available: file_len,
            needed: end as u64,
        });
    }
    // `start` may hold a few bytes past a v1 preamble: keep just the preamble.
    start.truncate(prelude_len);
    start.resize(end, 0);
    src.seek(SeekFrom::Start(prelude_len as u64))
        .and_then(|_| src.read_exact(start.get_mut(prelude_len..).unwrap_or_default()))
        .map_err(io_error("read the header"))?;
    let header = parse_header(&start)?;
    let available = file_len - header.data_offset;
    let needed = header.len as u128 * header.dtype.size() as u128;
    if needed > u128::from(available) {
        return Err(NpyErrorKind::TruncatedData {
            len: header.len,
            dtype: header.dtype,
            available,
        });
    }
    Ok(header)
}

/// Reads `count` elements from element `start` on into `buf` (resized to the
/// bytes read), seeking only when the source is not already there.
fn read_elements<R: Read + Seek>(
    src: &mut R,
    pos: &mut Option<u64>,
    header: &NpyHeader,
    start: usize,
    count: usize,
    buf: &mut Vec<u8>,
) -> Result<(), NpyErrorKind> {
    let size = header.dtype.size();
    let offset = header.data_offset + start as u64 * size as u64;
    let bytes = count * size;
    buf.resize(bytes, 0);
    if *pos != Some(offset) {
        *pos = None;
        src.seek(SeekFrom::Start(offset))
            .map_err(io_error("read data"))?;
    }
    src.read_exact(buf).map_err(io_error("read data"))?;
    *pos = Some(offset + bytes as u64);
    Ok(())
}

/// [`read_runs`] on any seekable source.
fn read_runs_from<T: NpyElement, R: Read + Seek>(
    src: &mut R,
    runs: impl IntoIterator<Item = (usize, usize)>,
) -> Result<(NpyHeader, Vec<T>), NpyErrorKind> {
    let header = header_from(src)?;
    if header.dtype != T::DTYPE {
        return Err(NpyErrorKind::DtypeMismatch {
            found: header.dtype,
            requested: T::DTYPE,
        });
    }
    // Validate every run before reading anything; drop the empty ones.
    let mut list = Vec::new();
    let mut total = 0usize;
    for (start, len) in runs {
        if start.checked_add(len).is_none_or(|end| end > header.len) {
            return Err(NpyErrorKind::RunOutOfBounds {
                start,
                len,
                array_len: header.len,
            });
        }
        if len > 0 {
            list.push((start, len));
            total = total.saturating_add(len);
        }
    }
    let mut out = Vec::new();
    out.try_reserve_exact(total).map_err(|e| NpyErrorKind::Io {
        op: "allocate memory for the elements read",
        kind: io::ErrorKind::OutOfMemory,
        message: format!("{total} elements: {e}"),
    })?;

    let size = T::DTYPE.size();
    let window = WINDOW_BYTES / size;
    let max_gap = MAX_GAP_BYTES / size;
    let mut buf = Vec::new();
    let mut pos = None;
    let mut i = 0;
    while let Some(&(start, len)) = list.get(i) {
        if len >= window {
            // A long run: window-sized chunks straight into `out`.
            let mut done = 0;
            while done < len {
                let count = (len - done).min(window);
                read_elements(src, &mut pos, &header, start + done, count, &mut buf)?;
                T::extend_from_le(&buf, &mut out);
                done += count;
            }
            i += 1;
            continue;
        }
        // Grow a group of consecutive runs while its span fits the window
        // and the next run is close to it.
        let (mut lo, mut hi) = (start, start + len);
        let mut j = i + 1;
        while let Some(&(s, l)) = list.get(j) {
            let e = s + l;
            // Elements between the group's span and the run (0 if they overlap).
            let gap = s.saturating_sub(hi).max(lo.saturating_sub(e));
            let (new_lo, new_hi) = (lo.min(s), hi.max(e));
            if gap > max_gap || new_hi - new_lo > window {
                break;
            }
            (lo, hi) = (new_lo, new_hi);
            j += 1;
        }
        read_elements(src, &mut pos, &header, lo, hi - lo, &mut buf)?;
        for &(s, l) in list.get(i..j).unwrap_or_default() {
            let from = (s - lo) * size;
            T::extend_from_le(buf.get(from..from + l * size).unwrap_or_default(), &mut out);
        }
        i = j;
    }
    Ok((header, out))
}

/// Opens `path` for reading, naming it in the error.
fn open(path: &Path) -> Result<File, NpyError> {
    File::open(path).map_err(|e| NpyError::new(path, io_error("open the file")(e)))
}

/// Reads and validates the header of the `.npy` file at `path`, checking
/// that the file holds all the data the header promises.
///
/// ```
/// use pdot_mpi::npy::{self, Dtype};
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-read-header-{}.npy", std::process::id()));
/// npy::write(&path, &vec![0.5f64; 1000])?;
/// let header = npy::read_header(&path)?;
/// assert_eq!((header.dtype, header.len), (Dtype::F64, 1000));
///
/// // Cut the file short: the header is still there but the data is not.
/// let file = std::fs::OpenOptions::new().write(true).open(&path)?;
/// file.set_len(header.data_offset + 8 * 999)?;
/// let err = npy::read_header(&path).unwrap_err();
/// assert!(err.to_string().contains("truncated data"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_header(path: impl AsRef<Path>) -> Result<NpyHeader, NpyError> {
    let path = path.as_ref();
    let mut file = open(path)?;
    header_from(&mut file).map_err(|kind| NpyError::new(path, kind))
}

/// Reads the elements of the given runs `(start, len)` of the 1-D array in
/// the `.npy` file at `path`, in the order given, and the file's header.
///
/// Runs may come in any order, overlap and repeat; empty runs are allowed
/// where a slice `array[start..start + len]` would be. Every run is checked
/// before anything is read. Short runs close to each other are read through
/// one window (see the [module documentation](self)), so a cyclic layout
/// costs about one read per [`WINDOW_BYTES`] of file, not one per element.
///
/// # Errors
///
/// Any problem with the file (see [`NpyErrorKind`]), a file whose dtype is
/// not `T`'s ([`NpyErrorKind::DtypeMismatch`]), or a run reaching beyond the
/// array ([`NpyErrorKind::RunOutOfBounds`]).
///
/// ```
/// use pdot_mpi::npy::{self, NpyErrorKind};
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-read-runs-{}.npy", std::process::id()));
/// let data: Vec<f32> = (0..100).map(|i| i as f32).collect();
/// npy::write(&path, &data)?;
///
/// // Block-cyclic, blocks of 4, rank 2 of 3: elements 8..12, 20..24, ...
/// let runs: Vec<(usize, usize)> = (8..100).step_by(12).map(|s| (s, 4.min(100 - s))).collect();
/// let (_, mine) = npy::read_runs::<f32>(&path, runs.iter().copied())?;
/// assert_eq!(&mine[..6], &[8.0, 9.0, 10.0, 11.0, 20.0, 21.0]);
///
/// let err = npy::read_runs::<f64>(&path, [(0, 1)]).unwrap_err();
/// assert!(matches!(err.kind(), NpyErrorKind::DtypeMismatch { .. }));
/// let err = npy::read_runs::<f32>(&path, [(98, 3)]).unwrap_err();
/// assert!(matches!(err.kind(), NpyErrorKind::RunOutOfBounds { start: 98, len: 3, array_len: 100 }));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_runs<T: NpyElement>(
    path: impl AsRef<Path>,
    runs: impl IntoIterator<Item = (usize, usize)>,
) -> Result<(NpyHeader, Vec<T>), NpyError> {
    let path = path.as_ref();
    let mut file = open(path)?;
    read_runs_from(&mut file, runs).map_err(|kind| NpyError::new(path, kind))
}

/// Reads the whole 1-D array in the `.npy` file at `path`, and its header.
///
/// # Errors
///
/// As [`read_runs`].
///
/// ```
/// use pdot_mpi::npy;
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-read-all-{}.npy", std::process::id()));
/// npy::write(&path, &[1.0f64, -0.0, f64::INFINITY])?;
/// let (header, data) = npy::read_all::<f64>(&path)?;
/// assert_eq!(header.len, 3);
/// assert_eq!(data[1].to_bits(), (-0.0f64).to_bits());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_all<T: NpyElement>(path: impl AsRef<Path>) -> Result<(NpyHeader, Vec<T>), NpyError> {
    let path = path.as_ref();
    let mut file = open(path)?;
    read_all_from(&mut file).map_err(|kind| NpyError::new(path, kind))
}

/// [`read_all`] on any seekable source.
fn read_all_from<T: NpyElement, R: Read + Seek>(
    src: &mut R,
) -> Result<(NpyHeader, Vec<T>), NpyErrorKind> {
    let header = header_from(src)?;
    read_runs_from(src, [(0, header.len)])
}

/// The version 1.0 preamble and header NumPy writes for a 1-D C-order array
/// of `len` elements of `dtype`, byte for byte: the dict, spare spaces for
/// the length to grow to 21 digits, padding to a multiple of 64 bytes, `'\n'`.
fn header_bytes(dtype: Dtype, len: usize) -> Vec<u8> {
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': ({len},), }}",
        dtype.name()
    );
    let digits = len.to_string().len();
    dict.extend(std::iter::repeat_n(' ', 21usize.saturating_sub(digits)));
    let unpadded = MAGIC.len() + 4 + dict.len() + 1;
    let pad = 64 - unpadded % 64;
    dict.extend(std::iter::repeat_n(' ', pad));
    dict.push('\n');
    let mut out = Vec::with_capacity(10 + dict.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    // The dict is at most ~190 bytes, far below u16::MAX.
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

/// Writes `data` as a version 1.0 `.npy` file at `path`, exactly as NumPy's
/// `np.save` writes a 1-D array (header padded so the data starts at a
/// multiple of 64 bytes). Bits are kept exactly (NaN payloads, `-0.0`).
///
/// # Errors
///
/// Any io error creating or writing the file.
///
/// ```
/// use pdot_mpi::npy;
///
/// let path = std::env::temp_dir().join(format!("pdot-npy-doc-write-{}.npy", std::process::id()));
/// npy::write(&path, &[1.5f32, 2.5])?;
/// let bytes = std::fs::read(&path)?;
/// assert!(bytes.starts_with(b"\x93NUMPY\x01\x00"));
/// assert_eq!(bytes.len(), 128 + 2 * 4);
/// assert_eq!(npy::read_all::<f32>(&path)?.1, [1.5, 2.5]);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write<T: NpyElement>(path: impl AsRef<Path>, data: &[T]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(&header_bytes(T::DTYPE, data.len()))?;
    let chunk = (64 << 10) / T::DTYPE.size();
    let mut bytes = Vec::with_capacity(chunk * T::DTYPE.size());
    for values in data.chunks(chunk) {
        bytes.clear();
        T::extend_le_bytes(values, &mut bytes);
        file.write_all(&bytes)?;
    }
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::sealed::Sealed;
    use super::*;
    use std::io::Cursor;

    /// A source that counts the read calls that reach it.
    struct Counting {
        inner: Cursor<Vec<u8>>,
        reads: usize,
        seeks: usize,
    }

    impl Read for Counting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            self.inner.read(buf)
        }
    }

    impl Seek for Counting {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.seeks += 1;
            self.inner.seek(pos)
        }
    }

    fn file_of(data: &[f64]) -> Counting {
        let mut bytes = header_bytes(Dtype::F64, data.len());
        f64::extend_le_bytes(data, &mut bytes);
        Counting {
            inner: Cursor::new(bytes),
            reads: 0,
            seeks: 0,
        }
    }

    #[test]
    fn cyclic_runs_are_coalesced() {
        let n = 1 << 20; // 8 MiB of f64
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        for p in [2, 7, 64, 1000] {
            let mut src = file_of(&data);
            let runs = (3 % p..n).step_by(p).map(|s| (s, 1));
            let (_, got) = read_runs_from::<f64, _>(&mut src, runs).unwrap();
            let want: Vec<f64> = data.iter().copied().skip(3 % p).step_by(p).collect();
            assert_eq!(got, want);
            // Header: 2 reads; data: one read per window of 1 MiB (8 windows),
            // plus one where a window boundary splits the span.
            assert!(src.reads <= 2 + 2 * 8 + 2, "p = {p}: {} reads", src.reads);
            assert!(src.seeks <= 4 + 2 * 8 + 2, "p = {p}: {} seeks", src.seeks);
        }
    }

    #[test]
    fn sparse_runs_read_only_what_is_needed() {
        let n = 1 << 20;
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        // Stride 100k elements (800 KB): far beyond the gap limit, so one
        // small read per run, not a 1 MiB window per run.
        let mut src = file_of(&data);
        let runs: Vec<(usize, usize)> = (0..n).step_by(100_000).map(|s| (s, 2)).collect();
        let (_, got) = read_runs_from::<f64, _>(&mut src, runs.iter().copied()).unwrap();
        assert_eq!(got.len(), 2 * runs.len());
        assert_eq!(src.reads, 2 + runs.len());
    }

    #[test]
    fn long_runs_are_read_in_windows() {
        let n = 3 * (WINDOW_BYTES / 8) + 5;
        let data: Vec<f64> = (0..n).map(|i| -(i as f64)).collect();
        let mut src = file_of(&data);
        let (_, got) = read_all_from::<f64, _>(&mut src).unwrap();
        assert_eq!(got, data);
        // Header read twice (read_all reads it before read_runs): 4 reads,
        // then 4 window-sized chunks read sequentially.
        assert_eq!(src.reads, 4 + 4);
    }

    #[test]
    fn descending_runs_are_coalesced() {
        let n = 100_000;
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut src = file_of(&data);
        let runs = (0..n).rev().step_by(5).map(|s| (s, 1));
        let (_, got) = read_runs_from::<f64, _>(&mut src, runs).unwrap();
        let want: Vec<f64> = data.iter().rev().copied().step_by(5).collect();
        assert_eq!(got, want);
        assert!(src.reads <= 2 + 2, "{} reads", src.reads);
    }
}
