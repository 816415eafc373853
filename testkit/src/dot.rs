//! The exact value of whole dot products: of finite inputs ([`exact_dot`] and friends, as an
//! [`ExactSum`]), and of any inputs with the IEEE rules for the special values
//! ([`ExactDot`]).

use crate::exact::ExactSum;
use crate::float::Float;

/// The exact sum of `add(x_i, y_i)` over the pairs (widened exactly to `f64`), or `None` if
/// an element is not finite.
pub(crate) fn finite_sum<T: Float>(
    what: &str,
    x: &[T],
    y: &[T],
    add: fn(&mut ExactSum, f64, f64),
) -> Option<ExactSum> {
    assert_eq!(x.len(), y.len(), "{what}: lengths differ");
    let mut s = ExactSum::new();
    for (&a, &b) in x.iter().zip(y) {
        let (a, b) = (a.as_f64(), b.as_f64());
        if !(a.is_finite() && b.is_finite()) {
            return None;
        }
        add(&mut s, a, b);
    }
    Some(s)
}

/// The exact value of `x · y`, or `None` if an element is not finite.
///
/// # Panics
/// If the lengths differ.
///
/// ```
/// use pdot_testkit::exact_dot;
/// assert_eq!(exact_dot(&[1e300, 1.0, -1e300], &[1e10, 1.0, 1e10]).unwrap().to_f64(), 1.0);
/// assert!(exact_dot(&[f64::NAN], &[1.0]).is_none());
/// ```
pub fn exact_dot(x: &[f64], y: &[f64]) -> Option<ExactSum> {
    finite_sum("exact_dot", x, y, ExactSum::add_product)
}

/// The exact value of `x · y` for `f32` inputs, or `None` if an element is not finite.
///
/// # Panics
/// If the lengths differ.
///
/// ```
/// let s = pdot_testkit::exact_dot_f32(&[16777216.0, 1.0], &[1.0, 1.0]).unwrap();
/// assert_eq!(s.to_f64(), 16777217.0);
/// ```
pub fn exact_dot_f32(x: &[f32], y: &[f32]) -> Option<ExactSum> {
    finite_sum("exact_dot_f32", x, y, ExactSum::add_product)
}

/// The exact value of `|x| · |y|` (the sum of the absolute products), or `None` if an element
/// is not finite.
///
/// # Panics
/// If the lengths differ.
///
/// ```
/// let s = pdot_testkit::exact_abs_dot(&[1.0, -2.0], &[3.0, 4.0]).unwrap();
/// assert_eq!(s.to_f64(), 11.0);
/// ```
pub fn exact_abs_dot(x: &[f64], y: &[f64]) -> Option<ExactSum> {
    finite_sum("exact_abs_dot", x, y, ExactSum::add_abs_product)
}

/// What `pdot_kernels::Accuracy::Exact` must return for `x · y`, for any inputs: the
/// exact sum of the finite products rounded once to nearest-even, with the IEEE rules for
/// the special products written out one by one.
///
/// - a NaN operand, or an infinity times a zero, makes a NaN product; a NaN product, or both
///   a +inf and a −inf product, give NaN (the one positive quiet NaN);
/// - otherwise an infinite product gives that infinity (whatever the finite ones add up to);
/// - otherwise the exact sum, rounded once (±inf beyond the format's range);
/// - an exact zero sum is +0, except −0 when there is at least one product and every
///   product is −0 (a zero times a value of the opposite sign).
///
/// (Written for the tests, not in `pdot-kernels` terms: it does not know about lanes,
/// blocks, flags or the superaccumulator.)
///
/// ```
/// use pdot_testkit::exact_dot_ieee;
/// assert!(exact_dot_ieee(&[f64::INFINITY, 1.0], &[1.0, f64::NEG_INFINITY]).to_f64().is_nan());
/// assert_eq!(exact_dot_ieee(&[1e308, 1e308, -1e308], &[10.0, 1.0, 10.0]).to_f64(), 1e308);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ExactDot {
    /// The exact sum of the finite products.
    pub sum: ExactSum,
    /// Some product is NaN.
    pub nan: bool,
    /// Some product is +inf.
    pub pos_inf: bool,
    /// Some product is −inf.
    pub neg_inf: bool,
    /// Number of products.
    pub products: usize,
    /// Number of products that are −0.
    pub neg_zero_products: usize,
}

impl ExactDot {
    /// The dot product of no elements.
    ///
    /// ```
    /// assert_eq!(pdot_testkit::ExactDot::new().to_f64(), 0.0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the product `a · b`, for any values.
    ///
    /// ```
    /// let mut d = pdot_testkit::ExactDot::new();
    /// d.add(f64::INFINITY, 0.0);
    /// assert!(d.nan);
    /// ```
    pub fn add(&mut self, a: f64, b: f64) {
        self.products += 1;
        if a.is_nan() || b.is_nan() {
            self.nan = true;
        } else if a.is_infinite() || b.is_infinite() {
            if a == 0.0 || b == 0.0 {
                self.nan = true;
            } else if a.is_sign_negative() == b.is_sign_negative() {
                self.pos_inf = true;
            } else {
                self.neg_inf = true;
            }
        } else if a == 0.0 || b == 0.0 {
            if a.is_sign_negative() != b.is_sign_negative() {
                self.neg_zero_products += 1;
            }
        } else {
            self.sum.add_product(a, b);
        }
    }

    /// Whether the result is −0: the exact sum is zero, there is a product, and all are −0.
    fn negative_zero(&self) -> bool {
        self.products > 0 && self.neg_zero_products == self.products
    }

    /// The special result, if any: NaN (as `None` inside) or an infinity's sign.
    fn special(&self) -> Option<Option<bool>> {
        if self.nan || (self.pos_inf && self.neg_inf) {
            Some(None)
        } else if self.pos_inf || self.neg_inf {
            Some(Some(self.neg_inf))
        } else {
            None
        }
    }

    /// The result in `f64`.
    ///
    /// ```
    /// let mut d = pdot_testkit::ExactDot::new();
    /// d.add(f64::MAX, 2.0);
    /// assert_eq!(d.to_f64(), f64::INFINITY);
    /// ```
    pub fn to_f64(&self) -> f64 {
        self.round(
            [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0],
            ExactSum::to_f64,
        )
    }

    /// The result in `f32`, rounded once from the exact value.
    ///
    /// ```
    /// let mut d = pdot_testkit::ExactDot::new();
    /// d.add(0.1, 1.0);
    /// assert_eq!(d.to_f32(), 0.1f32);
    /// ```
    pub fn to_f32(&self) -> f32 {
        self.round(
            [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -0.0],
            ExactSum::to_f32,
        )
    }

    /// The result in a format whose `[NaN, +inf, -inf, -0]` are `special`, the finite sum
    /// rounded by `round`.
    fn round<T: Copy>(&self, special: [T; 4], round: fn(&ExactSum) -> T) -> T {
        let [nan, inf, neg_inf, neg_zero] = special;
        match self.special() {
            Some(None) => nan,
            Some(Some(true)) => neg_inf,
            Some(Some(false)) => inf,
            None if self.negative_zero() => neg_zero,
            None => round(&self.sum),
        }
    }
}

/// [`ExactDot`] of two `f64` vectors.
///
/// # Panics
/// If the lengths differ.
///
/// ```
/// let d = pdot_testkit::exact_dot_ieee(&[f64::INFINITY, 1.0], &[1.0, 2.0]);
/// assert_eq!(d.to_f64(), f64::INFINITY);
/// ```
pub fn exact_dot_ieee(x: &[f64], y: &[f64]) -> ExactDot {
    ieee(x, y)
}

/// [`ExactDot`] of two vectors of either format.
pub(crate) fn ieee<T: Float>(x: &[T], y: &[T]) -> ExactDot {
    assert_eq!(x.len(), y.len(), "exact_dot_ieee: lengths differ");
    let mut d = ExactDot::new();
    for (&a, &b) in x.iter().zip(y) {
        d.add(a.as_f64(), b.as_f64());
    }
    d
}

/// [`ExactDot`] of two `f32` vectors (widened exactly).
///
/// # Panics
/// If the lengths differ.
///
/// ```
/// let d = pdot_testkit::exact_dot_ieee_f32(&[-0.0], &[1.0]);
/// assert!(d.to_f32() == 0.0 && d.to_f32().is_sign_negative());
/// ```
pub fn exact_dot_ieee_f32(x: &[f32], y: &[f32]) -> ExactDot {
    ieee(x, y)
}
