//! The report as JSON, written with `serde_json` from records that borrow the results.
//!
//! **Non-finite numbers are written as `null`** (JSON has no NaN or infinity; `serde_json`
//! writes every non-finite `f64` that way): a throughput that could not be computed, or a
//! ratio of a contender that was not measured, reads `null`. Objects keyed by contender or by
//! operation keep the report's order (pdot Fast, Compensated, Exact, OpenBLAS, naive; merge,
//! wire round trip, finish).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::exact_json;
use crate::exact_price::ExactPrice;
use crate::openblas::Info;
use crate::partials::{Op, PartialResult};
use crate::report::{CaseResult, Goal, Meta};
use crate::timing::Summary;

/// An object whose keys keep their order.
struct Ordered<T>(Vec<(&'static str, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A goal and how the ratio fared.
#[derive(Serialize)]
struct GoalRecord {
    op: &'static str,
    bound: f64,
    met: bool,
    verdict: &'static str,
}

impl GoalRecord {
    fn new(goal: Option<Goal>, ratio: Summary) -> Option<Self> {
        let goal = goal?;
        let (op, bound) = match goal {
            Goal::AtLeast(v) => (">=", v),
            Goal::AtMost(v) => ("<=", v),
        };
        let verdict = goal.verdict(ratio);
        Some(GoalRecord {
            op,
            bound,
            met: verdict == crate::report::Verdict::Met,
            verdict: verdict.name(),
        })
    }
}

/// One case.
#[derive(Serialize)]
struct CaseRecord {
    precision: &'static str,
    n: usize,
    alignment: &'static str,
    offset_bytes: usize,
    inc: usize,
    bytes: f64,
    rounds: usize,
    seconds_per_call: Ordered<Summary>,
    gbps: Ordered<f64>,
    speedup_vs_openblas: Summary,
    speedup_goal: Option<GoalRecord>,
    compensated_over_fast: Summary,
    compensated_goal: Option<GoalRecord>,
    exact_over_fast: Summary,
    exact_goal: Option<GoalRecord>,
    openblas_over_exact: Summary,
}

impl CaseRecord {
    fn new(c: &CaseResult) -> Self {
        CaseRecord {
            precision: c.precision.name(),
            n: c.n,
            alignment: c.layout.alignment.name(),
            offset_bytes: c.layout.alignment.offset_bytes(),
            inc: c.layout.inc,
            bytes: c.bytes(),
            rounds: c.rounds,
            seconds_per_call: Ordered(c.times.iter().map(|(k, t)| (k.name(), *t)).collect()),
            gbps: Ordered(
                c.times
                    .iter()
                    .map(|(k, _)| (k.name(), c.gbps(*k).unwrap_or(f64::NAN)))
                    .collect(),
            ),
            speedup_vs_openblas: c.speedup,
            speedup_goal: GoalRecord::new(c.speedup_goal(), c.speedup),
            compensated_over_fast: c.compensated_over_fast,
            compensated_goal: GoalRecord::new(c.compensated_goal(), c.compensated_over_fast),
            exact_over_fast: c.exact_over_fast,
            exact_goal: GoalRecord::new(c.exact_goal(), c.exact_over_fast),
            openblas_over_exact: c.speedup_exact,
        }
    }
}

/// One partial type (times in seconds).
#[derive(Serialize)]
struct PartialRecord {
    #[serde(rename = "type")]
    name: &'static str,
    exact: bool,
    wire_len: usize,
    rounds: usize,
    seconds_per_op: Ordered<Summary>,
}

/// The measurement plan.
#[derive(Serialize)]
struct PlanRecord {
    budget_s: f64,
    sample_target_s: f64,
    min_rounds: usize,
    max_rounds: usize,
}

/// The whole report.
#[derive(Serialize)]
struct ReportRecord<'a> {
    mode: &'a str,
    isa: &'a str,
    openblas: &'a Info,
    cpu: &'a str,
    plan: PlanRecord,
    elapsed_s: f64,
    cases: Vec<CaseRecord>,
    partials: Vec<PartialRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact_price: Option<serde_json::Value>,
}

/// The whole report as pretty-printed JSON: metadata, one record per case, one per partial
/// type, and the price of Exact if measured ([`crate::exact_json::record`]; non-finite
/// numbers as `null`, see the module documentation).
///
/// # Panics
/// Never in practice: the records are plain data (`serde_json` fails only on maps with
/// non-string keys, and these have none).
pub fn report(
    meta: &Meta,
    cases: &[CaseResult],
    partials: &[PartialResult],
    price: Option<&ExactPrice>,
) -> String {
    let record = ReportRecord {
        mode: &meta.mode,
        isa: &meta.isa,
        openblas: &meta.openblas,
        cpu: &meta.cpu,
        plan: PlanRecord {
            budget_s: meta.plan.budget.as_secs_f64(),
            sample_target_s: meta.plan.sample_target.as_secs_f64(),
            min_rounds: meta.plan.min_rounds,
            max_rounds: meta.plan.max_rounds,
        },
        elapsed_s: meta.elapsed_s,
        cases: cases.iter().map(CaseRecord::new).collect(),
        partials: partials
            .iter()
            .map(|p| PartialRecord {
                name: p.name,
                exact: p.exact,
                wire_len: p.wire_len,
                rounds: p.rounds,
                seconds_per_op: Ordered(
                    Op::ALL.iter().map(|&op| (op.name(), p.time(op))).collect(),
                ),
            })
            .collect(),
        exact_price: price.map(exact_json::record),
    };
    let mut text = serde_json::to_string_pretty(&record).expect("the report serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_and_non_finite_numbers() {
        let g = GoalRecord::new(Some(Goal::AtMost(1.2)), Summary::of(&[1.0]));
        assert_eq!(
            serde_json::to_string(&g).expect("serializes"),
            r#"{"op":"<=","bound":1.2,"met":true,"verdict":"met"}"#
        );
        let gbps = Ordered(vec![("pdot_fast", f64::NAN), ("openblas", 2.5)]);
        assert_eq!(
            serde_json::to_string(&gbps).expect("serializes"),
            r#"{"pdot_fast":null,"openblas":2.5}"#
        );
    }
}
