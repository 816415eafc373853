//! The partial states of `pdot-kernels` ([`Partial`]): the size of each wire form, and the
//! time to merge two partials, to send one through its wire form and back, and to finish
//! one, measured like the dot products (interleaved rounds, medians and quartiles).

use std::cell::RefCell;
use std::hint::black_box;

use pdot_kernels::{CompensatedPartial, ExactPartial, FastPartial, Input, Partial};

use crate::data::AlignedBuf;
use crate::runner::Batch;
use crate::timing::{self, Plan, Summary};

/// Products in each partial measured: big enough for a realistic state (an exact partial of
/// random data has most of its digits in use), small enough to build in no time.
pub const ELEMENTS: usize = 10_000;

/// The seed of the partials' random data.
const SEED: u64 = 0x9a27_1a15;

/// The largest wire form the issue allows for a partial: 2 KiB.
pub const WIRE_GOAL: usize = 2048;

/// The longest merge of two [`ExactPartial`]s the issue allows: 1 µs.
pub const MERGE_GOAL_S: f64 = 1e-6;

/// The three operations of a partial that a distributed dot product performs per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `acc.merge(&b)` into a running accumulator, as a reduction does.
    Merge,
    /// `P::from_wire(&p.to_wire())`.
    WireRoundTrip,
    /// `p.finish()`.
    Finish,
}

impl Op {
    /// All operations, in report order.
    pub const ALL: [Op; 3] = [Op::Merge, Op::WireRoundTrip, Op::Finish];

    /// An identifier: `"merge"`, `"wire_round_trip"`, `"finish"`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Merge => "merge",
            Op::WireRoundTrip => "wire_round_trip",
            Op::Finish => "finish",
        }
    }
}

/// What was measured for one partial type.
#[derive(Clone, Debug, PartialEq)]
pub struct PartialResult {
    /// The type, e.g. `ExactPartial<f64>`.
    pub name: &'static str,
    /// Whether it is an [`ExactPartial`] (the goals apply to those).
    pub exact: bool,
    /// Bytes of the wire form of the measured partial (`Partial::WIRE_MAX` but for Exact,
    /// whose form holds only the nonzero digits of its sum).
    pub wire_len: usize,
    /// Interleaved rounds measured.
    pub rounds: usize,
    /// Seconds per operation, in the order of [`Op::ALL`].
    pub times: [Summary; 3],
}

impl PartialResult {
    /// Seconds per `op`.
    pub fn time(&self, op: Op) -> Summary {
        let i = Op::ALL.iter().position(|&o| o == op).expect("in Op::ALL");
        self.times[i]
    }
}

/// Two partials of `ELEMENTS` random products each.
pub fn random_pair<P: Partial, I: Input<P::Output>>(seed: u64) -> (P, P) {
    let x = AlignedBuf::<I>::random(2 * ELEMENTS, seed);
    let y = AlignedBuf::<I>::random(2 * ELEMENTS, seed ^ 0x5555);
    let (x, y) = (x.aligned(), y.aligned());
    (
        P::of(&x[..ELEMENTS], &y[..ELEMENTS]),
        P::of(&x[ELEMENTS..], &y[ELEMENTS..]),
    )
}

/// The batched operation `op` on the partials `a` and `b` (see [`crate::runner::Batch`]).
/// [`Op::Merge`] merges `b` into an accumulator that starts as `a` and keeps growing, as in
/// a reduction (an exact partial propagates its carries once in millions of merges, and
/// that cost is in the figure).
pub fn batch<P: Partial>(op: Op, a: &P, b: &P) -> Batch<'static> {
    let (a, b) = (a.clone(), b.clone());
    match op {
        Op::Merge => {
            let acc = RefCell::new(a);
            Box::new(move |reps| {
                let mut acc = acc.borrow_mut();
                for _ in 0..reps {
                    acc.merge(black_box(&b));
                }
                black_box(&mut *acc);
                0.0
            })
        }
        Op::WireRoundTrip => Box::new(move |reps| {
            for _ in 0..reps {
                let bytes = black_box(&a).to_wire();
                black_box(P::from_wire(&bytes).expect("a valid wire form"));
            }
            0.0
        }),
        Op::Finish => Box::new(move |reps| {
            for _ in 0..reps {
                black_box(black_box(&a).finish());
            }
            0.0
        }),
    }
}

/// Measures the operations of `P` on partials of random `I` data under `plan`.
fn measure_one<P: Partial, I: Input<P::Output>>(
    name: &'static str,
    exact: bool,
    plan: &Plan,
) -> PartialResult {
    let (a, b) = random_pair::<P, I>(SEED);
    let batches: Vec<Batch<'static>> = Op::ALL.iter().map(|&op| batch(op, &a, &b)).collect();
    let m = timing::measure(&batches, plan);
    PartialResult {
        name,
        exact,
        wire_len: a.to_wire().len(),
        rounds: m.rounds(),
        times: [0, 1, 2].map(|i| Summary::of(&m.per_call[i])),
    }
}

/// Measures every partial type: Fast, Compensated and Exact, for `f64` and `f32` results.
pub fn measure(plan: &Plan) -> Vec<PartialResult> {
    vec![
        measure_one::<FastPartial<f64>, f64>("FastPartial<f64>", false, plan),
        measure_one::<CompensatedPartial<f64>, f64>("CompensatedPartial<f64>", false, plan),
        measure_one::<ExactPartial<f64>, f64>("ExactPartial<f64>", true, plan),
        measure_one::<FastPartial<f32>, f32>("FastPartial<f32>", false, plan),
        measure_one::<CompensatedPartial<f32>, f32>("CompensatedPartial<f32>", false, plan),
        measure_one::<ExactPartial<f32>, f32>("ExactPartial<f32>", true, plan),
    ]
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn operations_run_and_wire_sizes_are_reported() {
        let plan = Plan {
            budget: Duration::ZERO,
            sample_target: Duration::from_micros(200),
            min_rounds: 3,
            max_rounds: 3,
        };
        let results = measure(&plan);
        assert_eq!(results.len(), 6);
        for r in &results {
            assert_eq!(r.rounds, 3);
            assert!(r.wire_len > 0 && r.wire_len <= WIRE_GOAL, "{r:?}");
            assert!(Op::ALL.iter().all(|&op| r.time(op).median > 0.0), "{r:?}");
        }
        assert!(results[2].wire_len < ExactPartial::<f64>::WIRE_MAX);
        assert_eq!(results[0].wire_len, FastPartial::<f64>::WIRE_MAX);
        // The merged pair finishes to the exact dot product of the whole.
        let (mut a, b) = random_pair::<ExactPartial<f64>, f64>(SEED);
        a.merge(&b);
        let x = AlignedBuf::<f64>::random(2 * ELEMENTS, SEED);
        let y = AlignedBuf::<f64>::random(2 * ELEMENTS, SEED ^ 0x5555);
        let whole = pdot_kernels::dot_with(pdot_kernels::Accuracy::Exact, x.aligned(), y.aligned());
        assert_eq!(a.finish(), whole);
    }
}
