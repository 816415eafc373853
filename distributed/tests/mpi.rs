//! The MPI test suite: run under `mpiexec -n P` (scripts/mpi-tests.sh runs P = 1, 2, 3, 4,
//! 7, 8, with MPICH and with Open MPI); `cargo test` runs it as one rank.
//!
//! Usage: `mpi [--ranks P]`. Asserts the world has P ranks (default 1: the launcher trap
//! would otherwise pass silently), then checks on every rank:
//! - Exact results equal the single-core kernel on the whole vectors, bit for bit, for every
//!   layout, data set and precision (so they are equal across all P and layouts);
//! - Fast and Compensated results are the same bits on every rank, from `dot` and
//!   `dot_replicated`, on repeated calls, and equal to the one-thread simulation of the
//!   reduction ([`pdot_mpi::simulate`]) over the ranks' partials;
//! - dot products of local pieces of random irregular splits (some ranks empty), alone, in
//!   one `LocalDots` message and as vectors distributed by the same `Counts`: Exact equals
//!   the kernel on the whole vectors, the other levels the simulation over the pieces;
//! - bad input on one rank gives the same error on every rank, and the communicator stays
//!   usable afterwards;
//! - pdot's messages never match the caller's: receives the caller posted with any source
//!   and any tag on the same communicator stay pending through pdot's collectives, and pdot's
//!   private duplicate of a communicator is freed with it.
//!
//! The type pairs are the kernels' ([`Precision::ALL`], visited generically), not a list of
//! the suite's own.
//!
//! Rank 0 prints one `digest` line per result; the script compares them across P (Exact) and
//! across runs and MPI libraries (all levels).

#[path = "mpi/borrowed.rs"]
mod borrowed;
#[path = "mpi/mdot.rs"]
mod mdot;
#[path = "mpi/norm.rs"]
mod norm;
#[path = "mpi/split.rs"]
mod split;

use std::any::Any;

use mpi::collective::SystemOperation;
use mpi::point_to_point::{Destination, Source};
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Precision, Real,
    Strided, VisitPrecision,
};
use pdot_mpi::{
    Counts, DistVector, Error, Layout, LocalDots, Partition, Quantity, Reducible, allreduce,
    allreduce_slice, simulate,
};

/// Failures of this rank, and a digest of results for the script.
struct Suite {
    world: SimpleCommunicator,
    failures: std::cell::Cell<usize>,
    checks: std::cell::Cell<usize>,
}

impl Suite {
    fn check(&self, ok: bool, what: impl FnOnce() -> String) {
        self.checks.set(self.checks.get() + 1);
        if !ok {
            eprintln!("FAIL (rank {}): {}", self.world.rank(), what());
            self.failures.set(self.failures.get() + 1);
        }
    }

    /// The same bits on every rank? (One result per accuracy level.) Reduced with pdot's
    /// own all-reduce, which yields the core while it waits: `MPI_Allreduce` busy-polls, and
    /// with more ranks than cores that makes the suite many times slower.
    fn same_everywhere(&self, bits: [u64; 3], what: &str) {
        let mut range = Range { lo: bits, hi: bits };
        allreduce(&self.world, &mut range).unwrap();
        let Range { lo, hi } = range;
        self.check(lo == hi, || {
            format!("{what}: ranks disagree ({lo:x?} vs {hi:x?})")
        });
    }

    /// The same error (or none) on every rank? Compared by a digest of its debug form.
    fn same_error_everywhere<T>(&self, got: &Result<T, Error>, what: &str) {
        let text = format!("{:?}", got.as_ref().err());
        let h = text.bytes().fold(0u64, |h, b| mix(h ^ u64::from(b)));
        self.same_everywhere([h, 0, 0], &format!("{what}: the error {text}"));
    }

    fn digest(&self, key: &str, bits: u64) {
        if self.world.rank() == 0 {
            println!("digest {key} {bits:#018x}");
        }
    }
}

/// The smallest and largest of some bit patterns, element by element.
#[derive(Clone)]
struct Range {
    lo: [u64; 3],
    hi: [u64; 3],
}

impl Reducible for Range {
    const WIRE_LEN: usize = 48;
    fn write_wire(&self, out: &mut [u8]) {
        for (chunk, v) in out.chunks_exact_mut(8).zip(self.lo.iter().chain(&self.hi)) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        let word = |i: usize| {
            Some(u64::from_le_bytes(
                bytes.get(8 * i..8 * i + 8)?.try_into().ok()?,
            ))
        };
        Some(Range {
            lo: [word(0)?, word(1)?, word(2)?],
            hi: [word(3)?, word(4)?, word(5)?],
        })
    }
    fn combine(&mut self, right: &Self) {
        for i in 0..3 {
            self.lo[i] = self.lo[i].min(right.lo[i]);
            self.hi[i] = self.hi[i].max(right.hi[i]);
        }
    }
}

const LAYOUTS: [Layout; 5] = [
    Layout::Block,
    Layout::Cyclic,
    Layout::BlockCyclic(1),
    Layout::BlockCyclic(3),
    Layout::BlockCyclic(1000),
];

/// A data set: element i of x and y, a pure function of i.
#[derive(Clone, Copy)]
struct DataSet {
    name: &'static str,
    element: fn(usize) -> (f64, f64),
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unit(i: usize, stream: u64) -> f64 {
    (mix(mix(i as u64) ^ stream) >> 11) as f64 * 2f64.powi(-52) - 1.0
}

const DATA: [DataSet; 4] = [
    DataSet {
        name: "random",
        element: |i| (unit(i, 1), unit(i, 2)),
    },
    DataSet {
        // Magnitudes over 2^-40 .. 2^40: the plain sum depends on the order.
        name: "spread",
        element: |i| {
            let e = (mix(i as u64 ^ 77) % 81) as i32 - 40;
            (unit(i, 1) * 2f64.powi(e), unit(i, 2))
        },
    },
    DataSet {
        // Pairs that cancel exactly, plus one small term every 101 elements.
        name: "cancelling",
        element: |i| {
            let a = unit(i / 2, 3) * 2f64.powi((i / 2 % 50) as i32);
            let b = if i % 2 == 0 { 1.0 } else { -1.0 };
            if i % 101 == 100 {
                (unit(i, 4) * 1e-10, 1.0)
            } else {
                (a, b)
            }
        },
    },
    DataSet {
        // Products beyond the f64 range that cancel, and subnormal products.
        name: "extreme",
        element: |i| match i % 4 {
            0 => (1e200, 1e200),
            1 => (1e200, -1e200),
            2 => (unit(i, 5) * 1e-300, 1e-10),
            _ => (unit(i, 6), 1.0),
        },
    },
];

const LENGTHS: [usize; 5] = [0, 1, 7, 4099, 100_003];

/// The raw bits of a result (an `f32`'s in the low 32 bits).
fn bits<O: Real>(v: O) -> u64 {
    let any: &dyn Any = &v;
    match (any.downcast_ref::<f32>(), any.downcast_ref::<f64>()) {
        (Some(f), _) => u64::from(f.to_bits()),
        (_, Some(d)) => d.to_bits(),
        _ => unreachable!("Real is f32 or f64"),
    }
}

/// An element of a data set (computed in f64) as the input type `E`, rounded once.
fn input<E: Real>(v: f64) -> E {
    E::from(v).expect("a finite or infinite f64 converts")
}

/// [`results`] for the types of the visited precision.
struct Results<'a>(&'a Suite);

impl VisitPrecision for Results<'_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        results::<O, E>(self.0);
    }
}

/// The result `P` ranks must give for level `L`: each rank's partial of its share, reduced
/// by the one-thread simulation of the schedule.
fn simulated<L: Partial + Reducible, I: Input<L::Output>>(
    ranks: usize,
    layout: Layout,
    x: &[I],
    y: &[I],
) -> L::Output {
    let partials: Vec<L> = (0..ranks)
        .map(|r| {
            let p = Partition::new(x.len(), ranks, r, layout).unwrap();
            let pick = |v: &[I]| -> Vec<I> {
                p.runs()
                    .flat_map(|(s, l)| v[s..s + l].iter().copied())
                    .collect()
            };
            L::of(&pick(x), &pick(y))
        })
        .collect();
    simulate(&partials)[0].finish()
}

/// Every data set, length, layout and accuracy for the type pair `(O, E)`, through the
/// generic entry points.
fn results<O: Real, E: Input<O>>(suite: &Suite) {
    let name = <E as Input<O>>::PRECISION.name();
    let (ranks, rank) = (suite.world.size() as usize, suite.world.rank() as usize);
    for data in DATA {
        for n in LENGTHS {
            let whole: Vec<(E, E)> = (0..n)
                .map(|i| {
                    let (a, b) = (data.element)(i);
                    (input(a), input(b))
                })
                .collect();
            let (wx, wy): (Vec<E>, Vec<E>) = whole.iter().copied().unzip();
            let reference = bits(pdot_kernels::dot_as::<O, E>(Accuracy::Exact, &wx, &wy));
            for layout in LAYOUTS {
                let world = &suite.world;
                let x = DistVector::from_fn(world, n, layout, |i| wx[i]).unwrap();
                let y = DistVector::from_fn(world, n, layout, |i| wy[i]).unwrap();
                let key = format!("{} {} n={n} {layout}", name, data.name);
                let p = Partition::new(n, ranks, rank, layout).unwrap();
                suite.check(x.local().len() == p.local_len(), || {
                    format!("{key}: local length {}", x.local().len())
                });
                let mut all = [0u64; 3];
                for (level, &accuracy) in Accuracy::ALL.iter().enumerate() {
                    let world = &suite.world;
                    let d = pdot_mpi::dot_as::<O, E>(world, accuracy, &x, &y).map(bits);
                    let rep =
                        pdot_mpi::dot_replicated_as::<O, E>(world, accuracy, layout, &wx, &wy)
                            .map(bits);
                    let what = format!("{key} {}", accuracy.name());
                    let (Ok(d), Ok(rep)) = (d, rep) else {
                        suite.check(false, || format!("{what}: returned an error"));
                        continue;
                    };
                    all[level] = d;
                    suite.check(d == rep, || {
                        format!("{what}: dot {d:#x} != dot_replicated {rep:#x}")
                    });
                    let expected = match accuracy {
                        Accuracy::Exact => reference,
                        Accuracy::Fast => {
                            bits(simulated::<FastPartial<O>, _>(ranks, layout, &wx, &wy))
                        }
                        _ => bits(simulated::<CompensatedPartial<O>, _>(
                            ranks, layout, &wx, &wy,
                        )),
                    };
                    suite.check(d == expected, || {
                        format!("{what}: {d:#x}, expected {expected:#x}")
                    });
                    let key = match accuracy {
                        // Exact: the same for every P, so no P in the key.
                        Accuracy::Exact => what.clone(),
                        _ => format!("{what} P={ranks}"),
                    };
                    suite.digest(&key.replace(' ', "/"), d);
                }
                suite.same_everywhere(all, &key);
            }
        }
    }
}

/// [`local_slices`] for the types of the visited precision.
struct LocalSlices<'a>(&'a Suite);

impl VisitPrecision for LocalSlices<'_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        local_slices::<O, E>(self.0);
    }
}

/// A split of `n` elements over `ranks` ranks drawn from `seed`: rank `r` gets a weight 0 to
/// 3 (0: no elements), and the elements are shared in proportion to the weights.
fn random_split(n: usize, ranks: usize, seed: u64) -> Vec<usize> {
    let mut weights: Vec<u128> = (0..ranks)
        .map(|r| u128::from(mix(seed ^ mix(r as u64 + 1)) % 4))
        .collect();
    if weights.iter().all(|&w| w == 0) {
        weights[(seed as usize) % ranks] = 1;
    }
    let total: u128 = weights.iter().sum();
    let mut below = 0u128;
    let mut starts = vec![0usize];
    for w in weights {
        below += w;
        starts.push((n as u128 * below / total) as usize);
    }
    starts.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The partials of the ranks' pieces at level `L`, reduced by the one-thread simulation.
fn simulated_split<L: Partial + Reducible, I: Input<L::Output>>(
    counts: &Counts,
    x: &[I],
    y: &[I],
) -> L::Output {
    let partials: Vec<L> = (0..counts.ranks())
        .map(|r| {
            let (s, l) = (counts.start(r), counts.count(r));
            L::of(&x[s..s + l], &y[s..s + l])
        })
        .collect();
    simulate(&partials)[0].finish()
}

/// Dot products of local pieces of random irregular splits (some ranks empty), at every
/// level: `dot_local_as`, the same dot products in one `LocalDots` message, and vectors
/// distributed by the same `Counts`. Exact equals the single-core kernel on the whole
/// vectors (for every split and P: digests without P), Fast and Compensated the simulated
/// reduction of the pieces' partials; the same bits on every rank.
fn local_slices<O: Real, E: Input<O>>(suite: &Suite) {
    let name = <E as Input<O>>::PRECISION.name();
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    for data in DATA {
        for n in [0, 1, 5, 4099, 30_011] {
            for seed in 1..=3u64 {
                let whole: Vec<(E, E)> = (0..n)
                    .map(|i| {
                        let (a, b) = (data.element)(i);
                        (input(a), input(b))
                    })
                    .collect();
                let (wx, wy): (Vec<E>, Vec<E>) = whole.iter().copied().unzip();
                let counts = Counts::new(random_split(n, ranks, seed)).unwrap();
                let (s, l) = (counts.start(rank), counts.count(rank));
                let gathered = Counts::gather(world, l);
                suite.check(gathered.as_ref() == Ok(&counts), || {
                    format!("gathered counts {gathered:?} != {counts}")
                });
                let (x, y) = (&wx[s..s + l], &wy[s..s + l]);
                let key = format!("local {name} {} n={n} seed={seed}", data.name);
                let dx = DistVector::from_local_counts(world, &counts, x.to_vec());
                let dy = DistVector::from_counts_fn(world, &counts, |i| wy[i]);
                let (Ok(dx), Ok(dy)) = (dx, dy) else {
                    suite.check(false, || format!("{key}: counts vectors refused"));
                    continue;
                };
                suite.check(dy.local() == y, || format!("{key}: from_counts_fn share"));
                let mut all = [0u64; 3];
                for (level, &accuracy) in Accuracy::ALL.iter().enumerate() {
                    let what = format!("{key} {}", accuracy.name());
                    let d = pdot_mpi::dot_local_as::<O, E>(world, accuracy, x, y).map(bits);
                    let mut dots = LocalDots::<O>::new(accuracy);
                    dots.push(x, y);
                    dots.push(x, x);
                    dots.push(y, y);
                    let together = dots
                        .allreduce(world)
                        .map(|v| v.into_iter().map(bits).collect::<Vec<_>>());
                    let separate = [(x, y), (x, x), (y, y)]
                        .map(|(a, b)| pdot_mpi::dot_local_as::<O, E>(world, accuracy, a, b));
                    let on_counts = pdot_mpi::dot_as::<O, E>(world, accuracy, &dx, &dy);
                    let (Ok(d), Ok(together), Ok(on_counts)) = (d, together, on_counts) else {
                        suite.check(false, || format!("{what}: returned an error"));
                        continue;
                    };
                    all[level] = d;
                    let separate: Vec<Result<u64, Error>> =
                        separate.into_iter().map(|r| r.map(bits)).collect();
                    let together: Vec<Result<u64, Error>> = together.into_iter().map(Ok).collect();
                    suite.check(together == separate, || {
                        format!("{what}: one message {together:x?} != separate {separate:x?}")
                    });
                    suite.check(bits(on_counts) == d, || {
                        format!("{what}: counts DistVector {:#x} != {d:#x}", bits(on_counts))
                    });
                    let expected = bits(match accuracy {
                        Accuracy::Exact => pdot_kernels::dot_as::<O, E>(accuracy, &wx, &wy),
                        Accuracy::Fast => simulated_split::<FastPartial<O>, _>(&counts, &wx, &wy),
                        _ => simulated_split::<CompensatedPartial<O>, _>(&counts, &wx, &wy),
                    });
                    suite.check(d == expected, || {
                        format!("{what}: {d:#x}, expected {expected:#x}")
                    });
                    let key = match accuracy {
                        Accuracy::Exact => what.clone(),
                        _ => format!("{what} P={ranks}"),
                    };
                    suite.digest(&key.replace(' ', "/"), d);
                }
                suite.same_everywhere(all, &key);
            }
        }
    }
}

/// Bad input on some rank: every rank gets the same error, nothing hangs.
fn collective_errors(suite: &Suite) {
    let (ranks, rank) = (suite.world.size() as usize, suite.world.rank() as usize);
    let last = ranks - 1;
    let world = &suite.world;

    // A different global length on the last rank.
    let n = if rank == last { 99 } else { 100 };
    let got = DistVector::from_fn(world, n, Layout::Block, |i| i as f64).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::GlobalLength,
        low_rank: last,
        low: 99,
        high_rank: 0,
        high: 100,
    });
    suite.check(got == expected, || format!("different n: {got:?}"));

    // A different layout on rank 0.
    let world = &suite.world;
    let layout = if rank == 0 {
        Layout::Cyclic
    } else {
        Layout::Block
    };
    let got = DistVector::from_fn(world, 100, layout, |i| i as f64).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Layout,
        low_rank: 1,
        low: 0,
        high_rank: 0,
        high: 1,
    });
    suite.check(got == expected, || format!("different layout: {got:?}"));

    // A local part of the wrong length on the last rank.
    let world = &suite.world;
    let share = Partition::new(100, ranks, rank, Layout::Cyclic).unwrap();
    let len = share.local_len() + usize::from(rank == last);
    let got = DistVector::from_local(world, 100, Layout::Cyclic, vec![1.0f64; len]).err();
    let expected = Some(Error::LocalLength {
        rank: last,
        expected: share.of_rank(last).unwrap().local_len(),
        found: share.of_rank(last).unwrap().local_len() + 1,
    });
    suite.check(got == expected, || format!("wrong local length: {got:?}"));

    // BlockCyclic(0) everywhere.
    let world = &suite.world;
    let got = DistVector::from_fn(world, 100, Layout::BlockCyclic(0), |i| i as f64).err();
    let expected = Some(Error::InvalidLayout {
        layout: Layout::BlockCyclic(0),
    });
    suite.check(got == expected, || format!("block size 0: {got:?}"));

    // x and y distributed differently.
    let world = &suite.world;
    let x = DistVector::from_fn(world, 100, Layout::Block, |i| i as f64).unwrap();
    let y = DistVector::from_fn(world, 100, Layout::Cyclic, |i| i as f64).unwrap();
    for &accuracy in Accuracy::ALL {
        let got = pdot_mpi::dot(world, accuracy, &x, &y).err();
        let expected = Some(Error::PartitionMismatch {
            x: (100, Layout::Block),
            y: (100, Layout::Cyclic),
        });
        suite.check(got == expected, || format!("mismatched x, y: {got:?}"));
    }

    // Replicated vectors of different lengths on rank 0 only.
    let world = &suite.world;
    let x = vec![1.0f64; 50];
    let y = vec![1.0f64; if rank == 0 { 49 } else { 50 }];
    let got = pdot_mpi::dot_replicated(world, Accuracy::Exact, Layout::Block, &x, &y).err();
    let expected = Some(if ranks > 1 {
        Error::Disagree {
            what: Quantity::GlobalLengthY,
            low_rank: 0,
            low: 49,
            high_rank: 1,
            high: 50,
        }
    } else {
        Error::LengthMismatch {
            rank: 0,
            x: 50,
            y: 49,
        }
    });
    suite.check(got == expected, || format!("replicated lengths: {got:?}"));

    // Different numbers of values to reduce.
    let world = &suite.world;
    let mut values = vec![FastPartial::<f64>::new(); if rank == last { 3 } else { 2 }];
    let got = allreduce_slice(world, &mut values).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Count,
        low_rank: 0,
        low: 2,
        high_rank: last,
        high: 3,
    });
    suite.check(got == expected, || format!("counts: {got:?}"));

    // Different kinds of values (Exact partial on rank 0, Fast elsewhere).
    let world = &suite.world;
    let got = if rank == 0 {
        allreduce(world, &mut ExactPartial::<f64>::new()).err()
    } else {
        allreduce(world, &mut FastPartial::<f64>::new()).err()
    };
    // Named, in an order of their digests: either way round.
    let named = |(a, b): (usize, &str), (c, d): (usize, &str)| Error::KindDisagree {
        low_rank: a,
        low: b.to_owned(),
        high_rank: c,
        high: d.to_owned(),
    };
    let (exact, fast) = ((0, "Exact partial of f64"), (1, "Fast partial of f64"));
    let ok = match &got {
        None => ranks == 1,
        Some(e) => ranks > 1 && (*e == named(exact, fast) || *e == named(fast, exact)),
    };
    suite.check(ok, || format!("kinds: {got:?}"));
    if let Some(e) = &got {
        let text = e.to_string();
        suite.check(
            text.contains("rank 0 has Exact partial of f64")
                && text.contains("rank 1 has Fast partial of f64"),
            || format!("kinds message: {text}"),
        );
    }
    suite.same_error_everywhere(&got.map_or(Ok(()), Err), "kinds");

    local_errors(suite);
    counts_errors(suite);

    // The communicator is still in step: a normal dot works.
    let world = &suite.world;
    let x = DistVector::from_fn(world, 1000, Layout::Cyclic, |i| i as f64).unwrap();
    let d = pdot_mpi::dot(world, Accuracy::Exact, &x, &x);
    let expected: f64 = (0..1000).map(|i| (i * i) as f64).sum();
    suite.check(d == Ok(expected), || format!("after the errors: {d:?}"));
}

/// Bad local pieces and disagreeing accuracies or counts of dot products: the same error on
/// every rank, and a normal call afterwards.
fn local_errors(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let last = ranks - 1;
    let after = |suite: &Suite, what: &str| {
        let d = pdot_mpi::dot_local(world, Accuracy::Exact, &[1.0f64, 2.0], &[3.0, 4.0]);
        suite.check(d == Ok(11.0 * ranks as f64), || {
            format!("after {what}: {d:?}")
        });
    };

    // x and y of different lengths on the last rank, at every level.
    for &accuracy in Accuracy::ALL {
        let x = vec![1.0f32; 10];
        let y = vec![1.0f32; if rank == last { 9 } else { 10 }];
        let got = pdot_mpi::dot_local_as::<f64, f32>(world, accuracy, &x, &y);
        let expected = Err(Error::LengthMismatch {
            rank: last,
            x: 10,
            y: 9,
        });
        suite.check(got == expected, || format!("dot_local lengths: {got:?}"));
        let text = got.err().map(|e| e.to_string()).unwrap_or_default();
        suite.check(
            text == format!("x and y differ in length on rank {last}: x has 10 elements, y has 9"),
            || format!("dot_local lengths message: {text}"),
        );
    }
    after(suite, "dot_local lengths");

    // Another accuracy on rank 0.
    let accuracy = if rank == 0 {
        Accuracy::Exact
    } else {
        Accuracy::Fast
    };
    let got = pdot_mpi::dot_local(world, accuracy, &[1.0f64], &[1.0]).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Accuracy,
        low_rank: 1,
        low: 0,
        high_rank: 0,
        high: 2,
    });
    suite.check(got == expected, || format!("dot_local accuracies: {got:?}"));
    if let Some(e) = &got {
        let text = e.to_string();
        suite.check(
            text == "ranks disagree on the accuracy: rank 1 has fast, rank 0 has exact",
            || format!("accuracies message: {text}"),
        );
    }
    after(suite, "dot_local accuracies");

    // LocalDots: another accuracy on rank 0.
    let mut dots = LocalDots::<f64>::new(accuracy);
    dots.push(&[1.0f64], &[1.0]);
    let got = dots.allreduce(world).err();
    suite.check(got == expected, || format!("LocalDots accuracies: {got:?}"));

    // LocalDots: one dot product more on the last rank.
    let mut dots = LocalDots::<f32>::new(Accuracy::Compensated);
    for _ in 0..2 + usize::from(rank == last) {
        dots.push(&[1.0f32], &[1.0]);
    }
    let got = dots.allreduce(world).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Count,
        low_rank: 0,
        low: 2,
        high_rank: last,
        high: 3,
    });
    suite.check(got == expected, || format!("LocalDots counts: {got:?}"));

    // LocalDots: pieces of different lengths on rank 0 (its second dot product).
    let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    dots.push(&[1.0f64; 4], &[1.0; 4]);
    dots.push(&[1.0f64; 5], &vec![1.0; if rank == 0 { 4 } else { 5 }]);
    let got = dots.allreduce(world);
    let expected = Err(Error::LengthMismatch {
        rank: 0,
        x: 5,
        y: 4,
    });
    suite.check(got == expected, || format!("LocalDots lengths: {got:?}"));

    // allreduce_array of the wrong size, everywhere.
    let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
    dots.push(&[1.0f64], &[2.0]);
    let got = dots.allreduce_array::<_, 2>(world);
    let expected = Err(Error::CountMismatch {
        expected: 2,
        found: 1,
    });
    suite.check(got == expected, || format!("allreduce_array: {got:?}"));
    let mut dots = LocalDots::<f64>::new(Accuracy::Fast);
    dots.push(&[1.0f64], &[2.0]);
    let got = dots.allreduce_array::<_, 1>(world);
    suite.check(got == Ok([2.0 * ranks as f64]), || {
        format!("allreduce_array: {got:?}")
    });
    after(suite, "LocalDots errors");
}

/// Vectors distributed by counts the ranks disagree on, counts for another number of ranks,
/// a share of the wrong length, x and y split differently: the same error on every rank.
fn counts_errors(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let last = ranks - 1;
    let even = Counts::new(vec![3; ranks]).unwrap();

    // Another sum on the last rank: reported as the global length.
    let mut mine: Vec<usize> = vec![3; ranks];
    if rank == last {
        mine[0] += 1;
    }
    let counts = Counts::new(mine.clone()).unwrap();
    let got = DistVector::from_counts_fn(world, &counts, |i| i as f64).err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::GlobalLength,
        low_rank: 0,
        low: 3 * ranks as u64,
        high_rank: last,
        high: 3 * ranks as u64 + 1,
    });
    suite.check(got == expected, || format!("counts sums: {got:?}"));

    // The same sum, split otherwise on the last rank: the counts (by digest, either order).
    if rank == last && ranks > 1 {
        mine[1] -= 1;
    }
    let counts = Counts::new(mine).unwrap();
    let got = DistVector::from_counts_fn(world, &counts, |i| i as f64);
    let ok = match &got {
        Ok(_) => ranks == 1,
        Err(Error::Disagree {
            what: Quantity::Counts,
            low_rank,
            high_rank,
            ..
        }) => ranks > 1 && [(*low_rank, *high_rank), (*high_rank, *low_rank)].contains(&(0, last)),
        Err(_) => false,
    };
    suite.check(ok, || format!("counts splits: {:?}", got.as_ref().err()));
    suite.same_error_everywhere(&got, "counts splits");

    // Counts for one rank more than there are, everywhere.
    let more = Counts::new(vec![1; ranks + 1]).unwrap();
    let got = DistVector::from_local_counts(world, &more, vec![1.0f64]).err();
    let expected = Some(Error::CountsRanks {
        counts: ranks + 1,
        ranks,
    });
    suite.check(got == expected, || format!("counts ranks: {got:?}"));

    // A share of the wrong length on the last rank.
    let len = 3 + usize::from(rank == last);
    let got = DistVector::from_local_counts(world, &even, vec![1.0f64; len]).err();
    let expected = Some(Error::LocalLength {
        rank: last,
        expected: 3,
        found: 4,
    });
    suite.check(got == expected, || format!("counts share: {got:?}"));

    // x by counts, y by the block layout of the same length.
    let x = DistVector::from_local_counts(world, &even, vec![1.0f64; 3]).unwrap();
    let y = DistVector::from_fn(world, 3 * ranks, Layout::Block, |_| 1.0f64).unwrap();
    let got = pdot_mpi::dot(world, Accuracy::Exact, &x, &y).err();
    let expected = Some(Error::CountsMismatch {
        x: 3 * ranks,
        y: 3 * ranks,
    });
    suite.check(got == expected, || format!("counts and block: {got:?}"));
    let d = pdot_mpi::dot(world, Accuracy::Exact, &x, &x);
    suite.check(d == Ok(3.0 * ranks as f64), || {
        format!("after counts errors: {d:?}")
    });
}

/// Several dot products in one message give what separate calls give.
fn user_partials(suite: &Suite) {
    let world = &suite.world;
    let n = 10_007;
    let x = DistVector::from_fn(world, n, Layout::BlockCyclic(7), |i| unit(i, 1)).unwrap();
    let y = DistVector::from_fn(world, n, Layout::BlockCyclic(7), |i| unit(i, 2)).unwrap();
    let mut both: (ExactPartial<f64>, [FastPartial<f64>; 2]) = (
        pdot_mpi::local_partial(&x, &y).unwrap(),
        [
            pdot_mpi::local_partial(&x, &x).unwrap(),
            pdot_mpi::local_partial(&y, &y).unwrap(),
        ],
    );
    allreduce(world, &mut both).unwrap();
    let xy = pdot_mpi::dot(world, Accuracy::Exact, &x, &y).unwrap();
    let xx = pdot_mpi::dot(world, Accuracy::Fast, &x, &x).unwrap();
    let yy = pdot_mpi::dot(world, Accuracy::Fast, &y, &y).unwrap();
    let got = (both.0.finish(), both.1[0].finish(), both.1[1].finish());
    suite.check(got == (xy, xx, yy), || {
        format!("one message {got:?} != separate calls {:?}", (xy, xx, yy))
    });
    // The strided kernel path of a replicated vector agrees with the local copy.
    let whole: Vec<f64> = (0..n).map(|i| unit(i, 1)).collect();
    let p = x.partition();
    if let Some((first, _)) = p.runs().next() {
        let view = Strided::blocked(&whole[first..], p.local_len(), 7, 7 * p.ranks()).unwrap();
        let a = FastPartial::<f64>::of_strided(view, view).finish();
        let b = FastPartial::<f64>::of(x.local(), x.local()).finish();
        suite.check(a.to_bits() == b.to_bits(), || {
            format!("blocked view {a} != {b}")
        });
    }
}

/// Exact partials whose wire forms have different lengths on every rank (zero, one digit,
/// digits spread over the whole range, negative), several per message: the reduction gives
/// the bits `simulate` gives on the values of all ranks (each rank computes them all).
fn variable_length_values(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let values_of = |r: usize| -> [ExactPartial<f64>; 3] {
        let big = 1e300 * (r as f64 + 1.0);
        let tiny = f64::from_bits(1 + r as u64);
        let sign = if r.is_multiple_of(2) { 1.0 } else { -1.0 };
        [
            ExactPartial::of(&[big, tiny, sign], &[sign, 1e-10, 3.0]),
            if r.is_multiple_of(3) {
                ExactPartial::new()
            } else {
                ExactPartial::of(&[-(r as f64)], &[4.0])
            },
            ExactPartial::of(&[2f64.powi(r as i32 * 40 - 500)], &[-1.0]),
        ]
    };
    let all: Vec<[ExactPartial<f64>; 3]> = (0..ranks).map(values_of).collect();
    let want = pdot_mpi::simulate(&all)[0].clone();
    let mut mine = values_of(rank);
    let lengths: Vec<usize> = mine.iter().map(|p| p.to_wire().len()).collect();
    let got = allreduce(world, &mut mine);
    suite.check(got.is_ok() && mine == want, || {
        format!("variable-length exact values (lengths {lengths:?}): {got:?}, {mine:?} != {want:?}")
    });
}

/// Messages longer than a posted receive takes (4096 bytes: announced by a marker, then
/// received by probe): on every rank, the bits `simulate` gives; with a long message on some
/// ranks only (different counts, short and long both ways round), the same error on every
/// rank and no hang; and normal calls afterwards.
fn long_messages(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    // 300 values of ~16 to ~60 bytes each: one message of several KiB.
    let values_of = |r: usize| -> Vec<(FastPartial<f64>, ExactPartial<f64>)> {
        (0..300)
            .map(|i| {
                let v = [unit(i, r as u64), 1e200 * unit(i + 7, 3), 1e-200];
                let w = [unit(i, 9), 1e-190, -(i as f64)];
                (FastPartial::of(&v, &w), ExactPartial::of(&v, &w))
            })
            .collect()
    };
    let all: Vec<Vec<_>> = (0..ranks).map(values_of).collect();
    let mut bytes = Vec::new();
    for v in &all[rank] {
        v.encode(&mut bytes);
    }
    suite.check(bytes.len() > 4096, || {
        format!("long messages: only {} bytes", bytes.len())
    });
    // `simulate` over whole slices: the reduction combines them element by element.
    #[derive(Clone)]
    struct Many(Vec<(FastPartial<f64>, ExactPartial<f64>)>);
    impl Reducible for Many {
        const WIRE_LEN: usize = 0;
        fn write_wire(&self, _: &mut [u8]) {}
        fn read_wire(_: &[u8]) -> Option<Self> {
            None
        }
        fn combine(&mut self, right: &Self) {
            for (a, b) in self.0.iter_mut().zip(&right.0) {
                a.combine(b);
            }
        }
    }
    let want = simulate(&all.iter().cloned().map(Many).collect::<Vec<_>>())[0].clone();
    let mut mine = values_of(rank);
    let got = allreduce_slice(world, &mut mine);
    let same = mine.len() == want.0.len()
        && mine
            .iter()
            .zip(&want.0)
            .all(|(a, b)| a.0.finish().to_bits() == b.0.finish().to_bits() && a.1 == b.1);
    suite.check(got.is_ok() && same, || format!("long messages: {got:?}"));

    // Long on the last rank only, then on every rank but the last.
    for long_last in [true, false] {
        let long = (rank == ranks - 1) == long_last;
        let count = if long { 600 } else { 2 };
        let mut values = vec![FastPartial::<f64>::of(&[1.0], &[2.0]); count];
        let got = allreduce_slice(world, &mut values).err();
        let (short_rank, long_rank) = if long_last {
            (0, ranks - 1)
        } else {
            (ranks - 1, 0)
        };
        let expected = (ranks > 1).then_some(Error::Disagree {
            what: Quantity::Count,
            low_rank: short_rank,
            low: 2,
            high_rank: long_rank,
            high: 600,
        });
        suite.check(got == expected, || {
            format!("long and short messages (long on the last: {long_last}): {got:?}")
        });
        suite.same_error_everywhere(&got.map_or(Ok(()), Err), "long and short messages");
    }
    // Still in step.
    let mut p = ExactPartial::<f64>::of(&[rank as f64], &[1.0]);
    let got = allreduce(world, &mut p);
    let expected: f64 = (0..ranks).map(|r| r as f64).sum();
    suite.check(got.is_ok() && p.finish() == expected, || {
        format!("after long messages: {got:?}")
    });
}

/// The same-type and dsdot entry points are the generic ones under other names.
fn aliases(suite: &Suite) {
    let world = &suite.world;
    let n = 1001;
    let layout = Layout::BlockCyclic(3);
    let w64: Vec<f64> = (0..n).map(|i| unit(i, 7)).collect();
    let w32: Vec<f32> = w64.iter().map(|&v| v as f32).collect();
    let x64 = DistVector::from_fn(world, n, layout, |i| w64[i]).unwrap();
    let x32 = DistVector::from_fn(world, n, layout, |i| w32[i]).unwrap();
    for &a in Accuracy::ALL {
        let pairs = [
            (
                pdot_mpi::dot(world, a, &x64, &x64).map(bits),
                pdot_mpi::dot_as::<f64, f64>(world, a, &x64, &x64).map(bits),
            ),
            (
                pdot_mpi::dot(world, a, &x32, &x32).map(bits),
                pdot_mpi::dot_as::<f32, f32>(world, a, &x32, &x32).map(bits),
            ),
            (
                pdot_mpi::dsdot(world, a, &x32, &x32).map(bits),
                pdot_mpi::dot_as::<f64, f32>(world, a, &x32, &x32).map(bits),
            ),
            (
                pdot_mpi::dot_replicated(world, a, layout, &w64, &w64).map(bits),
                pdot_mpi::dot_replicated_as::<f64, f64>(world, a, layout, &w64, &w64).map(bits),
            ),
            (
                pdot_mpi::dsdot_replicated(world, a, layout, &w32, &w32).map(bits),
                pdot_mpi::dot_replicated_as::<f64, f32>(world, a, layout, &w32, &w32).map(bits),
            ),
        ];
        for (k, (alias, generic)) in pairs.iter().enumerate() {
            suite.check(alias.is_ok() && alias == generic, || {
                format!("alias {k} at {}: {alias:x?} != {generic:x?}", a.name())
            });
        }
    }
}

/// pdot's messages travel on its private duplicate of the caller's communicator: receives
/// the caller posts on the same communicator with any source and any tag stay pending
/// through pdot's collectives (all their message patterns: both passes of the reduction,
/// an error, building vectors), then receive exactly the caller's messages. A duplicate of
/// a communicator gets its own private communicator, freed with it.
fn private_messages(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size(), world.rank());
    let (to, from) = ((rank + 1) % ranks, (rank + ranks - 1) % ranks);
    // Tags the caller may well use: 0, and the tag pdot's messages carry on its own
    // communicator (0x5d07).
    let tags = [0, 0x5d07];
    let mut inbox = [[0i64; 3]; 2];
    mpi::request::multiple_scope(2, |scope, receives| {
        for buffer in inbox.iter_mut() {
            receives.add(world.any_process().immediate_receive_into(scope, buffer));
        }
        // pdot's collectives on the same communicator.
        let x = DistVector::from_fn(world, 5000, Layout::Cyclic, |i| unit(i, 8)).unwrap();
        let d = pdot_mpi::dot(world, Accuracy::Exact, &x, &x);
        suite.check(d.is_ok(), || format!("dot beside pending receives: {d:?}"));
        let whole: Vec<f32> = (0..777).map(|i| unit(i, 9) as f32).collect();
        let r = pdot_mpi::dsdot_replicated(world, Accuracy::Fast, Layout::Block, &whole, &whole);
        suite.check(r.is_ok(), || format!("dsdot_replicated: {r:?}"));
        let mut values = vec![FastPartial::<f64>::new(); if rank == 0 { 1 } else { 2 }];
        let e = allreduce_slice(world, &mut values);
        suite.check(ranks == 1 || e.is_err(), || {
            "an error's second pass beside pending receives".to_string()
        });
        // None of that matched the caller's receives.
        let pending = receives.test_any().is_none();
        suite.check(pending, || {
            "a receive of the caller matched one of pdot's messages".to_string()
        });
        // Now the caller's own messages, which satisfy them, once every rank has checked
        // (MPI's barrier never matches point-to-point receives).
        world.barrier();
        let next = world.process_at_rank(to);
        for (k, &tag) in tags.iter().enumerate() {
            next.send_with_tag(&[i64::from(rank), i64::from(tag), k as i64][..], tag);
        }
        let mut done = Vec::new();
        receives.wait_all(&mut done);
        done.sort_by_key(|(k, _, _)| *k);
        for (k, status) in done.iter().map(|(_, s, _)| s).enumerate() {
            suite.check(
                status.source_rank() == from && status.tag() == tags[k],
                || {
                    format!(
                        "receive {k}: from {} tag {}",
                        status.source_rank(),
                        status.tag()
                    )
                },
            );
        }
    });
    for (k, got) in inbox.iter().enumerate() {
        let want = [i64::from(from), i64::from(tags[k]), k as i64];
        suite.check(*got == want, || {
            format!("message {k}: {got:?}, expected {want:?}")
        });
    }

    // A duplicate of the caller's communicator gets its own private one (collectively, on
    // first use), reused on later calls, and freed with it.
    let before = pdot_mpi::private_communicators();
    let mine = world.duplicate();
    let mut p = FastPartial::<f64>::of(&[1.0], &[f64::from(rank)]);
    allreduce(&mine, &mut p).unwrap();
    allreduce(&mine, &mut p).unwrap();
    let during = pdot_mpi::private_communicators();
    drop(mine);
    let after = pdot_mpi::private_communicators();
    suite.check((during, after) == (before + 1, before), || {
        format!("private communicators: {before} before, {during} in use, {after} after free")
    });
    // Twice: the sum of the ranks, then that on every rank summed.
    let expected = f64::from(ranks) * (0..ranks).map(f64::from).sum::<f64>();
    suite.check(p.finish() == expected, || {
        format!(
            "allreduce on a duplicate: {}, expected {expected}",
            p.finish()
        )
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let expected_ranks: i32 = match args.iter().position(|a| a == "--ranks") {
        Some(i) => args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(0),
        None => 1,
    };
    let universe = mpi::initialize().expect("MPI initialises");
    let world = universe.world();
    if world.size() != expected_ranks {
        eprintln!(
            "FAIL: expected a world of {expected_ranks} ranks, got {} (launched by the \
             mpiexec of another MPI?)",
            world.size()
        );
        std::process::exit(1);
    }
    let suite = Suite {
        world,
        failures: Default::default(),
        checks: Default::default(),
    };
    for precision in Precision::ALL {
        precision.visit(Results(&suite));
        precision.visit(LocalSlices(&suite));
        precision.visit(norm::Norms(&suite));
    }
    aliases(&suite);
    collective_errors(&suite);
    private_messages(&suite);
    user_partials(&suite);
    variable_length_values(&suite);
    long_messages(&suite);
    split::split(&suite);
    mdot::run(&suite);
    borrowed::run(&suite);
    let mine = suite.failures.get() as u64;
    let mut total = 0u64;
    suite
        .world
        .all_reduce_into(&mine, &mut total, SystemOperation::sum());
    if suite.world.rank() == 0 {
        println!(
            "mpi suite: {} ranks, {} checks per rank, {total} failures",
            suite.world.size(),
            suite.checks.get()
        );
    }
    if total > 0 {
        std::process::exit(1);
    }
}
