//! Reading `.npy` files by path: [`read_header`], [`read_runs`] and
//! `read_all` (tests only).

use std::fs::File;
use std::path::Path;

#[cfg(test)]
use super::source::read_all_from;
use super::source::{header_from, io_error, read_runs_from};
use super::{Dtype, Elements, NpyElement, NpyError, NpyHeader};

/// Opens `path` for reading, naming it in the error.
fn open(path: &Path) -> Result<File, NpyError> {
    File::open(path).map_err(|e| NpyError::new(path, io_error("open the file")(e)))
}

/// Reads and validates the header of the `.npy` file at `path`, checking
/// that the file holds all the data the header promises.
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
#[cfg(test)]
pub fn read_all<T: NpyElement>(path: impl AsRef<Path>) -> Result<(NpyHeader, Vec<T>), NpyError> {
    let path = path.as_ref();
    let mut file = open(path)?;
    read_all_from(&mut file).map_err(|kind| NpyError::new(path, kind))
}

/// [`read_runs`] with the element type chosen at run time: `dtype`'s.
///
/// # Errors
///
/// As [`read_runs`].
pub fn read_runs_as(
    path: impl AsRef<Path>,
    dtype: Dtype,
    runs: impl IntoIterator<Item = (usize, usize)>,
) -> Result<Elements, NpyError> {
    Ok(match dtype {
        Dtype::F32 => Elements::F32(read_runs::<f32>(path, runs)?.1),
        Dtype::F64 => Elements::F64(read_runs::<f64>(path, runs)?.1),
    })
}
