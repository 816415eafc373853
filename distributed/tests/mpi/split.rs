//! Split-phase reductions ([`pdot_mpi::allreduce_begin`], [`LocalDots::begin`],
//! [`pdot_mpi::dot_local_begin`]), checked on every rank:
//! - the same bits as the blocking calls, for every level and type pair, with the handles
//!   outstanding across blocking reductions;
//! - several handles of different kinds outstanding at once, finished in reverse order and
//!   in a random order drawn per rank (a different order on each rank), some dropped
//!   unfinished: right results and no hang;
//! - interleaved with the caller's own messages on the same communicator, which match only
//!   the caller's receives;
//! - `test` loops until done;
//! - disagreeing counts, lengths, accuracies and kinds: the same `Err` on every rank from
//!   `finish`, with other handles outstanding;
//! - a `Reducible` whose combine panics (P a power of two, where every rank meets it in the
//!   same round): the panic reaches the caller, and later reductions work;
//! - at P = 2, a reduction abandoned by a panic on one rank while its large message is still
//!   in flight: the peer receives that message intact afterwards (the buffer of a send in
//!   flight outlives the handle).

use mpi::point_to_point::{Destination, Source};
use mpi::traits::{Communicator, CommunicatorCollectives};
use pdot_kernels::{
    Accuracy, CompensatedPartial, ExactPartial, FastPartial, Input, Partial, Precision, Real,
    VisitPrecision,
};
use pdot_mpi::{Error, LocalDots, Quantity, Reducible, allreduce_slice};

use super::{DATA, DataSet, Suite, bits, input, mix, random_split, unit};

/// Every split-phase check.
pub(super) fn split(suite: &Suite) {
    for precision in Precision::ALL {
        precision.visit(SameBits(suite));
    }
    any_order(suite);
    interleaved(suite);
    test_loops(suite);
    dropped(suite);
    errors(suite);
    panics(suite);
    abandoned_send(suite);
}

/// [`same_bits`] for the types of the visited precision.
struct SameBits<'a>(&'a Suite);

impl VisitPrecision for SameBits<'_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        same_bits::<O, E>(self.0);
    }
}

fn all_bits<O: Real>(r: Result<Vec<O>, Error>) -> Result<Vec<u64>, Error> {
    r.map(|v| v.into_iter().map(bits).collect())
}

fn partial_bits<P: Partial>(r: Result<Vec<P>, Error>) -> Result<Vec<u64>, Error> {
    r.map(|v| v.iter().map(|p| bits(p.finish())).collect())
}

/// This rank's pieces of a data set of `n` elements split by `seed`.
fn pieces<E: Real>(suite: &Suite, data: DataSet, n: usize, seed: u64) -> (Vec<E>, Vec<E>) {
    let (ranks, rank) = (suite.world.size() as usize, suite.world.rank() as usize);
    let counts = random_split(n, ranks, seed);
    let start: usize = counts[..rank].iter().sum();
    (start..start + counts[rank])
        .map(|i| {
            let (a, b) = (data.element)(i);
            (input::<E>(a), input::<E>(b))
        })
        .unzip()
}

/// The partials of level `P` of `x·y`, `x·x`, `y·y`, split-phase against blocking.
fn typed<P: Partial + Reducible, E: Input<P::Output>>(suite: &Suite, x: &[E], y: &[E], what: &str) {
    let world = &suite.world;
    let make = || vec![P::of(x, y), P::of(x, x), P::of(y, y)];
    let pending = pdot_mpi::allreduce_begin(world, make());
    let mut blocking = make();
    let b = allreduce_slice(world, &mut blocking).map(|()| blocking);
    let (s, b) = (partial_bits(pending.finish()), partial_bits(b));
    suite.check(s.is_ok() && s == b, || {
        format!("{what}: allreduce_begin {s:x?} != allreduce_slice {b:x?}")
    });
}

/// For every data set, a few lengths and irregular splits and every level: `dot_local_begin`
/// equals `dot_local_as`, `LocalDots::begin` equals `LocalDots::allreduce` (three dot
/// products in one message), and `allreduce_begin` of typed partials equals
/// `allreduce_slice`. The split-phase handles are outstanding while the blocking calls run.
fn same_bits<O: Real, E: Input<O>>(suite: &Suite) {
    let world = &suite.world;
    let name = <E as Input<O>>::PRECISION.name();
    for data in DATA {
        for (n, seed) in [(0, 1), (1, 2), (1000, 3), (30_011, 4)] {
            let (x, y) = pieces::<E>(suite, data, n, seed);
            for &accuracy in Accuracy::ALL {
                let what = format!("split {name} {} n={n} {}", data.name, accuracy.name());
                let one = pdot_mpi::dot_local_begin::<O, E>(world, accuracy, &x, &y);
                let mut dots = LocalDots::<O>::new(accuracy);
                for (a, b) in [(&x, &y), (&x, &x), (&y, &y)] {
                    dots.push(a, b);
                }
                let three = dots.clone().begin(world);
                let blocking_one = pdot_mpi::dot_local_as::<O, E>(world, accuracy, &x, &y);
                let blocking_three = dots.allreduce(world);
                let (one, three) = (one.finish().map(bits), all_bits(three.finish()));
                let (b1, b3) = (blocking_one.map(bits), all_bits(blocking_three));
                suite.check(one.is_ok() && one == b1, || {
                    format!("{what}: dot_local_begin {one:x?} != dot_local_as {b1:x?}")
                });
                suite.check(three.is_ok() && three == b3, || {
                    format!("{what}: LocalDots::begin {three:x?} != allreduce {b3:x?}")
                });
                match accuracy {
                    Accuracy::Fast => typed::<FastPartial<O>, E>(suite, &x, &y, &what),
                    Accuracy::Compensated => {
                        typed::<CompensatedPartial<O>, E>(suite, &x, &y, &what)
                    }
                    _ => typed::<ExactPartial<O>, E>(suite, &x, &y, &what),
                }
            }
        }
    }
}

/// A permutation of `0..k` drawn from `seed`.
fn permutation(k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        let j = (mix(seed ^ i as u64) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// One of several kinds of split-phase reduction, finished into bits.
enum Handle {
    Exact(pdot_mpi::Pending<ExactPartial<f64>>),
    Pair(pdot_mpi::Pending<(FastPartial<f32>, CompensatedPartial<f64>)>),
    Dots(pdot_mpi::PendingDots<f64>),
    Dot(pdot_mpi::PendingDot<f32>),
}

impl Handle {
    fn test(&mut self) -> bool {
        match self {
            Handle::Exact(h) => h.test(),
            Handle::Pair(h) => h.test(),
            Handle::Dots(h) => h.test(),
            Handle::Dot(h) => h.test(),
        }
    }

    fn finish(self) -> Result<Vec<u64>, Error> {
        match self {
            Handle::Exact(h) => partial_bits(h.finish()),
            Handle::Pair(h) => h.finish().map(|v| {
                v.iter()
                    .flat_map(|(a, b)| [bits(a.finish()), bits(b.finish())])
                    .collect()
            }),
            Handle::Dots(h) => all_bits(h.finish()),
            Handle::Dot(h) => h.finish().map(|d| vec![bits(d)]),
        }
    }
}

/// The `k`-th reduction of a batch: its handle, and the blocking call's bits for the same
/// values (computed first: the blocking calls may run while other handles are outstanding).
fn kth(suite: &Suite, k: usize, round: u64) -> (Handle, Result<Vec<u64>, Error>) {
    let world = &suite.world;
    let rank = world.rank() as u64;
    let len = 50 + (mix(round ^ k as u64) % 500) as usize;
    let x: Vec<f64> = (0..len)
        .map(|i| unit(i, rank * 1000 + round * 10 + k as u64))
        .collect();
    let y: Vec<f64> = (0..len).map(|i| unit(i, 999 + k as u64)).collect();
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    match k % 4 {
        0 => {
            let values = vec![ExactPartial::of(&x, &y), ExactPartial::of(&x, &x)];
            let mut blocking = values.clone();
            let b = allreduce_slice(world, &mut blocking).map(|()| blocking);
            (
                Handle::Exact(pdot_mpi::allreduce_begin(world, values)),
                partial_bits(b),
            )
        }
        1 => {
            let values = vec![(FastPartial::of(&x32, &x32), CompensatedPartial::of(&x, &y))];
            let mut blocking = values.clone();
            let b = allreduce_slice(world, &mut blocking).map(|()| {
                blocking
                    .iter()
                    .flat_map(|(a, b)| [bits(a.finish()), bits(b.finish())])
                    .collect()
            });
            (Handle::Pair(pdot_mpi::allreduce_begin(world, values)), b)
        }
        2 => {
            let mut dots = LocalDots::<f64>::new(Accuracy::Compensated);
            dots.push(&x, &y);
            dots.push(&x32, &x32);
            let b = all_bits(dots.clone().allreduce(world));
            (Handle::Dots(dots.begin(world)), b)
        }
        _ => {
            let b = pdot_mpi::dot_local::<f32>(world, Accuracy::Fast, &x32, &x32)
                .map(|d| vec![bits(d)]);
            let h = pdot_mpi::dot_local_begin::<f32, f32>(world, Accuracy::Fast, &x32, &x32);
            (Handle::Dot(h), b)
        }
    }
}

/// Batches of handles of every kind outstanding at once, finished in reverse order, then in
/// an order drawn per rank (different ranks finish different handles first), with some
/// handles dropped unfinished at a point drawn per rank.
fn any_order(suite: &Suite) {
    let rank = suite.world.rank() as u64;
    for round in 0..12u64 {
        let k = 1 + (round as usize % 7);
        let (mut handles, expected): (Vec<Option<Handle>>, Vec<_>) = (0..k)
            .map(|i| {
                let (h, b) = kth(suite, i, round);
                (Some(h), b)
            })
            .unzip();
        let order: Vec<usize> = if round % 2 == 0 {
            (0..k).rev().collect()
        } else {
            permutation(k, mix(round) ^ mix(rank + 77))
        };
        for (at, &i) in order.iter().enumerate() {
            let Some(h) = handles[i].take() else { continue };
            if round % 3 == 2 && mix(rank ^ round ^ i as u64).is_multiple_of(3) {
                drop(h);
                continue;
            }
            let got = h.finish();
            suite.check(got.is_ok() && got == expected[i], || {
                format!(
                    "round {round}: handle {i} (finished {at}th): {got:x?}, blocking {:x?}",
                    expected[i]
                )
            });
        }
    }
}

/// Handles outstanding while the caller exchanges its own messages on the same
/// communicator (any source, any tag) and pdot runs blocking reductions: the caller's
/// receives match only the caller's messages, and every result is right.
fn interleaved(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size(), world.rank());
    let (to, from) = ((rank + 1) % ranks, (rank + ranks - 1) % ranks);
    // Tags a caller may use, among them the first ones pdot's reductions take.
    let tags = [0, 1, 2];
    let mut inbox = [[0i64; 2]; 3];
    let mut results = Vec::new();
    mpi::request::multiple_scope(3, |scope, receives| {
        for buffer in inbox.iter_mut() {
            receives.add(world.any_process().immediate_receive_into(scope, buffer));
        }
        let (mut a, ea) = kth(suite, 0, 100);
        let (b, eb) = kth(suite, 2, 100);
        a.test();
        let blocking = pdot_mpi::dot_local(world, Accuracy::Exact, &[1.0f64, 2.0], &[3.0, 4.0]);
        suite.check(blocking == Ok(11.0 * f64::from(ranks)), || {
            format!("blocking dot beside handles: {blocking:?}")
        });
        let (c, ec) = kth(suite, 1, 100);
        a.test();
        suite.check(receives.test_any().is_none(), || {
            "a receive of the caller matched one of pdot's messages".to_string()
        });
        world.barrier();
        let next = world.process_at_rank(to);
        for &tag in &tags {
            next.send_with_tag(&[i64::from(rank), i64::from(tag)][..], tag);
        }
        results.push((c.finish(), ec));
        let mut done = Vec::new();
        receives.wait_all(&mut done);
        results.push((a.finish(), ea));
        results.push((b.finish(), eb));
    });
    for (k, (got, expected)) in results.iter().enumerate() {
        suite.check(got.is_ok() && got == expected, || {
            format!("interleaved handle {k}: {got:x?}, blocking {expected:x?}")
        });
    }
    let mut got: Vec<[i64; 2]> = inbox.to_vec();
    got.sort();
    let want: Vec<[i64; 2]> = tags
        .iter()
        .map(|&t| [i64::from(from), i64::from(t)])
        .collect();
    suite.check(got == want, || {
        format!("caller's messages {got:?}, expected {want:?}")
    });
}

/// `test` until done (every rank polling only through `test`), then `finish`.
fn test_loops(suite: &Suite) {
    for round in 0..4 {
        let (mut handles, expected): (Vec<Handle>, Vec<_>) =
            (0..3).map(|k| kth(suite, k + round, 200)).unzip();
        let mut polls = 0u64;
        while !handles.iter_mut().all(Handle::test) {
            polls += 1;
            std::hint::black_box(polls);
        }
        // Done stays done.
        let again = handles.iter_mut().all(Handle::test);
        suite.check(again, || "test after done said not done".to_string());
        for (k, (h, e)) in handles.into_iter().zip(expected).enumerate() {
            let got = h.finish();
            suite.check(got.is_ok() && got == e, || {
                format!("test loop {round} handle {k}: {got:x?}, blocking {e:x?}")
            });
        }
    }
}

/// Handles dropped unfinished (good ones, and ones headed for an error, whose second pass the
/// drop completes), then more reductions, blocking and split-phase: right results.
fn dropped(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    for round in 0..3u64 {
        let (a, _) = kth(suite, 0, 300 + round);
        let (mut b, _) = kth(suite, 3, 300 + round);
        let wrong = vec![FastPartial::<f64>::new(); if rank == ranks - 1 { 2 } else { 1 }];
        let c = pdot_mpi::allreduce_begin(world, wrong);
        b.test();
        if rank % 2 == 0 {
            drop(a);
            drop(c);
            drop(b);
        } else {
            drop(c);
            drop(b);
            drop(a);
        }
        let d = pdot_mpi::dot_local(world, Accuracy::Exact, &[1.0f64, 2.0], &[3.0, 4.0]);
        suite.check(d == Ok(11.0 * ranks as f64), || {
            format!("blocking after drops: {d:?}")
        });
        let (h, e) = kth(suite, 1, 310 + round);
        let got = h.finish();
        suite.check(got.is_ok() && got == e, || {
            format!("split after drops: {got:x?}, blocking {e:x?}")
        });
    }
}

/// Bad input on some rank, reported by `finish` the same on every rank, with a good handle
/// outstanding (finished after the bad one).
fn errors(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let last = ranks - 1;

    // One value more on the last rank.
    let (good, expected_good) = kth(suite, 0, 400);
    let bad = pdot_mpi::allreduce_begin(
        world,
        vec![ExactPartial::<f64>::new(); 2 + usize::from(rank == last)],
    );
    let got = bad.finish().err();
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Count,
        low_rank: 0,
        low: 2,
        high_rank: last,
        high: 3,
    });
    suite.check(got == expected, || format!("split counts: {got:?}"));
    let got_good = good.finish();
    suite.check(got_good.is_ok() && got_good == expected_good, || {
        format!("good handle beside a bad one: {got_good:x?}")
    });

    // Another accuracy on rank 0, through LocalDots and dot_local_begin.
    let accuracy = if rank == 0 {
        Accuracy::Exact
    } else {
        Accuracy::Fast
    };
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Accuracy,
        low_rank: 1,
        low: 0,
        high_rank: 0,
        high: 2,
    });
    let mut dots = LocalDots::<f64>::new(accuracy);
    dots.push(&[1.0f64], &[1.0]);
    let first = dots.begin(world);
    let second = pdot_mpi::dot_local_begin::<f64, f64>(world, accuracy, &[1.0], &[1.0]);
    let (second, first) = (second.finish().err(), first.finish().err());
    suite.check(first == expected, || {
        format!("LocalDots::begin accuracies: {first:?}")
    });
    suite.check(second == expected, || {
        format!("dot_local_begin accuracies: {second:?}")
    });

    // Pieces of different lengths on the last rank, at every level.
    for &accuracy in Accuracy::ALL {
        let y = vec![1.0f32; if rank == last { 9 } else { 10 }];
        let got = pdot_mpi::dot_local_begin::<f64, f32>(world, accuracy, &[1.0; 10], &y).finish();
        let expected = Err(Error::LengthMismatch {
            rank: last,
            x: 10,
            y: 9,
        });
        suite.check(got == expected, || {
            format!("dot_local_begin lengths at {}: {got:?}", accuracy.name())
        });
    }

    // Values of another kind on rank 0: the same KindDisagree everywhere.
    let got = if rank == 0 {
        pdot_mpi::allreduce_begin(world, vec![FastPartial::<f64>::new()])
            .finish()
            .map(|_| ())
    } else {
        pdot_mpi::allreduce_begin(world, vec![ExactPartial::<f64>::new()])
            .finish()
            .map(|_| ())
    };
    let ok = match &got {
        Ok(()) => ranks == 1,
        Err(Error::KindDisagree { .. }) => ranks > 1,
        Err(_) => false,
    };
    suite.check(ok, || format!("split kinds: {got:?}"));
    suite.same_error_everywhere(&got, "split kinds");

    // finish_array of the wrong size, everywhere.
    let mut dots = LocalDots::<f32>::new(Accuracy::Exact);
    dots.push(&[1.0f32], &[2.0]);
    let got = dots.begin(world).finish_array::<2>();
    let expected = Err(Error::CountMismatch {
        expected: 2,
        found: 1,
    });
    suite.check(got == expected, || format!("finish_array: {got:?}"));
}

/// A value whose combine panics.
#[derive(Clone)]
struct Grenade;

impl Reducible for Grenade {
    const WIRE_LEN: usize = 1;
    fn write_wire(&self, out: &mut [u8]) {
        out[0] = 7;
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        (bytes == [7]).then_some(Grenade)
    }
    fn combine(&mut self, _: &Self) {
        panic!("grenade");
    }
}

/// A combine that panics on every rank in the first round (P a power of two: every rank
/// exchanges first): the panic reaches `finish`'s caller on every rank, the handle is
/// abandoned (its drop while unwinding waits for nothing), and later reductions, with other
/// handles outstanding across the panic, work.
fn panics(suite: &Suite) {
    let world = &suite.world;
    let ranks = world.size() as usize;
    if ranks < 2 || !ranks.is_power_of_two() {
        return;
    }
    let (bystander, expected) = kth(suite, 2, 500);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let grenade = pdot_mpi::allreduce_begin(world, vec![Grenade]);
        let _ = grenade.finish();
    }));
    std::panic::set_hook(hook);
    suite.check(caught.is_err(), || {
        "the combine's panic was lost".to_string()
    });
    let got = bystander.finish();
    suite.check(got.is_ok() && got == expected, || {
        format!("handle across a panic: {got:x?}, blocking {expected:x?}")
    });
    let (h, e) = kth(suite, 0, 501);
    let got = h.finish();
    suite.check(got.is_ok() && got == e, || {
        format!("split after a panic: {got:x?}, blocking {e:x?}")
    });
}

/// The length of a [`Heavy`] value: beyond every eager limit, so that its send stays in
/// flight until the receiver takes it.
const HEAVY: usize = 1 << 22;

/// Set on the rank whose [`Heavy::combine`] panics.
static HEAVY_PANICS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A large value, combined byte by byte (wrapping sums); its combine panics where
/// [`HEAVY_PANICS`] is set.
#[derive(Clone)]
struct Heavy(Vec<u8>);

impl Heavy {
    fn of(rank: u64) -> Heavy {
        Heavy(
            (0..HEAVY)
                .map(|i| mix(rank ^ mix(i as u64)) as u8)
                .collect(),
        )
    }
}

impl Reducible for Heavy {
    const WIRE_LEN: usize = HEAVY;
    fn write_wire(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.0);
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        Some(Heavy(bytes.to_vec()))
    }
    fn combine(&mut self, right: &Self) {
        assert!(
            !HEAVY_PANICS.load(std::sync::atomic::Ordering::Relaxed),
            "heavy"
        );
        for (a, b) in self.0.iter_mut().zip(&right.0) {
            *a = a.wrapping_add(*b);
        }
    }
}

/// P = 2: rank 0 abandons the reduction (its combine panics) while its large message is
/// still in flight, rank 1 waiting outside pdot for a message of the caller's; then rank 1
/// finishes and must combine rank 0's message intact: the handle's drop released the send to
/// MPI and kept its buffer, instead of freeing it under MPI or waiting for a peer that
/// waits for it.
fn abandoned_send(suite: &Suite) {
    let world = &suite.world;
    if world.size() != 2 {
        return;
    }
    let rank = world.rank();
    let heavy = vec![Heavy::of(rank as u64)];
    if rank == 0 {
        HEAVY_PANICS.store(true, std::sync::atomic::Ordering::Relaxed);
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = pdot_mpi::allreduce_begin(world, heavy).finish();
        }));
        std::panic::set_hook(hook);
        HEAVY_PANICS.store(false, std::sync::atomic::Ordering::Relaxed);
        suite.check(caught.is_err(), || "heavy: the panic was lost".to_string());
        world.process_at_rank(1).send(&1u8);
    } else {
        let mut handle = pdot_mpi::allreduce_begin(world, heavy);
        let (_, _status) = world.process_at_rank(0).receive::<u8>();
        handle.test();
        let got = handle.finish();
        let want: Vec<u8> = Heavy::of(0)
            .0
            .iter()
            .zip(&Heavy::of(1).0)
            .map(|(a, b)| a.wrapping_add(*b))
            .collect();
        let ok = matches!(&got, Ok(v) if v.len() == 1 && v[0].0 == want);
        suite.check(ok, || "heavy: rank 0's message arrived damaged".to_string());
    }
}
