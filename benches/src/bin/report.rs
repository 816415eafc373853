//! `report`: pdot against OpenBLAS on one core, measured in the same run.
//!
//! ```text
//! cargo run --release -p pdot-benches --bin report -- [--quick] [--out DIR] [--sizes 1e3,1e6]
//! ```
//!
//! For every precision (f64, f32, f32-f64), n and layout (aligned and 16-byte offset
//! contiguous, aligned with inc 2 and 4) it times pdot Fast, Compensated and Exact, OpenBLAS
//! and (contiguous only) the naive iterator in interleaved rounds; then the partial states
//! (wire size; merge, wire round trip, finish); then the price of Exact (issue 11: Exact on
//! data spread over the exponent range, per call, on random data, in a CG iteration; see
//! `pdot_benches::exact_price`). It prints the Markdown tables and writes `DIR/report.md`,
//! `DIR/exact-price.md` (the last section alone), `DIR/report.json` and
//! `DIR/throughput.png` (default `DIR`: `results`). `--exact-only` measures and writes only
//! `DIR/exact-price.md` and `DIR/exact-price.json`.
//! The default run takes about 5–10 minutes, `--quick` about a minute.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use pdot_benches::data::Pair;
use pdot_benches::exact_price::{self, Sizes};
use pdot_benches::peer::{self, Peer, VisitPeer};
use pdot_benches::report::{self, CaseResult, Meta, n_label};
use pdot_benches::runner::{self, Contender, Layout};
use pdot_benches::timing::{self, Plan};
use pdot_benches::{exact_goals, json, openblas, partials, plot};
use pdot_kernels::{Backend, FORCE_ISA_VAR, Input, Precision, Real};

/// pdot against OpenBLAS on one core, measured in the same run.
///
/// Environment: PDOT_FORCE_ISA=portable|avx2|avx512 picks pdot's backend;
/// PDOT_PLOT_FONT=/path/to/font.ttf the plot's font; OPENBLAS_NUM_THREADS=1 is advised (the
/// report forces OpenBLAS onto one thread in any case).
#[derive(Parser, Debug)]
#[command(name = "report")]
struct Args {
    /// n up to 1e6 and shorter measurements (about a minute).
    #[arg(long)]
    quick: bool,
    /// Where report.md, report.json and throughput.png go.
    #[arg(long, value_name = "DIR", default_value = "results")]
    out: PathBuf,
    /// Only the price of Exact (issue 11): skips the main table and the partials, writes
    /// DIR/exact-price.md and DIR/exact-price.json only.
    #[arg(long)]
    exact_only: bool,
    /// The vector lengths, e.g. 1e3,1e5,1e7 (default: 1e3 ... 1e8, quick: ... 1e6).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_size)]
    sizes: Option<Vec<usize>>,
}

/// Parses `1e6`, `1000000` or `1_000_000`.
fn parse_size(s: &str) -> Result<usize, String> {
    let clean = s.trim().replace('_', "");
    let v: f64 = clean
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !((1.0..=2e9).contains(&v) && v.fract() == 0.0) {
        return Err(format!("{s:?} must be a whole number from 1 to 2e9"));
    }
    Ok(v as usize)
}

/// The CPU model from `/proc/cpuinfo`, or `"unknown CPU"`.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// The measurement in progress.
struct Session {
    plan: Plan,
    total: usize,
    cases: Vec<CaseResult>,
}

/// Measures every layout of one type pair at one n (the pair's types come from its
/// [`Precision`], see [`peer::visit`]).
struct MeasurePair<'a> {
    session: &'a mut Session,
    n: usize,
}

impl VisitPeer for MeasurePair<'_> {
    type Output = ();
    fn visit<O: Real, E: Peer<O>>(self) {
        measure_pair::<O, E>(self.session, self.n);
    }
}

/// Measures every layout of the pair `(O, E)` at `n`, on data made for it.
fn measure_pair<O: Real, E: Peer<O>>(session: &mut Session, n: usize) {
    let pair = Pair::<E>::for_strides(n, Layout::MAX_INC, pdot_benches::data::seed_for(n));
    for layout in Layout::STANDARD {
        let (x, y) = pair.views(layout.alignment, n, layout.inc);
        let contenders: Vec<Contender> = Contender::ALL
            .into_iter()
            .filter(|&c| layout.has(c))
            .collect();
        let batches: Vec<runner::Batch<'_>> = contenders
            .iter()
            .map(|&c| runner::batch::<O, E>(c, x, y, n, layout.inc).expect("layout.has(c)"))
            .collect();
        let start = Instant::now();
        let m = timing::measure(&batches, &session.plan);
        let case = CaseResult::new(<E as Input<O>>::PRECISION, n, layout, &contenders, &m);
        eprintln!(
            "[{:>2}/{}] {:<28} fast {:>6.1} GB/s  OpenBLAS {:>6.1} GB/s  speedup {:.2} \
             (IQR {:.2}–{:.2})  comp/fast {:.2}  exact/fast {:.2}  [{} rounds, {:.1} s]",
            session.cases.len() + 1,
            session.total,
            case.name(),
            case.gbps(Contender::PdotFast).unwrap_or(f64::NAN),
            case.gbps(Contender::OpenBlas).unwrap_or(f64::NAN),
            case.speedup.median,
            case.speedup.q1,
            case.speedup.q3,
            case.compensated_over_fast.median,
            case.exact_over_fast.median,
            case.rounds,
            start.elapsed().as_secs_f64(),
        );
        session.cases.push(case);
    }
}

fn run() -> Result<ExitCode, String> {
    let args = Args::parse();
    let backend = Backend::from_env().map_err(|e| format!("{FORCE_ISA_VAR}: {e}"))?;
    let active = Backend::active();
    if active.isa() != backend.isa() {
        return Err(format!(
            "pdot chose the {} backend, but {FORCE_ISA_VAR} asks for {}",
            active.isa(),
            backend.isa()
        ));
    }
    let blas = openblas::info();
    let cpu = cpu_model();
    let (plan, default_sizes): (Plan, &[usize]) = if args.quick {
        (Plan::QUICK, &[1_000, 10_000, 100_000, 1_000_000])
    } else {
        (
            Plan::FULL,
            &[1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        )
    };
    let sizes = args.sizes.clone().unwrap_or_else(|| default_sizes.to_vec());
    eprintln!(
        "pdot backend: {} | OpenBLAS: {} (core {}, {} thread) | CPU: {cpu}",
        active.isa(),
        blas.config,
        blas.corename,
        blas.threads
    );
    let labels: Vec<String> = sizes.iter().map(|&n| n_label(n)).collect();
    eprintln!(
        "mode: {}; n = {}; layouts: aligned, offset16, inc2, inc4",
        if args.quick { "quick" } else { "full" },
        labels.join(", ")
    );

    if args.exact_only {
        return exact_only(&args, plan);
    }
    let total = sizes.len() * 3 * Layout::STANDARD.len();
    let mut session = Session {
        plan,
        total,
        cases: Vec::with_capacity(total),
    };
    let start = Instant::now();
    for &n in &sizes {
        for precision in Precision::ALL {
            let session = &mut session;
            peer::visit(precision, MeasurePair { session, n });
        }
    }
    let mut cases = session.cases;
    // The partials: each op takes tens of nanoseconds to microseconds, a quarter of the
    // per-case budget is plenty.
    let partial_plan = Plan {
        budget: plan.budget / 4,
        ..plan
    };
    let partials = partials::measure(&partial_plan);
    for p in &partials {
        let ns = |op| p.time(op).median * 1e9;
        eprintln!(
            "{:<26} wire {:>4} B  merge {:>7.1} ns  wire round trip {:>7.1} ns  finish {:>7.1} \
             ns  [{} rounds]",
            p.name,
            p.wire_len,
            ns(partials::Op::Merge),
            ns(partials::Op::WireRoundTrip),
            ns(partials::Op::Finish),
            p.rounds
        );
    }
    let price = exact_price::measure(&plan, &Sizes::new(args.quick));
    let elapsed_s = start.elapsed().as_secs_f64();
    let precision_rank = |c: &CaseResult| c.precision as usize;
    let layout_rank = |c: &CaseResult| Layout::STANDARD.iter().position(|l| *l == c.layout);
    cases.sort_by_key(|c| (precision_rank(c), c.n, layout_rank(c)));

    let meta = Meta {
        mode: if args.quick { "quick" } else { "full" }.into(),
        isa: active.isa().to_string(),
        openblas: blas,
        cpu,
        plan,
        elapsed_s,
    };
    let price_md = exact_goals::markdown(&price);
    let md = report::markdown(&meta, &cases, &partials) + &price_md;
    println!("{md}");
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let write = |name: &str, text: &str| {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("report.md", &md)?;
    write("exact-price.md", &price_md)?;
    write(
        "report.json",
        &json::report(&meta, &cases, &partials, Some(&price)),
    )?;
    let png = args.out.join("throughput.png");
    let title = format!(
        "pdot vs OpenBLAS, one core: {} (pdot backend {})",
        meta.cpu, meta.isa
    );
    plot::throughput_png(&png, &title, &cases)
        .map_err(|e| format!("cannot draw {}: {e}", png.display()))?;
    eprintln!(
        "wrote {0}/report.md, {0}/report.json, {0}/throughput.png ({1:.0} s of measurement)",
        args.out.display(),
        elapsed_s
    );
    Ok(ExitCode::SUCCESS)
}

/// `--exact-only`: the price of Exact alone, printed and written to `DIR/exact-price.md` and
/// `DIR/exact-price.json`.
fn exact_only(args: &Args, plan: Plan) -> Result<ExitCode, String> {
    let start = Instant::now();
    let price = exact_price::measure(&plan, &Sizes::new(args.quick));
    let md = exact_goals::markdown(&price);
    println!("{md}");
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let path = args.out.join("exact-price.md");
    std::fs::write(&path, &md).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let json_path = args.out.join("exact-price.json");
    let text = serde_json::to_string_pretty(&pdot_benches::exact_json::record(&price))
        .map_err(|e| format!("cannot serialize the price of Exact: {e}"))?;
    std::fs::write(&json_path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    eprintln!(
        "wrote {} and {} ({:.0} s of measurement)",
        path.display(),
        json_path.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    run().unwrap_or_else(|err| {
        eprintln!("report: error: {err}");
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::{Args, parse_size};
    use clap::{CommandFactory, Parser};

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1e6"), Ok(1_000_000));
        assert_eq!(parse_size(" 1_000 "), Ok(1000));
        assert_eq!(parse_size("2500"), Ok(2500));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1.5").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("1e12").is_err());
    }

    #[test]
    fn arguments_parse() {
        Args::command().debug_assert();
        let a = Args::try_parse_from(["report", "--quick", "--sizes", "1e3,2_000", "--out", "x"])
            .expect("valid arguments");
        assert!(a.quick && !a.exact_only);
        let e = Args::try_parse_from(["report", "--exact-only"]).expect("valid");
        assert!(e.exact_only && !e.quick);
        assert_eq!(a.sizes, Some(vec![1000, 2000]));
        assert_eq!(a.out, std::path::PathBuf::from("x"));
        let d = Args::try_parse_from(["report"]).expect("no arguments");
        assert_eq!((d.quick, d.sizes, d.out), (false, None, "results".into()));
        assert!(Args::try_parse_from(["report", "--sizes", "0"]).is_err());
        assert!(Args::try_parse_from(["report", "--bogus"]).is_err());
    }
}
