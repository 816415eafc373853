//! pdot's messages, at the lowest level: receiving the next message of a reduction from a
//! peer without waiting, and waiting politely when there is none yet.

use mpi::datatype::Equivalence;
use mpi::point_to_point::Source;
use mpi::topology::Process;

/// Receives the next message with `tag` from `peer`, whatever its length, into `buffer`,
/// if one has arrived; returns whether it did. Never waits.
pub(crate) fn try_receive(peer: &Process<'_>, tag: i32, buffer: &mut Vec<u8>) -> bool {
    let Some((message, status)) = peer.immediate_matched_probe_with_tag(tag) else {
        return false;
    };
    let len = usize::try_from(status.count(u8::equivalent_datatype())).unwrap_or(0);
    buffer.resize(len, 0);
    message.matched_receive_into(&mut buffer[..]);
    true
}

/// How long a rank polls for a message before it starts yielding the core between polls.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);

/// Waits politely: polls flat out at first (a message between ranks on one node arrives
/// within a microsecond or two), then yields the core between polls, so that ranks
/// oversubscribing the cores (more ranks than cores) let the rank they wait for run.
pub(crate) struct Pause {
    polls: u32,
    since: Option<std::time::Instant>,
}

impl Pause {
    pub(crate) fn new() -> Self {
        Pause {
            polls: 0,
            since: None,
        }
    }

    pub(crate) fn wait(&mut self) {
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
