//! The compact wire form of an exact partial: only the digits of the fixed-point sum that
//! are neither low zeros nor high sign extension.
//!
//! After the common 8-byte header (whose flags byte holds the special-product flags):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | `start`: index of the lowest digit sent |
//! | 9 | `count`: number of digits sent |
//! | 10 | `sign`: 0 (the digits above the range are 0) or 1 (they are `0xFFFF_FFFF`) |
//! | 11 | 0 (reserved) |
//! | 12.. | `count` little-endian 32-bit digits, `digits[start..start + count]` |
//!
//! The digits below `start` are 0. The form is canonical, so equal values have equal
//! bytes: a zero sum is `start = count = sign = 0`; otherwise `start` is the lowest nonzero
//! digit (when `count > 0`, the first digit sent is nonzero) and the last digit sent is not
//! the sign extension. A negative sum whose digits from `start` up are all sign extension
//! (a negative power of 2^32) sends no digit (`count = 0`, `sign = 1`).

use super::wire::{HEADER_LEN, WireError};
use crate::exact::superacc::LIMBS;

/// Bytes before the digits.
pub(crate) const HEAD: usize = HEADER_LEN + 4;

/// The most digits a valid form sends: the top two digits of the accumulator are always
/// sign extension (a sum of fewer than 2^64 products of `f64` is below 2^4288, bit 4288
/// being the lowest bit of digit `LIMBS - 2`).
pub(crate) const MAX_DIGITS: usize = LIMBS - 2;

/// The longest wire form: all the digits. Only states beyond the range of any dot product
/// (which merges and scalings of valid states can reach) send more than [`MAX_DIGITS`];
/// they encode, so that writing never fails, and do not decode.
pub(crate) const MAX_LEN: usize = HEAD + 4 * LIMBS;

/// The range of `digits` to send: `(start, count, negative)`.
fn range(digits: &[u32; LIMBS]) -> (usize, usize, bool) {
    let negative = digits[LIMBS - 1] >> 31 != 0;
    let fill = if negative { u32::MAX } else { 0 };
    let Some(start) = digits.iter().position(|&d| d != 0) else {
        return (0, 0, false);
    };
    let end = digits
        .iter()
        .rposition(|&d| d != fill)
        .map_or(start, |top| (top + 1).max(start));
    (start, end - start, negative)
}

/// Writes the payload of `digits` (after a header written by the caller) into `out`, which
/// has at least [`MAX_LEN`] bytes; returns the length of the whole form.
pub(crate) fn write_digits(digits: &[u32; LIMBS], out: &mut [u8]) -> usize {
    let (start, count, negative) = range(digits);
    // Both fit a byte: LIMBS < 256.
    out[HEADER_LEN] = start as u8;
    out[HEADER_LEN + 1] = count as u8;
    out[HEADER_LEN + 2] = u8::from(negative);
    out[HEADER_LEN + 3] = 0;
    let body = &mut out[HEAD..HEAD + 4 * count];
    for (chunk, d) in body.chunks_exact_mut(4).zip(&digits[start..start + count]) {
        chunk.copy_from_slice(&d.to_le_bytes());
    }
    HEAD + 4 * count
}

/// A decoded form.
#[derive(Debug, PartialEq)]
pub(crate) struct Decoded {
    /// The digits of the sum.
    pub(crate) digits: [u32; LIMBS],
    /// The length of the form.
    pub(crate) len: usize,
    /// The lowest nonzero digit and its index; `None` for a zero sum.
    pub(crate) lowest: Option<(usize, u32)>,
}

/// The form at the start of `bytes` (header already checked, at least [`HEAD`] bytes).
/// Rejects ranges beyond the accumulator's valid digits, forms cut short and non-canonical
/// forms.
pub(crate) fn read_digits(bytes: &[u8]) -> Result<Decoded, WireError> {
    let (start, count, sign, reserved) = (
        usize::from(bytes[HEADER_LEN]),
        usize::from(bytes[HEADER_LEN + 1]),
        bytes[HEADER_LEN + 2],
        bytes[HEADER_LEN + 3],
    );
    if sign > 1 || reserved != 0 {
        return Err(WireError::Invalid(
            "the sign byte of an exact partial is 0 or 1, and the byte after it 0",
        ));
    }
    if start + count > MAX_DIGITS {
        return Err(WireError::Invalid(
            "the sum is beyond the range of any dot product",
        ));
    }
    let len = HEAD + 4 * count;
    if bytes.len() < len {
        return Err(WireError::Length {
            expected: len,
            found: bytes.len(),
        });
    }
    let negative = sign == 1;
    let fill = if negative { u32::MAX } else { 0 };
    let mut digits = [fill; LIMBS];
    digits[..start].fill(0);
    for (d, chunk) in digits[start..start + count]
        .iter_mut()
        .zip(bytes[HEAD..len].chunks_exact(4))
    {
        *d = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    let canonical = if count > 0 {
        digits[start] != 0 && digits[start + count - 1] != fill
    } else {
        // Zero is start = 0 and positive; a negative sum may send no digit.
        negative || start == 0
    };
    if !canonical {
        return Err(WireError::Invalid(
            "an exact partial's digit range is not the canonical one",
        ));
    }
    let lowest = (count > 0 || negative).then(|| (start, digits[start]));
    Ok(Decoded {
        digits,
        len,
        lowest,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::exact::ExactState;
    use crate::exact::state::{NONEMPTY, NOT_NEG_ZERO};
    use crate::exact::superacc::Superacc;
    use crate::partial::{ExactPartial, Partial};

    /// Digits of a valid state: a random run of random, zero or all-ones digits, zeros
    /// below it, sign extension above it (at least the top two digits).
    fn valid_digits() -> impl Strategy<Value = [u32; LIMBS]> {
        let digit = prop_oneof![Just(0u32), Just(u32::MAX), any::<u32>()];
        (
            0..MAX_DIGITS,
            0..8usize,
            any::<bool>(),
            proptest::collection::vec(digit, 8),
        )
            .prop_map(|(start, count, negative, run)| {
                let mut d = [if negative { u32::MAX } else { 0 }; LIMBS];
                d[..start].fill(0);
                let end = (start + count).min(MAX_DIGITS);
                d[start..end].copy_from_slice(&run[..end - start]);
                d
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Digits → compact form → the same digits, in a form of the canonical length
        /// (from the lowest nonzero digit to the highest that is not sign extension), and
        /// the same through `ExactPartial`'s wire form, bit for bit.
        #[test]
        fn digits_round_trip(d in valid_digits()) {
            let mut out = [0xa5u8; MAX_LEN];
            let len = write_digits(&d, &mut out);
            let fill = if d[LIMBS - 1] >> 31 == 1 { u32::MAX } else { 0 };
            let low = d.iter().position(|&v| v != 0);
            let high = d.iter().rposition(|&v| v != fill);
            let count = match (low, high) {
                (Some(l), Some(h)) if h >= l => h + 1 - l,
                _ => 0,
            };
            prop_assert_eq!(len, HEAD + 4 * count);
            let back = read_digits(&out[..len]);
            prop_assert_eq!(back.as_ref().map(|b| (b.digits, b.len)), Ok((d, len)));
            let lowest = low.map(|l| (l, d[l]));
            prop_assert_eq!(back.map(|b| b.lowest), Ok(lowest));
            // Cut short: a length error naming the form's length.
            if count > 0 {
                prop_assert_eq!(
                    read_digits(&out[..len - 1]).map(|b| b.len),
                    Err(WireError::Length { expected: len, found: len - 1 })
                );
            }

            let zero = d.iter().all(|&v| v == 0);
            let flags = if zero { 0 } else { NONEMPTY | NOT_NEG_ZERO };
            let p = ExactPartial::<f64>::from_state(ExactState { acc: Superacc::from_digits(&d), flags });
            let wire = p.to_wire();
            prop_assert_eq!(wire.len(), len);
            prop_assert_eq!(&wire[HEADER_LEN..], &out[HEADER_LEN..len]);
            let back = ExactPartial::<f64>::from_wire(&wire);
            prop_assert!(back.as_ref() == Ok(&p), "{:?}", back);
            prop_assert_eq!(back.unwrap().to_wire(), wire);
        }
    }
}
