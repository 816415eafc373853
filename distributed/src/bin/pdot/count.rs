//! Counts on the command line (`--n`, `--repeat`): one parser, one rule.
//!
//! A count is a whole number written in decimal, `10000000`, optionally with `_` between
//! digits, `10_000_000`, or in scientific notation, `1e7`, `2.5e6`, `1E7` (a decimal
//! mantissa, `e` or `E`, a decimal exponent of at most 4 digits). The value must be a whole number from 0 to
//! `usize::MAX`; it is computed exactly, in integers (never through a float). Refused, each
//! with its own message: signs (`-5`, `+5`), fractions (`1.5`, `1e-3`), values above
//! `usize::MAX`, and anything else (hex, spaces, empty).

/// Parses a count (see the module documentation).
pub fn parse(s: &str) -> Result<usize, String> {
    let example = "e.g. 1000000, 1_000_000 or 1e6";
    if s.starts_with(['-', '+']) {
        return Err(if s.starts_with('-') {
            "a count cannot be negative".into()
        } else {
            format!("write the count without a sign ({example})")
        });
    }
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let not_a_count = || format!("not a whole number ({example})");
    let mantissa = digits(mantissa, true).ok_or_else(not_a_count)?;
    let exponent: u32 = match exponent {
        None => 0,
        Some(e) if e.starts_with('-') => {
            return Err(format!("a negative exponent makes a fraction ({example})"));
        }
        Some(e) => {
            let e = digits(e, false).ok_or_else(not_a_count)?;
            if e.len() > 4 {
                return Err(too_large());
            }
            e.parse().map_err(|_| not_a_count())?
        }
    };
    // mantissa = int.frac: the value is (int frac) * 10^(exponent - frac digits).
    let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    let frac = frac.trim_end_matches('0');
    let all = format!("{int}{frac}");
    let all = all.trim_start_matches('0');
    if all.is_empty() {
        return Ok(0);
    }
    let Some(scale) = exponent.checked_sub(frac.len() as u32) else {
        return Err(format!("{s:?} is not a whole number ({example})"));
    };
    let value: usize = all.parse().map_err(|_| too_large())?;
    10usize
        .checked_pow(scale)
        .and_then(|p| value.checked_mul(p))
        .ok_or_else(too_large)
}

/// Parses a count that must be at least 1.
pub fn parse_positive(s: &str) -> Result<usize, String> {
    match parse(s)? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

fn too_large() -> String {
    format!("too large (at most {})", usize::MAX)
}

/// `s` without its `_` separators if it is decimal digits (with at most one `.` when
/// `point`), with `_` only between two digits; else `None`.
fn digits(s: &str, point: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut seen_point = false;
    let mut seen_digit = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                out.push(char::from(b));
            }
            b'_' => {
                let before = i.checked_sub(1).and_then(|j| bytes.get(j));
                let after = bytes.get(i + 1);
                if !(before.is_some_and(u8::is_ascii_digit)
                    && after.is_some_and(u8::is_ascii_digit))
                {
                    return None;
                }
            }
            b'.' if point && !seen_point => {
                seen_point = true;
                out.push('.');
            }
            _ => return None,
        }
    }
    seen_digit.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_positive};

    #[test]
    fn accepts_the_written_forms() {
        let cases = [
            ("0", 0),
            ("10000000", 10_000_000),
            ("1_000", 1000),
            ("10_000_000", 10_000_000),
            ("1e8", 100_000_000),
            ("1E3", 1000),
            ("2.5e6", 2_500_000),
            ("1.50e1", 15),
            ("0e9999", 0),
            ("007", 7),
            ("1e0", 1),
            ("18446744073709551615", usize::MAX),
            ("1e19", 10_000_000_000_000_000_000),
            ("1_0e1_8", 10usize.pow(19)),
        ];
        for (s, want) in cases {
            assert_eq!(parse(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn refuses_everything_else_with_a_reason() {
        let cases = [
            ("", "not a whole number"),
            ("1.5", "is not a whole number"),
            ("1e-3", "negative exponent"),
            ("1.25e1", "is not a whole number"),
            ("-5", "cannot be negative"),
            ("+5", "without a sign"),
            ("18446744073709551616", "too large"),
            ("2e19", "too large"),
            ("1e20", "too large"),
            ("1e99999", "too large"),
            ("0x10", "not a whole number"),
            ("1 000", "not a whole number"),
            ("_1", "not a whole number"),
            ("1_", "not a whole number"),
            ("1__0", "not a whole number"),
            ("1._5", "not a whole number"),
            ("e5", "not a whole number"),
            ("1e", "not a whole number"),
            ("1.2.3", "not a whole number"),
            ("inf", "not a whole number"),
            ("NaN", "not a whole number"),
        ];
        for (s, needle) in cases {
            let err = parse(s).unwrap_err();
            assert!(err.contains(needle), "{s:?}: {err}");
        }
        assert!(parse_positive("0").unwrap_err().contains("at least 1"));
        assert_eq!(parse_positive("3"), Ok(3));
    }
}
