//! What a split-phase reduction saves: the time `finish` still takes after other work of
//! two and four times the blocking reduction's latency, against that latency, run under
//! `mpiexec -n P` (P = 2 and 4).
//!
//! ```text
//! mpiexec -n 4 target/release/examples/split_phase [REPETITIONS]
//! ```
//!
//! The reduction: one `ExactPartial<f64>` (552 bytes on the wire), the same in every
//! measurement. Each repetition starts from a barrier and times one call on every rank; the
//! figure of a repetition is its slowest rank. Measured:
//! - the blocking `pdot_mpi::allreduce` (latency L);
//! - `allreduce_begin`, then busy work of 2L or 4L, then `finish` (the time of `finish`
//!   alone), with the work either plain or calling `test()` every L/8.
//!
//! Rank 0 prints the median and quartiles over the repetitions, and each `finish` as a
//! fraction of L. Without `test()`, a reduction over more than two ranks cannot get past its
//! first round during the work: the second round's message is sent only once the first
//! one is in, by a pdot call of that rank.

use std::time::{Duration, Instant};

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives, Root};
use pdot_kernels::{ExactPartial, Partial};

fn quartiles(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

/// Busy work for `length`, calling `poll` every `every` if given.
fn work(length: Duration, every: Option<Duration>, mut poll: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut next = every.unwrap_or(length);
    let mut x = 1.0f64;
    loop {
        for _ in 0..64 {
            x = std::hint::black_box(x * 1.000_000_1 + 1e-9);
        }
        let elapsed = start.elapsed();
        if elapsed >= length {
            return x;
        }
        if let Some(every) = every
            && elapsed >= next
        {
            poll();
            next += every;
        }
    }
}

/// The slowest rank's time of each repetition.
fn slowest(world: &SimpleCommunicator, mine: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; mine.len()];
    world.all_reduce_into(mine, &mut out[..], SystemOperation::max());
    out
}

fn main() {
    let repetitions: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let universe = mpi::initialize().expect("MPI initialises");
    let world = universe.world();
    let rank = world.rank();
    let x: Vec<f64> = (0..64)
        .map(|i| 1.0 + f64::from(rank) * 1e-3 + i as f64)
        .collect();
    let partial = ExactPartial::<f64>::of(&x, &x);
    let expected = {
        let mut p = partial.clone();
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        p.finish()
    };

    // Warm-up, then the blocking latency.
    let mut blocking = Vec::with_capacity(repetitions);
    for k in 0..repetitions + 100 {
        world.barrier();
        let mut p = partial.clone();
        let start = Instant::now();
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        let t = start.elapsed().as_secs_f64();
        assert_eq!(p.finish().to_bits(), expected.to_bits());
        if k >= 100 {
            blocking.push(t);
        }
    }
    let mut blocking = slowest(&world, &blocking);
    let (_, latency, _) = quartiles(&mut blocking);
    // Every rank works for the same time: rank 0's measure of L.
    let mut latency = latency;
    world.process_at_rank(0).broadcast_into(&mut latency);
    let l = Duration::from_secs_f64(latency);

    let mut rows = Vec::new();
    for factor in [2u32, 4] {
        for polled in [false, true] {
            let mut finish = Vec::with_capacity(repetitions);
            for _ in 0..repetitions {
                world.barrier();
                let mut pending = pdot_mpi::allreduce_begin(&world, vec![partial.clone()]);
                let every = polled.then_some(l / 8);
                std::hint::black_box(work(l * factor, every, || {
                    pending.test();
                }));
                let start = Instant::now();
                let got = pending.finish().expect("same kind on every rank");
                finish.push(start.elapsed().as_secs_f64());
                assert_eq!(got[0].finish().to_bits(), expected.to_bits());
            }
            rows.push((factor, polled, slowest(&world, &finish)));
        }
    }

    if rank == 0 {
        let us =
            |(a, b, c): (f64, f64, f64)| format!("{:8.2} ({:.2}–{:.2})", b * 1e6, a * 1e6, c * 1e6);
        println!(
            "split-phase all-reduce of one ExactPartial<f64>, P = {}, {repetitions} repetitions; \
             slowest rank per repetition; median (quartiles), µs",
            world.size()
        );
        println!("| measured | time µs | / blocking median |");
        println!("|---|---|---|");
        println!(
            "| blocking allreduce (L) | {} | 1 |",
            us(quartiles(&mut blocking))
        );
        for (factor, polled, mut t) in rows {
            let q = quartiles(&mut t);
            println!(
                "| finish after {factor}L of work, {} | {} | {:.3} |",
                if polled {
                    "test() every L/8"
                } else {
                    "no test()"
                },
                us(q),
                q.1 / latency
            );
        }
    }
}
