//! An incoming message buffer with a receive posted into it before the message is due: the
//! first-pass message of a reduction step lands there directly, and completing it is one
//! `MPI_Test`, without a probe for its length first (a probe and a receive are two library
//! calls on the critical path of every step).
//!
//! A posted receive must be large enough for any message that can match it, or MPI fails
//! with a truncation error (fatal under the default error handler). So the buffer holds
//! [`SHORT_MAX`] bytes, and every pdot message on the private communicator is at most that
//! long, but for a first-pass message longer than that: its sender sends the
//! 16-byte [`LONG_MARKER`] first, and the long message after it, which the receiver then
//! takes with a probe, as any message of unknown length ([`crate::transport::try_receive`]).
//! MPI keeps the order of two messages between the same ranks with the same tag.
//!
//! While a receive is posted, MPI writes into the buffer's allocation: it is detached from
//! its `Vec` (kept as raw parts, never touched) until the receive completes, and a receive
//! still posted when the inbox is dropped is cancelled and completed first.

use std::ffi::{c_int, c_void};
use std::mem::{ManuallyDrop, MaybeUninit};

use mpi::ffi;

use crate::buffers;

/// The longest message a posted receive takes; longer first-pass messages go as
/// [`LONG_MARKER`] and then the message.
pub(crate) const SHORT_MAX: usize = 4096;

// Second-pass messages (statements alone) are short: a posted receive could take them.
const _: () = assert!(crate::agreement::MAX_WIRE_LEN <= SHORT_MAX);

/// The message announcing a first-pass message longer than [`SHORT_MAX`], which follows it.
/// Its first word, 2, is no first-pass message's (their first word is their doubt flag,
/// 0 or 1).
pub(crate) static LONG_MARKER: [u8; 16] = *b"\x02\0\0\0\0\0\0\0pdotlong";

/// A receive buffer: readable while idle; written by MPI while a receive is posted.
pub(crate) struct Inbox {
    state: State,
}

enum State {
    /// No receive posted: the bytes of the last message received.
    Idle(Vec<u8>),
    /// A receive in flight writes into the allocation (`ptr`, `capacity`) of a `Vec`
    /// taken apart, which nothing else touches.
    Posted {
        request: ffi::MPI_Request,
        ptr: *mut u8,
        capacity: usize,
    },
    /// Transiently, between the two.
    Moving,
}

impl Inbox {
    /// An empty inbox (a spare buffer of this thread's, see [`crate::buffers`], with room
    /// for [`SHORT_MAX`] bytes, given back when the inbox is dropped).
    pub(crate) fn new() -> Self {
        Inbox {
            state: State::Idle(buffers::take(SHORT_MAX)),
        }
    }

    /// The buffer, when no receive is posted: the last message received, which the caller
    /// may also replace.
    pub(crate) fn bytes(&mut self) -> Option<&mut Vec<u8>> {
        match &mut self.state {
            State::Idle(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Posts a receive of the next message with `tag` from rank `peer` of `comm` (a live
    /// communicator: pdot's private one). Does nothing while a receive is posted.
    pub(crate) fn post(&mut self, comm: ffi::MPI_Comm, peer: i32, tag: i32) {
        let State::Idle(mut bytes) = std::mem::replace(&mut self.state, State::Moving) else {
            return;
        };
        bytes.clear();
        bytes.reserve(SHORT_MAX);
        let mut bytes = ManuallyDrop::new(bytes);
        let (ptr, capacity) = (bytes.as_mut_ptr(), bytes.capacity());
        let len = c_int::try_from(capacity.min(c_int::MAX as usize)).unwrap_or(c_int::MAX);
        let mut request = MaybeUninit::<ffi::MPI_Request>::uninit();
        // SAFETY: `ptr` is the allocation of a `Vec<u8>` with `capacity` bytes (wrapped in
        // `ManuallyDrop`, so not freed here); from here until `test` or `drop` rebuild the
        // `Vec` after the receive has completed, nothing but MPI refers to it. MPI writes at
        // most `len <= capacity` bytes there (a longer message would be a truncation error:
        // no pdot message on this communicator is longer than SHORT_MAX but the long ones,
        // which are received by probe after their marker). `comm` is live (the caller's
        // contract) and `request` is written by `MPI_Irecv`.
        let request = unsafe {
            ffi::MPI_Irecv(
                ptr.cast::<c_void>(),
                len,
                ffi::RSMPI_UINT8_T,
                peer,
                tag,
                comm,
                request.as_mut_ptr(),
            );
            request.assume_init()
        };
        self.state = State::Posted {
            request,
            ptr,
            capacity,
        };
    }

    /// Whether no receive is posted, completing the posted one if its message has arrived
    /// (its bytes are then [`Inbox::bytes`]).
    pub(crate) fn test(&mut self) -> bool {
        let State::Posted {
            mut request,
            ptr,
            capacity,
        } = self.state
        else {
            return true;
        };
        let mut flag: c_int = 0;
        let mut status = MaybeUninit::<ffi::MPI_Status>::uninit();
        // SAFETY: `request` is the live request of the posted receive (not completed yet: a
        // completed one leaves this state at once); `MPI_Test` writes `flag`, and `status`
        // when it completes.
        unsafe { ffi::MPI_Test(&mut request, &mut flag, status.as_mut_ptr()) };
        if flag == 0 {
            self.state = State::Posted {
                request,
                ptr,
                capacity,
            };
            return false;
        }
        let mut count: c_int = 0;
        // SAFETY: the receive completed, so `MPI_Test` wrote its status.
        unsafe { ffi::MPI_Get_count(status.as_ptr(), ffi::RSMPI_UINT8_T, &mut count) };
        let len = usize::try_from(count).unwrap_or(0).min(capacity);
        // SAFETY: the parts come from the `Vec<u8>` taken apart in `post`, not rebuilt
        // since; the receive has completed, so MPI no longer writes there and has written
        // the message's `len <= capacity` bytes at its start.
        let bytes = unsafe { Vec::from_raw_parts(ptr, len, capacity) };
        self.state = State::Idle(bytes);
        true
    }
}

impl Drop for Inbox {
    /// A receive still posted (only when a reduction is abandoned midway, by a panic in a
    /// [`crate::Reducible`] impl) is cancelled and completed: a cancelled receive completes
    /// locally, whatever other ranks do (MPI 4.1, 3.8.4), so this never hangs. The buffer
    /// goes back to the thread's spares.
    fn drop(&mut self) {
        if let State::Posted { mut request, .. } = self.state {
            // SAFETY: `request` is the live request of the posted receive; after
            // `MPI_Cancel`, `MPI_Wait` returns once it is cancelled or has received its
            // message, and frees it.
            unsafe {
                ffi::MPI_Cancel(&mut request);
                ffi::MPI_Wait(&mut request, ffi::RSMPI_STATUS_IGNORE);
            }
            if let State::Posted { ptr, capacity, .. } = self.state {
                // SAFETY: the receive is complete (cancelled or not), so MPI no longer
                // writes into the allocation of the `Vec` taken apart in `post`; its
                // contents do not matter (length 0).
                self.state = State::Idle(unsafe { Vec::from_raw_parts(ptr, 0, capacity) });
            }
        }
        if let State::Idle(bytes) = std::mem::replace(&mut self.state, State::Moving) {
            buffers::give(bytes);
        }
    }
}
