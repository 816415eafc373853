//! Element-wise vector updates on local pieces: each element computed by the same
//! expression whatever the number of ranks.

/// `y ← y + a·x`.
pub fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// `y ← x + b·y`.
pub fn xpby(x: &[f64], b: f64, y: &mut [f64]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y = x + b * *y;
    }
}

/// `out ← b − a`.
pub fn difference(b: &[f64], a: &[f64], out: &mut [f64]) {
    for ((out, b), a) in out.iter_mut().zip(b).zip(a) {
        *out = b - a;
    }
}

/// `x ← x / d`.
pub fn divide(x: &mut [f64], d: f64) {
    for x in x {
        *x /= d;
    }
}
