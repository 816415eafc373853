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
///
/// Scans whole chunks of [`CHUNK`] digits (one vector comparison each) for the first that
/// is not all zeros, from the bottom, and the first that is not all sign extension, from the
/// top: the digits of a typical sum lie in a few limbs in the middle of the accumulator.
fn range(digits: &[u32; LIMBS]) -> (usize, usize, bool) {
    let negative = digits[LIMBS - 1] >> 31 != 0;
    let fill = if negative { u32::MAX } else { 0 };
    let Some(start) = first_where(digits, |d| d != 0) else {
        return (0, 0, false);
    };
    let end = last_where(digits, |d| d != fill).map_or(start, |top| (top + 1).max(start));
    (start, end - start, negative)
}

/// Digits per chunk of the scans of [`range`] (`LIMBS` is a multiple of it).
const CHUNK: usize = 8;

/// The index of the first digit for which `is` holds.
#[inline(always)]
fn first_where(digits: &[u32; LIMBS], is: impl Fn(u32) -> bool + Copy) -> Option<usize> {
    let chunk = digits
        .chunks_exact(CHUNK)
        .position(|c| c.iter().fold(false, |a, &d| a | is(d)))?;
    let at = chunk * CHUNK;
    digits[at..at + CHUNK]
        .iter()
        .position(|&d| is(d))
        .map(|i| at + i)
}

/// The index of the last digit for which `is` holds.
#[inline(always)]
fn last_where(digits: &[u32; LIMBS], is: impl Fn(u32) -> bool + Copy) -> Option<usize> {
    let chunk = digits
        .chunks_exact(CHUNK)
        .rposition(|c| c.iter().fold(false, |a, &d| a | is(d)))?;
    let at = chunk * CHUNK;
    digits[at..at + CHUNK]
        .iter()
        .rposition(|&d| is(d))
        .map(|i| at + i)
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

/// A checked form, its digits still in the message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Form<'a> {
    /// The index of the lowest digit sent.
    pub(crate) start: usize,
    /// Whether the digits above the ones sent are all ones (a negative sum).
    pub(crate) negative: bool,
    /// The digits sent, 4 little-endian bytes each.
    pub(crate) body: &'a [u8],
}

impl Form<'_> {
    /// The length of the whole form, header included.
    pub(crate) fn len(&self) -> usize {
        HEAD + self.body.len()
    }

    /// The digits sent, lowest first.
    pub(crate) fn digits(&self) -> impl DoubleEndedIterator<Item = u32> + '_ {
        self.body
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// The lowest nonzero digit of the sum and its index; `None` for a zero sum.
    pub(crate) fn lowest(&self) -> Option<(usize, u32)> {
        match self.digits().next() {
            Some(d) => Some((self.start, d)),
            None => self.negative.then_some((self.start, u32::MAX)),
        }
    }
}

/// The form at the start of `bytes` (header already checked, at least [`HEAD`] bytes).
/// Rejects ranges beyond the accumulator's valid digits, forms cut short and non-canonical
/// forms; reads only the first and last digits sent.
pub(crate) fn parse(bytes: &[u8]) -> Result<Form<'_>, WireError> {
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
    let form = Form {
        start,
        negative: sign == 1,
        body: &bytes[HEAD..len],
    };
    let fill = if form.negative { u32::MAX } else { 0 };
    let canonical = match (form.digits().next(), form.digits().next_back()) {
        (Some(first), Some(last)) => first != 0 && last != fill,
        // Zero is start = 0 and positive; a negative sum may send no digit.
        _ => form.negative || start == 0,
    };
    if !canonical {
        return Err(WireError::Invalid(
            "an exact partial's digit range is not the canonical one",
        ));
    }
    Ok(form)
}

/// A decoded form, its digits in full (the reference [`parse`] is tested against).
#[cfg(test)]
#[derive(Debug, PartialEq)]
pub(crate) struct Decoded {
    /// The digits of the sum.
    pub(crate) digits: [u32; LIMBS],
    /// The length of the form.
    pub(crate) len: usize,
    /// The lowest nonzero digit and its index; `None` for a zero sum.
    pub(crate) lowest: Option<(usize, u32)>,
}

/// [`parse`], with the digits written out in full.
#[cfg(test)]
pub(crate) fn read_digits(bytes: &[u8]) -> Result<Decoded, WireError> {
    let form = parse(bytes)?;
    let fill = if form.negative { u32::MAX } else { 0 };
    let mut digits = [fill; LIMBS];
    digits[..form.start].fill(0);
    for (d, v) in digits[form.start..].iter_mut().zip(form.digits()) {
        *d = v;
    }
    Ok(Decoded {
        digits,
        len: form.len(),
        lowest: form.lowest(),
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
