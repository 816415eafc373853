//! The latency of pdot's deterministic all-reduce against `MPI_Allreduce`, run under
//! `mpiexec -n P` (scripts/mpi-bench.sh runs it at P = 2).
//!
//! ```text
//! mpiexec -n 2 target/release/examples/allreduce_latency [ROUNDS] [ITERATIONS]
//! ```
//!
//! Each round times ITERATIONS back-to-back calls of each contender, interleaved so that
//! machine noise hits all alike: `MPI_Allreduce` of one f64 (sum), `pdot_mpi::allreduce` of a
//! `FastPartial<f64>` (one f64 on the wire, plus pdot's header), and of an
//! `ExactPartial<f64>` (552 bytes). Rank 0 prints the median time per call over the rounds,
//! the quartiles, and the median of the per-round ratios to `MPI_Allreduce`.

use std::time::Instant;

use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::{ExactPartial, FastPartial, Partial};

fn quartiles(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let universe = mpi::initialize().expect("MPI initialises");
    let world = universe.world();
    let rank = world.rank();
    let value = 1.0 + f64::from(rank) * 1e-3;
    let x = [value; 64];
    let fast = FastPartial::<f64>::of(&x, &x);
    let exact = ExactPartial::<f64>::of(&x, &x);

    let time = |f: &mut dyn FnMut()| -> f64 {
        world.barrier();
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        let mine = start.elapsed().as_secs_f64() / iterations as f64;
        let mut slowest = 0.0;
        world.all_reduce_into(&mine, &mut slowest, SystemOperation::max());
        slowest
    };
    let mut mpi_sum = || {
        let mut out = 0.0f64;
        world.all_reduce_into(&value, &mut out, SystemOperation::sum());
        std::hint::black_box(out);
    };
    let mut pdot_fast = || {
        let mut p = fast;
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        std::hint::black_box(p);
    };
    let mut pdot_exact = || {
        let mut p = exact.clone();
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        std::hint::black_box(p);
    };
    // Warm-up.
    for f in [
        &mut mpi_sum as &mut dyn FnMut(),
        &mut pdot_fast,
        &mut pdot_exact,
    ] {
        time(f);
    }
    let (mut t_mpi, mut t_fast, mut t_exact) = (vec![], vec![], vec![]);
    let (mut r_fast, mut r_exact) = (vec![], vec![]);
    for _ in 0..rounds {
        let m = time(&mut mpi_sum);
        let f = time(&mut pdot_fast);
        let e = time(&mut pdot_exact);
        t_mpi.push(m);
        t_fast.push(f);
        t_exact.push(e);
        r_fast.push(f / m);
        r_exact.push(e / m);
    }
    if rank == 0 {
        let us = |(a, b, c): (f64, f64, f64)| {
            format!("{:.2} µs ({:.2}–{:.2})", b * 1e6, a * 1e6, c * 1e6)
        };
        let ratio = |(a, b, c): (f64, f64, f64)| format!("{b:.3} ({a:.3}–{c:.3})");
        println!(
            "allreduce latency, P = {}, {rounds} rounds of {iterations} calls; median (quartiles)",
            world.size()
        );
        let times = [
            ("MPI_Allreduce, one f64 (sum)", &mut t_mpi),
            ("pdot allreduce, FastPartial<f64>", &mut t_fast),
            ("pdot allreduce, ExactPartial<f64>", &mut t_exact),
        ];
        for (what, t) in times {
            println!("{what}: {}", us(quartiles(t)));
        }
        let ratios = [
            ("ratio fast/MPI_Allreduce", &mut r_fast),
            ("ratio exact/MPI_Allreduce", &mut r_exact),
        ];
        for (what, r) in ratios {
            println!("{what}: {}", ratio(quartiles(r)));
        }
    }
}
