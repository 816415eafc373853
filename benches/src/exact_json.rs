//! The price of Exact ([`crate::exact_price`]) as JSON, for `report.json`: times in seconds,
//! ratios as summaries (min, quartiles, median, max), every goal of
//! [`crate::exact_goals::goals`] with its verdict. Non-finite numbers are `null`.

use serde_json::{Value, json};

use crate::exact_goals::goals;
use crate::exact_price::ExactPrice;
use crate::report::{Goal, Verdict};

/// `{"op": "<=", "bound": 2.0}`.
fn goal(g: Goal) -> Value {
    match g {
        Goal::AtLeast(v) => json!({ "op": ">=", "bound": v }),
        Goal::AtMost(v) => json!({ "op": "<=", "bound": v }),
    }
}

/// The JSON object of `p`.
///
/// ```
/// use pdot_benches::exact_json::record;
/// use pdot_benches::exact_price::{CgResult, ExactPrice};
/// use pdot_benches::timing::Summary;
/// let t = |v| Summary::of(&[v]);
/// let cg = CgResult { m: 500, rounds: 1, snapshots: vec![], fast: t(3e-4), exact: t(3e-4), exact_over_fast: t(1.0) };
/// let v = record(&ExactPrice { spread: vec![], random: vec![], cg });
/// assert_eq!(v["goals"][0]["met"], true);
/// assert_eq!(v["cg"]["m"], 500);
/// ```
pub fn record(p: &ExactPrice) -> Value {
    let spread: Vec<Value> = p
        .spread
        .iter()
        .map(|s| {
            json!({
                "case": s.case.name(),
                "n": s.n,
                "rounds": s.rounds,
                "exact_s": s.exact,
                "openblas_s": s.blas,
                "exact_over_exact_random": s.over_random,
                "exact_over_openblas": s.over_blas,
            })
        })
        .collect();
    let random: Vec<Value> = p
        .random
        .iter()
        .map(|r| {
            json!({
                "precision": r.precision.name(),
                "n": r.n,
                "rounds": r.rounds,
                "fast_s": r.fast,
                "exact_s": r.exact,
                "openblas_s": r.blas,
                "exact_over_fast": r.exact_over_fast,
                "exact_over_openblas": r.exact_over_blas,
            })
        })
        .collect();
    let snapshots: Vec<Value> =
        p.cg.snapshots
            .iter()
            .map(|s| {
                json!({
                    "iteration": s.iteration,
                    "zero_products": s.zero_products,
                    "fast_s": s.fast,
                    "exact_s": s.exact,
                    "exact_over_fast": s.exact_over_fast,
                })
            })
            .collect();
    let checks: Vec<Value> = goals(p)
        .iter()
        .map(|c| {
            let v = c.verdict();
            json!({
                "figure": c.figure,
                "case": c.case,
                "what": c.what,
                "value": c.value,
                "goal": goal(c.goal),
                "met": v == Verdict::Met,
                "verdict": v.name(),
            })
        })
        .collect();
    json!({
        "spread": spread,
        "random": random,
        "cg": {
            "m": p.cg.m,
            "rounds": p.cg.rounds,
            "fast_s": p.cg.fast,
            "exact_s": p.cg.exact,
            "exact_over_fast": p.cg.exact_over_fast,
            "snapshots": snapshots,
        },
        "goals": checks,
    })
}
