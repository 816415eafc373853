//! The results of the report: one [`CaseResult`] per (precision, n, layout), the issues'
//! targets as [`Goal`]s, and the Markdown tables (the dot products, then the partials).

use std::fmt::Write as _;

use pdot_kernels::Precision;

use crate::openblas;
use crate::partials::{self, Op, PartialResult};
use crate::peer::element_bytes;
use crate::runner::{Contender, Layout};
use crate::timing::{Measurement, Plan, Summary};

/// What was measured for one (precision, n, layout).
#[derive(Clone, Debug, PartialEq)]
pub struct CaseResult {
    /// The precision.
    pub precision: Precision,
    /// Number of logical elements.
    pub n: usize,
    /// Alignment and increment.
    pub layout: Layout,
    /// Interleaved rounds measured.
    pub rounds: usize,
    /// Seconds per call of each contender measured.
    pub times: Vec<(Contender, Summary)>,
    /// time(OpenBLAS) / time(pdot Fast), per round (> 1: pdot is faster).
    pub speedup: Summary,
    /// time(pdot Compensated) / time(pdot Fast), per round.
    pub compensated_over_fast: Summary,
    /// time(pdot Exact) / time(pdot Fast), per round.
    pub exact_over_fast: Summary,
    /// time(OpenBLAS) / time(pdot Exact), per round (> 1: pdot Exact is faster).
    pub speedup_exact: Summary,
}

impl CaseResult {
    /// Summarizes a measurement of `contenders` (which must include pdot Fast, pdot
    /// Compensated, pdot Exact and OpenBLAS).
    ///
    /// # Panics
    /// If one of those four is missing, or the measurement is empty.
    pub fn new(
        precision: Precision,
        n: usize,
        layout: Layout,
        contenders: &[Contender],
        m: &Measurement,
    ) -> Self {
        let index = |c: Contender| {
            contenders
                .iter()
                .position(|&k| k == c)
                .unwrap_or_else(|| panic!("{} was not measured", c.name()))
        };
        let fast = index(Contender::PdotFast);
        let exact = index(Contender::PdotExact);
        let blas = index(Contender::OpenBlas);
        CaseResult {
            precision,
            n,
            layout,
            rounds: m.rounds(),
            times: contenders
                .iter()
                .zip(&m.per_call)
                .map(|(&c, t)| (c, Summary::of(t)))
                .collect(),
            speedup: Summary::of(&m.ratios(blas, fast)),
            compensated_over_fast: Summary::of(&m.ratios(index(Contender::PdotCompensated), fast)),
            exact_over_fast: Summary::of(&m.ratios(exact, fast)),
            speedup_exact: Summary::of(&m.ratios(blas, exact)),
        }
    }

    /// Bytes of logical elements read per call: `2 · n · size_of(element)`.
    pub fn bytes(&self) -> f64 {
        2.0 * self.n as f64 * element_bytes(self.precision) as f64
    }

    /// Seconds per call of `contender`, if measured.
    pub fn time(&self, contender: Contender) -> Option<Summary> {
        self.times
            .iter()
            .find(|(c, _)| *c == contender)
            .map(|(_, s)| *s)
    }

    /// GB/s (10^9 bytes of logical elements per second) of `contender` at its median time.
    pub fn gbps(&self, contender: Contender) -> Option<f64> {
        self.time(contender).map(|t| self.bytes() / t.median / 1e9)
    }

    /// The target for the speedup over OpenBLAS in this case, if there is one.
    pub fn speedup_goal(&self) -> Option<Goal> {
        let min = match (self.precision, self.layout.inc) {
            (Precision::F64 | Precision::F32, 1) => 1.0,
            (Precision::F64, _) => 1.2,
            (Precision::F32, _) => 2.0,
            (Precision::F32F64, _) => return None,
        };
        Some(Goal::AtLeast(min))
    }

    /// The target for time(Compensated) / time(Fast) in this case, if there is one.
    pub fn compensated_goal(&self) -> Option<Goal> {
        match self.n {
            n if n >= 1_000_000 => Some(Goal::AtMost(1.2)),
            n if n <= 10_000 => Some(Goal::AtMost(3.0)),
            _ => None,
        }
    }

    /// The Exact issue's target for time(Exact) / time(Fast) in this case, if there is one:
    /// f64 ≤ 1.3 at n ≥ 1e7 and ≤ 4 at n = 1e4; f32 (f32 result) ≤ 1.2 and ≤ 3. None for
    /// f32→f64, which is shown without a target.
    pub fn exact_goal(&self) -> Option<Goal> {
        let (large, small) = match self.precision {
            Precision::F64 => (1.3, 4.0),
            Precision::F32 => (1.2, 3.0),
            Precision::F32F64 => return None,
        };
        match self.n {
            n if n >= 10_000_000 => Some(Goal::AtMost(large)),
            10_000 => Some(Goal::AtMost(small)),
            _ => None,
        }
    }

    /// A short name such as `f64 n=1e6 aligned_inc1`.
    pub fn name(&self) -> String {
        format!(
            "{} n={} {}",
            self.precision.name(),
            n_label(self.n),
            self.layout.name()
        )
    }
}

/// A target on a median ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Goal {
    /// The median must be at least this.
    AtLeast(f64),
    /// The median must be at most this.
    AtMost(f64),
}

impl Goal {
    /// Whether `value` meets the goal.
    pub fn met(self, value: f64) -> bool {
        match self {
            Goal::AtLeast(min) => value >= min,
            Goal::AtMost(max) => value <= max,
        }
    }

    /// `"≥1.2"` or `"≤3"`.
    pub fn label(self) -> String {
        match self {
            Goal::AtLeast(v) => format!("≥{v}"),
            Goal::AtMost(v) => format!("≤{v}"),
        }
    }

    /// How a measured ratio fares: met by its median, missed by the median but reached by
    /// its interquartile range (a tie within the noise), or missed.
    pub fn verdict(self, s: Summary) -> Verdict {
        if self.met(s.median) {
            Verdict::Met
        } else if self.met(s.q1) || self.met(s.q3) {
            Verdict::WithinNoise
        } else {
            Verdict::Missed
        }
    }

    /// The Markdown cell: the bound and ✓ (met), ≈ (within the IQR) or ✗ (missed).
    fn cell(goal: Option<Goal>, s: Summary) -> String {
        match goal.map(|g| (g, g.verdict(s))) {
            None => String::new(),
            Some((g, Verdict::Met)) => format!("{} ✓", g.label()),
            Some((g, Verdict::WithinNoise)) => format!("{} ≈", g.label()),
            Some((g, Verdict::Missed)) => format!("{} **✗**", g.label()),
        }
    }
}

/// The outcome of a [`Goal`] on a measured ratio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The median meets the goal.
    Met,
    /// The median misses, but a quartile meets it: a tie within the noise.
    WithinNoise,
    /// Both quartiles miss it.
    Missed,
}

impl Verdict {
    /// `"met"`, `"within noise"`, `"missed"`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::WithinNoise => "within noise",
            Verdict::Missed => "missed",
        }
    }
}

/// A goal not met by its median.
#[derive(Clone, Debug, PartialEq)]
pub struct Miss {
    /// The case, e.g. `f64 n=1e6 aligned_inc1`.
    pub case: String,
    /// Which ratio.
    pub what: &'static str,
    /// The ratio measured.
    pub ratio: Summary,
    /// The goal.
    pub goal: Goal,
    /// [`Verdict::WithinNoise`] or [`Verdict::Missed`].
    pub verdict: Verdict,
}

/// `1e3`, `1e6`, ... for powers of ten, the plain number otherwise.
pub fn n_label(n: usize) -> String {
    let mut m = n;
    let mut k = 0;
    while m >= 10 && m.is_multiple_of(10) {
        m /= 10;
        k += 1;
    }
    if m == 1 && k > 0 {
        format!("1e{k}")
    } else {
        n.to_string()
    }
}

/// What the report ran on and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// `"quick"` or `"full"`.
    pub mode: String,
    /// The pdot backend that ran (`Backend::active().isa()`).
    pub isa: String,
    /// The linked OpenBLAS.
    pub openblas: openblas::Info,
    /// The CPU model (from `/proc/cpuinfo` where available).
    pub cpu: String,
    /// The timing plan per case.
    pub plan: Plan,
    /// Wall-clock seconds of the whole measurement.
    pub elapsed_s: f64,
}

/// `x.yz` with a sensible number of digits for GB/s and ratios.
fn num(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v < 0.1 {
        format!("{v:.3}")
    } else {
        format!("{v:.2}")
    }
}

/// An optional GB/s cell.
fn gbps_cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, num)
}

/// Ratios with three decimals (a median of 0.996 is not "1.00").
fn ratio(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "—".into()
    }
}

/// Every goal whose median misses, in case order.
pub fn misses(cases: &[CaseResult]) -> Vec<Miss> {
    let mut out = Vec::new();
    for c in cases {
        let checks = [
            ("speedup vs OpenBLAS", c.speedup_goal(), c.speedup),
            (
                "Compensated/Fast time",
                c.compensated_goal(),
                c.compensated_over_fast,
            ),
            ("Exact/Fast time", c.exact_goal(), c.exact_over_fast),
        ];
        for (what, goal, ratio) in checks {
            let Some(goal) = goal else { continue };
            let verdict = goal.verdict(ratio);
            if verdict != Verdict::Met {
                out.push(Miss {
                    case: c.name(),
                    what,
                    ratio,
                    goal,
                    verdict,
                });
            }
        }
    }
    out
}

/// One issue's goals: how many `goal_of` sets in `cases` and how many `misses` about
/// `whats` there are (the `intro` line), then those misses, one per line.
fn goals_markdown(
    s: &mut String,
    intro: &str,
    cases: &[CaseResult],
    goal_of: impl Fn(&CaseResult) -> Vec<Option<Goal>>,
    misses: &[Miss],
    whats: &[&str],
) {
    let goals: usize = cases
        .iter()
        .map(|c| goal_of(c).iter().filter(|g| g.is_some()).count())
        .sum();
    let mine: Vec<&Miss> = misses.iter().filter(|m| whats.contains(&m.what)).collect();
    let noisy = mine
        .iter()
        .filter(|m| m.verdict == Verdict::WithinNoise)
        .count();
    let _ = writeln!(
        s,
        "\n{intro}, judged on the median: {} of {goals} met, {noisy} more within noise (≈: a \
         quartile meets the bound), {} missed (✗).",
        goals - mine.len(),
        mine.len() - noisy
    );
    for m in mine {
        let _ = writeln!(
            s,
            "- {}: {}: {} {} (IQR {}–{}; goal {})",
            m.verdict.name(),
            m.case,
            m.what,
            ratio(m.ratio.median),
            num(m.ratio.q1),
            num(m.ratio.q3),
            m.goal.label()
        );
    }
}

/// The report as Markdown: how it ran, the ratio table, the goals missed, the partials.
pub fn markdown(meta: &Meta, cases: &[CaseResult], partials: &[PartialResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# pdot vs OpenBLAS: single-core dot products\n");
    let _ = writeln!(
        s,
        "- pdot backend: **{}**; OpenBLAS: {} (core {}, {} thread)",
        meta.isa, meta.openblas.config, meta.openblas.corename, meta.openblas.threads
    );
    let _ = writeln!(s, "- CPU: {}", meta.cpu);
    let _ = writeln!(
        s,
        "- mode: {}; per case {} to {} interleaved rounds within {:.1} s, samples of ~{} ms; \
         total {:.0} s",
        meta.mode,
        meta.plan.min_rounds,
        meta.plan.max_rounds,
        meta.plan.budget.as_secs_f64(),
        meta.plan.sample_target.as_secs_f64() * 1e3,
        meta.elapsed_s
    );
    let _ = writeln!(
        s,
        "- GB/s: bytes of the logical elements read (2·n·element size) over the median time \
         per call. speedup = time(OpenBLAS) / time(pdot Fast), > 1 means pdot is faster; \
         Comp/Fast = time(Compensated) / time(Fast); Exact/Fast = time(Exact) / time(Fast); \
         OpenBLAS/Exact = time(OpenBLAS) / time(pdot Exact), > 1 means pdot Exact is faster; \
         all are medians of per-round ratios (IQR = quartiles of those ratios). OpenBLAS is \
         called with incx = incy = inc.\n"
    );
    let _ = writeln!(
        s,
        "| precision | n | layout | pdot Fast GB/s | OpenBLAS GB/s | speedup | speedup IQR | \
         speedup min–max | goal | Compensated GB/s | Comp/Fast | Comp/Fast IQR | goal | \
         Exact GB/s | Exact/Fast | Exact/Fast IQR | goal | OpenBLAS/Exact | \
         OpenBLAS/Exact IQR | naive GB/s |"
    );
    let _ = writeln!(
        s,
        "|---|--:|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|--:|--:|--:|---|--:|--:|--:|"
    );
    for c in cases {
        let (sp, cf, ef, se) = (
            c.speedup,
            c.compensated_over_fast,
            c.exact_over_fast,
            c.speedup_exact,
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {}–{} | {}–{} | {} | {} | {} | {}–{} | {} | {} | {} \
             | {}–{} | {} | {} | {}–{} | {} |",
            c.precision.name(),
            n_label(c.n),
            c.layout.name(),
            gbps_cell(c.gbps(Contender::PdotFast)),
            gbps_cell(c.gbps(Contender::OpenBlas)),
            ratio(sp.median),
            num(sp.q1),
            num(sp.q3),
            num(sp.min),
            num(sp.max),
            Goal::cell(c.speedup_goal(), sp),
            gbps_cell(c.gbps(Contender::PdotCompensated)),
            ratio(cf.median),
            num(cf.q1),
            num(cf.q3),
            Goal::cell(c.compensated_goal(), cf),
            gbps_cell(c.gbps(Contender::PdotExact)),
            ratio(ef.median),
            num(ef.q1),
            num(ef.q3),
            Goal::cell(c.exact_goal(), ef),
            ratio(se.median),
            num(se.q1),
            num(se.q3),
            gbps_cell(c.gbps(Contender::Naive)),
        );
    }
    let misses = misses(cases);
    goals_markdown(
        &mut s,
        "Goals of issue 2 (speedup: f64 and f32; Comp/Fast: every precision)",
        cases,
        |c| vec![c.speedup_goal(), c.compensated_goal()],
        &misses,
        &["speedup vs OpenBLAS", "Compensated/Fast time"],
    );
    goals_markdown(
        &mut s,
        "Goals of the Exact issue (Exact/Fast: f64 ≤ 1.3 at n ≥ 1e7 and ≤ 4 at n = 1e4, f32 \
         ≤ 1.2 and ≤ 3, every layout; none for f32→f64)",
        cases,
        |c| vec![c.exact_goal()],
        &misses,
        &["Exact/Fast time"],
    );
    if !partials.is_empty() {
        partials_markdown(&mut s, partials);
    }
    s
}

/// The partials section: wire sizes and the time of merge, wire round trip and finish.
fn partials_markdown(s: &mut String, partials: &[PartialResult]) {
    let rounds_min = partials.iter().map(|p| p.rounds).min().unwrap_or(0);
    let rounds_max = partials.iter().map(|p| p.rounds).max().unwrap_or(0);
    let _ = writeln!(s, "\n## Partials\n");
    let _ = writeln!(
        s,
        "The mergeable states of `pdot_kernels::Partial`, each made from {} random products: \
         bytes of the wire form of the measured partial (`WIRE_MAX`; an exact partial sends \
         only the nonzero digits of its sum), and nanoseconds per `merge` (of a partial into a \
         running accumulator, as a reduction does), per wire round trip (`to_wire` then \
         `from_wire`, with its allocation and validation) and per `finish`. Medians and \
         quartiles (IQR) of {rounds_min} to {rounds_max} interleaved rounds. Goals of the \
         Exact issue for `ExactPartial`: wire form ≤ {} bytes, merge ≤ {} ns.\n",
        partials::ELEMENTS,
        partials::WIRE_GOAL,
        partials::MERGE_GOAL_S * 1e9,
    );
    let _ = writeln!(
        s,
        "| partial | wire bytes | goal | merge ns | merge IQR | goal | round trip ns | \
         round trip IQR | finish ns | finish IQR |"
    );
    let _ = writeln!(s, "|---|--:|---|--:|--:|---|--:|--:|--:|--:|");
    for p in partials {
        let ns = |op: Op| p.time(op).map(|t| t * 1e9);
        let (merge, trip, finish) = (ns(Op::Merge), ns(Op::WireRoundTrip), ns(Op::Finish));
        let (wire_goal, merge_goal) = if p.exact {
            let wire = if p.wire_len <= partials::WIRE_GOAL {
                "✓"
            } else {
                "**✗**"
            };
            let merge_cell = Goal::cell(Some(Goal::AtMost(partials::MERGE_GOAL_S * 1e9)), merge);
            (format!("≤{} {wire}", partials::WIRE_GOAL), merge_cell)
        } else {
            (String::new(), String::new())
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {wire_goal} | {} | {}–{} | {merge_goal} | {} | {}–{} | {} | {}–{} |",
            p.name,
            p.wire_len,
            num(merge.median),
            num(merge.q1),
            num(merge.q3),
            num(trip.median),
            num(trip.q1),
            num(trip.q3),
            num(finish.median),
            num(finish.q1),
            num(finish.q3),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Alignment;

    fn case(
        precision: Precision,
        n: usize,
        inc: usize,
        blas: f64,
        comp: f64,
        exact: f64,
    ) -> CaseResult {
        let m = Measurement {
            per_call: vec![
                vec![1.0, 1.0],
                vec![comp, comp],
                vec![exact, exact],
                vec![blas, blas],
            ],
            reps: vec![1, 1, 1, 1],
        };
        let layout = Layout {
            alignment: Alignment::Aligned,
            inc,
        };
        let contenders = [
            Contender::PdotFast,
            Contender::PdotCompensated,
            Contender::PdotExact,
            Contender::OpenBlas,
        ];
        CaseResult::new(precision, n, layout, &contenders, &m)
    }

    #[test]
    fn labels() {
        assert_eq!(n_label(1000), "1e3");
        assert_eq!(n_label(100_000_000), "1e8");
        assert_eq!(n_label(1), "1");
        assert_eq!(n_label(2000), "2000");
    }

    #[test]
    fn goals_and_table() {
        let cases = [
            case(Precision::F64, 1_000, 1, 1.5, 2.0, 5.0),
            case(Precision::F32, 1_000_000, 2, 1.5, 1.3, 2.0),
            case(Precision::F32F64, 100_000, 4, 0.5, 9.0, 9.0),
            case(Precision::F64, 10_000, 1, 1.0, 1.5, 3.0),
            case(Precision::F32, 10_000_000, 1, 1.0, 1.0, 1.25),
        ];
        assert_eq!(cases[0].speedup.median, 1.5);
        assert_eq!(cases[0].exact_over_fast.median, 5.0);
        assert_eq!(cases[0].speedup_exact.median, 0.3);
        assert_eq!(cases[0].exact_goal(), None);
        assert_eq!(cases[3].exact_goal(), Some(Goal::AtMost(4.0)));
        assert_eq!(cases[4].exact_goal(), Some(Goal::AtMost(1.2)));
        assert_eq!(cases[0].gbps(Contender::PdotFast), Some(16e3 / 1e9));
        assert_eq!(cases[0].gbps(Contender::Naive), None);
        let missed = misses(&cases);
        // f32 strided speedup, f32 Comp/Fast, f32 Exact/Fast at 1e7
        assert_eq!(missed.len(), 3, "{missed:?}");
        assert_eq!(missed[2].what, "Exact/Fast time");
        let partial = PartialResult {
            name: "ExactPartial<f64>",
            exact: true,
            wire_len: 552,
            rounds: 3,
            times: [2e-8, 3e-7, 1e-7].map(|t| Summary::of(&[t])),
        };
        let md = markdown(
            &Meta {
                mode: "quick".into(),
                isa: "avx2".into(),
                openblas: openblas::Info {
                    config: "OpenBLAS x".into(),
                    corename: "Zen".into(),
                    threads: 1,
                },
                cpu: "cpu".into(),
                plan: Plan::QUICK,
                elapsed_s: 1.0,
            },
            &cases,
            &[partial],
        );
        assert!(md.contains("| f64 | 1e3 | aligned_inc1 |"), "{md}");
        assert!(md.contains("6 of 8 met, 0 more within noise"), "{md}");
        assert!(
            md.contains(
                "1 of 2 met, 0 more within noise (≈: a quartile meets the bound), 1 missed"
            ),
            "{md}"
        );
        assert!(
            md.contains("| `ExactPartial<f64>` | 552 | ≤2048 ✓ | 20.0 | 20.0–20.0 | ≤1000 ✓ |"),
            "{md}"
        );
        let tie = Summary::of(&[0.98, 0.99, 1.01]);
        assert_eq!(Goal::AtLeast(1.0).verdict(tie), Verdict::WithinNoise);
        assert_eq!(Goal::AtMost(1.0).verdict(tie), Verdict::Met);
        assert_eq!(Goal::AtLeast(1.2).verdict(tie), Verdict::Missed);
    }
}
