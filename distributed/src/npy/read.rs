//! Reading `.npy` files by path: [`read_header`], [`read_runs`] and
//! [`read_all`].

use std::fs::File;
use std::path::Path;

use super::source::{header_from, io_error, read_all_from, read_runs_from};
use super::{NpyElement, NpyError, NpyHeader};

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
/// one window (see the [module documentation](super)), so a cyclic layout
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
///
/// [`WINDOW_BYTES`]: super::WINDOW_BYTES
/// [`NpyErrorKind`]: super::NpyErrorKind
/// [`NpyErrorKind::DtypeMismatch`]: super::NpyErrorKind::DtypeMismatch
/// [`NpyErrorKind::RunOutOfBounds`]: super::NpyErrorKind::RunOutOfBounds
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
