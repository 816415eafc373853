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
    add_form(&mut acc, form);
    acc
}

/// Adds the sum `form` stands for to `acc`, in place (as [`superacc_of`] builds it: one
/// addition of the carries' reserve, at most one digit per limb).
#[inline(always)]
pub(crate) fn add_form(acc: &mut Superacc, form: &Form<'_>) {
    let mut batch = acc.batch(1);
    let mut at = form.start;
    for d in form.digits() {
        batch.add_digit(at, i64::from(d));
        at += 1;
    }
    if form.negative {
        batch.add_digit(at, -1);
    }
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

    /// Values over a wide range of exponents, both signs, zeros.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            (-1.0f64..1.0, -300i32..300).prop_map(|(m, e)| m * 2f64.powi(e)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Merging a wire form in place gives the state of merging the decoded partial,
        /// for valid forms and for damaged ones (one byte changed): an error leaves the
        /// partial unchanged, and the errors are the same.
        #[test]
        fn merging_in_place_is_merging_the_decoded(
            a in proptest::collection::vec((value(), value()), 0..6),
            b in proptest::collection::vec((value(), value()), 0..6),
            damage in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
        ) {
            use crate::partial::{ExactPartial, Partial};
            let of = |v: &[(f64, f64)]| {
                let (x, y): (Vec<f64>, Vec<f64>) = v.iter().copied().unzip();
                ExactPartial::<f64>::of(&x, &y)
            };
            let (mut mine, theirs) = (of(&a), of(&b));
            let mut bytes = theirs.to_wire();
            if let Some((at, v)) = damage {
                let at = at.index(bytes.len());
                bytes[at] = v;
            }
            let decoded = ExactPartial::<f64>::from_wire_prefix(&bytes);
            let before = mine.clone();
            let got = mine.merge_wire_prefix(&bytes);
            match decoded {
                Ok((p, len)) => {
                    let mut want = before;
                    want.merge(&p);
                    prop_assert_eq!(got, Ok(len));
                    prop_assert_eq!(&mine, &want);
                    prop_assert_eq!(mine.finish().to_bits(), want.finish().to_bits());
                    prop_assert_eq!(mine.to_wire(), want.to_wire());
                }
                Err(e) => {
                    prop_assert_eq!(got, Err(e));
                    prop_assert_eq!(&mine, &before);
                }
            }
        }

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
