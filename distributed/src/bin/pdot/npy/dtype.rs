//! The element types: [`Dtype`], and the sealed [`NpyElement`] trait that turns
//! little-endian bytes into elements and back (with `bytemuck`).

use std::fmt;

/// The element types this module reads (and the tests' writer writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// Little-endian IEEE 754 binary32, NumPy descr `'<f4'`.
    F32,
    /// Little-endian IEEE 754 binary64, NumPy descr `'<f8'`.
    F64,
}

impl Dtype {
    /// The NumPy descr string of this dtype: `"<f4"` or `"<f8"`.
    pub const fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "<f4",
            Dtype::F64 => "<f8",
        }
    }

    /// The size of one element in bytes: 4 or 8.
    pub const fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// The dtype a NumPy descr string names, if it is one of the supported
    /// ones (`"<f4"`, `"<f8"`).
    pub fn from_descr(descr: &str) -> Option<Dtype> {
        match descr {
            "<f4" => Some(Dtype::F32),
            "<f8" => Some(Dtype::F64),
            _ => None,
        }
    }

    /// The Rust type name, for messages.
    pub const fn rust_name(self) -> &'static str {
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

mod sealed {
    /// Keeps [`super::NpyElement`] implemented for `f32` and `f64` only.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// An element type of a `.npy` file: `f32` (`'<f4'`) and `f64` (`'<f8'`),
/// sealed. Conversions keep every bit, NaN payloads and the sign of zero
/// included.
pub trait NpyElement: sealed::Sealed + bytemuck::Pod {
    /// The dtype this type reads from (and writes to).
    const DTYPE: Dtype;

    /// The element whose little-endian encoding is the in-memory bytes of
    /// `self` (the identity on a little-endian host).
    fn swap_le(self) -> Self;

    /// Appends the elements encoded little-endian in `bytes` to `out`; a
    /// trailing partial element, if any, is ignored.
    fn extend_from_le(bytes: &[u8], out: &mut Vec<Self>) {
        let size = std::mem::size_of::<Self>();
        let whole = bytes
            .get(..bytes.len() - bytes.len() % size)
            .unwrap_or_default();
        let old = out.len();
        out.resize(old + whole.len() / size, Self::zeroed());
        let fresh = out.get_mut(old..).unwrap_or_default();
        bytemuck::cast_slice_mut::<Self, u8>(fresh).copy_from_slice(whole);
        Self::fix_le(fresh);
    }

    /// Turns elements whose bytes were read from a little-endian file in place
    /// into their values (nothing to do on a little-endian host).
    fn fix_le(values: &mut [Self]) {
        if cfg!(target_endian = "big") {
            values.iter_mut().for_each(|v| *v = v.swap_le());
        }
    }

    /// Appends the little-endian encoding of `values` to `out`.
    #[cfg(test)]
    fn extend_le_bytes(values: &[Self], out: &mut Vec<u8>) {
        let old = out.len();
        out.extend_from_slice(bytemuck::cast_slice(values));
        if cfg!(target_endian = "big") {
            let fresh = out.get_mut(old..).unwrap_or_default();
            fresh
                .chunks_exact_mut(std::mem::size_of::<Self>())
                .for_each(<[u8]>::reverse);
        }
    }
}

impl NpyElement for f32 {
    const DTYPE: Dtype = Dtype::F32;
    fn swap_le(self) -> Self {
        f32::from_bits(u32::from_le(self.to_bits()))
    }
}

impl NpyElement for f64 {
    const DTYPE: Dtype = Dtype::F64;
    fn swap_le(self) -> Self {
        f64::from_bits(u64::from_le(self.to_bits()))
    }
}
