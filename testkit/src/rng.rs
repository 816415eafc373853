//! The one pseudo-random generator of pdot's tests, fuzz targets and benches: SplitMix64.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for test data, and the same
/// sequence on every platform. Every generator of this crate draws from it; the benches and
/// the fuzz targets use it too.
///
/// `SplitMix64::new(state)` starts from `state` as is; [`SplitMix64::seeded`] is the start
/// the data families use for a seed.
///
/// ```
/// use pdot_testkit::SplitMix64;
/// let mut a = SplitMix64::new(7);
/// let mut b = SplitMix64::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let v = a.symmetric();
/// assert!((-1.0..1.0).contains(&v));
/// ```
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl SplitMix64 {
    /// A generator whose state is `state`.
    ///
    /// ```
    /// // The first output of SplitMix64 from state 0.
    /// assert_eq!(pdot_testkit::SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    /// ```
    pub fn new(state: u64) -> Self {
        SplitMix64(state)
    }

    /// The generator of the data families for `seed`: the state `seed ^ 0x9E37_79B9_7F4A_7C15`
    /// (so that seed 0 does not start from state 0).
    ///
    /// ```
    /// use pdot_testkit::SplitMix64;
    /// assert_eq!(
    ///     SplitMix64::seeded(5).next_u64(),
    ///     SplitMix64::new(5 ^ 0x9E37_79B9_7F4A_7C15).next_u64()
    /// );
    /// ```
    pub fn seeded(seed: u64) -> Self {
        SplitMix64(seed ^ GOLDEN)
    }

    /// The next 64 pseudo-random bits.
    ///
    /// ```
    /// let mut r = pdot_testkit::SplitMix64::new(1);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`: 53 random bits.
    ///
    /// ```
    /// let u = pdot_testkit::SplitMix64::new(3).unit();
    /// assert!((0.0..1.0).contains(&u));
    /// ```
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[-1, 1)` on a grid of 2^-52 (exactly `2 · unit() − 1`).
    ///
    /// ```
    /// use pdot_testkit::SplitMix64;
    /// let (mut a, mut b) = (SplitMix64::new(9), SplitMix64::new(9));
    /// assert_eq!(a.symmetric(), 2.0 * b.unit() - 1.0);
    /// ```
    pub fn symmetric(&mut self) -> f64 {
        2.0 * self.unit() - 1.0
    }

    /// Uniform integer in `lo..=hi` (modulo bias, irrelevant for tests).
    ///
    /// # Panics
    /// If `lo > hi`.
    ///
    /// ```
    /// let v = pdot_testkit::SplitMix64::new(4).range(-3, 3);
    /// assert!((-3..=3).contains(&v));
    /// ```
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "range: {lo} > {hi}");
        let span = hi.abs_diff(lo) + 1;
        lo.wrapping_add((self.next_u64() % span) as i64)
    }

    /// A fair coin.
    ///
    /// ```
    /// let mut r = pdot_testkit::SplitMix64::new(2);
    /// let heads = (0..1000).filter(|_| r.coin()).count();
    /// assert!((400..600).contains(&heads));
    /// ```
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// `±m · 2^e` with `m` uniform in `[1, 2)`, `e` uniform in `lo..=hi` and a random sign.
    ///
    /// ```
    /// let v = pdot_testkit::SplitMix64::new(6).wide(-4, 4);
    /// assert!((1.0 / 16.0..32.0).contains(&v.abs()));
    /// ```
    pub fn wide(&mut self, lo: i32, hi: i32) -> f64 {
        let m = 1.0 + self.unit();
        let e = self.range(i64::from(lo), i64::from(hi)) as i32;
        let v = m * 2f64.powi(e);
        if self.coin() { -v } else { v }
    }

    /// Fisher–Yates shuffle of two slices with the same permutation.
    ///
    /// # Panics
    /// If the lengths differ.
    ///
    /// ```
    /// let (mut x, mut y) = ([1, 2, 3, 4], [10, 20, 30, 40]);
    /// pdot_testkit::SplitMix64::new(8).shuffle_pair(&mut x, &mut y);
    /// assert!(x.iter().zip(&y).all(|(a, b)| *b == 10 * *a));
    /// ```
    pub fn shuffle_pair<T>(&mut self, x: &mut [T], y: &mut [T]) {
        assert_eq!(x.len(), y.len(), "shuffle_pair: lengths differ");
        for i in (1..x.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            x.swap(i, j);
            y.swap(i, j);
        }
    }
}
