//! Generated data: element `i` of x and y is a pure function of `(seed, i)`, so every rank
//! generates only its own elements and the vectors are the same for any number of ranks.

use std::str::FromStr;

/// Which data to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gen {
    /// x and y uniform in [-1, 1).
    Random,
    /// x with magnitudes spread over 2^-30 .. 2^30, y uniform: the rounding of the sum
    /// depends on the order of the additions.
    SeedLesson,
    /// Pairs of products that cancel up to a tiny rest.
    IllConditioned,
}

impl Gen {
    pub fn name(self) -> &'static str {
        match self {
            Gen::Random => "random",
            Gen::SeedLesson => "seed-lesson",
            Gen::IllConditioned => "ill-conditioned",
        }
    }

    /// Element `i` of (x, y), with values representable in a format of `digits` significand
    /// bits (53 for f64, 24 for f32), so converting to that format is exact.
    pub fn element(self, seed: u64, i: usize, digits: u32) -> (f64, f64) {
        let round = |v: f64| if digits < 53 { v as f32 as f64 } else { v };
        match self {
            Gen::Random => (round(uniform(seed, 0, i)), round(uniform(seed, 1, i))),
            Gen::SeedLesson => {
                let e = (word(seed, 2, i) % 61) as i32 - 30;
                (
                    round(uniform(seed, 0, i) * 2f64.powi(e)),
                    round(uniform(seed, 1, i)),
                )
            }
            Gen::IllConditioned => {
                // Pair j = i / 2: (a, b) and (a, -b + c) with c a tiny multiple of b, so the
                // pair's products cancel up to a·c.
                let j = i / 2;
                let e = (word(seed, 2, j) % 41) as i32 - 20;
                let a = round(uniform(seed, 0, j) * 2f64.powi(e));
                let b = round(uniform(seed, 1, j));
                if i.is_multiple_of(2) {
                    return (a, b);
                }
                let shift = (digits - 8 + (word(seed, 4, j) % 8) as u32) as i32;
                let c = b * uniform(seed, 3, j) * 2f64.powi(-shift);
                (a, round(-b + c))
            }
        }
    }
}

impl FromStr for Gen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "random" => Ok(Gen::Random),
            "seed-lesson" => Ok(Gen::SeedLesson),
            "ill-conditioned" => Ok(Gen::IllConditioned),
            other => Err(format!(
                "unknown generator {other:?} (expected random, seed-lesson or \
                 ill-conditioned)"
            )),
        }
    }
}

/// SplitMix64's output function: a bijection of u64 with good avalanche.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64 random bits for index `i` of stream `stream`.
fn word(seed: u64, stream: u64, i: usize) -> u64 {
    let key = mix(seed.wrapping_add(stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    mix(key ^ mix(i as u64))
}

/// Uniform in [-1, 1), a multiple of 2^-52.
fn uniform(seed: u64, stream: u64, i: usize) -> f64 {
    (word(seed, stream, i) >> 11) as f64 * 2f64.powi(-52) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_exact_in_the_format_and_in_range() {
        for g in [Gen::Random, Gen::SeedLesson, Gen::IllConditioned] {
            for i in 0..10_000 {
                let (x, y) = g.element(3, i, 24);
                assert_eq!(x, x as f32 as f64);
                assert_eq!(y, y as f32 as f64);
                assert!(x.abs() <= 2f64.powi(30) && y.abs() <= 1.0, "{g:?} {i}");
            }
        }
    }

    #[test]
    fn ill_conditioned_pairs_nearly_cancel() {
        for digits in [53, 24] {
            for j in 0..1000 {
                let (a0, b0) = Gen::IllConditioned.element(5, 2 * j, digits);
                let (a1, b1) = Gen::IllConditioned.element(5, 2 * j + 1, digits);
                assert_eq!(a0, a1);
                let rest = (a0 * b0 + a1 * b1).abs();
                assert!(
                    rest <= (a0 * b0).abs() * 2f64.powi(-(digits as i32) + 9),
                    "{j}"
                );
            }
        }
    }

    #[test]
    fn seeds_and_streams_differ() {
        assert_ne!(uniform(1, 0, 5), uniform(2, 0, 5));
        assert_ne!(uniform(1, 0, 5), uniform(1, 1, 5));
        assert_ne!(uniform(1, 0, 5), uniform(1, 0, 6));
    }
}
