//! The cases' data: for one kind at a time, two buffers per element type filled from a
//! splitmix64 stream; each case reads views at offsets derived from its number.
//!
//! Nothing here allocates or calls the system: under emulation there is no operating system.

use crate::cases::MAX_N;

/// Distinct start offsets of a case's views in the buffers.
pub const OFFSETS: usize = 1024;

/// Elements per buffer: the widest view (`inc -3` over `MAX_N` elements) at any offset.
pub const BUF: usize = 3 * MAX_N + OFFSETS;

/// splitmix64: a tiny, well-mixed 64-bit stream.
pub struct Rng(u64);

impl Rng {
    /// The stream seeded by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i32
    }
}

/// The layout of a binary floating-point format, to build values from sign, exponent and
/// significand bits without any arithmetic that could round.
pub trait Format: Copy + Default {
    /// Significand bits stored (52 or 23).
    const FRACTION: u32;
    /// Exponent bias (1023 or 127).
    const BIAS: i32;
    /// Ranges of unbiased exponents of the kinds "wide" and "huge", and of the small
    /// elements of "subnormal" (whose products fall below the normal range).
    const WIDE: i32;
    /// See [`Format::WIDE`].
    const HUGE: i32;
    /// See [`Format::WIDE`].
    const TINY: (i32, i32);
    /// The value with these bits (sign bit, biased exponent, fraction).
    fn from_parts(negative: bool, biased: u32, fraction: u64) -> Self;
    /// The NaN used by the "specials" kind.
    fn nan() -> Self;
}

impl Format for f64 {
    const FRACTION: u32 = 52;
    const BIAS: i32 = 1023;
    const WIDE: i32 = 60;
    const HUGE: i32 = 500;
    const TINY: (i32, i32) = (-545, -490);
    fn from_parts(negative: bool, biased: u32, fraction: u64) -> f64 {
        f64::from_bits(u64::from(negative) << 63 | u64::from(biased) << 52 | fraction)
    }
    fn nan() -> f64 {
        f64::NAN
    }
}

impl Format for f32 {
    const FRACTION: u32 = 23;
    const BIAS: i32 = 127;
    const WIDE: i32 = 30;
    const HUGE: i32 = 63;
    const TINY: (i32, i32) = (-80, -60);
    fn from_parts(negative: bool, biased: u32, fraction: u64) -> f32 {
        f32::from_bits(u32::from(negative) << 31 | biased << 23 | fraction as u32)
    }
    fn nan() -> f32 {
        f32::NAN
    }
}

/// A random value of kind `kind` (an index into [`crate::cases::KINDS`]).
pub fn value<T: Format>(r: &mut Rng, kind: usize) -> T {
    let bits = r.next_u64();
    let negative = bits & 1 == 1;
    let fraction = (bits >> 1) & ((1u64 << T::FRACTION) - 1);
    let with_exp = |e: i32| T::from_parts(negative, (e + T::BIAS) as u32, fraction);
    let subnormal = T::from_parts(negative, 0, fraction.max(1));
    match kind {
        // [-1, 1): |x| = 1.f * 2^e with e from -1 down, like a uniform draw's magnitude.
        0 => with_exp(-1 - (bits >> 60).trailing_zeros().min(15) as i32),
        1 => with_exp(r.range(-T::WIDE, T::WIDE)),
        2 => with_exp(r.range(-T::HUGE, T::HUGE)),
        3 => match r.next_u64() % 4 {
            0 => subnormal,
            1 => with_exp(r.range(-2, 2)),
            _ => with_exp(r.range(T::TINY.0, T::TINY.1)),
        },
        _ => match r.next_u64() % 1024 {
            0 => T::from_parts(negative, (2 * T::BIAS + 1) as u32, 0), // ±infinity
            1 => T::nan(),
            k if k % 64 == 2 => T::from_parts(negative, 0, 0), // ±0
            k if k % 64 == 3 => subnormal,
            k if k % 64 == 4 => with_exp(T::BIAS), // near MAX: products overflow
            k if k % 64 == 5 => with_exp(1 - T::BIAS), // MIN_POSITIVE: products underflow
            _ => with_exp(r.range(-4, 0)),
        },
    }
}

/// The buffers of one data kind.
pub struct Data {
    /// The kind they hold.
    pub kind: usize,
    /// `x` and `y` buffers of `f64`.
    pub x64: [f64; BUF],
    /// See [`Data::x64`].
    pub y64: [f64; BUF],
    /// `x` and `y` buffers of `f32`.
    pub x32: [f32; BUF],
    /// See [`Data::x64`].
    pub y32: [f32; BUF],
}

impl Data {
    /// Buffers of kind `usize::MAX` (none yet): call [`Data::fill`].
    pub fn empty() -> Data {
        Data {
            kind: usize::MAX,
            x64: [0.0; BUF],
            y64: [0.0; BUF],
            x32: [0.0; BUF],
            y32: [0.0; BUF],
        }
    }

    /// Fills the buffers with kind `kind`, unless they hold it already.
    pub fn fill(&mut self, kind: usize) {
        if self.kind == kind {
            return;
        }
        let mut r = Rng::new(0x5EED_0000_0000_0000 ^ kind as u64);
        for v in self.x64.iter_mut().chain(self.y64.iter_mut()) {
            *v = value(&mut r, kind);
        }
        for v in self.x32.iter_mut().chain(self.y32.iter_mut()) {
            *v = value(&mut r, kind);
        }
        self.kind = kind;
    }
}
