//! The split-phase reductions outstanding in this thread, and the wait that advances them
//! all.
//!
//! Whenever pdot waits for a message (in a blocking reduction, in `finish`, in the drop of
//! an unfinished handle) or is asked to make progress (`test`), it advances **every**
//! outstanding reduction of the thread, on every communicator, oldest first, as far as the
//! messages that have arrived allow. So a rank waiting in pdot never holds up a peer that
//! waits for its part of another reduction: handles can be finished in any order, a
//! different one on each rank, as MPI allows for its non-blocking collectives. (What pdot
//! cannot do is advance them while the rank waits outside pdot, in its own MPI calls.)

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::transport::Pause;

/// A reduction that can be advanced on its own (it holds its communicator).
pub(crate) trait Advance {
    /// Performs every step it can without waiting; returns whether it is done.
    fn advance(&mut self) -> bool;
}

/// A registered reduction.
pub(crate) type Entry = Rc<RefCell<dyn Advance>>;

thread_local! {
    /// The outstanding split-phase reductions, oldest first.
    static OUTSTANDING: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    /// Their number (read on every wait without borrowing the list).
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// Registers an outstanding reduction, to be advanced by every wait until it is done or
/// [`remove`]d.
pub(crate) fn register(entry: Entry) {
    OUTSTANDING.with(|list| {
        let mut list = list.borrow_mut();
        list.push(entry);
        COUNT.with(|c| c.set(list.len()));
    });
}

/// Forgets a reduction (done or abandoned); nothing if it is not registered.
pub(crate) fn remove(entry: &Entry) {
    OUTSTANDING.with(|list| {
        let mut list = list.borrow_mut();
        list.retain(|e| !Rc::ptr_eq(e, entry));
        COUNT.with(|c| c.set(list.len()));
    });
}

/// The number of outstanding split-phase reductions in this thread.
pub(crate) fn count() -> usize {
    COUNT.with(Cell::get)
}

/// Advances every outstanding reduction once, oldest first, and forgets those that are done.
/// A reduction being advanced further up the stack (only possible if code of its values'
/// type calls pdot) is skipped.
pub(crate) fn advance_all() {
    if count() == 0 {
        return;
    }
    let mut i = 0;
    loop {
        // The list is not borrowed while a reduction advances.
        let Some(entry) = OUTSTANDING.with(|list| list.borrow().get(i).cloned()) else {
            return;
        };
        let done = entry
            .try_borrow_mut()
            .map(|mut r| r.advance())
            .unwrap_or(false);
        if done {
            remove(&entry);
        } else {
            i += 1;
        }
    }
}

/// Waits until `own` (which performs what it can of one reduction and says whether it is
/// done) is done, advancing every outstanding reduction between its attempts.
pub(crate) fn wait_until(mut own: impl FnMut() -> bool) {
    let mut pause = Pause::new();
    while !own() {
        advance_all();
        pause.wait();
    }
}
