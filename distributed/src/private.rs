//! pdot's private communicator: a duplicate of the caller's communicator, made the first time
//! pdot communicates on it and cached on it as an MPI attribute, as MPI libraries do. pdot's
//! messages travel only there, so they never match the caller's own messages, whatever tags
//! or wildcards (`MPI_ANY_SOURCE`, `MPI_ANY_TAG`) the caller uses.
//!
//! The duplicate lives as long as the caller's communicator: freeing that communicator
//! (dropping an rsmpi `SimpleCommunicator` made by `duplicate` or `split`) deletes its
//! attributes, and the attribute's delete callback frees the duplicate. A duplicate of
//! `MPI_COMM_WORLD`, which is never freed, lives until `MPI_Finalize` ends MPI (checked with
//! MPICH and Open MPI: the job ends cleanly).
//!
//! Duplicating is collective. The lookup takes the same branch on every rank: a rank finds the
//! attribute if and only if pdot has already communicated on this communicator, and pdot's
//! functions are collective, so every rank has called them equally often.
//!
//! The cached state also numbers the reductions started on the communicator: each one, blocking
//! or split-phase ([`crate::Pending`]), takes the next of [`TAGS`] message tags in turn, so
//! that the messages of reductions outstanding at the same time never match each other's
//! receives. Every rank starts pdot's collectives in the same order, so every rank gives a
//! reduction the same tag.

use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::rc::Rc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use mpi::attribute::CommAttribute;
use mpi::ffi;
use mpi::raw::AsRaw;
use mpi::topology::{Communicator, SimpleCommunicator};

/// The number of private communicators alive in this process.
static ALIVE: AtomicUsize = AtomicUsize::new(0);

/// The attribute cached on a caller's communicator: pdot's duplicate of it.
///
/// rsmpi's [`CommAttribute`] provides the keyval (created once per process with
/// `MPI_Comm_create_keyval`, freed when the `Universe` is dropped), the copy callback (not
/// copied: a duplicate of the caller's communicator gets its own private one when pdot first
/// uses it) and the delete callback, which drops the boxed value, hence the duplicate.
/// `Clone` is what [`CommAttribute`] asks for; nothing clones it (it is never copied).
#[derive(Clone)]
struct Private(Rc<Duplicate>);

impl CommAttribute for Private {}

/// The number of message tags the reductions on one communicator take in turn: tags
/// `0..TAGS`, within the `MPI_TAG_UB` of every MPI library (the standard guarantees at least
/// 32767). A reduction's tag is taken again by the reduction started `TAGS` later, so a
/// split-phase reduction must be finished (or dropped) before `TAGS` more reductions start on
/// its communicator (see [`crate::Pending`]).
pub(crate) const TAGS: u32 = 32768;

/// A duplicated communicator, counted while alive, and the number of reductions started on
/// it.
pub(crate) struct Duplicate {
    comm: SimpleCommunicator,
    started: Cell<u32>,
    /// This rank and the number of ranks, asked once (every reduction needs them).
    rank: usize,
    size: usize,
}

impl Duplicate {
    /// The private communicator.
    pub(crate) fn comm(&self) -> &SimpleCommunicator {
        &self.comm
    }

    /// This rank's number in the communicator.
    pub(crate) fn rank(&self) -> usize {
        self.rank
    }

    /// The number of ranks.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// The tag of the next reduction on this communicator (every rank gets the same, since
    /// every rank starts the same reductions in the same order).
    pub(crate) fn next_tag(&self) -> i32 {
        let n = self.started.get();
        self.started.set((n + 1) % TAGS);
        n as i32
    }
}

impl Drop for Duplicate {
    fn drop(&mut self) {
        // The field's own drop then frees the communicator (`MPI_Comm_free`).
        ALIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// pdot's private communicator for `comm`: the cached duplicate, or a new one, cached.
/// Collective the first time for a communicator (it calls `MPI_Comm_dup`).
pub(crate) fn communicator<C: Communicator + ?Sized>(comm: &C) -> &SimpleCommunicator {
    &shared(comm).comm
}

/// The cached state of `comm`'s private communicator (made on first use, as
/// [`communicator`]), shared: a split-phase reduction keeps it while it is outstanding.
pub(crate) fn shared<C: Communicator + ?Sized>(comm: &C) -> &Rc<Duplicate> {
    let key = key();
    if let Some(private) = cached(comm, key) {
        return &private.0;
    }
    let comm_dup = comm.duplicate();
    let duplicate = Duplicate {
        rank: comm_dup.rank() as usize,
        size: comm_dup.size() as usize,
        comm: comm_dup,
        started: Cell::new(0),
    };
    ALIVE.fetch_add(1, Ordering::Relaxed);
    let value = Box::into_raw(Box::new(Private(Rc::new(duplicate))));
    // SAFETY: `comm.as_raw()` is a live communicator (borrowed for this call) and `key` is the
    // keyval rsmpi created for `Private` with `MPI_Comm_create_keyval`. The value is a
    // `Box<Private>` turned into a raw pointer, which is the form the key's delete callback
    // (`CommAttribute::comm_delete_attr_fn`) takes back with `Box::from_raw`, once, when the
    // attribute is deleted. This is what rsmpi's own `set_attr` does (which asks `&mut self`
    // where the MPI call needs no exclusive access).
    unsafe {
        ffi::MPI_Comm_set_attr(comm.as_raw(), key, value.cast::<c_void>());
    }
    match cached(comm, key) {
        Some(private) => &private.0,
        // The attribute was set just above; MPI errors abort (the default error handler).
        None => unreachable!("MPI lost pdot's communicator attribute"),
    }
}

/// The keyval of [`Private`], looked up in rsmpi's table once (a lock and a hash lookup
/// that every reduction would otherwise pay). rsmpi frees it when the `Universe` is dropped,
/// just before `MPI_Finalize`, after which pdot cannot be called.
fn key() -> c_int {
    static KEY: OnceLock<c_int> = OnceLock::new();
    *KEY.get_or_init(|| Private::get_key().as_raw())
}

/// The attribute pdot cached on `comm`, if any.
fn cached<C: Communicator + ?Sized>(comm: &C, key: c_int) -> Option<&Private> {
    let mut value: *mut c_void = std::ptr::null_mut();
    let mut found: c_int = 0;
    // SAFETY: `comm.as_raw()` is a live communicator and `key` a live keyval (see `key`);
    // `MPI_Comm_get_attr` writes the attribute's value, a pointer, into `value` (whose
    // address it takes as `void *`) and whether there is one into `found`.
    unsafe {
        ffi::MPI_Comm_get_attr(
            comm.as_raw(),
            key,
            (&raw mut value).cast::<c_void>(),
            &raw mut found,
        );
    }
    // SAFETY: with this key, only `communicator` sets values, and they are `Box<Private>`
    // pointers, live until the attribute is deleted, which happens when `comm` is freed: not
    // while it is borrowed (the returned reference borrows `comm`).
    (found != 0).then(|| unsafe { &*value.cast::<Private>() })
}

/// The number of private communicators pdot holds in this process: one per communicator pdot
/// has communicated on, until that communicator is freed. A diagnostic (and what the MPI
/// suite checks to see that freeing a communicator frees pdot's duplicate).
///
/// ```no_run
/// use mpi::traits::Communicator;
/// use pdot_kernels::{Accuracy, Partial, FastPartial};
///
/// let universe = mpi::initialize().unwrap();
/// let mine = universe.world().duplicate();
/// let before = pdot_mpi::private_communicators();
/// pdot_mpi::allreduce(&mine, &mut FastPartial::<f64>::of(&[1.0], &[2.0]))?;
/// assert_eq!(pdot_mpi::private_communicators(), before + 1);
/// drop(mine); // MPI_Comm_free: the attribute's delete callback frees pdot's duplicate
/// assert_eq!(pdot_mpi::private_communicators(), before);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub fn private_communicators() -> usize {
    ALIVE.load(Ordering::Relaxed)
}
