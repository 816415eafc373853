//! Writing `.npy` files: [`write()`], byte for byte as NumPy's `np.save`.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::{Dtype, MAGIC, NpyElement};

/// The version 1.0 preamble and header NumPy writes for a 1-D C-order array
/// of `len` elements of `dtype`, byte for byte: the dict, spare spaces for
/// the length to grow to 21 digits, padding to a multiple of 64 bytes, `'\n'`.
pub(super) fn header_bytes(dtype: Dtype, len: usize) -> Vec<u8> {
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
