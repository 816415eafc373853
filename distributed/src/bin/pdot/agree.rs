//! Errors every rank reports the same: the lowest failing rank's message is broadcast.

use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives, Root};

/// Collective: `Ok` on every rank if every rank has `Ok`, else on every rank the error of the
/// lowest rank that has one.
pub fn agree<C: Communicator, T>(comm: &C, local: Result<T, String>) -> Result<T, String> {
    let size = comm.size();
    let mine = if local.is_err() { comm.rank() } else { size };
    let mut lowest = size;
    comm.all_reduce_into(&mine, &mut lowest, SystemOperation::min());
    if lowest == size {
        return local;
    }
    let root = comm.process_at_rank(lowest);
    let mut message = match &local {
        Err(m) if comm.rank() == lowest => m.clone().into_bytes(),
        _ => Vec::new(),
    };
    let mut len = message.len() as u64;
    root.broadcast_into(&mut len);
    message.resize(len as usize, 0);
    root.broadcast_into(&mut message[..]);
    let text = String::from_utf8_lossy(&message);
    Err(if size > 1 {
        format!("rank {lowest}: {text}")
    } else {
        text.into_owned()
    })
}
