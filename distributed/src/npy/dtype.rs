//! The element types: [`Dtype`], the sealed [`NpyElement`] trait and the
//! little-endian conversions behind it.

use std::fmt;

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
    pub(super) const fn rust_name(self) -> &'static str {
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

pub(super) mod sealed {
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
