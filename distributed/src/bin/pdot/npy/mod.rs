//! Partial reads of NumPy `.npy` files holding 1-D arrays of little-endian
//! `f32` (`'<f4'`) or `f64` (`'<f8'`): an implementation detail of `pdot`
//! (the tests also have a writer that matches NumPy byte for byte).
//!
//! Each MPI rank reads only *its own* elements: [`read_runs`](read::read_runs) takes a list of
//! element runs `(global start, length)` and reads just those ranges of the
//! file, never the whole array unless asked (see `read_all`, in the tests). Format
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
//! Why not the `npyz` crate's header parser (`npyz::NpyHeader::from_reader`,
//! which would give dtype, shape and order): on hostile input it panics
//! (a shape such as `(4294967296, 4294967296)` overflows its `u64` element
//! count: "attempt to multiply with overflow" in a debug build, a wrong
//! count in release), allocates whatever header length the file declares
//! (up to 4 GiB) before reading it, accepts what NumPy refuses (duplicate
//! keys, extra keys) and refuses what NumPy reads (Python 2 headers: `3L`,
//! `u'<f8'`), and reports every problem as an untyped `io::Error` string.
//! pdot needs an error naming the file and the problem for any header, and
//! no panic; the parser here is small and has those properties under test.
//! The tests check that both parsers agree on NumPy's own headers.
//!
//! Bytes become elements through `bytemuck` (a copy into the output
//! vector's bytes, then a byte swap on big-endian hosts).

mod dtype;
mod elements;
mod error;
mod header;
mod literal;
mod read;
mod source;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write;

pub use dtype::{Dtype, NpyElement};
pub use elements::Elements;
pub use error::{NpyError, NpyErrorKind};
pub use header::NpyHeader;
#[cfg(test)]
pub use header::parse_header;
#[cfg(test)]
pub use read::read_all;
#[cfg(test)]
pub use read::read_runs;
pub use read::{read_header, read_runs_as};
#[cfg(test)]
pub use write::write;

/// The six bytes every `.npy` file starts with.
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The largest header (the dict text, in bytes) this module agrees to read.
///
/// NumPy's writer produces about 128 bytes for a 1-D array; NumPy's reader
/// refuses more than 10,000 by default. The limit bounds the memory a hostile
/// file can make the reader allocate.
pub const MAX_HEADER_LEN: usize = 1 << 20;

/// The size of the window through which runs are read (1 MiB).
pub const WINDOW_BYTES: usize = 1 << 20;

/// The largest gap, in bytes, between a group of runs and the next run over
/// which the two are still read with one call (64 KiB): reading that many
/// unwanted bytes costs about as much as one more system call.
pub const MAX_GAP_BYTES: usize = 64 << 10;
