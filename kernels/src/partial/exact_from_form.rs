//! The superaccumulator of a compact exact wire form, built from the digits the form sends
//! alone: no intermediate array of all the accumulator's digits, no scan of it.

use super::exact_wire::Form;
use crate::exact::superacc::Superacc;

/// The accumulator holding the sum `form` stands for: the digits sent at their limbs and,
/// for a negative sum, `-1` at the limb above them (the value of all-ones digits from there
/// to the top, in two's complement). Only the limbs from `form.start` to one past the
/// digits sent are touched, so merging and rounding it cost as much as the sum is long.
///
/// `form` is checked ([`super::exact_wire::parse`]): its digits end at least two limbs
/// below the top, so the sign limb exists.
#[inline(always)]
pub(crate) fn superacc_of(form: &Form<'_>) -> Superacc {
    let mut acc = Superacc::new();
    let mut batch = acc.batch(1);
    let mut at = form.start;
    for d in form.digits() {
        batch.add_digit(at, i64::from(d));
        at += 1;
    }
    if form.negative {
        batch.add_digit(at, -1);
    }
    drop(batch);
    acc
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::exact::superacc::LIMBS;
    use crate::partial::exact_wire::{HEAD, MAX_DIGITS, parse};
    use crate::partial::wire::HEADER_LEN;

    /// The bytes of a form (after an 8-byte header left zero) for `start`, a run of
    /// digits and a sign, canonical or not.
    fn form_bytes(start: usize, run: &[u32], negative: bool) -> Vec<u8> {
        let mut out = vec![0u8; HEAD];
        out[HEADER_LEN] = start as u8;
        out[HEADER_LEN + 1] = run.len() as u8;
        out[HEADER_LEN + 2] = u8::from(negative);
        for d in run {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Every form `parse` accepts gives the accumulator `Superacc::from_digits` builds
        /// from the digits written out in full (the same value: the same digits back), and
        /// `parse` accepts exactly the canonical forms, whose digits it reads back.
        #[test]
        fn matches_the_full_digits(
            start in 0..MAX_DIGITS + 2,
            run in proptest::collection::vec(
                prop_oneof![Just(0u32), Just(u32::MAX), any::<u32>()], 0..10),
            negative in any::<bool>(),
        ) {
            let bytes = form_bytes(start, &run, negative);
            let fill = if negative { u32::MAX } else { 0 };
            let fits = start + run.len() <= MAX_DIGITS;
            let canonical = match (run.first(), run.last()) {
                (Some(&first), Some(&last)) => first != 0 && last != fill,
                _ => negative || start == 0,
            };
            let parsed = parse(&bytes);
            prop_assert_eq!(parsed.is_ok(), fits && canonical, "{:?}", parsed);
            let Ok(form) = parsed else { return Ok(()); };
            let mut full = [fill; LIMBS];
            full[..start].fill(0);
            full[start..start + run.len()].copy_from_slice(&run);
            let acc = superacc_of(&form);
            prop_assert_eq!(acc.digits(), full);
            prop_assert_eq!(acc.digits(), Superacc::from_digits(&full).digits());
            prop_assert_eq!(form.len(), bytes.len());
            // Cut short: a length error.
            if !run.is_empty() {
                prop_assert!(parse(&bytes[..bytes.len() - 1]).is_err());
            }
        }
    }
}
