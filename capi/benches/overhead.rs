//! The overhead of the C entry `pdot_ddot` over the Rust call `pdot_kernels::dot_with`, on
//! one core, n = 1e3 and 1e6, Fast and Exact. The C entry is called through a function
//! pointer hidden from the optimiser, with the C ABI, as a C program calls it (less the
//! PLT jump of a shared library): its argument checks, view construction and panic guard.
//!
//! `rust-pointer` is the Rust call through a function pointer too: the cost of a call that
//! is not inlined, which a C caller always pays.
//!
//! `cargo bench -p pdot-capi --bench overhead`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pdot_kernels::Accuracy;

/// The Rust call, not inlined into the loop (a call through a pointer, as the C entry's).
fn rust_call(accuracy: Accuracy, x: &[f64], y: &[f64]) -> f64 {
    pdot_kernels::dot_with(accuracy, x, y)
}

type Entry = unsafe extern "C" fn(i64, *const f64, i64, *const f64, i64, i32, *mut f64) -> i32;

fn overhead(c: &mut Criterion) {
    let entry: Entry = black_box(pdot::pdot_ddot);
    let call: fn(Accuracy, &[f64], &[f64]) -> f64 = black_box(rust_call);
    for n in [1_000usize, 1_000_000] {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let y: Vec<f64> = (0..n).map(|i| (i as f64 * 0.11).cos()).collect();
        for (accuracy, code) in [(Accuracy::Fast, 0), (Accuracy::Exact, 2)] {
            let mut group = c.benchmark_group(format!("overhead/{}", accuracy.name()));
            group.bench_with_input(BenchmarkId::new("rust", n), &n, |b, _| {
                b.iter(|| pdot_kernels::dot_with(accuracy, black_box(&x), black_box(&y)))
            });
            group.bench_with_input(BenchmarkId::new("rust-pointer", n), &n, |b, _| {
                b.iter(|| call(accuracy, black_box(&x), black_box(&y)))
            });
            group.bench_with_input(BenchmarkId::new("c", n), &n, |b, _| {
                b.iter(|| {
                    let mut r = 0.0;
                    // SAFETY: `x` and `y` hold `n` elements each; `r` is writable.
                    let status = unsafe {
                        entry(
                            n as i64,
                            black_box(x.as_ptr()),
                            1,
                            black_box(y.as_ptr()),
                            1,
                            code,
                            &mut r,
                        )
                    };
                    assert_eq!(status, 0);
                    r
                })
            });
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = overhead
}
criterion_main!(benches);
