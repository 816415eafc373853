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
    DistVector, Error, Layout, Partition, Quantity, Reducible, allreduce, allreduce_slice, simulate,
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
    let exact_len = <ExactPartial<f64> as Partial>::WIRE_LEN as u64;
    let fast_len = <FastPartial<f64> as Partial>::WIRE_LEN as u64;
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::ValueKind,
        low_rank: 1,
        low: fast_len,
        high_rank: 0,
        high: exact_len,
    });
    suite.check(got == expected, || format!("kinds: {got:?}"));

    // The communicator is still in step: a normal dot works.
    let world = &suite.world;
    let x = DistVector::from_fn(world, 1000, Layout::Cyclic, |i| i as f64).unwrap();
    let d = pdot_mpi::dot(world, Accuracy::Exact, &x, &x);
    let expected: f64 = (0..1000).map(|i| (i * i) as f64).sum();
    suite.check(d == Ok(expected), || format!("after the errors: {d:?}"));
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
    }
    aliases(&suite);
    collective_errors(&suite);
    private_messages(&suite);
    user_partials(&suite);
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
