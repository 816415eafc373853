//! Test inputs: a small seeded generator, families of vectors (uniform, wide exponents,
//! subnormals, exact cancellation, small integers, ill-conditioned), proptest strategies that
//! pick a family, a length and a seed, and placement of slices at an offset into a larger
//! buffer (to exercise the kernels' alignment peel).
//!
//! Vectors are built from a seed by a deterministic generator rather than element by element
//! by proptest: thousands of elements per case stay cheap, and shrinking still works (on the
//! length, the family and the seed).

use proptest::prelude::*;

use super::exact::ExactSum;

/// SplitMix64: tiny, fast, good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(-1, 1)`.
    pub fn symmetric(&mut self) -> f64 {
        2.0 * self.unit() - 1.0
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// `±m · 2^e` with `m` uniform in `[1, 2)` and `e` uniform in `lo..=hi`.
    pub fn wide(&mut self, lo: i32, hi: i32) -> f64 {
        let m = 1.0 + self.unit();
        let e = self.range(i64::from(lo), i64::from(hi)) as i32;
        let v = m * 2f64.powi(e);
        if self.coin() { -v } else { v }
    }

    /// Fisher–Yates shuffle of two vectors with the same permutation.
    pub fn shuffle_pair<T>(&mut self, x: &mut [T], y: &mut [T]) {
        assert_eq!(x.len(), y.len());
        for i in (1..x.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            x.swap(i, j);
            y.swap(i, j);
        }
    }
}

/// A family of test vectors.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    /// Uniform in (-1, 1).
    Uniform,
    /// `±[1,2) · 2^e`, `e` uniform in `-spread..=spread`.
    WideExponents { spread: i32 },
    /// Mostly subnormal and tiny normal values, some zeros of either sign: products underflow.
    Subnormal,
    /// Pairs of products that cancel exactly (`a·c` and `(-a)·c`): the exact result is 0.
    Cancellation,
    /// Small integers: every partial sum is exact, so the result must be exact.
    SmallIntegers,
    /// Ogita–Rump–Oishi GenDot with condition number about `10^log10_cond`.
    IllConditioned { log10_cond: u32 },
}

/// `n` pairs `(x, y)` of `f64` from family `family` and seed `seed`.
pub fn gen_f64(family: Family, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    match family {
        Family::Uniform => {
            let x = (0..n).map(|_| rng.symmetric()).collect();
            let y = (0..n).map(|_| rng.symmetric()).collect();
            (x, y)
        }
        Family::WideExponents { spread } => {
            let x = (0..n).map(|_| rng.wide(-spread, spread)).collect();
            let y = (0..n).map(|_| rng.wide(-spread, spread)).collect();
            (x, y)
        }
        Family::Subnormal => {
            let tiny = |rng: &mut Rng| -> f64 {
                let v = match rng.range(0, 9) {
                    // A subnormal with a random fraction.
                    0..=4 => f64::from_bits(rng.next_u64() & ((1u64 << 52) - 1)),
                    // A subnormal with few significant bits.
                    5 => f64::from_bits(rng.next_u64() & 0xff),
                    // A tiny normal.
                    6 | 7 => rng.wide(-1022, -1000).abs(),
                    // Of order one: multiplied by a subnormal it stays subnormal.
                    8 => rng.wide(-3, 3).abs(),
                    _ => 0.0,
                };
                if rng.coin() { -v } else { v }
            };
            let x = (0..n).map(|_| tiny(&mut rng)).collect();
            let y = (0..n).map(|_| tiny(&mut rng)).collect();
            (x, y)
        }
        Family::Cancellation => {
            let half = n / 2;
            let mut x: Vec<f64> = (0..half).map(|_| rng.wide(-30, 30)).collect();
            let mut y: Vec<f64> = (0..half).map(|_| rng.wide(-30, 30)).collect();
            for i in 0..half {
                x.push(-x[i]);
                y.push(y[i]);
            }
            if n % 2 == 1 {
                // One zero product keeps the exact result at 0.
                x.push(rng.wide(-30, 30));
                y.push(0.0);
            }
            rng.shuffle_pair(&mut x, &mut y);
            (x, y)
        }
        Family::SmallIntegers => {
            let x = (0..n).map(|_| rng.range(-1000, 1000) as f64).collect();
            let y = (0..n).map(|_| rng.range(-1000, 1000) as f64).collect();
            (x, y)
        }
        Family::IllConditioned { log10_cond } => gen_dot_f64(n, log10_cond, &mut rng),
    }
}

/// `n` pairs `(x, y)` of `f32` from family `family` and seed `seed`.
///
/// The families mean the same as for `f64`, scaled to the `f32` range (`spread` is clamped
/// so that no product overflows, and `Subnormal` uses `f32` subnormals).
pub fn gen_f32(family: Family, n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let narrow = |v: Vec<f64>| -> Vec<f32> { v.into_iter().map(|a| a as f32).collect() };
    match family {
        Family::SmallIntegers => {
            // Small enough that every partial sum of up to 4000 products is exact in f32.
            let x = (0..n).map(|_| rng.range(-60, 60) as f32).collect();
            let y = (0..n).map(|_| rng.range(-60, 60) as f32).collect();
            (x, y)
        }
        Family::Uniform | Family::Cancellation => {
            // Exactly representable in f32 (uniform: 24 random bits), same structure.
            let (x, y) = gen_f64(family, n, seed);
            (narrow(x), narrow(y))
        }
        Family::WideExponents { spread } => {
            let s = spread.min(60);
            let x = (0..n).map(|_| rng.wide(-s, s) as f32).collect();
            let y = (0..n).map(|_| rng.wide(-s, s) as f32).collect();
            (x, y)
        }
        Family::Subnormal => {
            let tiny = |rng: &mut Rng| -> f32 {
                let v = match rng.range(0, 9) {
                    0..=4 => f32::from_bits(rng.next_u64() as u32 & ((1u32 << 23) - 1)),
                    5 => f32::from_bits(rng.next_u64() as u32 & 0xff),
                    6 | 7 => rng.wide(-126, -110).abs() as f32,
                    8 => rng.wide(-3, 3).abs() as f32,
                    _ => 0.0,
                };
                if rng.coin() { -v } else { v }
            };
            let x = (0..n).map(|_| tiny(&mut rng)).collect();
            let y = (0..n).map(|_| tiny(&mut rng)).collect();
            (x, y)
        }
        Family::IllConditioned { log10_cond } => gen_dot_f32(n, log10_cond, &mut rng),
    }
}

/// Algorithm 6.1 (GenDot) of T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot
/// product", SIAM J. Sci. Comput. 26(6), 2005, for `f64`:
///
/// 1. the first half of `x` and `y` gets random mantissas in (-1, 1) scaled by `2^e`, with
///    `e` random in `0..=b/2` (`b = log2(cond)`), the first exponent `b/2 + 1` and the last 0
///    so that the full range is used;
/// 2. the second half gets exponents decreasing linearly from `b/2` to 0; `x_i` is random and
///    `y_i = (random · 2^e − x_{1..i-1} · y_{1..i-1}) / x_i`, which drives the running dot
///    product towards cancellation;
/// 3. both vectors are permuted with the same random permutation.
///
/// The paper computes the running dot product with Dot2; here it is the exact reference
/// (kept incrementally), rounded to nearest, which is at least as good.
fn gen_dot_f64(n: usize, log10_cond: u32, rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let b = f64::from(log10_cond) * std::f64::consts::LOG2_10;
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if n < 2 {
        for _ in 0..n {
            x.push(rng.symmetric());
            y.push(rng.symmetric());
        }
        return (x, y);
    }
    let n2 = n.div_ceil(2);
    let half_b = b / 2.0;
    let mut running = ExactSum::new();
    for i in 0..n2 {
        let e = if i == 0 {
            half_b.round() as i32 + 1
        } else if i == n2 - 1 {
            0
        } else {
            (rng.unit() * half_b).round() as i32
        };
        let (a, c) = (
            rng.symmetric() * 2f64.powi(e),
            rng.symmetric() * 2f64.powi(e),
        );
        running.add_product(a, c);
        x.push(a);
        y.push(c);
    }
    let m = n - n2;
    for k in 0..m {
        let e = if m == 1 {
            0.0
        } else {
            half_b * (1.0 - k as f64 / (m - 1) as f64)
        }
        .round() as i32;
        let mut a = rng.symmetric() * 2f64.powi(e);
        if a == 0.0 {
            a = 2f64.powi(e);
        }
        let c = (rng.symmetric() * 2f64.powi(e) - running.to_f64()) / a;
        running.add_product(a, c);
        x.push(a);
        y.push(c);
    }
    rng.shuffle_pair(&mut x, &mut y);
    (x, y)
}

/// GenDot for `f32` (see [`gen_dot_f64`]); the correction `y_i` is computed in `f64` from the
/// exact running sum and rounded to `f32`.
fn gen_dot_f32(n: usize, log10_cond: u32, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let b = f64::from(log10_cond) * std::f64::consts::LOG2_10;
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    if n < 2 {
        for _ in 0..n {
            x.push(rng.symmetric() as f32);
            y.push(rng.symmetric() as f32);
        }
        return (x, y);
    }
    let n2 = n.div_ceil(2);
    let half_b = b / 2.0;
    let mut running = ExactSum::new();
    for i in 0..n2 {
        let e = if i == 0 {
            half_b.round() as i32 + 1
        } else if i == n2 - 1 {
            0
        } else {
            (rng.unit() * half_b).round() as i32
        };
        let a = (rng.symmetric() * 2f64.powi(e)) as f32;
        let c = (rng.symmetric() * 2f64.powi(e)) as f32;
        running.add_product(f64::from(a), f64::from(c));
        x.push(a);
        y.push(c);
    }
    let m = n - n2;
    for k in 0..m {
        let e = if m == 1 {
            0.0
        } else {
            half_b * (1.0 - k as f64 / (m - 1) as f64)
        }
        .round() as i32;
        let mut a = (rng.symmetric() * 2f64.powi(e)) as f32;
        if a == 0.0 {
            a = 2f32.powi(e);
        }
        let c = ((rng.symmetric() * 2f64.powi(e) - running.to_f64()) / f64::from(a)) as f32;
        running.add_product(f64::from(a), f64::from(c));
        x.push(a);
        y.push(c);
    }
    rng.shuffle_pair(&mut x, &mut y);
    (x, y)
}

/// Lengths that matter to the kernels: empty and short vectors (below one pass of the lanes,
/// 32 for f64 and 64 for f32), lengths within a few elements of multiples of 32 and 64 (the
/// ragged tails), and anything up to `max`.
pub fn lengths(max: usize) -> impl Strategy<Value = usize> {
    let near_multiple = (1..=max / 32, -4i64..=4).prop_map(move |(k, d)| {
        let n = (k * 32) as i64 + d;
        n.clamp(0, max as i64) as usize
    });
    prop_oneof![
        3 => 0..=70usize,
        3 => near_multiple,
        2 => 0..=max,
    ]
}

/// The families for `f64` accuracy properties (no family makes the sum overflow).
pub fn families_f64() -> impl Strategy<Value = Family> {
    prop_oneof![
        2 => Just(Family::Uniform),
        2 => (1..=300i32).prop_map(|spread| Family::WideExponents { spread }),
        1 => Just(Family::Subnormal),
        1 => Just(Family::Cancellation),
        1 => Just(Family::SmallIntegers),
        3 => (5..=30u32).prop_map(|log10_cond| Family::IllConditioned { log10_cond }),
    ]
}

/// The families for `f32` (and mixed `f32 -> f64`) accuracy properties.
pub fn families_f32() -> impl Strategy<Value = Family> {
    prop_oneof![
        2 => Just(Family::Uniform),
        2 => (1..=60i32).prop_map(|spread| Family::WideExponents { spread }),
        1 => Just(Family::Subnormal),
        1 => Just(Family::Cancellation),
        1 => Just(Family::SmallIntegers),
        3 => (3..=15u32).prop_map(|log10_cond| Family::IllConditioned { log10_cond }),
    ]
}

/// A copy of a vector placed `offset` elements into a larger buffer whose other elements
/// (before and after) are `filler` (NaN in the tests: a kernel reading outside the slice would
/// return NaN). Different offsets give the kernels' alignment peel different work.
#[derive(Clone, Debug)]
pub struct Placed<T> {
    buf: Vec<T>,
    offset: usize,
    n: usize,
}

impl<T: Copy> Placed<T> {
    pub fn new(v: &[T], offset: usize, filler: T) -> Self {
        let mut buf = vec![filler; offset];
        buf.extend_from_slice(v);
        buf.extend_from_slice(&[filler; 8]);
        Placed {
            buf,
            offset,
            n: v.len(),
        }
    }

    /// The placed copy.
    pub fn slice(&self) -> &[T] {
        &self.buf[self.offset..self.offset + self.n]
    }
}

/// Replaces about `count` random elements of `v` by special values: NaNs with various
/// payloads and signs (quiet and signalling), infinities, signed zeros, the largest finite
/// values (whose products overflow), and subnormals.
pub fn sprinkle_f64(v: &mut [f64], count: usize, rng: &mut Rng) {
    if v.is_empty() {
        return;
    }
    for _ in 0..count {
        let i = rng.range(0, v.len() as i64 - 1) as usize;
        let payload = rng.next_u64() & ((1u64 << 51) - 1);
        v[i] = match rng.range(0, 9) {
            0 => f64::NAN,
            1 => f64::from_bits(0x7ff8_0000_0000_0000 | payload),
            2 => f64::from_bits(0xfff8_0000_0000_0000 | payload),
            3 => f64::from_bits(0x7ff0_0000_0000_0000 | payload | 1), // signalling
            4 => f64::INFINITY,
            5 => f64::NEG_INFINITY,
            6 => -0.0,
            7 => f64::MAX * rng.symmetric(),
            8 => f64::from_bits(rng.next_u64() & ((1u64 << 52) - 1)),
            _ => 0.0,
        };
    }
}

/// [`sprinkle_f64`] for `f32`.
pub fn sprinkle_f32(v: &mut [f32], count: usize, rng: &mut Rng) {
    if v.is_empty() {
        return;
    }
    for _ in 0..count {
        let i = rng.range(0, v.len() as i64 - 1) as usize;
        let payload = rng.next_u64() as u32 & ((1u32 << 22) - 1);
        v[i] = match rng.range(0, 9) {
            0 => f32::NAN,
            1 => f32::from_bits(0x7fc0_0000 | payload),
            2 => f32::from_bits(0xffc0_0000 | payload),
            3 => f32::from_bits(0x7f80_0000 | payload | 1), // signalling
            4 => f32::INFINITY,
            5 => f32::NEG_INFINITY,
            6 => -0.0,
            7 => f32::MAX * rng.symmetric() as f32,
            8 => f32::from_bits(rng.next_u64() as u32 & ((1u32 << 23) - 1)),
            _ => 0.0,
        };
    }
}

/// The logical elements of a BLAS strided view, computed from the definition (not through
/// `Strided`): for `inc >= 0` element `i` is `data[i * inc]`, for `inc < 0` it is
/// `data[(n - 1 - i) * |inc|]`.
pub fn blas_logical<T: Copy>(data: &[T], n: usize, inc: isize) -> Vec<T> {
    let step = inc.unsigned_abs();
    (0..n)
        .map(|i| {
            if inc >= 0 {
                data[i * step]
            } else {
                data[(n - 1 - i) * step]
            }
        })
        .collect()
}

/// A buffer holding the logical vector `logical` as a BLAS strided view with increment
/// `inc` starting `offset` elements in; every element the view does not use is `filler`.
/// Returns the buffer; the view is `Strided::new(&buf[offset..], n, inc)`.
pub fn blas_layout<T: Copy>(logical: &[T], inc: isize, offset: usize, filler: T) -> Vec<T> {
    let n = logical.len();
    let step = inc.unsigned_abs();
    let span = if n == 0 { 0 } else { (n - 1) * step + 1 };
    let mut buf = vec![filler; offset + span + 3];
    for (i, &v) in logical.iter().enumerate() {
        let at = if inc >= 0 {
            i * step
        } else {
            (n - 1 - i) * step
        };
        if inc != 0 || i == 0 {
            buf[offset + at] = v;
        }
    }
    buf
}
