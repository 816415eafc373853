//! Criterion benches: pdot Fast, Compensated and Exact, the naive iterator and OpenBLAS, for
//! f64, f32 and f32-f64 (dsdot), n = 1e3 ... 1e8, aligned and 16-byte offset contiguous data
//! and aligned data with inc 2 and 4. Throughput is in bytes of logical elements (2·n·size),
//! shown in decimal GB/s like the report's. Then the exact partials: `merge` of two
//! `ExactPartial`s made from random data, the wire round trip and `finish`.
//!
//! ```text
//! cargo bench -p pdot-benches --bench dot                    # everything (~15 min)
//! cargo bench -p pdot-benches --bench dot -- 'f64/n=1e6/'    # one group (criterion filter)
//! cargo bench -p pdot-benches --bench dot -- 'partial/'      # the partials only
//! PDOT_BENCH_MAX_N=1e6 cargo bench -p pdot-benches --bench dot
//! ```
//!
//! Ids: `<precision>/n=<n>/<contender>/<layout>`, e.g. `f32/n=1e7/pdot_exact/aligned_inc2`;
//! `partial/<type>/<op>`, e.g. `partial/ExactPartial<f64>/merge`.

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use pdot_benches::data::{Pair, seed_for};
use pdot_benches::partials::{self, Op};
use pdot_benches::peer::{self, Peer, VisitPeer};
use pdot_benches::report::n_label;
use pdot_benches::runner::{self, Contender, Layout};
use pdot_kernels::{ExactPartial, Input, Partial, Precision, Real};

/// Whether criterion runs in test mode (`cargo test --benches`, or `-- --test`): each
/// benchmark once, to check that it runs.
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

/// The sizes benchmarked: 1e3 ... 1e8, capped by `PDOT_BENCH_MAX_N` (e.g. `1e6`); in test
/// mode the cap defaults to 1e4, so that `cargo test --all-targets` stays quick.
fn sizes() -> Vec<usize> {
    let max = std::env::var("PDOT_BENCH_MAX_N")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .map(|v| v as usize)
        .unwrap_or(if test_mode() { 10_000 } else { usize::MAX });
    (3..=8)
        .map(|k| 10usize.pow(k))
        .filter(|&n| n <= max)
        .collect()
}

/// Benches every contender and layout of one type pair at one n (see [`peer::visit`]).
struct BenchPair<'a> {
    c: &'a mut Criterion,
    n: usize,
}

impl VisitPeer for BenchPair<'_> {
    type Output = ();
    fn visit<O: Real, E: Peer<O>>(self) {
        bench_pair::<O, E>(self.c, self.n);
    }
}

/// Benches every contender and layout of the pair `(O, E)` at one n. The data is made on
/// first use, so a criterion filter that skips a size does not allocate it.
fn bench_pair<O: Real, E: Peer<O>>(c: &mut Criterion, n: usize) {
    let precision = <E as Input<O>>::PRECISION;
    let mut group = c.benchmark_group(format!("{precision}/n={}", n_label(n)));
    let bytes = 2 * n * size_of::<E>();
    group.throughput(Throughput::BytesDecimal(bytes as u64));
    if n >= 1_000_000 {
        // One call lasts 0.03 ms ... 0.2 s: few, flat samples.
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(if n >= 100_000_000 { 4 } else { 2 }));
    } else {
        group
            .sample_size(20)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
    }
    let data = std::cell::OnceCell::<Pair<E>>::new();
    for layout in Layout::STANDARD {
        for contender in Contender::ALL.into_iter().filter(|&k| layout.has(k)) {
            let id = format!("{}/{}", contender.name(), layout.name());
            group.bench_function(id, |b| {
                let pair = data.get_or_init(|| Pair::for_strides(n, Layout::MAX_INC, seed_for(n)));
                let (x, y) = pair.views(layout.alignment, n, layout.inc);
                let run = runner::batch::<O, E>(contender, x, y, n, layout.inc)
                    .expect("layout.has(contender)");
                b.iter_custom(|iters| time_reps(&run, iters));
            });
        }
    }
    group.finish();
}

/// The time of one call `run(iters)`: `iters` repetitions of a batch.
fn time_reps<R>(run: impl Fn(usize) -> R, iters: u64) -> Duration {
    let reps = usize::try_from(iters).expect("iteration count fits usize");
    let start = Instant::now();
    std::hint::black_box(run(reps));
    start.elapsed()
}

/// Benches `merge`, the wire round trip and `finish` of two partials `P` of random data
/// (`merge`: into a running accumulator, as a reduction does; see
/// [`pdot_benches::partials::batch`]).
fn bench_partial<P: Partial, I: Input<P::Output>>(c: &mut Criterion, name: &str) {
    let mut group = c.benchmark_group(format!("partial/{name}"));
    group
        .sample_size(50)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let (a, b) = partials::random_pair::<P, I>(seed_for(partials::ELEMENTS));
    for op in Op::ALL {
        let run = partials::batch(op, &a, &b);
        group.bench_function(op.name(), |bench| {
            bench.iter_custom(|iters| time_reps(&run, iters));
        });
    }
    group.finish();
}

fn partial(c: &mut Criterion) {
    bench_partial::<ExactPartial<f64>, f64>(c, "ExactPartial<f64>");
    bench_partial::<ExactPartial<f32>, f32>(c, "ExactPartial<f32>");
}

fn dot(c: &mut Criterion) {
    pdot_benches::openblas::force_single_thread();
    eprintln!(
        "pdot backend: {}; OpenBLAS: {}",
        pdot_kernels::Backend::active().isa(),
        pdot_benches::openblas::info().config
    );
    for n in sizes() {
        for precision in Precision::ALL {
            peer::visit(precision, BenchPair { c: &mut *c, n });
        }
    }
}

criterion_group!(benches, partial, dot);
criterion_main!(benches);
