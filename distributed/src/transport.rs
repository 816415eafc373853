//! pdot's messages: one step of the [schedule](crate::schedule) at a time, sent and
//! received as plain bytes over pdot's private communicator ([`crate::private`]), with the
//! two message buffers a reduction reuses from step to step, and polite waiting.

use mpi::datatype::Equivalence;
use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, Process, SimpleCommunicator};

use crate::private;
use crate::schedule::Step;

/// The tag of pdot's messages. They travel on pdot's private communicator, where nothing
/// else is sent, so the tag distinguishes nothing from the caller's messages (those cannot
/// match pdot's whatever their tag); it is fixed only so that a stray message would show.
const TAG: i32 = 0x5d07;

/// The messages of one reduction: the private communicator of the caller's, and the buffers
/// of the outgoing and the incoming message.
pub(crate) struct Transport<'c> {
    comm: &'c SimpleCommunicator,
    outgoing: Vec<u8>,
    incoming: Vec<u8>,
}

impl<'c> Transport<'c> {
    /// The transport of a reduction over the ranks of `comm` (collective the first time for
    /// a communicator: it duplicates it), with buffers for messages of `capacity` bytes.
    pub(crate) fn open<C: Communicator + ?Sized>(comm: &'c C, capacity: usize) -> Self {
        Transport {
            comm: private::communicator(comm),
            outgoing: Vec::with_capacity(capacity),
            incoming: Vec::with_capacity(capacity),
        }
    }

    /// The number of ranks and this rank's number (the same as in the caller's communicator).
    pub(crate) fn ranks_and_rank(&self) -> (usize, usize) {
        (self.comm.size() as usize, self.comm.rank() as usize)
    }

    /// The outgoing message, emptied, for the caller to write.
    pub(crate) fn outgoing(&mut self) -> &mut Vec<u8> {
        self.outgoing.clear();
        &mut self.outgoing
    }

    /// Executes `step` with the outgoing message: sends it and/or receives the peer's.
    /// Returns the received message, or `None` for a step that only sends.
    pub(crate) fn step(&mut self, step: Step) -> Option<&[u8]> {
        let peer = self.comm.process_at_rank(step.peer() as i32);
        match step {
            Step::Send { .. } => {
                peer.send_with_tag(&self.outgoing[..], TAG);
                return None;
            }
            Step::Receive { .. } | Step::Replace { .. } => receive(&peer, &mut self.incoming),
            Step::Exchange { .. } => mpi::request::scope(|scope| {
                let mut sent = peer.immediate_send_with_tag(scope, &self.outgoing[..], TAG);
                receive(&peer, &mut self.incoming);
                let mut pause = Pause::new();
                while let Err(pending) = sent.test() {
                    sent = pending;
                    pause.wait();
                }
            }),
        }
        Some(&self.incoming)
    }
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
fn receive(peer: &Process<'_>, buffer: &mut Vec<u8>) {
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
