//! Integer square roots of big non-negative integers (little-endian `u64` limbs), bit by
//! bit: slow and plain, for the norm reference ([`crate::norm`]). Independent of
//! `pdot-kernels`.

use std::cmp::Ordering;

/// `(⌊√n⌋, √n is an integer)` for the non-negative integer `n`.
///
/// The root is built from its highest bit down: with `r` the bits found so far (all above
/// bit `j`) and `rem = n − r²`, bit `j` belongs to the root iff `(r + 2^j)² <= n`, that is
/// iff `rem >= r · 2^(j+1) + 2^(2j)`; then `rem` pays that amount. At the end
/// `rem = n − r²` with `r² <= n < (r + 1)²`.
///
/// ```
/// use pdot_testkit::isqrt::isqrt;
/// assert_eq!(isqrt(&[17]), (vec![4], false));
/// assert_eq!(isqrt(&[0, 1]), (vec![1 << 32], true)); // √(2^64)
/// assert_eq!(isqrt(&[]), (vec![], true));
/// ```
pub fn isqrt(n: &[u64]) -> (Vec<u64>, bool) {
    let bits = bit_length(n);
    if bits == 0 {
        return (Vec::new(), true);
    }
    let mut rem = trim(n.to_vec());
    let mut root: Vec<u64> = Vec::new();
    for j in (0..=(bits - 1) / 2).rev() {
        let mut trial = shl(&root, j + 1);
        add_bit(&mut trial, 2 * j);
        if cmp(&rem, &trial) != Ordering::Less {
            sub(&mut rem, &trial);
            add_bit(&mut root, j);
        }
    }
    (root, rem.is_empty())
}

/// Number of significant bits (0 for zero).
pub(crate) fn bit_length(n: &[u64]) -> usize {
    match n.iter().rposition(|&l| l != 0) {
        Some(i) => 64 * i + 64 - n[i].leading_zeros() as usize,
        None => 0,
    }
}

/// Without its leading zero limbs.
fn trim(mut n: Vec<u64>) -> Vec<u64> {
    while n.last() == Some(&0) {
        n.pop();
    }
    n
}

/// `n · 2^s`.
pub(crate) fn shl(n: &[u64], s: usize) -> Vec<u64> {
    let (limbs, bits) = (s / 64, s % 64);
    let mut out = vec![0u64; n.len() + limbs + 1];
    for (i, &l) in n.iter().enumerate() {
        out[i + limbs] |= l << bits;
        if bits > 0 {
            out[i + limbs + 1] |= l >> (64 - bits);
        }
    }
    trim(out)
}

/// `n += 2^b`.
fn add_bit(n: &mut Vec<u64>, b: usize) {
    let (mut i, bit) = (b / 64, 1u64 << (b % 64));
    if n.len() <= i {
        n.resize(i + 1, 0);
    }
    let mut carry = bit;
    while carry != 0 {
        if i == n.len() {
            n.push(0);
        }
        let (s, c) = n[i].overflowing_add(carry);
        n[i] = s;
        carry = u64::from(c);
        i += 1;
    }
}

/// Compares two trimmed integers.
fn cmp(a: &[u64], b: &[u64]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `a -= b`, for `a >= b` (both trimmed; `a` stays trimmed).
fn sub(a: &mut Vec<u64>, b: &[u64]) {
    let mut borrow = false;
    for (i, l) in a.iter_mut().enumerate() {
        let (s1, c1) = l.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (s2, c2) = s1.overflowing_sub(u64::from(borrow));
        *l = s2;
        borrow = c1 || c2;
    }
    debug_assert!(!borrow, "sub: a < b");
    while a.last() == Some(&0) {
        a.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::isqrt;

    #[test]
    fn small_roots_agree_with_u128_arithmetic() {
        let mut s = 0x0123_4567_89ab_cdefu64;
        for i in 0..5000u64 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = u128::from(s) * u128::from(s >> (i % 64)) + u128::from(i);
            let (r, exact) = isqrt(&[n as u64, (n >> 64) as u64]);
            let r = u128::from(r.first().copied().unwrap_or(0))
                | u128::from(r.get(1).copied().unwrap_or(0)) << 64;
            assert!(
                r * r <= n && (r + 1).checked_mul(r + 1).is_none_or(|sq| sq > n),
                "n = {n}"
            );
            assert_eq!(exact, r * r == n, "n = {n}");
        }
    }
}
