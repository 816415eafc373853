//! The price of Exact (issue 11), measured in one run: Exact on data whose products spread
//! over the exponent range against Exact on random data ([`SpreadResult`]), Exact against
//! Fast and OpenBLAS on random data from n = 8 to 1e7 ([`RandomResult`]), and the two dot
//! products of a CG iteration at Exact against Fast ([`CgResult`]). The goals and the
//! Markdown are in [`crate::exact_goals`].

use std::time::Instant;

use pdot_kernels::{Accuracy, Input, Precision, Real};

use crate::cg::CgVectors;
use crate::data::{Pair, seed_for};
use crate::peer::Peer;
use crate::report::n_label;
use crate::runner::{self, Batch, Contender};
use crate::spread::DataCase;
use crate::timing::{self, Plan, Summary};

/// The sizes measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sizes {
    /// n of the data cases ([`DataCase::ALL`], `f64`).
    pub spread: Vec<usize>,
    /// n of the `f64` rows on random data.
    pub random_f64: Vec<usize>,
    /// n of the `f32` rows on random data.
    pub random_f32: Vec<usize>,
    /// The CG grid side (n = m²).
    pub cg_m: usize,
    /// The CG iterations after which the vectors are taken (one run, increasing).
    pub cg_snapshots: Vec<usize>,
}

impl Sizes {
    /// The sizes of `make report` (`quick`) or of the full report: the data cases at 1e4
    /// and 1e5 (and 1e6 in the full report); f64 at 8, 1e3, 1e4, 1e5, 1e6, 1e7; f32 at 1e4,
    /// 1e5, 1e6 (and 1e7); CG on the 500 × 500 grid after 25, 100 and 400 iterations.
    ///
    /// ```
    /// let s = pdot_benches::exact_price::Sizes::new(true);
    /// assert_eq!(s.spread, [10_000, 100_000]);
    /// assert_eq!(s.cg_m * s.cg_m, 250_000);
    /// ```
    pub fn new(quick: bool) -> Sizes {
        let mut spread = vec![10_000, 100_000];
        let mut random_f32 = vec![10_000, 100_000, 1_000_000];
        if !quick {
            spread.push(1_000_000);
            random_f32.push(10_000_000);
        }
        Sizes {
            spread,
            random_f64: vec![8, 1_000, 10_000, 100_000, 1_000_000, 10_000_000],
            random_f32,
            cg_m: 500,
            cg_snapshots: vec![25, 100, 400],
        }
    }

    /// How many measurements [`measure`] makes (for the progress lines).
    pub fn count(&self) -> usize {
        self.spread.len() + self.random_f64.len() + self.random_f32.len() + 1
    }
}

/// Exact on one data case at one n, against Exact on random data and OpenBLAS on the same
/// data, in the same interleaved rounds.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadResult {
    /// The data.
    pub case: DataCase,
    /// Number of elements.
    pub n: usize,
    /// Interleaved rounds measured.
    pub rounds: usize,
    /// Seconds per Exact call on this data.
    pub exact: Summary,
    /// Seconds per OpenBLAS `ddot` call on this data.
    pub blas: Summary,
    /// time(Exact, this data) / time(Exact, random data), per round.
    pub over_random: Summary,
    /// time(Exact) / time(OpenBLAS), both on this data, per round.
    pub over_blas: Summary,
}

/// Fast, Exact and OpenBLAS on random [-1, 1) data, contiguous and aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct RandomResult {
    /// The type pair (`f64` or `f32`).
    pub precision: Precision,
    /// Number of elements.
    pub n: usize,
    /// Interleaved rounds measured.
    pub rounds: usize,
    /// Seconds per call of pdot Fast.
    pub fast: Summary,
    /// Seconds per call of pdot Exact.
    pub exact: Summary,
    /// Seconds per call of OpenBLAS.
    pub blas: Summary,
    /// time(Exact) / time(Fast), per round.
    pub exact_over_fast: Summary,
    /// time(Exact) / time(OpenBLAS), per round.
    pub exact_over_blas: Summary,
}

/// The two dot products of one CG iteration at one point of the solve.
#[derive(Clone, Debug, PartialEq)]
pub struct CgSnapshot {
    /// CG iterations done before the vectors were taken.
    pub iteration: usize,
    /// The fraction of zero products in `p·Ap`.
    pub zero_products: f64,
    /// Seconds of the two dots at Fast.
    pub fast: Summary,
    /// Seconds of the two dots at Exact.
    pub exact: Summary,
    /// time(Exact) / time(Fast), per round.
    pub exact_over_fast: Summary,
}

/// The two dot products of one CG iteration (`p·Ap` and `r·r`) at Exact and at Fast, at a
/// few points of one solve, and their mean (the time per iteration of a solve that spends
/// equal numbers of iterations in those phases).
#[derive(Clone, Debug, PartialEq)]
pub struct CgResult {
    /// The grid side.
    pub m: usize,
    /// Interleaved rounds measured.
    pub rounds: usize,
    /// Each point of the solve.
    pub snapshots: Vec<CgSnapshot>,
    /// Seconds per iteration's two dots at Fast (mean over the snapshots, per round).
    pub fast: Summary,
    /// Seconds per iteration's two dots at Exact (mean over the snapshots, per round).
    pub exact: Summary,
    /// time(Exact) / time(Fast) of those means, per round.
    pub exact_over_fast: Summary,
}

/// Everything measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactPrice {
    /// The data cases, by n, then in [`DataCase::ALL`] order.
    pub spread: Vec<SpreadResult>,
    /// The random-data rows, `f64` then `f32`, by n.
    pub random: Vec<RandomResult>,
    /// The CG dots.
    pub cg: CgResult,
}

/// The progress line's counter.
struct Progress {
    done: usize,
    total: usize,
}

impl Progress {
    fn tick(&mut self) -> String {
        self.done += 1;
        format!("[{:>2}/{}]", self.done, self.total)
    }
}

/// Exact and OpenBLAS on every data case at `n`, interleaved in one measurement.
fn measure_spread(plan: &Plan, n: usize, progress: &mut Progress) -> Vec<SpreadResult> {
    let start = Instant::now();
    let data: Vec<_> = DataCase::ALL
        .iter()
        .enumerate()
        .map(|(i, case)| case.vectors(n, seed_for(n) ^ ((i as u64) << 32)))
        .collect();
    let made = start.elapsed().as_secs_f64();
    let mut batches: Vec<Batch<'_>> = Vec::new();
    for (x, y) in &data {
        for c in [Contender::PdotExact, Contender::OpenBlas] {
            let batch = runner::batch::<f64, f64>(c, x.aligned(), y.aligned(), n, 1);
            batches.push(batch.expect("contiguous"));
        }
    }
    let m = timing::measure(&batches, plan);
    let results: Vec<SpreadResult> = DataCase::ALL
        .iter()
        .enumerate()
        .map(|(i, &case)| SpreadResult {
            case,
            n,
            rounds: m.rounds(),
            exact: Summary::of(&m.per_call[2 * i]),
            blas: Summary::of(&m.per_call[2 * i + 1]),
            over_random: Summary::of(&m.ratios(2 * i, 0)),
            over_blas: Summary::of(&m.ratios(2 * i, 2 * i + 1)),
        })
        .collect();
    let worst = results
        .iter()
        .map(|r| r.over_random.median)
        .fold(0.0, f64::max);
    eprintln!(
        "{} exact price: data cases f64 n={:<5} worst Exact(case)/Exact(random) {worst:.2}  \
         [{} rounds, data {made:.1} s, {:.1} s]",
        progress.tick(),
        n_label(n),
        m.rounds(),
        start.elapsed().as_secs_f64()
    );
    results
}

/// Fast, Exact and OpenBLAS on random data of the pair `(O, E)` at `n`.
fn measure_random<O: Real, E: Peer<O>>(
    plan: &Plan,
    n: usize,
    progress: &mut Progress,
) -> RandomResult {
    let start = Instant::now();
    let pair = Pair::<E>::for_strides(n, 1, seed_for(n));
    let (x, y) = (pair.x.aligned(), pair.y.aligned());
    let contenders = [
        Contender::PdotFast,
        Contender::PdotExact,
        Contender::OpenBlas,
    ];
    let batches: Vec<Batch<'_>> = contenders
        .iter()
        .map(|&c| runner::batch::<O, E>(c, x, y, n, 1).expect("contiguous"))
        .collect();
    let m = timing::measure(&batches, plan);
    let r = RandomResult {
        precision: <E as Input<O>>::PRECISION,
        n,
        rounds: m.rounds(),
        fast: Summary::of(&m.per_call[0]),
        exact: Summary::of(&m.per_call[1]),
        blas: Summary::of(&m.per_call[2]),
        exact_over_fast: Summary::of(&m.ratios(1, 0)),
        exact_over_blas: Summary::of(&m.ratios(1, 2)),
    };
    eprintln!(
        "{} exact price: random {} n={:<5} Exact {:>10.1} ns  Exact/Fast {:.2}  \
         Exact/OpenBLAS {:.2}  [{} rounds, {:.1} s]",
        progress.tick(),
        r.precision.name(),
        n_label(n),
        r.exact.median * 1e9,
        r.exact_over_fast.median,
        r.exact_over_blas.median,
        r.rounds,
        start.elapsed().as_secs_f64()
    );
    r
}

/// The CG dots at Fast and Exact, every snapshot in one measurement.
fn measure_cg(plan: &Plan, sizes: &Sizes, progress: &mut Progress) -> CgResult {
    let start = Instant::now();
    let vectors = CgVectors::poisson_snapshots(sizes.cg_m, &sizes.cg_snapshots);
    let made = start.elapsed().as_secs_f64();
    let batches: Vec<Batch<'_>> = vectors
        .iter()
        .flat_map(|v| [v.batch(Accuracy::Fast), v.batch(Accuracy::Exact)])
        .collect();
    let m = timing::measure(&batches, plan);
    let snapshots: Vec<CgSnapshot> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| CgSnapshot {
            iteration: v.iteration,
            zero_products: v.zero_products(),
            fast: Summary::of(&m.per_call[2 * i]),
            exact: Summary::of(&m.per_call[2 * i + 1]),
            exact_over_fast: Summary::of(&m.ratios(2 * i + 1, 2 * i)),
        })
        .collect();
    let mean = |offset: usize| -> Vec<f64> {
        (0..m.rounds())
            .map(|r| {
                let total: f64 = (0..vectors.len())
                    .map(|i| m.per_call[2 * i + offset][r])
                    .sum();
                total / vectors.len() as f64
            })
            .collect()
    };
    let (fast, exact) = (mean(0), mean(1));
    let ratios: Vec<f64> = exact.iter().zip(&fast).map(|(e, f)| e / f).collect();
    let r = CgResult {
        m: sizes.cg_m,
        rounds: m.rounds(),
        snapshots,
        fast: Summary::of(&fast),
        exact: Summary::of(&exact),
        exact_over_fast: Summary::of(&ratios),
    };
    eprintln!(
        "{} exact price: CG m={} two dots per iteration: Fast {:.1} µs  Exact {:.1} µs           Exact/Fast {:.2} (by snapshot: {})  [{} rounds, CG {made:.1} s, {:.1} s]",
        progress.tick(),
        r.m,
        r.fast.median * 1e6,
        r.exact.median * 1e6,
        r.exact_over_fast.median,
        r.snapshots
            .iter()
            .map(|s| format!("{}: {:.2}", s.iteration, s.exact_over_fast.median))
            .collect::<Vec<_>>()
            .join(", "),
        r.rounds,
        start.elapsed().as_secs_f64()
    );
    r
}

/// Measures everything of `sizes` under `plan` (progress lines on stderr).
pub fn measure(plan: &Plan, sizes: &Sizes) -> ExactPrice {
    let mut progress = Progress {
        done: 0,
        total: sizes.count(),
    };
    let spread = sizes
        .spread
        .iter()
        .flat_map(|&n| measure_spread(plan, n, &mut progress))
        .collect();
    let mut random = Vec::new();
    for &n in &sizes.random_f64 {
        random.push(measure_random::<f64, f64>(plan, n, &mut progress));
    }
    for &n in &sizes.random_f32 {
        random.push(measure_random::<f32, f32>(plan, n, &mut progress));
    }
    let cg = measure_cg(plan, sizes, &mut progress);
    ExactPrice { spread, random, cg }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A tiny run measures every row with its ratios (no timing is asserted).
    #[test]
    fn tiny_run_has_every_row() {
        let plan = Plan {
            budget: Duration::ZERO,
            sample_target: Duration::from_micros(100),
            min_rounds: 2,
            max_rounds: 2,
        };
        let sizes = Sizes {
            spread: vec![64],
            random_f64: vec![8, 100],
            random_f32: vec![100],
            cg_m: 10,
            cg_snapshots: vec![1, 3],
        };
        let p = measure(&plan, &sizes);
        assert_eq!(p.spread.len(), DataCase::ALL.len());
        assert_eq!(p.spread[0].over_random.median, 1.0);
        assert!(p.spread.iter().all(|s| s.rounds == 2 && s.n == 64));
        let names: Vec<_> = p.random.iter().map(|r| (r.precision, r.n)).collect();
        assert_eq!(
            names,
            [
                (Precision::F64, 8),
                (Precision::F64, 100),
                (Precision::F32, 100)
            ]
        );
        assert_eq!(p.cg.m, 10);
        assert_eq!(p.cg.snapshots.len(), 2);
        assert_eq!(p.cg.snapshots[1].iteration, 3);
        assert!(p.cg.exact.median > 0.0);
    }
}
