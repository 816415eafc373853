//! A communicator borrowed from another owner (mpi4py, a C caller) by its raw handle: pdot
//! uses it and never frees it.

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;

use mpi::ffi;
use mpi::raw::FromRaw;
use mpi::topology::SimpleCommunicator;

/// A communicator that someone else owns, used through its raw `MPI_Comm` handle: it
/// dereferences to an rsmpi [`SimpleCommunicator`] (so it goes wherever pdot takes a
/// communicator) and, unlike [`SimpleCommunicator`] made with rsmpi's `from_raw`, it never
/// calls `MPI_Comm_free` when dropped. `MPI_COMM_WORLD` and `MPI_COMM_SELF` are fine too.
///
/// For bindings: a communicator from mpi4py (`comm.handle`) or from a C caller. pdot's
/// private duplicate of it is cached on it as an attribute, and freed when its owner frees
/// it, as for any communicator.
///
/// ```no_run
/// use mpi::raw::AsRaw;
/// use mpi::traits::Communicator;
/// use pdot_kernels::Accuracy;
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// // SAFETY: `world` is a live intra-communicator for as long as `comm` is used.
/// let comm = unsafe { pdot_mpi::BorrowedComm::from_raw(world.as_raw()) }.unwrap();
/// let d = pdot_mpi::dot_local(&*comm, Accuracy::Exact, &[1.0f64], &[2.0])?;
/// assert_eq!(d, 2.0 * comm.size() as f64);
/// # Ok::<(), pdot_mpi::Error>(())
/// ```
pub struct BorrowedComm<'a> {
    comm: ManuallyDrop<SimpleCommunicator>,
    /// Whatever the handle was borrowed from.
    owner: PhantomData<&'a ()>,
}

impl BorrowedComm<'_> {
    /// Wraps the raw handle `raw`; `None` for `MPI_COMM_NULL` and for an
    /// inter-communicator (pdot's reductions need an intra-communicator).
    ///
    /// # Safety
    /// MPI must be initialised (and not finalised), and `raw` must be `MPI_COMM_NULL` or a
    /// live communicator that stays live (not freed by its owner) for as long as the
    /// returned value is used.
    pub unsafe fn from_raw(raw: ffi::MPI_Comm) -> Option<Self> {
        // SAFETY: rsmpi's constants, set by its C shim before any use and never written.
        let (null, world, this) = unsafe {
            (
                ffi::RSMPI_COMM_NULL,
                ffi::RSMPI_COMM_WORLD,
                ffi::RSMPI_COMM_SELF,
            )
        };
        if raw == null {
            return None;
        }
        // The predefined communicators have rsmpi's own wrappers, whose drop frees nothing
        // (its `from_raw` must not be given them).
        let predefined = if raw == world {
            Some(SimpleCommunicator::world())
        } else if raw == this {
            Some(SimpleCommunicator::self_comm())
        } else {
            None
        };
        if let Some(comm) = predefined {
            return Some(BorrowedComm {
                comm: ManuallyDrop::new(comm),
                owner: PhantomData,
            });
        }
        let mut inter = 0;
        // SAFETY: `raw` is a live communicator (the caller's promise) and `inter` a place for
        // the flag `MPI_Comm_test_inter` writes.
        unsafe { ffi::MPI_Comm_test_inter(raw, &mut inter) };
        if inter != 0 {
            return None;
        }
        // SAFETY: `raw` is a live intra-communicator other than the predefined ones (checked
        // above, and the caller's promise), as rsmpi's `from_raw` requires. It takes ownership in the sense that dropping the value
        // frees the handle (or, for `MPI_COMM_WORLD`, would try to): it is kept in
        // `ManuallyDrop` and never dropped, so the handle is only used, never freed.
        let comm = unsafe { SimpleCommunicator::from_raw(raw) };
        Some(BorrowedComm {
            comm: ManuallyDrop::new(comm),
            owner: PhantomData,
        })
    }
}

impl Deref for BorrowedComm<'_> {
    type Target = SimpleCommunicator;

    fn deref(&self) -> &SimpleCommunicator {
        &self.comm
    }
}
