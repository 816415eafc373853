//! The deterministic all-reduce: the [schedule](crate::schedule) executed with point-to-point
//! messages of plain bytes.

use mpi::datatype::Equivalence;
use mpi::point_to_point::{Destination, Source};
use mpi::topology::Communicator;
use pdot_kernels::{CompensatedPartial, ExactPartial, FastPartial, Partial, Real};

use crate::agreement::{Agreement, Problem};
use crate::error::{Error, Quantity};
use crate::schedule::{Step, steps};

/// The MPI tag of pdot's reduction messages. pdot exchanges them on the caller's
/// communicator; a program that receives with `MPI_ANY_TAG` on the same communicator while a
/// pdot collective runs could intercept them.
pub const TAG: i32 = 0x5d07;

/// A value the deterministic reduction can combine: a fixed-size wire form and an ordered
/// combine `left ⊕ right`.
///
/// Implemented for the kernels' partials ([`FastPartial`], [`CompensatedPartial`],
/// [`ExactPartial`]), for arrays and for tuples of up to four, so that several dot products,
/// or a solver's own values, travel in one message. The combine need not be associative or
/// commutative: the reduction evaluates the same expression on every rank. Implement it for
/// your own type:
///
/// ```
/// use pdot_mpi::Reducible;
///
/// /// The largest residual seen by any rank.
/// #[derive(Clone, Debug)]
/// struct MaxResidual(f64);
///
/// impl Reducible for MaxResidual {
///     const WIRE_LEN: usize = 8;
///     fn write_wire(&self, out: &mut [u8]) {
///         out.copy_from_slice(&self.0.to_le_bytes());
///     }
///     fn read_wire(bytes: &[u8]) -> Option<Self> {
///         Some(MaxResidual(f64::from_le_bytes(bytes.try_into().ok()?)))
///     }
///     fn combine(&mut self, right: &Self) {
///         self.0 = self.0.max(right.0);
///     }
/// }
///
/// let mut m = MaxResidual(1.0);
/// m.combine(&MaxResidual(3.0));
/// assert_eq!(m.0, 3.0);
/// ```
pub trait Reducible: Clone {
    /// The length in bytes of the wire form.
    const WIRE_LEN: usize;
    /// Writes the wire form into `out`, which is exactly [`Reducible::WIRE_LEN`] bytes long.
    fn write_wire(&self, out: &mut [u8]);
    /// The value whose wire form is `bytes` (exactly [`Reducible::WIRE_LEN`] long), or `None`
    /// if no value has it.
    fn read_wire(bytes: &[u8]) -> Option<Self>;
    /// `self ← self ⊕ right`, with `self` the left operand.
    fn combine(&mut self, right: &Self);
}

macro_rules! reducible_partial {
    ($($partial:ident),*) => {$(
        impl<O: Real> Reducible for $partial<O> {
            const WIRE_LEN: usize = <Self as Partial>::WIRE_LEN;
            fn write_wire(&self, out: &mut [u8]) {
                // The length is right (the trait's contract); nothing else can fail.
                let _ = Partial::write_wire(self, out);
            }
            fn read_wire(bytes: &[u8]) -> Option<Self> {
                <Self as Partial>::from_wire(bytes).ok()
            }
            fn combine(&mut self, right: &Self) {
                self.merge(right);
            }
        }
    )*};
}

reducible_partial!(FastPartial, CompensatedPartial, ExactPartial);

impl<R: Reducible, const N: usize> Reducible for [R; N] {
    const WIRE_LEN: usize = N * R::WIRE_LEN;
    fn write_wire(&self, out: &mut [u8]) {
        for (v, chunk) in self.iter().zip(out.chunks_exact_mut(R::WIRE_LEN.max(1))) {
            v.write_wire(chunk);
        }
    }
    fn read_wire(bytes: &[u8]) -> Option<Self> {
        let values: Option<Vec<R>> = (0..N)
            .map(|i| R::read_wire(bytes.get(i * R::WIRE_LEN..(i + 1) * R::WIRE_LEN)?))
            .collect();
        values?.try_into().ok()
    }
    fn combine(&mut self, right: &Self) {
        for (a, b) in self.iter_mut().zip(right) {
            a.combine(b);
        }
    }
}

macro_rules! reducible_tuple {
    ($(($($t:ident $i:tt),+)),*) => {$(
        impl<$($t: Reducible),+> Reducible for ($($t,)+) {
            const WIRE_LEN: usize = 0 $(+ $t::WIRE_LEN)+;
            fn write_wire(&self, out: &mut [u8]) {
                let mut at = 0;
                $(
                    self.$i.write_wire(&mut out[at..at + $t::WIRE_LEN]);
                    at += $t::WIRE_LEN;
                )+
                let _ = at;
            }
            fn read_wire(bytes: &[u8]) -> Option<Self> {
                let mut at = 0;
                Some(($({
                    let v = $t::read_wire(bytes.get(at..at + $t::WIRE_LEN)?)?;
                    at += $t::WIRE_LEN;
                    v
                },)+))
                .filter(|_| at == bytes.len())
            }
            fn combine(&mut self, right: &Self) {
                $( self.$i.combine(&right.$i); )+
            }
        }
    )*};
}

reducible_tuple!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3));

/// Combines `value` over all ranks of `comm` with the deterministic reduction: every rank
/// ends with the same bits, those of one fixed expression (a balanced tree in rank order,
/// see [`crate::schedule`]) over the ranks' values.
///
/// Collective: every rank of `comm` must call it, with a value of the same type.
///
/// # Errors
/// [`Error::Disagree`] (on every rank) if ranks pass values of different wire lengths.
///
/// ```no_run
/// use pdot_kernels::{ExactPartial, FastPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let (x, y, z) = (vec![1.0f64; 100], vec![2.0f64; 100], vec![3.0f64; 100]);
/// // Two dot products of this rank's data, reduced in one message.
/// let mut both = (ExactPartial::<f64>::of(&x, &y), FastPartial::<f64>::of(&x, &z));
/// pdot_mpi::allreduce(&world, &mut both)?;
/// let (xy, xz) = (both.0.finish(), both.1.finish());
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn allreduce<C: Communicator, R: Reducible>(comm: &C, value: &mut R) -> Result<(), Error> {
    allreduce_slice(comm, std::slice::from_mut(value))
}

/// Like [`allreduce`] for a run-time number of values, combined element by element.
///
/// # Errors
/// [`Error::Disagree`] (on every rank) if ranks pass different numbers of values, or values
/// of different wire lengths.
///
/// ```no_run
/// use pdot_kernels::{FastPartial, Partial};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let x = vec![1.0f64; 100];
/// let mut norms: Vec<FastPartial<f64>> = (0..3).map(|_| FastPartial::of(&x, &x)).collect();
/// pdot_mpi::allreduce_slice(&world, &mut norms)?;
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn allreduce_slice<C: Communicator, R: Reducible>(
    comm: &C,
    values: &mut [R],
) -> Result<(), Error> {
    let agreement = Agreement::new(comm.rank() as usize, &[], None);
    run(comm, agreement, values).verdict()
}

/// Executes the reduction of `values` with the agreement header `agreement` (this rank's
/// statements) and returns the combined agreement, the same on every rank. The values are
/// only meaningful if its verdict is `Ok`.
///
/// Two passes. The first, which is all a correct call needs, carries with the values only a
/// 64-bit digest of the rank's statements and a flag "something is wrong": combining two
/// messages sets the flag if the digests or the message lengths differ. The flag is the same
/// on every rank at the end (it is part of the same tree expression), so when it is set,
/// every rank goes on to the second pass, which reduces the full statements and yields the
/// same detailed error everywhere.
pub(crate) fn run<C: Communicator, R: Reducible>(
    comm: &C,
    mut agreement: Agreement,
    values: &mut [R],
) -> Agreement {
    let rank = comm.rank() as usize;
    agreement.add_facts(
        rank,
        &[
            (Quantity::Count, values.len() as u64),
            (Quantity::ValueKind, R::WIRE_LEN as u64),
        ],
    );
    let digest = agreement.fingerprint();
    let mut doubt = agreement.has_problem();
    let mut corrupt = None;
    let expected = 16 + values.len() * R::WIRE_LEN;
    let (mut bytes, mut received) = (Vec::with_capacity(expected), Vec::with_capacity(expected));
    for step in steps(comm.size() as usize, rank) {
        bytes.clear();
        bytes.extend_from_slice(&u64::from(doubt).to_le_bytes());
        bytes.extend_from_slice(&digest.to_le_bytes());
        encode_values(values, &mut bytes);
        if !transfer(comm, step, &bytes, &mut received) {
            continue;
        }
        let word =
            |i: usize| u64::from_le_bytes(received[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]));
        if received.len() != expected {
            // Another count or kind of values (the second pass says which), symmetric: the
            // partner sees a length it does not expect either.
            doubt = true;
            continue;
        }
        let (their_doubt, their_digest) = (word(0) != 0, word(1));
        let theirs = decode_values::<R>(&received[16..], values.len());
        let Some(mut theirs) = theirs else {
            // Bytes of the right length that do not decode: a corrupted message, seen by
            // this rank only (reported here, after the pass).
            let (low, high) = (rank.min(step.peer()), rank.max(step.peer()));
            corrupt.get_or_insert((
                low,
                Problem::Corrupt {
                    low: low as u64,
                    high: high as u64,
                },
            ));
            continue;
        };
        if let Step::Replace { .. } = step {
            doubt = their_doubt;
            values.clone_from_slice(&theirs);
        } else {
            doubt |= their_doubt || their_digest != digest;
            let mine_first = !matches!(
                step,
                Step::Exchange {
                    mine_first: false,
                    ..
                }
            );
            combine_in_order(values, &mut theirs, mine_first);
        }
    }
    if let Some((low, problem)) = corrupt {
        agreement.report(low, problem);
    }
    if !doubt {
        return agreement;
    }
    reduce_statements(comm, agreement)
}

/// One step's messages: sends `bytes` and/or receives into `received`; whether something
/// was received.
fn transfer<C: Communicator>(comm: &C, step: Step, bytes: &[u8], received: &mut Vec<u8>) -> bool {
    let peer = comm.process_at_rank(step.peer() as i32);
    match step {
        Step::Send { .. } => {
            peer.send_with_tag(bytes, TAG);
            return false;
        }
        Step::Receive { .. } | Step::Replace { .. } => receive(&peer, received),
        Step::Exchange { .. } => mpi::request::scope(|scope| {
            let mut sent = peer.immediate_send_with_tag(scope, bytes, TAG);
            receive(&peer, received);
            let mut pause = Pause::new();
            while let Err(pending) = sent.test() {
                sent = pending;
                pause.wait();
            }
        }),
    }
    true
}

fn encode_values<R: Reducible>(values: &[R], out: &mut Vec<u8>) {
    let at = out.len();
    out.resize(at + values.len() * R::WIRE_LEN, 0);
    if R::WIRE_LEN > 0 {
        for (v, chunk) in values.iter().zip(out[at..].chunks_exact_mut(R::WIRE_LEN)) {
            v.write_wire(chunk);
        }
    }
}

/// `count` values from `bytes` (exactly `count * R::WIRE_LEN` long), or `None` if one does
/// not decode.
fn decode_values<R: Reducible>(bytes: &[u8], count: usize) -> Option<Vec<R>> {
    if R::WIRE_LEN == 0 {
        return (0..count).map(|_| R::read_wire(&[])).collect();
    }
    bytes.chunks_exact(R::WIRE_LEN).map(R::read_wire).collect()
}

/// Nothing: the payload of a reduction that only exchanges an agreement.
#[derive(Clone)]
pub(crate) struct Nothing;

impl Reducible for Nothing {
    const WIRE_LEN: usize = 0;
    fn write_wire(&self, _: &mut [u8]) {}
    fn read_wire(_: &[u8]) -> Option<Self> {
        Some(Nothing)
    }
    fn combine(&mut self, _: &Self) {}
}

/// The second pass: the reduction of the full statements alone.
fn reduce_statements<C: Communicator>(comm: &C, mut agreement: Agreement) -> Agreement {
    let rank = comm.rank() as usize;
    let (mut bytes, mut received) = (Vec::new(), Vec::new());
    for step in steps(comm.size() as usize, rank) {
        bytes.clear();
        agreement.encode(&mut bytes);
        if !transfer(comm, step, &bytes, &mut received) {
            continue;
        }
        let theirs = Agreement::decode(&received).filter(|(_, rest)| rest.is_empty());
        let combined = match (step, theirs) {
            (Step::Replace { .. }, Some((theirs, _))) => {
                agreement = theirs;
                Some(())
            }
            (_, Some((theirs, _))) => agreement.combine(&theirs),
            (_, None) => None,
        };
        if combined.is_none() {
            let (low, high) = (rank.min(step.peer()), rank.max(step.peer()));
            let corrupt = Problem::Corrupt {
                low: low as u64,
                high: high as u64,
            };
            agreement.report(low, corrupt);
        }
    }
    agreement
}

/// How long a rank polls for a message before it starts yielding the core between polls.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);

/// Waits politely: polls flat out at first (a message between ranks on one node arrives
/// within a microsecond or two), then yields the core between polls, so that ranks
/// oversubscribing the cores (more ranks than cores) let the rank they wait for run.
struct Pause {
    polls: u32,
    since: Option<std::time::Instant>,
}

impl Pause {
    fn new() -> Self {
        Pause {
            polls: 0,
            since: None,
        }
    }

    fn wait(&mut self) {
        self.polls = self.polls.wrapping_add(1);
        if !self.polls.is_multiple_of(64) {
            return;
        }
        let since = *self.since.get_or_insert_with(std::time::Instant::now);
        if since.elapsed() > SPIN {
            std::thread::yield_now();
        }
    }
}

/// The next reduction message from `peer`, whatever its length, into `buffer`.
fn receive(peer: &mpi::topology::Process<'_>, buffer: &mut Vec<u8>) {
    let mut pause = Pause::new();
    loop {
        if let Some((message, status)) = peer.immediate_matched_probe_with_tag(TAG) {
            let len = usize::try_from(status.count(u8::equivalent_datatype())).unwrap_or(0);
            buffer.resize(len, 0);
            message.matched_receive_into(&mut buffer[..]);
            return;
        }
        pause.wait();
    }
}

/// `values ← values ⊕ theirs` (or `theirs ⊕ values` if not `mine_first`).
fn combine_in_order<R: Reducible>(values: &mut [R], theirs: &mut [R], mine_first: bool) {
    for (mine, their) in values.iter_mut().zip(theirs.iter_mut()) {
        *mine = if mine_first {
            ordered(mine, their)
        } else {
            ordered(their, mine)
        };
    }
}

/// `left ⊕ right`. Never inlined, so that both partners of an exchange run the same machine
/// code on the same operands in the same order: the sign and payload of a NaN from `a + b`
/// are not specified, and a compiler may commute the operands differently at two inlined
/// call sites, which would give the partners different NaN bits.
#[inline(never)]
pub(crate) fn ordered<R: Reducible>(left: &R, right: &R) -> R {
    let mut out = left.clone();
    out.combine(right);
    out
}
