//! The deterministic all-reduce as a state machine: the [schedule](crate::schedule) of one
//! rank, executed step by step as far as the messages that have arrived allow, then resumed
//! by the next call. Blocking reductions drive it to the end at once ([`crate::reduce`]);
//! split-phase ones ([`crate::Pending`]) drive it from `test` and `finish`. Both run the same
//! steps on the same messages, so they give the same bits.
//!
//! Two passes. The first, which is all a correct call needs, carries with the values only a
//! 64-bit digest of the rank's statements ([`Agreement`]) and a flag "something is wrong":
//! combining two messages sets the flag if the digests or the message lengths differ. The
//! flag is the same on every rank at the end (it is part of the same tree expression), so
//! when it is set, every rank goes on to the second pass, which reduces the full statements
//! and yields the same detailed error everywhere.

use std::borrow::BorrowMut;
use std::marker::PhantomData;

use mpi::raw::AsRaw;
use mpi::topology::{Communicator, SimpleCommunicator};

use crate::agreement::{Agreement, Problem};
use crate::error::Quantity;
use crate::inbox::{Inbox, LONG_MARKER};
use crate::outbox::Outbox;
use crate::private::Duplicate;
use crate::reducible::{Meet, Reducible, encode_values, meet_wire};
use crate::schedule::{Step, step};
use crate::transport::try_receive;

/// Where a reduction stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// The values, with the digest and the doubt flag.
    Values,
    /// The full statements (only when the first pass ended in doubt).
    Statements,
    /// Nothing left to do on this rank.
    Done,
}

/// One rank's part of one reduction of the values `V` (a slice of `R`, owned or borrowed).
pub(crate) struct Reduction<R, V> {
    values: V,
    agreement: Agreement,
    tag: i32,
    rank: usize,
    ranks: usize,
    /// The current step.
    at: usize,
    pass: Pass,
    /// Whether the current step's message has been sent (posted) / received (and combined).
    sent: bool,
    received: bool,
    /// Whether the current step's first-pass receive has been posted into the inbox, and
    /// whether what it received was the marker of a long message, still to be received.
    posted: bool,
    long: bool,
    /// The longest first-pass message of this rank's kind and count of values (wire forms
    /// may be shorter than [`Reducible::WIRE_LEN`]).
    longest: usize,
    digest: u64,
    doubt: bool,
    corrupt: Option<(usize, Problem)>,
    outbox: Outbox,
    inbox: Inbox,
    /// Set while code of the values' type runs (wire forms, combine): still set afterwards
    /// only if that code panicked, which abandons the reduction.
    poisoned: bool,
    kind: PhantomData<fn() -> R>,
}

impl<R: Reducible, V: BorrowMut<[R]>> Reduction<R, V> {
    /// This rank's part of the reduction of `values` over the ranks of `comm` (a private
    /// communicator), with messages of tag `tag` and the statements `agreement`. Sends
    /// nothing yet.
    pub(crate) fn new(private: &Duplicate, tag: i32, mut agreement: Agreement, values: V) -> Self {
        let (ranks, rank) = (private.size(), private.rank());
        let count = values.borrow().len();
        agreement.add_facts(rank, &[(Quantity::Count, count as u64)]);
        // The digest of the kind is that of the Rust type (the same string in every rank of
        // one program, and no allocation); its readable name is made only if the second pass
        // runs.
        agreement.add_kind(rank, core::any::type_name::<R>(), R::WIRE_LEN);
        let longest = 16 + count * R::WIRE_LEN;
        Reduction {
            values,
            digest: agreement.fingerprint(),
            doubt: agreement.has_problem(),
            agreement,
            tag,
            rank,
            ranks,
            at: 0,
            pass: Pass::Values,
            sent: false,
            received: false,
            posted: false,
            long: false,
            longest,
            corrupt: None,
            outbox: Outbox::with_capacity(longest),
            inbox: Inbox::new(),
            poisoned: false,
            kind: PhantomData,
        }
    }

    /// Performs every step it can without waiting: sends, receives the messages that have
    /// arrived, combines. Returns whether this rank's part is done (also when abandoned, see
    /// [`Reduction::abandoned`]).
    pub(crate) fn advance(&mut self, comm: &SimpleCommunicator) -> bool {
        if self.poisoned {
            return true;
        }
        self.poisoned = true;
        let done = self.run_steps(comm);
        self.poisoned = false;
        done
    }

    /// Whether code of the values' type panicked in an earlier [`Reduction::advance`]: the
    /// reduction stopped there on this rank.
    pub(crate) fn abandoned(&self) -> bool {
        self.poisoned
    }

    /// The combined statements, the same on every rank once done: their verdict says whether
    /// the values are meaningful.
    pub(crate) fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// The values (combined, once done).
    pub(crate) fn values_mut(&mut self) -> &mut V {
        &mut self.values
    }

    fn run_steps(&mut self, comm: &SimpleCommunicator) -> bool {
        loop {
            if self.pass == Pass::Done {
                return true;
            }
            let Some(step) = step(self.ranks, self.rank, self.at) else {
                self.end_pass();
                continue;
            };
            let (sends, receives) = match step {
                Step::Send { .. } => (true, false),
                Step::Receive { .. } | Step::Replace { .. } => (false, true),
                Step::Exchange { .. } => (true, true),
            };
            if sends && !self.sent {
                // The previous step's send has completed (a step ends only then).
                let Some(bytes) = self.outbox.write() else {
                    return false;
                };
                match self.pass {
                    Pass::Values => {
                        bytes.extend_from_slice(&u64::from(self.doubt).to_le_bytes());
                        bytes.extend_from_slice(&self.digest.to_le_bytes());
                        encode_values(self.values.borrow(), bytes);
                    }
                    _ => self.agreement.encode(bytes),
                }
                self.outbox
                    .post(&comm.process_at_rank(step.peer() as i32), self.tag);
                self.sent = true;
            }
            if receives && self.pass == Pass::Values && !self.posted {
                // Posted once this rank's message is on its way (the partner waits for it).
                self.inbox.post(comm.as_raw(), step.peer() as i32, self.tag);
                self.posted = true;
            }
            if receives && !self.received {
                if !self.receive(comm, step.peer()) {
                    return false;
                }
                self.received = true;
                // The message, out of the inbox while it is read (no copy).
                let Some(bytes) = self.inbox.bytes() else {
                    return false;
                };
                let message = std::mem::take(bytes);
                match self.pass {
                    Pass::Values => self.take_values(step, &message),
                    _ => self.take_statements(step, &message),
                }
                if let Some(bytes) = self.inbox.bytes() {
                    *bytes = message;
                }
            }
            if !self.outbox.test() {
                return false;
            }
            self.at += 1;
            self.sent = false;
            self.received = false;
            self.posted = false;
            self.long = false;
        }
    }

    /// Receives the current step's message from `peer` into the inbox, if it has arrived:
    /// in the first pass, by the receive posted at the start of the step (and then, after
    /// the marker of a long message, by probe); in the second, by probe. Whether it has.
    fn receive(&mut self, comm: &SimpleCommunicator, peer: usize) -> bool {
        if self.pass == Pass::Values && !self.long {
            if !self.inbox.test() {
                return false;
            }
            match self.inbox.bytes() {
                Some(bytes) if bytes[..] == LONG_MARKER => self.long = true,
                _ => return true,
            }
        }
        match self.inbox.bytes() {
            Some(bytes) => try_receive(&comm.process_at_rank(peer as i32), self.tag, bytes),
            None => false,
        }
    }

    /// The end of a pass: done, or the second pass if the first ended in doubt.
    fn end_pass(&mut self) {
        self.at = 0;
        if self.pass == Pass::Statements {
            self.pass = Pass::Done;
            return;
        }
        if let Some((low, problem)) = self.corrupt {
            self.agreement.report(low, problem);
        }
        if self.doubt {
            self.agreement.name_kind(&R::kind_name());
            self.pass = Pass::Statements;
        } else {
            self.pass = Pass::Done;
        }
    }

    /// Combines the first-pass message `received` for `step`.
    fn take_values(&mut self, step: Step, received: &[u8]) {
        let word =
            |i: usize| u64::from_le_bytes(received[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]));
        if received.len() < 16 || received.len() > self.longest {
            // Another count or kind of values (the second pass says which): a length no
            // message of this rank's kind and count has.
            self.doubt = true;
            return;
        }
        let (their_doubt, their_digest) = (word(0) != 0, word(1));
        let how = match step {
            Step::Replace { .. } => Meet::Replace,
            Step::Exchange {
                mine_first: false, ..
            } => Meet::TheirsFirst,
            _ => Meet::MineFirst,
        };
        if !meet_wire(self.values.borrow_mut(), &received[16..], how) {
            if their_doubt || their_digest != self.digest {
                // Values of another count or kind (the partner's digest differs from this
                // rank's, and this rank's from the partner's: both doubt), or a reduction
                // already in doubt: the second pass reports why.
                self.doubt = true;
                return;
            }
            // Bytes that do not decode under the same statements: a corrupted message, seen
            // by this rank only (reported at the end of the pass).
            let (low, high) = (self.rank.min(step.peer()), self.rank.max(step.peer()));
            self.corrupt.get_or_insert((
                low,
                Problem::Corrupt {
                    low: low as u64,
                    high: high as u64,
                },
            ));
            return;
        }
        if how == Meet::Replace {
            self.doubt = their_doubt;
        } else {
            self.doubt |= their_doubt || their_digest != self.digest;
        }
    }

    /// Combines the second-pass message `received` (statements alone) for `step`.
    fn take_statements(&mut self, step: Step, received: &[u8]) {
        let theirs = Agreement::decode(received).filter(|(_, rest)| rest.is_empty());
        let combined = match (step, theirs) {
            (Step::Replace { .. }, Some((theirs, _))) => {
                self.agreement = theirs;
                Some(())
            }
            (_, Some((theirs, _))) => self.agreement.combine(&theirs),
            (_, None) => None,
        };
        if combined.is_none() {
            let (low, high) = (self.rank.min(step.peer()), self.rank.max(step.peer()));
            let corrupt = Problem::Corrupt {
                low: low as u64,
                high: high as u64,
            };
            self.agreement.report(low, corrupt);
        }
    }
}
