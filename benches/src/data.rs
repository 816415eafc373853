//! Benchmark inputs: 64-byte-aligned buffers of deterministic pseudo-random values, viewed
//! either at the aligned start or 16 bytes past it (x and y always at the same offset).
//!
//! A buffer is allocated once per size for the largest stride and reused for every layout;
//! filling it also touches every page, so no page fault lands inside a timed call. The values
//! come from [`SplitMix64::symmetric`] (uniform in [-1, 1)), rounded for `f32`.

use pdot_kernels::Real;
use pdot_testkit::SplitMix64;

/// The byte alignment of [`AlignedBuf`]'s start (a cache line, and an AVX-512 vector).
pub const ALIGN: usize = 64;

/// The byte offset of the misaligned views.
pub const OFFSET_BYTES: usize = 16;

/// The seed of the benchmark data of length `n` (the same in the criterion benches and the
/// report).
pub fn seed_for(n: usize) -> u64 {
    0x9D07_u64 ^ n as u64
}

/// Where a view starts relative to the 64-byte boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alignment {
    /// At the 64-byte boundary.
    Aligned,
    /// [`OFFSET_BYTES`] (16) bytes past it.
    Offset16,
}

impl Alignment {
    /// Both alignments, aligned first.
    pub const ALL: [Alignment; 2] = [Alignment::Aligned, Alignment::Offset16];

    /// The byte offset from the 64-byte boundary.
    pub fn offset_bytes(self) -> usize {
        match self {
            Alignment::Aligned => 0,
            Alignment::Offset16 => OFFSET_BYTES,
        }
    }

    /// `"aligned"` or `"offset16"`.
    pub fn name(self) -> &'static str {
        match self {
            Alignment::Aligned => "aligned",
            Alignment::Offset16 => "offset16",
        }
    }
}

/// `len` elements whose first one lies on a 64-byte boundary, with room for a view that
/// starts [`OFFSET_BYTES`] later and still has `len` elements.
#[derive(Clone, Debug)]
pub struct AlignedBuf<T> {
    storage: Vec<T>,
    start: usize,
    len: usize,
}

impl<T: Real> AlignedBuf<T> {
    /// `len` zeros (64-byte aligned, plus the slack for the offset view).
    ///
    /// # Panics
    /// If the allocation size overflows.
    pub fn zeroed(len: usize) -> Self {
        let size = size_of::<T>();
        let slack = (ALIGN + OFFSET_BYTES).div_ceil(size);
        let storage = vec![T::default(); len.checked_add(slack).expect("buffer too large")];
        // Elements of size 4 or 8 at an address aligned to their size: the distance to the
        // next 64-byte boundary is a whole number of elements, below ALIGN / size.
        let start = storage.as_ptr().align_offset(ALIGN);
        assert!(
            start * size < ALIGN && start + len + OFFSET_BYTES / size <= storage.len(),
            "cannot align a buffer of {size}-byte elements to {ALIGN} bytes"
        );
        AlignedBuf {
            storage,
            start,
            len,
        }
    }

    /// `len` pseudo-random values in [-1, 1) from `seed` (the same on every run).
    pub fn random(len: usize, seed: u64) -> Self {
        let mut buf = Self::zeroed(len);
        let mut rng = SplitMix64::new(seed);
        // Fill the slack too, so that the offset view is random to its end.
        for v in &mut buf.storage {
            *v = T::from(rng.symmetric()).expect("f64 converts to f32 and f64");
        }
        buf
    }

    /// A copy of `values` (64-byte aligned; the slack after them, read by the offset view,
    /// repeats them from the start).
    ///
    /// ```
    /// use pdot_benches::data::{ALIGN, AlignedBuf};
    /// let b = AlignedBuf::from_slice(&[1.0f64, 2.0, 3.0]);
    /// assert_eq!(b.aligned(), &[1.0, 2.0, 3.0]);
    /// assert_eq!(b.aligned().as_ptr() as usize % ALIGN, 0);
    /// ```
    pub fn from_slice(values: &[T]) -> Self {
        let mut buf = Self::zeroed(values.len());
        let start = buf.start;
        for (dst, &v) in buf.storage[start..].iter_mut().zip(values.iter().cycle()) {
            *dst = v;
        }
        buf
    }

    /// The number of elements of each view.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the views are empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `len` elements starting at the 64-byte boundary.
    pub fn aligned(&self) -> &[T] {
        self.view(Alignment::Aligned)
    }

    /// The `len` elements starting `alignment.offset_bytes()` past the 64-byte boundary.
    pub fn view(&self, alignment: Alignment) -> &[T] {
        let first = self.start + alignment.offset_bytes() / size_of::<T>();
        &self.storage[first..first + self.len]
    }
}

/// Two random buffers `x` and `y` of the same length (different seeds).
#[derive(Clone, Debug)]
pub struct Pair<T> {
    /// The first operand.
    pub x: AlignedBuf<T>,
    /// The second operand.
    pub y: AlignedBuf<T>,
}

impl<T: Real> Pair<T> {
    /// Buffers big enough for `n` logical elements at every increment up to `max_inc`.
    ///
    /// # Panics
    /// If `max_inc == 0` or the size overflows.
    pub fn for_strides(n: usize, max_inc: usize, seed: u64) -> Self {
        assert!(max_inc > 0, "max_inc must be positive");
        let len = match n {
            0 => 0,
            n => (n - 1)
                .checked_mul(max_inc)
                .and_then(|v| v.checked_add(1))
                .expect("buffer too large"),
        };
        Pair {
            x: AlignedBuf::random(len, seed),
            y: AlignedBuf::random(len, seed ^ 0x5DEE_CE66_D1CE_CAFE),
        }
    }

    /// The x and y slices at `alignment` that hold `n` logical elements every `inc`:
    /// `(n - 1) * inc + 1` elements each.
    ///
    /// # Panics
    /// If the buffers are too short for `n` elements every `inc`, or `inc == 0`.
    pub fn views(&self, alignment: Alignment, n: usize, inc: usize) -> (&[T], &[T]) {
        assert!(inc > 0, "inc must be positive");
        let span = if n == 0 { 0 } else { (n - 1) * inc + 1 };
        assert!(
            span <= self.x.len(),
            "buffers of {} elements cannot hold {n} elements every {inc}",
            self.x.len()
        );
        (
            &self.x.view(alignment)[..span],
            &self.y.view(alignment)[..span],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_aligned_and_offset() {
        for len in [0usize, 1, 7, 1000] {
            let b = AlignedBuf::<f64>::random(len, 1);
            assert_eq!(b.aligned().as_ptr() as usize % ALIGN, 0);
            assert_eq!(
                b.view(Alignment::Offset16).as_ptr() as usize % ALIGN,
                OFFSET_BYTES
            );
            assert_eq!(b.view(Alignment::Offset16).len(), len);
            let b = AlignedBuf::<f32>::random(len, 2);
            assert_eq!(b.aligned().as_ptr() as usize % ALIGN, 0);
            assert_eq!(
                b.view(Alignment::Offset16).as_ptr() as usize % ALIGN,
                OFFSET_BYTES
            );
        }
    }

    #[test]
    fn data_is_deterministic_and_in_range() {
        let a = Pair::<f64>::for_strides(100, 4, 42);
        let b = Pair::<f64>::for_strides(100, 4, 42);
        assert_eq!(a.x.aligned(), b.x.aligned());
        assert_ne!(a.x.aligned(), a.y.aligned());
        assert!(a.x.aligned().iter().all(|v| (-1.0..1.0).contains(v)));
        let (x, y) = a.views(Alignment::Offset16, 100, 4);
        assert_eq!((x.len(), y.len()), (397, 397));
        // The offset view shares the buffer: it starts 2 f64 later.
        assert_eq!(x[0], a.x.aligned()[2]);
    }
}
