//! Shared decoding of fuzz inputs into dot-product cases, for the cargo-fuzz targets in
//! `fuzz_targets/`.
//!
//! An input is read front to back: a short header picks the shape of a case (element type,
//! `n`, increments, offsets, how the values are drawn), then the values themselves. When the
//! bytes run out, values continue from a PRNG seeded with a hash of the whole input, so a short
//! input can describe a vector of thousands of elements and every input replays exactly.
//!
//! A case lives in buffers laid out as BLAS would read them: the logical elements of `x` sit at
//! `off + offset(i)` of a buffer that ends exactly at the last element a view may read, and
//! every other slot holds a NaN filler. A kernel that reads an element outside its view turns
//! a finite result into NaN (and, under AddressSanitizer, one that reads past the buffer is
//! caught outright).

use pdot_kernels::{Precision, Real, Strided};
use pdot_testkit::{SplitMix64, blas_layout_padded, strided_view};

/// Largest `n` a case may have: long enough for every lane and peel/tail path, short enough
/// that one execution stays well under a millisecond.
pub const MAX_N: usize = 4096;

/// A reader of fuzz bytes that never runs dry.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
    rng: SplitMix64,
}

impl<'a> Bytes<'a> {
    /// A reader over `data`; the PRNG that continues it is seeded with a hash of all of it.
    pub fn new(data: &'a [u8]) -> Self {
        // FNV-1a.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in data {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Bytes {
            data,
            pos: 0,
            rng: SplitMix64::new(h),
        }
    }

    /// The continuation of the input: SplitMix64 from the hash.
    fn prng(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Whether the input bytes are used up (values now come from the PRNG).
    pub fn exhausted(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The next byte.
    pub fn u8(&mut self) -> u8 {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => self.prng() as u8,
        }
    }

    /// The next little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// The next little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        if self.exhausted() {
            return self.prng();
        }
        let mut v = [0u8; 8];
        for b in &mut v {
            *b = self.u8();
        }
        u64::from_le_bytes(v)
    }

    /// A number in `0..bound` (0 if `bound == 0`), reading as few bytes as the bound needs.
    pub fn below(&mut self, bound: u64) -> u64 {
        match bound {
            0 => 0,
            1..=256 => u64::from(self.u8()) % bound,
            257..=65536 => u64::from(self.u16()) % bound,
            _ => self.u64() % bound,
        }
    }

    /// A number in `lo..=hi`.
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        lo + self.below(span) as i64
    }

    /// True with probability about `1/k`.
    pub fn one_in(&mut self, k: u8) -> bool {
        self.u8().is_multiple_of(k)
    }

    /// One element of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// The type pair of a case (one byte: `f64`, `f32`, `f32-f64` in the order of
    /// [`Precision::ALL`]); the target runs its generic check with [`Precision::visit`].
    pub fn precision(&mut self) -> Precision {
        Precision::ALL[usize::from(self.u8()) % Precision::ALL.len()]
    }
}

/// What the value generators need of an element type beyond [`Real`]: the bit layout, and
/// exact conversions. Implemented for every [`Real`] (that is, `f64` and `f32`), so that the
/// generic code a [`Precision::visit`] runs can use it.
pub trait Float: Real {
    /// Explicit mantissa bits (52, 23).
    const MANT: u32 = if size_of::<Self>() == 8 { 52 } else { 23 };
    /// Largest biased exponent of a finite value (2046, 254).
    const EXP_MAX: u64 = if size_of::<Self>() == 8 { 2046 } else { 254 };
    /// Unit roundoff 2^-(MANT+1) of this format, as f64.
    const U: f64 = if size_of::<Self>() == 8 {
        1.0 / 9007199254740992.0 // 2^-53
    } else {
        1.0 / 16777216.0 // 2^-24
    };
    /// Smallest positive subnormal of this format, as f64.
    const ETA: f64 = if size_of::<Self>() == 8 {
        f64::from_bits(1) // 2^-1074
    } else {
        f32::from_bits(1) as f64 // 2^-149
    };
    /// Largest finite value of this format, as f64.
    const MAX: f64 = if size_of::<Self>() == 8 {
        f64::MAX
    } else {
        f32::MAX as f64
    };
    /// Name in messages.
    const NAME: &'static str = if size_of::<Self>() == 8 { "f64" } else { "f32" };

    /// The value with these raw bits (the low 32 for f32).
    fn from_raw(bits: u64) -> Self {
        let v = if size_of::<Self>() == 8 {
            Self::from(f64::from_bits(bits))
        } else {
            // f32 to f32 through `NumCast` is the identity, NaN payloads included.
            Self::from(f32::from_bits(bits as u32))
        };
        v.expect("a float converts to its own type")
    }

    /// The raw bits, widened to u64.
    fn bits(self) -> u64 {
        if size_of::<Self>() == 8 {
            self.to_f64().expect("f64 to f64").to_bits()
        } else {
            u64::from(self.to_f32().expect("f32 to f32").to_bits())
        }
    }

    /// Exact widening to f64.
    fn as_f64(self) -> f64 {
        self.to_f64().expect("f32 and f64 widen to f64")
    }

    /// Rounding conversion from f64 (exact for the small values the generators make).
    fn from_f64(v: f64) -> Self {
        Self::from(v).expect("f64 converts to f32 and f64")
    }

    /// The value `(-1)^neg * 1.mant * 2^(exp - bias)` (subnormal or zero for `exp == 0`).
    fn from_parts(neg: bool, exp: u64, mant: u64) -> Self {
        let sign = u64::from(neg) << (Self::MANT + (Self::EXP_MAX + 2).trailing_zeros());
        let mant = mant & ((1u64 << Self::MANT) - 1);
        Self::from_raw(sign | (exp << Self::MANT) | mant)
    }
}

impl<T: Real> Float for T {}

/// Special values the generators plant (as f64; each converts exactly or to its f32 analogue).
fn special<F: Float>(k: u64) -> F {
    let eta = F::ETA;
    let min_normal = F::ETA * 2f64.powi(F::MANT as i32);
    let table = [
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        eta,
        -eta,
        3.0 * eta,
        min_normal,
        -min_normal,
        min_normal - eta,
        F::MAX,
        -F::MAX,
        1.0,
        -1.0,
    ];
    F::from_f64(table[(k % table.len() as u64) as usize])
}

/// `n` values drawn in one of several styles picked by the input.
pub fn values<F: Float>(b: &mut Bytes<'_>, n: usize) -> Vec<F> {
    match b.u8() % 8 {
        // Raw bits: anything, NaN and infinities included, mostly huge or tiny.
        0 => (0..n).map(|_| F::from_raw(b.u64())).collect(),
        // A window of exponents anywhere in the range (subnormals and near-overflow included),
        // with mantissas cut to a chosen number of leading bits and a chosen sign pattern.
        1..=3 => {
            let lo = b.below(F::EXP_MAX + 1);
            let width = b.below(80).min(F::EXP_MAX - lo);
            let keep = b.below(u64::from(F::MANT) + 1) as u32;
            let mask = if keep == 0 {
                0
            } else {
                ((1u64 << keep) - 1) << (F::MANT - keep)
            };
            let signs = b.u8() % 3;
            (0..n)
                .map(|_| {
                    let neg = match signs {
                        0 => false,
                        1 => true,
                        _ => b.u8() & 1 == 1,
                    };
                    let exp = lo + b.below(width + 1);
                    F::from_parts(neg, exp, b.u64() & mask)
                })
                .collect()
        }
        // Small integers times a power of two: sums are often exact, cancellation is common.
        4 | 5 => {
            let scale = 2f64.powi(b.range_i64(-40, 40) as i32);
            let mag = b.range_i64(1, 127);
            (0..n)
                .map(|_| F::from_f64(b.range_i64(-mag, mag) as f64 * scale))
                .collect()
        }
        // A short pattern repeated: long runs of equal terms in every lane.
        6 => {
            let period = b.range_i64(1, 5) as usize;
            let pattern = values::<F>(b, period);
            (0..n).map(|i| pattern[i % period]).collect()
        }
        // Uniform-ish in [-1, 1) with full mantissas.
        _ => (0..n)
            .map(|_| F::from_f64(((b.u64() >> 11) as f64 / 2f64.powi(52)) - 1.0))
            .collect(),
    }
}

/// The increments a case may use: contiguous most often; 2 and 4 (the kernels' special
/// paths when both views have them); zero, negative and other gathers.
const INCS: [isize; 16] = [1, 1, 1, 1, 2, 2, 4, 4, 3, -1, -1, -2, -4, 0, 5, -3];

/// A dot-product case: logical vectors and the layout of the buffers they are read from.
#[derive(Clone, Debug)]
pub struct Case<F> {
    /// Logical elements of x.
    pub x: Vec<F>,
    /// Logical elements of y.
    pub y: Vec<F>,
    /// Increment of x's view.
    pub inc_x: isize,
    /// Increment of y's view.
    pub inc_y: isize,
    /// Elements of filler before x's view.
    pub off_x: usize,
    /// Elements of filler before y's view.
    pub off_y: usize,
}

impl<F: Float> Case<F> {
    /// Decodes a case from the input.
    pub fn decode(b: &mut Bytes<'_>) -> Self {
        let h = b.u8();
        let n = if h & 0x80 != 0 {
            b.below(MAX_N as u64 + 1) as usize
        } else {
            // Small n: every tail length of the 32/64 lanes, and n = 0, 1.
            usize::from(h) % 100
        };
        let inc_x = b.pick(&INCS);
        // Equal increments a quarter of the time (the 2/2 and 4/4 paths need both).
        let inc_y = if b.one_in(4) { inc_x } else { b.pick(&INCS) };
        let off_x = b.below(17) as usize;
        let off_y = b.below(17) as usize;
        let mut x = values::<F>(b, n);
        let mut y = values::<F>(b, n);
        let transforms = b.u8();
        // Mirror: the second half cancels the first, exactly; then a few terms perturbed.
        // Makes sums with huge condition numbers (tiny result, large |x|·|y|).
        if transforms & 1 != 0 && n >= 2 {
            for k in 0..n / 2 {
                x[n - 1 - k] = -x[k];
                y[n - 1 - k] = y[k];
            }
            for _ in 0..b.below(4) {
                let i = b.below(n as u64) as usize;
                x[i] = values::<F>(b, 1)[0];
            }
        }
        // Plant special values (NaN, infinities, zeros, subnormals, extremes).
        if transforms & 6 == 6 && n >= 1 {
            for _ in 0..b.range_i64(1, 3) {
                let i = b.below(n as u64) as usize;
                let v = special::<F>(b.u64());
                if b.u8() & 1 == 0 {
                    x[i] = v;
                } else {
                    y[i] = v;
                }
            }
        }
        // inc = 0 reads one element n times.
        if inc_x == 0 && n > 0 {
            x = vec![x[0]; n];
        }
        if inc_y == 0 && n > 0 {
            y = vec![y[0]; n];
        }
        Case {
            x,
            y,
            inc_x,
            inc_y,
            off_x,
            off_y,
        }
    }

    /// Number of logical elements.
    pub fn n(&self) -> usize {
        self.x.len()
    }

    /// The buffer holding x (NaN filler outside the view).
    pub fn buffer_x(&self) -> Vec<F> {
        embed(&self.x, self.inc_x, self.off_x)
    }

    /// The buffer holding y (NaN filler outside the view).
    pub fn buffer_y(&self) -> Vec<F> {
        embed(&self.y, self.inc_y, self.off_y)
    }

    /// x's view into its buffer.
    pub fn view_x<'a>(&self, buf: &'a [F]) -> Strided<'a, F> {
        view(buf, self.n(), self.inc_x, self.off_x)
    }

    /// y's view into its buffer.
    pub fn view_y<'a>(&self, buf: &'a [F]) -> Strided<'a, F> {
        view(buf, self.n(), self.inc_y, self.off_y)
    }

    /// A one-line description for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "{} n={} inc_x={} inc_y={} off_x={} off_y={}",
            F::NAME,
            self.n(),
            self.inc_x,
            self.inc_y,
            self.off_x,
            self.off_y
        )
    }
}

/// A buffer of exactly `off + (n-1)·|inc| + 1` elements holding `logical` where a BLAS view
/// at `off` with `inc` reads it, and NaN everywhere else (ending at the view's last element,
/// so that AddressSanitizer catches a read past it).
pub fn embed<F: Float>(logical: &[F], inc: isize, off: usize) -> Vec<F> {
    blas_layout_padded(logical, inc, off, F::nan(), 0)
}

/// The view that [`embed`] laid out.
pub fn view<F: Float>(buf: &[F], n: usize, inc: isize, off: usize) -> Strided<'_, F> {
    strided_view(buf, n, inc, off)
}
