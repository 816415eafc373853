//! The deterministic all-reduce: the [schedule](crate::schedule) executed by the
//! [transport](crate::transport) on [reducible](crate::reducible) values, with the ranks'
//! [agreement](crate::agreement) in the header of every message.

use mpi::topology::Communicator;

use crate::agreement::{Agreement, Problem};
use crate::error::{Error, Quantity};
use crate::reducible::{Reducible, combine_in_order, decode_values, encode_values};
use crate::schedule::{Step, steps};
use crate::transport::Transport;

/// Combines `value` over all ranks of `comm` with the deterministic reduction: every rank
/// ends with the same bits, those of one fixed expression (a balanced tree in rank order,
/// see [`crate::schedule`]) over the ranks' values.
///
/// Collective: every rank of `comm` must call it, with a value of the same type.
///
/// # Errors
/// On every rank: [`Error::KindDisagree`] if ranks pass values of different kinds
/// ([`Reducible::kind_name`] or wire length), naming them.
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
/// On every rank: [`Error::Disagree`] if ranks pass different numbers of values,
/// [`Error::KindDisagree`] if they pass values of different kinds.
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
pub(crate) fn run<C: Communicator + ?Sized, R: Reducible>(
    comm: &C,
    mut agreement: Agreement,
    values: &mut [R],
) -> Agreement {
    let expected = 16 + values.len() * R::WIRE_LEN;
    let mut transport = Transport::open(comm, expected);
    let (ranks, rank) = transport.ranks_and_rank();
    agreement.add_facts(rank, &[(Quantity::Count, values.len() as u64)]);
    // The digest of the kind is that of the Rust type (the same string in every rank of one
    // program, and no allocation); its readable name is made only if the second pass runs.
    agreement.add_kind(rank, core::any::type_name::<R>(), R::WIRE_LEN);
    let digest = agreement.fingerprint();
    let mut doubt = agreement.has_problem();
    let mut corrupt = None;
    for step in steps(ranks, rank) {
        let bytes = transport.outgoing();
        bytes.extend_from_slice(&u64::from(doubt).to_le_bytes());
        bytes.extend_from_slice(&digest.to_le_bytes());
        encode_values(values, bytes);
        let Some(received) = transport.step(step) else {
            continue;
        };
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
    agreement.name_kind(&R::kind_name());
    reduce_statements(transport, agreement)
}

/// The second pass: the reduction of the full statements alone.
fn reduce_statements(mut transport: Transport<'_>, mut agreement: Agreement) -> Agreement {
    let (ranks, rank) = transport.ranks_and_rank();
    for step in steps(ranks, rank) {
        agreement.encode(transport.outgoing());
        let Some(received) = transport.step(step) else {
            continue;
        };
        let theirs = Agreement::decode(received).filter(|(_, rest)| rest.is_empty());
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
