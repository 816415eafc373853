//! The targets of issue 11 ("Exact at the price of Fast") on what [`crate::exact_price`]
//! measured, and its Markdown section: the data cases, the random-data rows, the CG dots,
//! then every goal with its measured value and verdict.

use std::fmt::Write as _;

use pdot_kernels::Precision;

use crate::exact_price::ExactPrice;
use crate::report::{Goal, Verdict, n_label};
use crate::spread::DataCase;
use crate::timing::Summary;

/// One target of the issue on one measured value.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalCheck {
    /// Which figure: `any data`, `per call`, `random data, in cache`, ...
    pub figure: &'static str,
    /// The case, e.g. `f64 n=1e5 GenDot cond 1e300`.
    pub case: String,
    /// What is measured: `Exact(case)/Exact(random)`, `Exact ns per call`, ...
    pub what: &'static str,
    /// The measured value (a ratio, or nanoseconds).
    pub value: Summary,
    /// The target.
    pub goal: Goal,
}

impl GoalCheck {
    /// Whether the median meets the goal, a quartile does (a tie within the noise), or none.
    pub fn verdict(&self) -> Verdict {
        self.goal.verdict(self.value)
    }
}

/// The Exact/Fast target on random data of `precision` at `n`, if the issue sets one:
/// f64 ≤ 3 at n = 1e3 (per call) and 1e4, ≤ 1.5 at 1e5 and 1e6; f32 ≤ 3 at 1e4, ≤ 2 from
/// 1e5; both ≤ 1.3 from 1e7 (memory-bound).
///
/// ```
/// use pdot_benches::exact_goals::random_goal;
/// use pdot_benches::report::Goal;
/// use pdot_kernels::Precision;
/// assert_eq!(random_goal(Precision::F64, 100_000), Some(("random data, in cache", Goal::AtMost(1.5))));
/// assert_eq!(random_goal(Precision::F64, 8), None);
/// ```
pub fn random_goal(precision: Precision, n: usize) -> Option<(&'static str, Goal)> {
    let (figure, bound) = match (precision, n) {
        (_, n) if n >= 10_000_000 => ("memory-bound", 1.3),
        (Precision::F64, 1_000) => ("per call", 3.0),
        (Precision::F64 | Precision::F32, 10_000) => ("random data, in cache", 3.0),
        (Precision::F64, n) if n >= 100_000 => ("random data, in cache", 1.5),
        (Precision::F32, n) if n >= 100_000 => ("random data, in cache", 2.0),
        _ => return None,
    };
    Some((figure, Goal::AtMost(bound)))
}

/// The per-call target on Exact's time at n = 8: ≤ 100 ns.
pub const SMALL_N: usize = 8;
/// [`SMALL_N`]'s bound in nanoseconds.
pub const SMALL_N_NS: f64 = 100.0;
/// The bound on time(Exact, any data) / time(Exact, random) at n ≥ 1e4.
pub const SPREAD_BOUND: f64 = 2.0;
/// The bound on the CG dots' time(Exact) / time(Fast).
pub const CG_BOUND: f64 = 1.1;

/// Every target of the issue that `p` measured, in the issue's order.
///
/// ```
/// use pdot_benches::exact_goals::goals;
/// use pdot_benches::exact_price::{CgResult, ExactPrice};
/// use pdot_benches::timing::Summary;
/// let t = |v| Summary::of(&[v]);
/// let cg = CgResult { m: 500, rounds: 1, snapshots: vec![], fast: t(3e-4), exact: t(3.2e-4), exact_over_fast: t(1.07) };
/// let checks = goals(&ExactPrice { spread: vec![], random: vec![], cg });
/// assert_eq!(checks.len(), 1);
/// assert_eq!(checks[0].figure, "CG per iteration");
/// ```
pub fn goals(p: &ExactPrice) -> Vec<GoalCheck> {
    let mut out = Vec::new();
    for s in &p.spread {
        if s.case != DataCase::Random && s.n >= 10_000 {
            out.push(GoalCheck {
                figure: "any data",
                case: format!("f64 n={} {}", n_label(s.n), s.case.label()),
                what: "Exact(case)/Exact(random)",
                value: s.over_random,
                goal: Goal::AtMost(SPREAD_BOUND),
            });
        }
    }
    for r in &p.random {
        let case = format!("{} n={} random", r.precision.name(), n_label(r.n));
        if r.precision == Precision::F64 && r.n == SMALL_N {
            out.push(GoalCheck {
                figure: "per call",
                case: case.clone(),
                what: "Exact ns per call",
                value: r.exact.map(|t| t * 1e9),
                goal: Goal::AtMost(SMALL_N_NS),
            });
        }
        if let Some((figure, goal)) = random_goal(r.precision, r.n) {
            out.push(GoalCheck {
                figure,
                case,
                what: "Exact/Fast",
                value: r.exact_over_fast,
                goal,
            });
        }
    }
    out.push(GoalCheck {
        figure: "CG per iteration",
        case: format!("Poisson m={} P=1, p·Ap and r·r", p.cg.m),
        what: "Exact/Fast",
        value: p.cg.exact_over_fast,
        goal: Goal::AtMost(CG_BOUND),
    });
    out
}

/// `x.yz` with three significant digits or so.
fn num(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A median and its quartiles: `2.50 (2.41–2.62)`.
fn with_iqr(s: Summary) -> String {
    format!("{} ({}–{})", num(s.median), num(s.q1), num(s.q3))
}

/// A time in the unit that suits it: `85 ns`, `12.3 µs`, `1.05 ms`.
fn time(seconds: f64) -> String {
    if seconds < 1e-6 {
        format!("{} ns", num(seconds * 1e9))
    } else if seconds < 1e-3 {
        format!("{} µs", num(seconds * 1e6))
    } else {
        format!("{} ms", num(seconds * 1e3))
    }
}

/// `✓`, `≈` or `**✗**`.
fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Met => "✓",
        Verdict::WithinNoise => "≈",
        Verdict::Missed => "**✗**",
    }
}

/// The issue 11 section of the report, in Markdown.
pub fn markdown(p: &ExactPrice) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\n## The price of Exact (issue 11)\n");
    let _ = writeln!(
        s,
        "Medians of per-call times, ratios as medians of per-round ratios (quartiles in \
         brackets), every ratio from one interleaved measurement. Contiguous, 64-byte aligned \
         f64 data unless marked.\n"
    );
    let _ = writeln!(
        s,
        "### Any data: Exact on products spread over the exponent range\n"
    );
    let _ = writeln!(
        s,
        "Each n is one measurement of Exact and OpenBLAS `ddot` on every data case. \
         Exact(case)/Exact(random): the price of the spread (goal ≤ {SPREAD_BOUND} at \
         n ≥ 1e4); Exact/OpenBLAS: both on that data.\n"
    );
    let _ = writeln!(
        s,
        "| n | data | Exact time | OpenBLAS time | Exact(case)/Exact(random) | goal | \
         Exact/OpenBLAS |"
    );
    let _ = writeln!(s, "|--:|---|--:|--:|--:|---|--:|");
    for r in &p.spread {
        let goal = if r.case == DataCase::Random {
            String::new()
        } else {
            let g = Goal::AtMost(SPREAD_BOUND);
            format!("{} {}", g.label(), mark(g.verdict(r.over_random)))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {goal} | {} |",
            n_label(r.n),
            r.case.label(),
            time(r.exact.median),
            time(r.blas.median),
            with_iqr(r.over_random),
            with_iqr(r.over_blas),
        );
    }
    let _ = writeln!(
        s,
        "\n### Random [-1, 1) data: per call, in cache, memory-bound\n"
    );
    let _ = writeln!(
        s,
        "| precision | n | Fast time | Exact time | OpenBLAS time | Exact/Fast | goal | \
         Exact/OpenBLAS |"
    );
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|---|--:|");
    for r in &p.random {
        let mut goal = random_goal(r.precision, r.n)
            .map(|(_, g)| format!("{} {}", g.label(), mark(g.verdict(r.exact_over_fast))))
            .unwrap_or_default();
        if r.precision == Precision::F64 && r.n == SMALL_N {
            let g = Goal::AtMost(SMALL_N_NS);
            goal = format!(
                "Exact {} ns {}",
                g.label(),
                mark(g.verdict(r.exact.map(|t| t * 1e9)))
            );
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {goal} | {} |",
            r.precision.name(),
            n_label(r.n),
            time(r.fast.median),
            time(r.exact.median),
            time(r.blas.median),
            with_iqr(r.exact_over_fast),
            with_iqr(r.exact_over_blas),
        );
    }
    let cg = &p.cg;
    let _ = writeln!(s, "\n### CG per iteration\n");
    let _ = writeln!(
        s,
        "The two dot products of a CG iteration (`p·Ap` and `r·r`, n = {}) on the vectors of \
         one CG solve of the 2-D Poisson problem (5-point stencil, b = 1, x₀ = 0), m = {}, \
         P = 1, taken after the iterations below, all in one interleaved measurement. Away from \
         the boundary `A p` is 0 or rounding noise (down to ~1e-14 against entries up to \
         ~1e3): the products of `p·Ap` spread over 2^50 and more. The mean of the snapshots: Fast {}, \
         Exact {} per iteration; Exact/Fast {} (goal ≤ {CG_BOUND} {}).\n",
        cg.m * cg.m,
        cg.m,
        time(cg.fast.median),
        time(cg.exact.median),
        with_iqr(cg.exact_over_fast),
        mark(Goal::AtMost(CG_BOUND).verdict(cg.exact_over_fast)),
    );
    let _ = writeln!(
        s,
        "| after iterations | zero products in p·Ap | Fast time | Exact time | Exact/Fast |"
    );
    let _ = writeln!(s, "|--:|--:|--:|--:|--:|");
    for snap in &cg.snapshots {
        let _ = writeln!(
            s,
            "| {} | {:.0} % | {} | {} | {} |",
            snap.iteration,
            snap.zero_products * 100.0,
            time(snap.fast.median),
            time(snap.exact.median),
            with_iqr(snap.exact_over_fast),
        );
    }
    let checks = goals(p);
    let met = checks
        .iter()
        .filter(|c| c.verdict() == Verdict::Met)
        .count();
    let noisy = checks
        .iter()
        .filter(|c| c.verdict() == Verdict::WithinNoise)
        .count();
    let _ = writeln!(s, "\n### Goals of issue 11\n");
    let _ = writeln!(
        s,
        "Judged on the median: {met} of {} met, {noisy} more within noise (≈: a quartile meets \
         the bound), {} missed (✗). Not measured here: the exact all-reduce against \
         `MPI_Allreduce` (`make bench-mpi`) and the emulated AVX-512 check (`make test`).\n",
        checks.len(),
        checks.len() - met - noisy
    );
    let _ = writeln!(
        s,
        "| figure | case | measured | value (IQR) | goal | verdict |"
    );
    let _ = writeln!(s, "|---|---|---|--:|---|---|");
    for c in &checks {
        let v = c.verdict();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} {} |",
            c.figure,
            c.case,
            c.what,
            with_iqr(c.value),
            c.goal.label(),
            mark(v),
            v.name()
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact_price::{CgResult, RandomResult, SpreadResult};

    fn flat(v: f64) -> Summary {
        Summary::of(&[v])
    }

    #[test]
    fn goals_follow_the_issue() {
        let spread = |case, n, ratio| SpreadResult {
            case,
            n,
            rounds: 1,
            exact: flat(1e-5 * ratio),
            blas: flat(1e-5),
            over_random: flat(ratio),
            over_blas: flat(ratio),
        };
        let random = |precision, n, exact_s: f64, ratio| RandomResult {
            precision,
            n,
            rounds: 1,
            fast: flat(exact_s / ratio),
            exact: flat(exact_s),
            blas: flat(exact_s / ratio),
            exact_over_fast: flat(ratio),
            exact_over_blas: flat(ratio),
        };
        let p = ExactPrice {
            spread: vec![
                spread(DataCase::Random, 10_000, 1.0),
                spread(DataCase::GenDot { log10_cond: 19 }, 10_000, 25.0),
                spread(DataCase::TinyProducts, 10_000, 1.5),
            ],
            random: vec![
                random(Precision::F64, 8, 400e-9, 40.0),
                random(Precision::F64, 1_000, 4e-6, 2.0),
                random(Precision::F64, 100_000, 1e-4, 2.5),
                random(Precision::F32, 100_000, 1e-4, 1.9),
                random(Precision::F64, 10_000_000, 1e-2, 1.2),
            ],
            cg: CgResult {
                m: 500,
                rounds: 1,
                snapshots: vec![],
                fast: flat(3.3e-4),
                exact: flat(8.9e-4),
                exact_over_fast: flat(2.7),
            },
        };
        let checks = goals(&p);
        let verdicts: Vec<(&str, &str, bool)> = checks
            .iter()
            .map(|c| (c.figure, c.what, c.verdict() == Verdict::Met))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("any data", "Exact(case)/Exact(random)", false),
                ("any data", "Exact(case)/Exact(random)", true),
                ("per call", "Exact ns per call", false),
                ("per call", "Exact/Fast", true),
                ("random data, in cache", "Exact/Fast", false),
                ("random data, in cache", "Exact/Fast", true),
                ("memory-bound", "Exact/Fast", true),
                ("CG per iteration", "Exact/Fast", false),
            ]
        );
        assert_eq!(checks[2].value.median, 400.0);
        let md = markdown(&p);
        assert!(
            md.contains("Judged on the median: 4 of 8 met, 0 more within noise"),
            "{md}"
        );
        assert!(
            md.contains(
                "| 1e4 | GenDot cond 1e19 | 250 µs | 10.0 µs | 25.0 (25.0–25.0) | ≤2 **✗** |"
            ),
            "{md}"
        );
        assert!(md.contains("| f64 | 8 | 10.0 ns | 400 ns |"), "{md}");
        assert!(md.contains("Exact ≤100 ns **✗**"), "{md}");
    }
}
