//! An outgoing message buffer that owns its bytes while an immediate send reads them: what
//! lets a split-phase reduction ([`crate::Pending`]) keep a send in flight after the call
//! that posted it has returned, with no borrow of anything the caller holds.
//!
//! rsmpi ties an immediate send to a scope that outlives its buffer; the only scope not
//! bound to a stack frame is `StaticScope`, which asks for a `&'static` buffer. So while a
//! send is in flight the buffer's allocation is detached from its `Vec` (kept as raw parts,
//! never touched), lent to MPI as `&'static [u8]`, and rebuilt into the `Vec` once the send
//! has completed.

use std::mem::ManuallyDrop;

use mpi::point_to_point::Destination;
use mpi::request::{Request, StaticScope};
use mpi::topology::Process;

use crate::buffers;
use crate::inbox::{LONG_MARKER, SHORT_MAX};

/// A message buffer: writable while idle; read by MPI while a send is in flight.
pub(crate) struct Outbox {
    state: State,
}

enum State {
    /// No send in flight: the bytes of the next message.
    Idle(Vec<u8>),
    /// A send in flight reads the allocation of `parts`, which nothing else touches; for a
    /// long message, the send of [`LONG_MARKER`] before it may be in flight too. Each
    /// request is `None` once completed.
    InFlight {
        request: Option<Send>,
        marker: Option<Send>,
        parts: RawVec,
    },
    /// Transiently, between the two.
    Moving,
}

/// An immediate send.
type Send = Request<'static, [u8], StaticScope>;

/// The parts of a `Vec<u8>` whose allocation MPI reads.
struct RawVec {
    ptr: *mut u8,
    len: usize,
    capacity: usize,
}

impl Outbox {
    /// An empty buffer with room for `capacity` bytes (a spare one of this thread's, see
    /// [`crate::buffers`], given back when the outbox is dropped).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Outbox {
            state: State::Idle(buffers::take(capacity)),
        }
    }

    /// The message, emptied, for the caller to write; `None` while a send is in flight.
    pub(crate) fn write(&mut self) -> Option<&mut Vec<u8>> {
        match &mut self.state {
            State::Idle(bytes) => {
                bytes.clear();
                Some(bytes)
            }
            _ => None,
        }
    }

    /// Posts an immediate send of the message to `peer` with `tag`, after one of
    /// [`LONG_MARKER`] if it is longer than [`SHORT_MAX`] (see [`crate::inbox`]). Does
    /// nothing while a send is in flight (the caller posts one at a time).
    pub(crate) fn post(&mut self, peer: &Process<'_>, tag: i32) {
        let State::Idle(bytes) = std::mem::replace(&mut self.state, State::Moving) else {
            return;
        };
        let mut bytes = ManuallyDrop::new(bytes);
        let parts = RawVec {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            capacity: bytes.capacity(),
        };
        // SAFETY: `parts` is the allocation of a `Vec<u8>` (wrapped in `ManuallyDrop`, so not
        // freed here) with `len` initialised bytes. From here until `complete` or `drop`
        // rebuild the `Vec`, nothing but this shared slice refers to it, and nothing writes
        // to it: `write` refuses while the state is `InFlight`. The allocation is freed only
        // after MPI has completed the send (`complete`), or never (`drop` of a send still in
        // flight leaks it), so the `'static` borrow MPI holds never dangles.
        let message: &'static [u8] = unsafe { std::slice::from_raw_parts(parts.ptr, parts.len) };
        let marker = (message.len() > SHORT_MAX)
            .then(|| peer.immediate_send_with_tag(StaticScope, &LONG_MARKER[..], tag));
        let request = Some(peer.immediate_send_with_tag(StaticScope, message, tag));
        self.state = State::InFlight {
            request,
            marker,
            parts,
        };
    }

    /// Whether no send is in flight, completing the one in flight if MPI has finished it.
    pub(crate) fn test(&mut self) -> bool {
        match std::mem::replace(&mut self.state, State::Moving) {
            State::InFlight {
                request,
                marker,
                parts,
            } => {
                let (request, marker) = (still_in_flight(request), still_in_flight(marker));
                if request.is_none() && marker.is_none() {
                    self.state = State::Idle(parts.into_vec());
                    true
                } else {
                    self.state = State::InFlight {
                        request,
                        marker,
                        parts,
                    };
                    false
                }
            }
            idle => {
                self.state = idle;
                true
            }
        }
    }
}

/// The send, if it has not completed yet.
fn still_in_flight(send: Option<Send>) -> Option<Send> {
    send.and_then(|s| s.test().err())
}

impl RawVec {
    /// The `Vec` again, once MPI no longer reads it.
    fn into_vec(self) -> Vec<u8> {
        // SAFETY: the parts come from a `Vec<u8>` taken apart in `Outbox::post` and not
        // rebuilt since (each `RawVec` is built once and consumed once); the send that read
        // the allocation has completed (the caller's `Request::test` said so), so this `Vec`
        // is again its only owner.
        unsafe { Vec::from_raw_parts(self.ptr, self.len, self.capacity) }
    }
}

impl Drop for Outbox {
    /// A send still in flight (only when a reduction is abandoned midway, by a panic in a
    /// [`crate::Reducible`] impl) is released to MPI, which completes it on its own
    /// (`MPI_Request_free`), and its buffer is leaked, since MPI may still read it: no wait
    /// that could hang, no request left on freed memory. An idle buffer goes back to the
    /// thread's spares.
    fn drop(&mut self) {
        if self.test() {
            if let State::Idle(bytes) = std::mem::replace(&mut self.state, State::Moving) {
                buffers::give(bytes);
            }
        } else {
            let State::InFlight {
                request, marker, ..
            } = std::mem::replace(&mut self.state, State::Moving)
            else {
                return;
            };
            for send in [request, marker].into_iter().flatten() {
                // SAFETY: `into_raw` hands over the live request, whose completion is no
                // longer awaited by anyone: `MPI_Request_free` marks it for deallocation
                // once the send completes (MPI 4.1, 3.7.3), and its buffer is never freed
                // (its `RawVec`, plain parts with no drop, is discarded without rebuilding
                // the `Vec`; the marker is a static), so MPI may read it for as long as it
                // needs.
                unsafe {
                    let (mut raw, _, _) = send.into_raw();
                    mpi::ffi::MPI_Request_free(&mut raw);
                }
            }
        }
    }
}
