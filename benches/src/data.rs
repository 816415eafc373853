//! Benchmark inputs: 64-byte-aligned buffers of deterministic pseudo-random values, viewed
//! either at the aligned start or 16 bytes past it (x and y always at the same offset).
//!
//! A buffer is allocated once per size for the largest stride and reused for every layout;
//! filling it also touches every page, so no page fault lands inside a timed call.

/// The byte alignment of [`AlignedBuf`]'s start (a cache line, and an AVX-512 vector).
pub const ALIGN: usize = 64;

/// The byte offset of the misaligned views.
pub const OFFSET_BYTES: usize = 16;

/// An element type of the benchmarks (`f32` or `f64`).
pub trait Element: Copy + Default + Send + Sync + 'static {
    /// `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Converts a value in [-1, 1) (rounding to nearest for `f32`).
    fn from_f64(value: f64) -> Self;
}

impl Element for f64 {
    const NAME: &'static str = "f64";
    fn from_f64(value: f64) -> Self {
        value
    }
}

impl Element for f32 {
    const NAME: &'static str = "f32";
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

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

/// A deterministic generator of values in [-1, 1) (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next value, uniform in [-1, 1) on a grid of 2^-52.
    pub fn next_unit(&mut self) -> f64 {
        let bits = self.next_u64() >> 11; // 53 bits
        (bits as f64) * (1.0 / (1u64 << 52) as f64) - 1.0
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

impl<T: Element> AlignedBuf<T> {
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
            "cannot align a buffer of {} to {ALIGN} bytes",
            T::NAME
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
            *v = T::from_f64(rng.next_unit());
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

impl<T: Element> Pair<T> {
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
