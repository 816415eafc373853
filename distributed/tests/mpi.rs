//! The MPI test suite: run under `mpiexec -n P` (scripts/mpi-tests.sh runs P = 1, 2, 3, 4,
//! 7, 8, with MPICH and with Open MPI); `cargo test` runs it as one rank.
//!
//! Usage: `mpi [--ranks P]`. Asserts the world has P ranks (default 1: the launcher trap
//! would otherwise pass silently), then checks on every rank:
//! - Exact results equal the single-core kernel on the whole vectors, bit for bit, for every
//!   layout, data set and precision (so they are equal across all P and layouts);
//! - Fast and Compensated results are the same bits on every rank, from `dot` and
//!   `dot_replicated`, on repeated calls, and equal to the one-thread simulation of the
//!   reduction ([`pdot_mpi::schedule::simulate`]) over the ranks' partials;
//! - bad input on one rank gives the same error on every rank, and the communicator stays
//!   usable afterwards.
//!
//! Rank 0 prints one `digest` line per result; the script compares them across P (Exact) and
//! across runs and MPI libraries (all levels).

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Real, Strided,
};
use pdot_mpi::{
    DistVector, Error, Layout, Partition, Quantity, Reducible, allreduce, allreduce_slice,
    schedule::simulate,
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

/// The element types of one precision, and their kernels.
trait Case {
    type In: Input<Self::Out> + Copy + Send;
    type Out: Real;
    const NAME: &'static str;
    fn input(v: f64) -> Self::In;
    fn bits(v: Self::Out) -> u64;
    fn dot<C: Communicator>(
        c: &C,
        a: Accuracy,
        x: &DistVector<Self::In>,
        y: &DistVector<Self::In>,
    ) -> Result<Self::Out, Error>;
    fn dot_replicated<C: Communicator>(
        c: &C,
        a: Accuracy,
        l: Layout,
        x: &[Self::In],
        y: &[Self::In],
    ) -> Result<Self::Out, Error>;
    fn kernel_exact(x: &[Self::In], y: &[Self::In]) -> Self::Out;
}

struct F64;
struct F32;
struct F32F64;

impl Case for F64 {
    type In = f64;
    type Out = f64;
    const NAME: &'static str = "f64";
    fn input(v: f64) -> f64 {
        v
    }
    fn bits(v: f64) -> u64 {
        v.to_bits()
    }
    fn dot<C: Communicator>(
        c: &C,
        a: Accuracy,
        x: &DistVector<f64>,
        y: &DistVector<f64>,
    ) -> Result<f64, Error> {
        pdot_mpi::dot(c, a, x, y)
    }
    fn dot_replicated<C: Communicator>(
        c: &C,
        a: Accuracy,
        l: Layout,
        x: &[f64],
        y: &[f64],
    ) -> Result<f64, Error> {
        pdot_mpi::dot_replicated(c, a, l, x, y)
    }
    fn kernel_exact(x: &[f64], y: &[f64]) -> f64 {
        pdot_kernels::dot_with(Accuracy::Exact, x, y)
    }
}

impl Case for F32 {
    type In = f32;
    type Out = f32;
    const NAME: &'static str = "f32";
    fn input(v: f64) -> f32 {
        v as f32
    }
    fn bits(v: f32) -> u64 {
        u64::from(v.to_bits())
    }
    fn dot<C: Communicator>(
        c: &C,
        a: Accuracy,
        x: &DistVector<f32>,
        y: &DistVector<f32>,
    ) -> Result<f32, Error> {
        pdot_mpi::dot(c, a, x, y)
    }
    fn dot_replicated<C: Communicator>(
        c: &C,
        a: Accuracy,
        l: Layout,
        x: &[f32],
        y: &[f32],
    ) -> Result<f32, Error> {
        pdot_mpi::dot_replicated(c, a, l, x, y)
    }
    fn kernel_exact(x: &[f32], y: &[f32]) -> f32 {
        pdot_kernels::dot_with(Accuracy::Exact, x, y)
    }
}

impl Case for F32F64 {
    type In = f32;
    type Out = f64;
    const NAME: &'static str = "f32-f64";
    fn input(v: f64) -> f32 {
        v as f32
    }
    fn bits(v: f64) -> u64 {
        v.to_bits()
    }
    fn dot<C: Communicator>(
        c: &C,
        a: Accuracy,
        x: &DistVector<f32>,
        y: &DistVector<f32>,
    ) -> Result<f64, Error> {
        pdot_mpi::dsdot(c, a, x, y)
    }
    fn dot_replicated<C: Communicator>(
        c: &C,
        a: Accuracy,
        l: Layout,
        x: &[f32],
        y: &[f32],
    ) -> Result<f64, Error> {
        pdot_mpi::dsdot_replicated(c, a, l, x, y)
    }
    fn kernel_exact(x: &[f32], y: &[f32]) -> f64 {
        pdot_kernels::dsdot_with(Accuracy::Exact, x, y)
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

fn results<K: Case>(suite: &Suite) {
    let (ranks, rank) = (suite.world.size() as usize, suite.world.rank() as usize);
    for data in DATA {
        for n in LENGTHS {
            let whole: Vec<(K::In, K::In)> = (0..n)
                .map(|i| {
                    let (a, b) = (data.element)(i);
                    (K::input(a), K::input(b))
                })
                .collect();
            let (wx, wy): (Vec<K::In>, Vec<K::In>) = whole.iter().copied().unzip();
            let reference = K::bits(K::kernel_exact(&wx, &wy));
            for layout in LAYOUTS {
                let world = &suite.world;
                let x = DistVector::from_fn(world, n, layout, |i| wx[i]).unwrap();
                let y = DistVector::from_fn(world, n, layout, |i| wy[i]).unwrap();
                let key = format!("{} {} n={n} {layout}", K::NAME, data.name);
                let p = Partition::new(n, ranks, rank, layout).unwrap();
                suite.check(x.local().len() == p.local_len(), || {
                    format!("{key}: local length {}", x.local().len())
                });
                let mut all = [0u64; 3];
                for (level, &accuracy) in Accuracy::ALL.iter().enumerate() {
                    let world = &suite.world;
                    let d = K::dot(world, accuracy, &x, &y).map(K::bits);
                    let rep = K::dot_replicated(world, accuracy, layout, &wx, &wy).map(K::bits);
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
                            K::bits(simulated::<FastPartial<K::Out>, _>(ranks, layout, &wx, &wy))
                        }
                        _ => K::bits(simulated::<CompensatedPartial<K::Out>, _>(
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
    results::<F64>(&suite);
    results::<F32>(&suite);
    results::<F32F64>(&suite);
    collective_errors(&suite);
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
