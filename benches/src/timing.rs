//! Interleaved timing: the contenders of one case run in rounds — A B C D, then D C B A, ... —
//! so that slow drifts of a shared machine (other jobs, frequency, temperature) hit all of
//! them alike, and ratios are taken per round (paired) before their median.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::runner::Batch;

/// How long to measure one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Stop starting new rounds after this much time (once `min_rounds` are done).
    pub budget: Duration,
    /// Each sample (one batch of calls of one contender) lasts about this long.
    pub sample_target: Duration,
    /// Rounds always run, however long they take.
    pub min_rounds: usize,
    /// Rounds never exceeded, however short they are.
    pub max_rounds: usize,
}

impl Plan {
    /// The default report: up to about 4 s per case (n = 1e8 with inc 4 takes longer: its
    /// 11 rounds of 3 calls of ~0.25 s each).
    pub const FULL: Plan = Plan {
        budget: Duration::from_millis(4000),
        sample_target: Duration::from_millis(5),
        min_rounds: 11,
        max_rounds: 201,
    };

    /// `--quick`: up to about 1 s per case.
    pub const QUICK: Plan = Plan {
        budget: Duration::from_millis(1000),
        sample_target: Duration::from_millis(2),
        min_rounds: 7,
        max_rounds: 151,
    };
}

/// Five-number summary of a sample: minimum, quartiles, maximum.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Smallest value.
    pub min: f64,
    /// First quartile (25 %).
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile (75 %).
    pub q3: f64,
    /// Largest value.
    pub max: f64,
}

impl Summary {
    /// The summary of `values` (quartiles by linear interpolation between order statistics).
    ///
    /// # Panics
    /// If `values` is empty.
    ///
    /// ```
    /// use pdot_benches::timing::Summary;
    /// let s = Summary::of(&[4.0, 1.0, 3.0, 2.0, 5.0]);
    /// assert_eq!((s.min, s.q1, s.median, s.q3, s.max), (1.0, 2.0, 3.0, 4.0, 5.0));
    /// ```
    pub fn of(values: &[f64]) -> Summary {
        assert!(!values.is_empty(), "summary of an empty sample");
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let quantile = |q: f64| {
            let pos = q * (v.len() - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        Summary {
            min: v[0],
            q1: quantile(0.25),
            median: quantile(0.5),
            q3: quantile(0.75),
            max: v[v.len() - 1],
        }
    }

    /// Every value mapped by `f` (a decreasing `f`, such as bytes / time, swaps the ends).
    pub fn map(self, f: impl Fn(f64) -> f64) -> Summary {
        let ends = [f(self.min), f(self.max)];
        let quarts = [f(self.q1), f(self.q3)];
        Summary {
            min: ends[0].min(ends[1]),
            q1: quarts[0].min(quarts[1]),
            median: f(self.median),
            q3: quarts[0].max(quarts[1]),
            max: ends[0].max(ends[1]),
        }
    }
}

/// The seconds one `run(reps)` takes.
fn time(run: &Batch<'_>, reps: usize) -> f64 {
    let start = Instant::now();
    black_box(run(reps));
    start.elapsed().as_secs_f64()
}

/// How many calls make a sample of about `target`: warms up (one call), then grows the batch
/// until it lasts at least a quarter of the target, and scales.
pub fn calibrate(run: &Batch<'_>, target: Duration) -> usize {
    let target = target.as_secs_f64();
    let mut reps = 1usize;
    let mut elapsed = time(run, 1);
    while elapsed < target / 4.0 && reps < 1 << 30 {
        reps *= 4;
        elapsed = time(run, reps);
    }
    let per_call = elapsed / reps as f64;
    ((target / per_call).round() as usize).clamp(1, 1 << 32)
}

/// The per-call times of each contender, one per round.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// `per_call[c][r]`: seconds per call of contender `c` in round `r`.
    pub per_call: Vec<Vec<f64>>,
    /// Calls per sample of each contender.
    pub reps: Vec<usize>,
}

impl Measurement {
    /// Number of rounds.
    pub fn rounds(&self) -> usize {
        self.per_call.first().map_or(0, Vec::len)
    }

    /// The per-round ratios `per_call[num][r] / per_call[den][r]`.
    pub fn ratios(&self, num: usize, den: usize) -> Vec<f64> {
        self.per_call[num]
            .iter()
            .zip(&self.per_call[den])
            .map(|(n, d)| n / d)
            .collect()
    }
}

/// Runs the contenders in interleaved rounds (forward, then backward order) under `plan`.
pub fn measure(contenders: &[Batch<'_>], plan: &Plan) -> Measurement {
    let reps: Vec<usize> = contenders
        .iter()
        .map(|run| calibrate(run, plan.sample_target))
        .collect();
    let mut per_call = vec![Vec::new(); contenders.len()];
    let start = Instant::now();
    let mut order: Vec<usize> = (0..contenders.len()).collect();
    for round in 0..plan.max_rounds {
        if round >= plan.min_rounds && start.elapsed() >= plan.budget {
            break;
        }
        for &c in &order {
            per_call[c].push(time(&contenders[c], reps[c]) / reps[c] as f64);
        }
        order.reverse();
    }
    Measurement { per_call, reps }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_quartiles_interpolate() {
        let s = Summary::of(&[1.0, 2.0]);
        assert_eq!((s.q1, s.median, s.q3), (1.25, 1.5, 1.75));
        let s = Summary::of(&[7.0]);
        assert_eq!((s.min, s.median, s.max), (7.0, 7.0, 7.0));
        let inv = Summary::of(&[1.0, 2.0, 4.0]).map(|t| 8.0 / t);
        assert_eq!((inv.min, inv.median, inv.max), (2.0, 4.0, 8.0));
    }

    #[test]
    fn measure_respects_round_limits() {
        let slow: Batch<'_> = Box::new(|reps| {
            std::thread::sleep(Duration::from_micros(50 * reps as u64));
            0.0
        });
        let fast: Batch<'_> = Box::new(|reps| (0..reps).map(|i| i as f64).sum());
        let plan = Plan {
            budget: Duration::ZERO,
            sample_target: Duration::from_micros(200),
            min_rounds: 3,
            max_rounds: 5,
        };
        let m = measure(&[slow, fast], &plan);
        assert_eq!(m.rounds(), 3);
        assert_eq!(m.per_call[1].len(), 3);
        assert!(m.ratios(0, 1).iter().all(|r| *r > 1.0));
    }
}
