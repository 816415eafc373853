//! The report as JSON (written by hand: a few flat records need no serializer).

use std::fmt::Write as _;

use crate::partials::{Op, PartialResult};
use crate::report::{CaseResult, Goal, Meta, Verdict};
use crate::timing::Summary;

/// A JSON string literal.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number (`null` for NaN and infinities, which JSON cannot hold).
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:e}")
    } else {
        "null".into()
    }
}

/// A summary as an object.
fn summary(s: Summary) -> String {
    format!(
        "{{\"min\": {}, \"q1\": {}, \"median\": {}, \"q3\": {}, \"max\": {}}}",
        number(s.min),
        number(s.q1),
        number(s.median),
        number(s.q3),
        number(s.max)
    )
}

/// A goal and how the ratio fared, or `null`.
fn goal(g: Option<Goal>, ratio: Summary) -> String {
    match g {
        None => "null".into(),
        Some(g) => {
            let (op, bound) = match g {
                Goal::AtLeast(v) => (">=", v),
                Goal::AtMost(v) => ("<=", v),
            };
            let verdict = g.verdict(ratio);
            format!(
                "{{\"op\": {}, \"bound\": {}, \"met\": {}, \"verdict\": {}}}",
                string(op),
                number(bound),
                verdict == Verdict::Met,
                string(verdict.name())
            )
        }
    }
}

/// One case as an object.
fn case(c: &CaseResult) -> String {
    let mut times = Vec::new();
    let mut gbps = Vec::new();
    for (contender, t) in &c.times {
        times.push(format!("{}: {}", string(contender.name()), summary(*t)));
        let g = c.gbps(*contender).unwrap_or(f64::NAN);
        gbps.push(format!("{}: {}", string(contender.name()), number(g)));
    }
    format!(
        "{{\"precision\": {}, \"n\": {}, \"alignment\": {}, \"offset_bytes\": {}, \"inc\": {}, \
         \"bytes\": {}, \"rounds\": {}, \"seconds_per_call\": {{{}}}, \"gbps\": {{{}}}, \
         \"speedup_vs_openblas\": {}, \"speedup_goal\": {}, \"compensated_over_fast\": {}, \
         \"compensated_goal\": {}, \"exact_over_fast\": {}, \"exact_goal\": {}, \
         \"openblas_over_exact\": {}}}",
        string(c.precision.name()),
        c.n,
        string(c.layout.alignment.name()),
        c.layout.alignment.offset_bytes(),
        c.layout.inc,
        number(c.bytes()),
        c.rounds,
        times.join(", "),
        gbps.join(", "),
        summary(c.speedup),
        goal(c.speedup_goal(), c.speedup),
        summary(c.compensated_over_fast),
        goal(c.compensated_goal(), c.compensated_over_fast),
        summary(c.exact_over_fast),
        goal(c.exact_goal(), c.exact_over_fast),
        summary(c.speedup_exact),
    )
}

/// One partial type as an object (times in seconds).
fn partial(p: &PartialResult) -> String {
    let ops: Vec<String> = Op::ALL
        .iter()
        .map(|&op| format!("{}: {}", string(op.name()), summary(p.time(op))))
        .collect();
    format!(
        "{{\"type\": {}, \"exact\": {}, \"wire_len\": {}, \"rounds\": {}, \
         \"seconds_per_op\": {{{}}}}}",
        string(p.name),
        p.exact,
        p.wire_len,
        p.rounds,
        ops.join(", ")
    )
}

/// The whole report: metadata, one record per case, one per partial type.
pub fn report(meta: &Meta, cases: &[CaseResult], partials: &[PartialResult]) -> String {
    let records: Vec<String> = cases.iter().map(|c| format!("    {}", case(c))).collect();
    let partials: Vec<String> = partials
        .iter()
        .map(|p| format!("    {}", partial(p)))
        .collect();
    format!(
        "{{\n  \"mode\": {},\n  \"isa\": {},\n  \"openblas\": {{\"config\": {}, \"corename\": {}, \
         \"threads\": {}}},\n  \"cpu\": {},\n  \"plan\": {{\"budget_s\": {}, \"sample_target_s\": \
         {}, \"min_rounds\": {}, \"max_rounds\": {}}},\n  \"elapsed_s\": {},\n  \"cases\": [\n{}\n  \
         ],\n  \"partials\": [\n{}\n  ]\n}}\n",
        string(&meta.mode),
        string(&meta.isa),
        string(&meta.openblas.config),
        string(&meta.openblas.corename),
        meta.openblas.threads,
        string(&meta.cpu),
        number(meta.plan.budget.as_secs_f64()),
        number(meta.plan.sample_target.as_secs_f64()),
        meta.plan.min_rounds,
        meta.plan.max_rounds,
        number(meta.elapsed_s),
        records.join(",\n"),
        partials.join(",\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_numbers() {
        assert_eq!(string("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
        assert_eq!(number(f64::NAN), "null");
        assert_eq!(number(1.5), "1.5e0");
        assert_eq!(
            goal(Some(Goal::AtMost(1.2)), Summary::of(&[1.0])),
            r#"{"op": "<=", "bound": 1.2e0, "met": true, "verdict": "met"}"#
        );
    }
}
