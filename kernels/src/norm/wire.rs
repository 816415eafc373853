//! The wire form of a [`NormPartial`]: an 8-byte prefix (`NRM2` and the scale) followed by
//! the wire form of the squares' partial.

use num_traits::Float as _;

use crate::accuracy::Accuracy;
use crate::partial::wire::whole_form;
use crate::partial::{Partial, WireError};

use super::partial::NormPartial;

/// The first bytes of a norm partial's wire form.
const MAGIC: [u8; 4] = *b"NRM2";
/// Bytes before the squares' partial: magic and scale.
const PREFIX_LEN: usize = 8;
/// The largest scale exponent accepted from the wire (the states of real vectors stay far
/// below: about 1100 for `f64`).
const MAX_SCALE: i32 = 4096;

impl<P: Partial> NormPartial<P> {
    /// The largest size in bytes of the wire form: 8 more than the squares' partial's.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial, Partial};
    /// assert_eq!(NormPartial::<FastPartial<f64>>::WIRE_MAX, FastPartial::<f64>::WIRE_MAX + 8);
    /// ```
    pub const WIRE_MAX: usize = PREFIX_LEN + P::WIRE_MAX;

    /// Writes the wire form at the start of `out`, which must have at least
    /// [`NormPartial::WIRE_MAX`] bytes, and returns its length.
    ///
    /// # Errors
    /// [`WireError::Length`] if `out` is shorter.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, NormPartial};
    /// let p = NormPartial::<ExactPartial<f32>>::of(&[3.0f32, 4.0]);
    /// let mut buf = vec![0u8; NormPartial::<ExactPartial<f32>>::WIRE_MAX];
    /// let len = p.write_wire(&mut buf)?;
    /// assert_eq!(buf[..len], p.to_wire()[..]);
    /// assert!(p.write_wire(&mut buf[1..]).is_err());
    /// # Ok::<(), pdot_kernels::WireError>(())
    /// ```
    pub fn write_wire(&self, out: &mut [u8]) -> Result<usize, WireError> {
        if out.len() < Self::WIRE_MAX {
            return Err(WireError::Length {
                expected: Self::WIRE_MAX,
                found: out.len(),
            });
        }
        out[..4].copy_from_slice(&MAGIC);
        out[4..PREFIX_LEN].copy_from_slice(&self.scale.to_le_bytes());
        Ok(PREFIX_LEN + self.squares.write_wire(&mut out[PREFIX_LEN..])?)
    }

    /// The wire form: at most [`NormPartial::WIRE_MAX`] plain bytes (little-endian), the
    /// same on every machine.
    ///
    /// ```
    /// use pdot_kernels::{CompensatedPartial, NormPartial};
    /// let p = NormPartial::<CompensatedPartial<f64>>::of(&[1.0f64; 10]);
    /// assert_eq!(NormPartial::<CompensatedPartial<f64>>::from_wire(&p.to_wire())?, p);
    /// # Ok::<(), pdot_kernels::WireError>(())
    /// ```
    pub fn to_wire(&self) -> Vec<u8> {
        let mut out = vec![0; Self::WIRE_MAX];
        // The buffer is long enough by construction.
        let len = self.write_wire(&mut out).unwrap_or(0);
        out.truncate(len);
        out
    }

    /// The state whose wire form is `bytes`.
    ///
    /// # Errors
    /// A [`WireError`] naming the problem: a wrong length, bytes that are not a norm
    /// partial ([`WireError::Kind`]), a squares' partial that does not decode, a scale out
    /// of range (or nonzero at [`Accuracy::Exact`]), or a negative sum of squares.
    ///
    /// ```
    /// use pdot_kernels::{FastPartial, NormPartial, Partial, WireError};
    /// type Norm = NormPartial<FastPartial<f64>>;
    /// let mut bytes = Norm::of(&[1.0f64]).to_wire();
    /// assert!(matches!(Norm::from_wire(&bytes[..bytes.len() - 1]), Err(WireError::Length { .. })));
    /// bytes[..4].copy_from_slice(b"PDOT");
    /// assert!(matches!(Norm::from_wire(&bytes), Err(WireError::Kind { .. })));
    /// ```
    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        whole_form(bytes, Self::WIRE_MAX, Self::from_wire_prefix)
    }

    /// The state whose wire form starts `bytes`, and the length of that form.
    ///
    /// # Errors
    /// As [`NormPartial::from_wire`], except that bytes after the form are no error.
    ///
    /// ```
    /// use pdot_kernels::{ExactPartial, NormPartial};
    /// type Norm = NormPartial<ExactPartial<f64>>;
    /// let mut bytes = Norm::of(&[3.0f64, 4.0]).to_wire();
    /// let len = bytes.len();
    /// bytes.extend([1, 2, 3]);
    /// let (p, used) = Norm::from_wire_prefix(&bytes)?;
    /// assert_eq!((p.finish(), used), (5.0, len));
    /// # Ok::<(), pdot_kernels::WireError>(())
    /// ```
    pub fn from_wire_prefix(bytes: &[u8]) -> Result<(Self, usize), WireError> {
        if bytes.len() < PREFIX_LEN {
            return Err(WireError::Length {
                expected: PREFIX_LEN + P::new().to_wire().len(),
                found: bytes.len(),
            });
        }
        if bytes[..4] != MAGIC {
            return Err(WireError::Kind {
                expected: format!("norm of {} f{}", P::ACCURACY, 8 * size_of::<P::Output>()),
                found: "bytes without the norm prefix NRM2".to_owned(),
            });
        }
        let mut scale = [0u8; 4];
        scale.copy_from_slice(&bytes[4..PREFIX_LEN]);
        let scale = i32::from_le_bytes(scale);
        let (squares, len) = P::from_wire_prefix(&bytes[PREFIX_LEN..]).map_err(|e| match e {
            // Lengths of the whole form, prefix included.
            WireError::Length { expected, found } => WireError::Length {
                expected: PREFIX_LEN + expected,
                found: PREFIX_LEN + found,
            },
            e => e,
        })?;
        if P::ACCURACY == Accuracy::Exact && scale != 0 {
            return Err(WireError::Invalid("an exact norm partial has scale 0"));
        }
        if !(-MAX_SCALE..=MAX_SCALE).contains(&scale) {
            return Err(WireError::Invalid(
                "the scale of a norm partial is beyond that of any vector",
            ));
        }
        let s = squares.finish();
        if s.is_sign_negative() && !s.is_nan() {
            return Err(WireError::Invalid("a negative sum of squares"));
        }
        Ok((NormPartial::from_parts(scale, squares), PREFIX_LEN + len))
    }
}
