"""Independent references for the tests, with Python's exact rationals (fractions): the
correctly rounded dot product and norm, with the IEEE rules for special values written out.
Nothing here uses pdot or NumPy's arithmetic."""

import math
from fractions import Fraction

# (precision in bits, exponent of the smallest subnormal, largest exponent)
F64 = (53, -1074, 1023)
F32 = (24, -149, 127)


def round_rational(q, fmt=F64):
    """The float nearest the rational q in the format fmt (ties to even), as a Python float
    (exact for both formats); +-inf beyond the range. q must not be zero."""
    prec, emin_sub, emax = fmt
    sign = -1.0 if q < 0 else 1.0
    q = abs(q)
    num, den = q.numerator, q.denominator
    # e = floor(log2 q), exactly.
    e = num.bit_length() - den.bit_length()
    if Fraction(num, den) < Fraction(2) ** e:
        e -= 1
    # The unit in the last place: 2^(e - prec + 1), but never below the smallest subnormal.
    ulp_exp = max(e - prec + 1, emin_sub)
    scaled = q / Fraction(2) ** ulp_exp  # q in ulps
    m = scaled.numerator // scaled.denominator
    rest = scaled - m
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and m % 2 == 1):
        m += 1
    if m == 0:
        return sign * 0.0
    value_exp = ulp_exp + m.bit_length() - 1
    if value_exp > emax:
        return sign * math.inf
    return sign * math.ldexp(float(m), ulp_exp)


def exact_dot(x, y, fmt=F64):
    """What pdot's "exact" must return for x . y (lists of Python floats): the exact sum of
    the products rounded once, with the IEEE rules for specials:
    a NaN product (NaN operand, or inf times 0), or both +inf and -inf products: NaN;
    otherwise an infinite product: that infinity; otherwise the exact sum rounded once;
    an exact zero is -0 only when there are products and every one is -0."""
    nan = pos_inf = neg_inf = False
    total = Fraction(0)
    neg_zero = 0
    for a, b in zip(x, y):
        if math.isnan(a) or math.isnan(b):
            nan = True
            continue
        if math.isinf(a) or math.isinf(b):
            if a == 0 or b == 0:
                nan = True
            elif (a > 0) == (b > 0):
                pos_inf = True
            else:
                neg_inf = True
            continue
        if a == 0 or b == 0:
            if math.copysign(1.0, a) * math.copysign(1.0, b) < 0:
                neg_zero += 1
            continue
        total += Fraction(a) * Fraction(b)
    if nan or (pos_inf and neg_inf):
        return math.nan
    if pos_inf:
        return math.inf
    if neg_inf:
        return -math.inf
    if total == 0:
        n = len(x)
        return -0.0 if n > 0 and neg_zero == n else 0.0
    return round_rational(total, fmt)


def exact_nrm2(x, fmt=F64):
    """The correctly rounded Euclidean norm of the finite floats x."""
    s = sum((Fraction(a) ** 2 for a in x), Fraction(0))
    if s == 0:
        return 0.0
    prec = fmt[0]
    # sqrt(s) = sqrt(num * den) / den; scale by 4^k so the integer root has prec + 3 bits
    # more than needed, and keep whether it is exact (a sticky bit below the last kept one).
    num, den = s.numerator, s.denominator
    target = num * den
    bits = (target.bit_length() + 1) // 2
    k = max(0, prec + 4 - bits) + 2 * prec
    scaled = target << (2 * k)
    r = math.isqrt(scaled)
    if r * r != scaled:
        r = 2 * r + 1  # strictly between r and r + 1: the midpoint rounds the same way
        k += 1
    return round_rational(Fraction(r, den << k), fmt)
