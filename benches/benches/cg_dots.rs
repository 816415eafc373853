//! Criterion benches of the two dot products of a CG iteration (`p·Ap` and `r·r`) at Fast
//! and Exact, on the vectors of one CG solve of the 2-D Poisson problem, m = 500
//! (n = 250,000), after 25, 100 and 400 iterations (see `pdot_benches::cg`). The report
//! (`make report`) measures the same with interleaved rounds and gives the Exact/Fast
//! ratio; this is the criterion view of it.
//!
//! ```text
//! cargo bench -p pdot-benches --bench cg_dots                 # everything (~30 s)
//! cargo bench -p pdot-benches --bench cg_dots -- 'it=400/'    # one snapshot
//! ```
//!
//! Ids: `cg_dots/m=500/it=<iterations>/<fast|exact>`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pdot_benches::cg::CgVectors;
use pdot_kernels::Accuracy;

/// Whether criterion runs in test mode (`cargo test --benches`, or `-- --test`).
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

fn cg_dots(c: &mut Criterion) {
    eprintln!("pdot backend: {}", pdot_kernels::Backend::active().isa());
    let (m, at): (usize, &[usize]) = if test_mode() {
        (20, &[3])
    } else {
        (500, &[25, 100, 400])
    };
    for v in CgVectors::poisson_snapshots(m, at) {
        let mut group = c.benchmark_group(format!("cg_dots/m={m}/it={}", v.iteration));
        group
            .sample_size(20)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            // Two dots, each reading two vectors of n f64.
            .throughput(Throughput::Bytes((4 * v.len() * 8) as u64));
        for (name, accuracy) in [("fast", Accuracy::Fast), ("exact", Accuracy::Exact)] {
            let run = v.batch(accuracy);
            group.bench_function(name, |b| b.iter(|| run(1)));
        }
        group.finish();
    }
}

criterion_group!(benches, cg_dots);
criterion_main!(benches);
