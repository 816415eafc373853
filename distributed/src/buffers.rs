//! Spare message buffers, kept per thread between reductions: a reduction of one value is
//! latency-bound, and allocating and freeing its buffers at every call is a measurable part
//! of it. A reduction takes its buffers here and gives them back when it ends.

use std::cell::RefCell;

/// The most spare buffers kept per thread.
const KEEP: usize = 8;
/// Buffers larger than this are freed, not kept.
const KEEP_BYTES: usize = 1 << 20;

thread_local! {
    static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// An empty buffer with room for at least `capacity` bytes: a spare one if there is one.
pub(crate) fn take(capacity: usize) -> Vec<u8> {
    let spare = SPARE
        .try_with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.pop()))
        .ok()
        .flatten();
    match spare {
        Some(mut buffer) => {
            buffer.clear();
            buffer.reserve(capacity);
            buffer
        }
        None => Vec::with_capacity(capacity),
    }
}

/// Keeps `buffer` for a later [`take`] (or frees it, if enough are kept or it is large).
pub(crate) fn give(buffer: Vec<u8>) {
    if buffer.capacity() == 0 || buffer.capacity() > KEEP_BYTES {
        return;
    }
    // During thread teardown or a re-entrant call the buffer is simply freed.
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut()
            && s.len() < KEEP
        {
            s.push(buffer);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_empty_with_room() {
        let mut a = take(10);
        assert!(a.is_empty() && a.capacity() >= 10);
        a.extend_from_slice(&[1, 2, 3]);
        let ptr = a.as_ptr();
        give(a);
        let b = take(2);
        assert!(b.is_empty() && b.capacity() >= 2);
        assert_eq!(b.as_ptr(), ptr, "the spare buffer is reused");
        let c = take(100);
        assert!(c.is_empty() && c.capacity() >= 100);
        // More than KEEP buffers given back: the rest are freed.
        for _ in 0..2 * KEEP {
            give(Vec::with_capacity(4));
        }
        SPARE.with(|s| assert_eq!(s.borrow().len(), KEEP));
        give(Vec::with_capacity(KEEP_BYTES + 1));
        SPARE.with(|s| assert!(s.borrow().iter().all(|b| b.capacity() <= KEEP_BYTES)));
    }
}
