//! Arbitrary bytes fed to `Partial::from_wire` of every partial type (`ExactPartial`,
//! `FastPartial`, `CompensatedPartial`, each for f64 and f32 results): never a panic.
//!
//! - A buffer longer than `WIRE_MAX` (for Fast and Compensated, of any other length than
//!   `WIRE_MAX`) is `WireError::Length`; every error's message formats.
//! - Bytes that decode are a state that finishes, merges with itself and either way with a
//!   real partial (exact merges commute: equal states, equal results) and re-encodes to
//!   bytes that decode again. An exact state re-encodes to exactly the input bytes and
//!   decodes to an equal state (a fast or compensated one too, but for the sign of a zero
//!   error term next to a non-finite compensated sum).
//!
//! The first input byte picks how the rest is used: as it is, or as the flags and payload
//! behind a valid header of one of the types (cut or padded with zeros to its longest wire
//! form for Fast and Compensated; for Exact, cut to the length its digit count gives), so
//! that the checks behind the header see fuzzed payloads without the fuzzer having to find
//! the magic, version, level and length first.

#![no_main]

use libfuzzer_sys::fuzz_target;
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, WireError,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        all(data);
        return;
    };
    if mode % 2 == 0 {
        all(rest);
        return;
    }
    let bytes = match (mode / 2) % 6 {
        0 => behind_header::<ExactPartial<f64>>(rest),
        1 => behind_header::<ExactPartial<f32>>(rest),
        2 => behind_header::<FastPartial<f64>>(rest),
        3 => behind_header::<FastPartial<f32>>(rest),
        4 => behind_header::<CompensatedPartial<f64>>(rest),
        _ => behind_header::<CompensatedPartial<f32>>(rest),
    };
    all(&bytes);
});

/// `P`'s header (magic, version, level, result type), then `rest` as flags and payload,
/// cut or padded with zeros to `P::WIRE_MAX`, or (exact partials) to the length that the
/// digit count (byte 9) gives.
fn behind_header<P: Partial>(rest: &[u8]) -> Vec<u8> {
    let mut bytes = P::new().to_wire();
    bytes.truncate(7);
    bytes.extend_from_slice(rest);
    let len = if P::ACCURACY == Accuracy::Exact {
        bytes.resize(12, 0);
        12 + 4 * usize::from(bytes[9])
    } else {
        P::WIRE_MAX
    };
    bytes.resize(len, 0);
    bytes
}

/// The bytes to every partial type.
fn all(bytes: &[u8]) {
    exercise::<ExactPartial<f64>>(bytes);
    exercise::<ExactPartial<f32>>(bytes);
    exercise::<FastPartial<f64>>(bytes);
    exercise::<FastPartial<f32>>(bytes);
    exercise::<CompensatedPartial<f64>>(bytes);
    exercise::<CompensatedPartial<f32>>(bytes);
}

fn exercise<P: Partial>(bytes: &[u8])
where
    f32: Input<P::Output>,
{
    let exact = P::ACCURACY == Accuracy::Exact;
    let p = match P::from_wire(bytes) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            if bytes.len() > P::WIRE_MAX || !exact && bytes.len() != P::WIRE_MAX {
                assert_eq!(
                    e,
                    WireError::Length {
                        expected: P::WIRE_MAX,
                        found: bytes.len()
                    }
                );
            }
            if let WireError::Length { expected, found } = e {
                assert!(found == bytes.len() && expected != found);
            }
            return;
        }
        Ok(p) => p,
    };
    let _ = p.finish();

    // Re-encoding.
    let wire = p.to_wire();
    assert!(wire.len() <= P::WIRE_MAX);
    let again = P::from_wire(&wire)
        .unwrap_or_else(|e| panic!("{p:?} re-encodes to bytes that do not decode: {e}"));
    assert!(
        again.to_wire() == wire,
        "{p:?}: the re-encoding is not stable"
    );
    if exact {
        assert!(again == p, "{p:?} decodes back to {again:?}");
        assert!(wire == bytes, "{p:?} re-encodes to other bytes");
    } else if wire != bytes {
        // The one non-canonical encoding: a compensated partial whose sum is not finite and
        // whose error term is −0 (decoded as +0).
        let hi = f64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        assert!(
            P::ACCURACY == Accuracy::Compensated
                && !hi.is_finite()
                && bytes[16..] == (-0.0f64).to_le_bytes()
                && wire[..16] == bytes[..16]
                && wire[16..] == 0.0f64.to_le_bytes(),
            "{p:?} re-encodes to other bytes"
        );
    }

    // Merging. (Whether a merge of decoded states re-encodes to decodable bytes is not
    // checked: `from_wire` accepts exact sums up to about 2^4320, twice which is beyond
    // what it accepts; see kernels/tests/partials.rs.)
    let mut twice = p.clone();
    twice.merge(&p);
    let _ = twice.finish();
    let _ = twice.to_wire();
    let real = P::of(&[1.5f32, -2.0, 1e30, -0.0], &[3.0f32, 0.25, -1e-30, 7.0]);
    let (mut a, mut b) = (p.clone(), real.clone());
    a.merge(&real);
    b.merge(&p);
    let (ra, rb) = (a.finish(), b.finish());
    let _ = (a.to_wire(), b.to_wire());
    if exact {
        assert!(a == b, "exact merges do not commute: {a:?} vs {b:?}");
        // NaN is the one value not ordered with itself.
        let nan = |v: P::Output| v.partial_cmp(&v).is_none();
        assert!(
            ra == rb || (nan(ra) && nan(rb)),
            "equal exact states finish differently: {ra:?} vs {rb:?}"
        );
    }
}
