//! The header of a `.npy` file: [`NpyHeader`], and [`parse_header`], which
//! parses the preamble and validates the header dict.

use super::literal::{self, Val, printable, quoted};
use super::{Dtype, MAGIC, MAX_HEADER_LEN, NpyErrorKind};

/// What the header of a valid 1-D `.npy` file says.
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

/// Parses the preamble and header at the start of a `.npy` file.
///
/// `bytes` is the start of the file: at least the preamble and the header
/// (later bytes are ignored). This is the pure part of [`read_header`]; it
/// does not check the data size, which needs the file's size. It never
/// panics, whatever the bytes; on success `data_offset <= bytes.len()`.
///
/// [`read_header`]: super::read_header
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
pub(super) fn parse_preamble(bytes: &[u8]) -> Result<((u8, u8), usize, usize), NpyErrorKind> {
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

/// Parses and validates the header dict.
fn parse_dict(dict: &[u8]) -> Result<Fields, NpyErrorKind> {
    let malformed = |reason: String| NpyErrorKind::MalformedHeader { reason };
    let entries = literal::dict_entries(dict).map_err(malformed)?;
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
