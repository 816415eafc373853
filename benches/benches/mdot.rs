//! Criterion benches of the multi-dot: `x · y_1, ..., x · y_k` by one `mdot_as` call
//! (`fused`, reading `x` once) against `k` single `dot_as` calls (`separate`), f64,
//! contiguous 64-byte-aligned data, Fast and Exact, k = 4 and 8, n = 1e5 and 1e7 (beyond
//! the caches at 1e7: 80 MB per vector). Throughput is in bytes of logical elements read by
//! the separate calls, `2·k·n·8`, so that the GB/s of both contenders compare directly.
//!
//! ```text
//! cargo bench -p pdot-benches --bench mdot                        # everything (~2 min)
//! cargo bench -p pdot-benches --bench mdot -- 'mdot/f64/n=1e7/'   # one size
//! ```
//!
//! Ids: `mdot/f64/n=<n>/<level>/k=<k>/<fused|separate>`, e.g.
//! `mdot/f64/n=1e7/fast/k=4/fused`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use pdot_benches::data::{AlignedBuf, seed_for};
use pdot_benches::report::n_label;
use pdot_kernels::{Accuracy, dot_as, mdot_as};

/// Whether criterion runs in test mode (`cargo test --benches`, or `-- --test`).
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

/// The most vectors `y_j` benched.
const MAX_K: usize = 8;

fn mdot(c: &mut Criterion) {
    eprintln!("pdot backend: {}", pdot_kernels::Backend::active().isa());
    let sizes: &[usize] = if test_mode() {
        &[1000]
    } else {
        &[100_000, 10_000_000]
    };
    for &n in sizes {
        let x = AlignedBuf::<f64>::random(n, seed_for(n));
        let ys: Vec<AlignedBuf<f64>> = (1..=MAX_K as u64)
            .map(|j| AlignedBuf::random(n, seed_for(n) ^ (j << 40)))
            .collect();
        let x = x.aligned();
        let ys: Vec<&[f64]> = ys.iter().map(|y| y.aligned()).collect();
        for (accuracy, level) in [(Accuracy::Fast, "fast"), (Accuracy::Exact, "exact")] {
            let mut group = c.benchmark_group(format!("mdot/f64/n={}/{level}", n_label(n)));
            if n >= 1_000_000 {
                group
                    .sampling_mode(SamplingMode::Flat)
                    .sample_size(10)
                    .warm_up_time(Duration::from_millis(500))
                    .measurement_time(Duration::from_secs(3));
            } else {
                group
                    .sample_size(20)
                    .warm_up_time(Duration::from_millis(300))
                    .measurement_time(Duration::from_secs(1));
            }
            for k in [4, 8] {
                let ys = &ys[..k];
                group.throughput(Throughput::BytesDecimal((2 * k * n * 8) as u64));
                group.bench_function(format!("k={k}/fused"), |b| {
                    let mut out = [0.0f64; MAX_K];
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            mdot_as(accuracy, black_box(x), black_box(ys), &mut out[..k]);
                            black_box(&out);
                        }
                        start.elapsed()
                    });
                });
                group.bench_function(format!("k={k}/separate"), |b| {
                    let mut out = [0.0f64; MAX_K];
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            for (o, y) in out.iter_mut().zip(ys) {
                                *o = dot_as(accuracy, black_box(x), black_box(y));
                            }
                            black_box(&out);
                        }
                        start.elapsed()
                    });
                });
            }
            group.finish();
        }
    }
}

criterion_group!(benches, mdot);
criterion_main!(benches);
