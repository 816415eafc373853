//! What the ranks must agree on, carried in the header of every reduction message.
//!
//! Each rank states its values of a few quantities (a global length, a layout) and at most one
//! local problem. Combining two agreements keeps, per quantity, the smallest and the largest
//! value with the lowest rank holding each, and the problem of the lowest rank. That combine
//! is associative, commutative and exact, so after the reduction every rank holds the same
//! agreement and derives the same verdict from it.

use crate::error::{Error, Quantity};
use crate::layout::{Layout, layout_from_code};

/// One quantity, as seen by a set of ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fact {
    what: Quantity,
    min: u64,
    min_rank: u32,
    max: u64,
    max_rank: u32,
}

/// A problem found on one rank before any communication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The local part has `found` elements, the share `expected`.
    LocalLength { expected: u64, found: u64 },
    /// The layout code names an invalid layout.
    InvalidLayout { code: u64 },
    /// x and y have different lengths.
    LengthMismatch { x: u64, y: u64 },
    /// A message between `low` and `high` could not be decoded.
    Corrupt { low: u64, high: u64 },
    /// A vector was built for a communicator of `built_for` ranks.
    Communicator { built_for: u64 },
    /// An accuracy level this crate does not handle.
    UnsupportedAccuracy,
    /// Per-rank counts for `counts` ranks on a communicator of `ranks`.
    CountsRanks { counts: u64, ranks: u64 },
    /// The caller rejected its own input on this rank, with its own code.
    Rejected { code: u64 },
}

impl Problem {
    fn encode(self) -> [u64; 3] {
        match self {
            Problem::LocalLength { expected, found } => [1, expected, found],
            Problem::InvalidLayout { code } => [2, code, 0],
            Problem::LengthMismatch { x, y } => [3, x, y],
            Problem::Corrupt { low, high } => [4, low, high],
            Problem::Communicator { built_for } => [5, built_for, 0],
            Problem::UnsupportedAccuracy => [6, 0, 0],
            Problem::CountsRanks { counts, ranks } => [7, counts, ranks],
            Problem::Rejected { code } => [8, code, 0],
        }
    }

    fn decode(words: [u64; 3]) -> Option<Problem> {
        let [kind, a, b] = words;
        Some(match kind {
            1 => Problem::LocalLength {
                expected: a,
                found: b,
            },
            2 => Problem::InvalidLayout { code: a },
            3 => Problem::LengthMismatch { x: a, y: b },
            4 => Problem::Corrupt { low: a, high: b },
            5 => Problem::Communicator { built_for: a },
            6 => Problem::UnsupportedAccuracy,
            7 => Problem::CountsRanks {
                counts: a,
                ranks: b,
            },
            8 => Problem::Rejected { code: a },
            _ => return None,
        })
    }

    fn into_error(self, rank: usize) -> Error {
        let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        match self {
            Problem::LocalLength { expected, found } => Error::LocalLength {
                rank,
                expected: size(expected),
                found: size(found),
            },
            Problem::InvalidLayout { code } => Error::InvalidLayout {
                layout: layout_from_code(code).unwrap_or(Layout::BlockCyclic(0)),
            },
            Problem::LengthMismatch { x, y } => Error::LengthMismatch {
                rank,
                x: size(x),
                y: size(y),
            },
            Problem::Corrupt { low, high } => Error::Corrupt {
                ranks: (size(low), size(high)),
            },
            Problem::Communicator { built_for } => Error::Communicator {
                rank,
                built_for: size(built_for),
            },
            Problem::UnsupportedAccuracy => Error::UnsupportedAccuracy,
            Problem::CountsRanks { counts, ranks } => Error::CountsRanks {
                counts: size(counts),
                ranks: size(ranks),
            },
            Problem::Rejected { code } => Error::Rejected { rank, code },
        }
    }
}

const QUANTITIES: [Quantity; 9] = [
    Quantity::GlobalLength,
    Quantity::Layout,
    Quantity::GlobalLengthY,
    Quantity::LayoutY,
    Quantity::Count,
    Quantity::ValueKind,
    Quantity::Accuracy,
    Quantity::Counts,
    Quantity::CountsY,
];

fn quantity_code(q: Quantity) -> u64 {
    QUANTITIES
        .iter()
        .position(|&x| x == q)
        .unwrap_or(usize::MAX) as u64
}

/// The most facts an agreement holds (each quantity at most once).
const MAX_FACTS: usize = QUANTITIES.len();

const NO_FACT: Fact = Fact {
    what: Quantity::GlobalLength,
    min: 0,
    min_rank: 0,
    max: 0,
    max_rank: 0,
};

/// The name of a kind of values (`Reducible::kind_name`), as much of it as fits: plain data,
/// so that an agreement stays `Copy` and allocation-free.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct KindName {
    len: usize,
    bytes: [u8; KIND_NAME_BYTES],
}

/// The longest kind name an error shows in full (longer ones are cut, with "...").
const KIND_NAME_BYTES: usize = 120;

impl KindName {
    const EMPTY: KindName = KindName {
        len: 0,
        bytes: [0; KIND_NAME_BYTES],
    };

    fn new(name: &str) -> KindName {
        let mut text = name.to_owned();
        if text.len() > KIND_NAME_BYTES {
            let mut cut = KIND_NAME_BYTES - 3;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str("...");
        }
        let mut out = KindName::EMPTY;
        out.bytes[..text.len()].copy_from_slice(text.as_bytes());
        out.len = text.len();
        out
    }

    fn as_string(&self) -> String {
        String::from_utf8_lossy(&self.bytes[..self.len]).into_owned()
    }
}

/// The value stated for [`Quantity::ValueKind`]: a 64-bit digest of the kind's name and wire
/// length.
fn kind_digest(name: &str, wire_len: usize) -> u64 {
    name.bytes()
        .fold(mix(wire_len as u64 ^ 0x6b69_6e64), |h, b| {
            mix(h ^ u64::from(b))
        })
}

/// The finaliser of SplitMix64: a bijection of `u64` that mixes every input bit.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The combined statements of a set of ranks. Small and without allocation until the kind
/// names are needed (the second pass): the reduction of one value is latency-bound, and
/// its agreement is built, moved and dropped at every call.
#[derive(Clone, Debug)]
pub(crate) struct Agreement {
    facts: [Fact; MAX_FACTS],
    len: usize,
    /// The lowest rank with a problem, and its problem.
    problem: Option<(u32, Problem)>,
    /// The kind names behind the smallest and the largest [`Quantity::ValueKind`] digest;
    /// `None` stands for two empty names.
    kinds: Option<Box<[KindName; 2]>>,
}

/// Bytes per fact, for the fixed part of the header, and per kind name (its length, then
/// its bytes).
const FACT_BYTES: usize = 4 * 8;
const FIXED_BYTES: usize = 5 * 8;
const NAME_BYTES: usize = 8 + KIND_NAME_BYTES;

/// The longest header (every fact stated): second-pass messages are no longer.
pub(crate) const MAX_WIRE_LEN: usize = FIXED_BYTES + FACT_BYTES * MAX_FACTS + 2 * NAME_BYTES;

impl Agreement {
    /// Rank `rank` states its values of `facts`, and its problem if it has one.
    pub(crate) fn new(rank: usize, facts: &[(Quantity, u64)], problem: Option<Problem>) -> Self {
        let mut out = Agreement {
            facts: [NO_FACT; MAX_FACTS],
            len: 0,
            problem: problem.map(|p| (rank as u32, p)),
            kinds: None,
        };
        out.add_facts(rank, facts);
        out
    }

    /// The kind names (two empty ones until some are recorded).
    fn kinds(&self) -> &[KindName; 2] {
        const NONE: &[KindName; 2] = &[KindName::EMPTY; 2];
        self.kinds.as_deref().unwrap_or(NONE)
    }

    /// The kind names, to change.
    fn kinds_mut(&mut self) -> &mut [KindName; 2] {
        self.kinds
            .get_or_insert_with(|| Box::new([KindName::EMPTY; 2]))
    }

    /// The facts stated.
    fn facts(&self) -> &[Fact] {
        &self.facts[..self.len]
    }

    /// Adds statements of rank `rank` (to a fresh agreement of that rank). Quantities beyond
    /// the capacity (each quantity is stated at most once by the crate) are dropped.
    pub(crate) fn add_facts(&mut self, rank: usize, facts: &[(Quantity, u64)]) {
        let rank = rank as u32;
        for &(what, v) in facts {
            if let Some(slot) = self.facts.get_mut(self.len) {
                *slot = Fact {
                    what,
                    min: v,
                    min_rank: rank,
                    max: v,
                    max_rank: rank,
                };
                self.len += 1;
            }
        }
    }

    /// Adds rank `rank`'s statement of the kind of values it reduces: a digest of `name` and
    /// `wire_len` as the fact, and the name, for the error if the ranks disagree.
    pub(crate) fn add_kind(&mut self, rank: usize, type_key: &str, wire_len: usize) {
        self.add_facts(
            rank,
            &[(Quantity::ValueKind, kind_digest(type_key, wire_len))],
        );
    }

    /// Records the readable name of this rank's kind of values, which only the second pass
    /// carries (so a correct call never formats it).
    pub(crate) fn name_kind(&mut self, name: &str) {
        self.kinds = Some(Box::new([KindName::new(name); 2]));
    }

    /// Records a problem found on `rank` during the reduction.
    pub(crate) fn report(&mut self, rank: usize, problem: Problem) {
        let rank = rank as u32;
        if self.problem.is_none_or(|(r, _)| rank < r) {
            self.problem = Some((rank, problem));
        }
    }

    /// The wire length of the header.
    #[cfg(test)]
    pub(crate) fn wire_len(&self) -> usize {
        FIXED_BYTES + FACT_BYTES * self.len + 2 * NAME_BYTES
    }

    /// Appends the wire form (little-endian u64 words) to `out`.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let (rank, problem) = match self.problem {
            Some((r, p)) => (u64::from(r), p.encode()),
            None => (u64::MAX, [0; 3]),
        };
        let mut put = |w: u64| out.extend_from_slice(&w.to_le_bytes());
        put(self.len as u64);
        put(rank);
        problem.into_iter().for_each(&mut put);
        for f in self.facts() {
            put(quantity_code(f.what));
            put(f.min);
            put(u64::from(f.min_rank) | (u64::from(f.max_rank) << 32));
            put(f.max);
        }
        for kind in self.kinds() {
            out.extend_from_slice(&(kind.len as u64).to_le_bytes());
            out.extend_from_slice(&kind.bytes);
        }
    }

    /// Reads a header from the front of `bytes`: the agreement and the rest of the bytes,
    /// or `None` if they hold no well-formed header.
    pub(crate) fn decode(bytes: &[u8]) -> Option<(Agreement, &[u8])> {
        let word = |i: usize| -> Option<u64> {
            let b = bytes.get(8 * i..8 * i + 8)?;
            Some(u64::from_le_bytes(b.try_into().ok()?))
        };
        let count = usize::try_from(word(0)?).ok().filter(|&c| c <= MAX_FACTS)?;
        let problem = match word(1)? {
            u64::MAX => None,
            r => Some((
                u32::try_from(r).ok()?,
                Problem::decode([word(2)?, word(3)?, word(4)?])?,
            )),
        };
        let mut facts = [NO_FACT; MAX_FACTS];
        for (i, slot) in facts.iter_mut().enumerate().take(count) {
            let at = 5 + 4 * i;
            let ranks = word(at + 2)?;
            *slot = Fact {
                what: *QUANTITIES.get(usize::try_from(word(at)?).ok()?)?,
                min: word(at + 1)?,
                min_rank: ranks as u32,
                max: word(at + 3)?,
                max_rank: (ranks >> 32) as u32,
            };
        }
        let mut at = FIXED_BYTES + FACT_BYTES * count;
        let mut kinds = [KindName::EMPTY; 2];
        for kind in &mut kinds {
            let len = bytes.get(at..at + 8)?;
            kind.len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?))
                .ok()
                .filter(|&l| l <= KIND_NAME_BYTES)?;
            kind.bytes
                .copy_from_slice(bytes.get(at + 8..at + NAME_BYTES)?);
            at += NAME_BYTES;
        }
        let agreement = Agreement {
            facts,
            len: count,
            problem,
            kinds: (kinds != [KindName::EMPTY; 2]).then(|| Box::new(kinds)),
        };
        Some((agreement, &bytes[at..]))
    }

    /// Combines with another set of ranks' statements. `None` if the two state different
    /// quantities (ranks in different collective calls).
    pub(crate) fn combine(&mut self, other: &Agreement) -> Option<()> {
        if self.len != other.len {
            return None;
        }
        let len = self.len;
        // Which of the other's kind names replace this one's (low, high).
        let mut take = [false; 2];
        for (a, b) in self.facts[..len].iter_mut().zip(other.facts()) {
            if a.what != b.what {
                return None;
            }
            let kind = a.what == Quantity::ValueKind;
            if (b.min, b.min_rank) < (a.min, a.min_rank) {
                (a.min, a.min_rank) = (b.min, b.min_rank);
                take[0] |= kind;
            }
            // Largest value; among equal values the lowest rank.
            if b.max > a.max || (b.max == a.max && b.max_rank < a.max_rank) {
                (a.max, a.max_rank) = (b.max, b.max_rank);
                take[1] |= kind;
            }
        }
        for (i, _) in take.iter().enumerate().filter(|(_, t)| **t) {
            self.kinds_mut()[i] = other.kinds()[i];
        }
        if let Some((rank, problem)) = other.problem {
            self.report(rank as usize, problem);
        }
        Some(())
    }

    /// A 64-bit digest of this rank's statements (of a fresh agreement): equal statements
    /// give equal digests, and different ones differ except with probability 2^-64.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.facts().iter().fold(mix(self.len as u64), |h, f| {
            mix(h ^ mix(quantity_code(f.what).wrapping_add(mix(f.min))))
        })
    }

    /// Whether some rank reported a problem.
    pub(crate) fn has_problem(&self) -> bool {
        self.problem.is_some()
    }

    /// The verdict: a rejection by the caller ([`Error::Rejected`]: a rank whose input was
    /// unusable may disagree on anything), else the first quantity the ranks disagree on,
    /// else the problem of the lowest rank that has one.
    pub(crate) fn verdict(&self) -> Result<(), Error> {
        if let Some((rank, Problem::Rejected { code })) = self.problem {
            return Err(Error::Rejected {
                rank: rank as usize,
                code,
            });
        }
        if let Some(f) = self.facts().iter().find(|f| f.min != f.max) {
            if f.what == Quantity::ValueKind {
                return Err(Error::KindDisagree {
                    low_rank: f.min_rank as usize,
                    low: self.kinds()[0].as_string(),
                    high_rank: f.max_rank as usize,
                    high: self.kinds()[1].as_string(),
                });
            }
            return Err(Error::Disagree {
                what: f.what,
                low_rank: f.min_rank as usize,
                low: f.min,
                high_rank: f.max_rank as usize,
                high: f.max,
            });
        }
        match self.problem {
            Some((rank, problem)) => Err(problem.into_error(rank as usize)),
            None => Ok(()),
        }
    }
}

impl PartialEq for Agreement {
    fn eq(&self, other: &Self) -> bool {
        self.facts() == other.facts()
            && self.problem == other.problem
            && self.kinds() == other.kinds()
    }
}

impl Eq for Agreement {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_combine() {
        let a = Agreement::new(3, &[(Quantity::GlobalLength, 10)], None);
        let b = Agreement::new(
            1,
            &[(Quantity::GlobalLength, 12)],
            Some(Problem::LocalLength {
                expected: 4,
                found: 5,
            }),
        );
        let mut bytes = Vec::new();
        b.encode(&mut bytes);
        bytes.extend([7, 7]);
        assert_eq!(bytes.len(), b.wire_len() + 2);
        let (back, rest) = Agreement::decode(&bytes).unwrap();
        assert_eq!(back, b);
        assert_eq!(rest, [7, 7]);
        let mut ab = a.clone();
        ab.combine(&b).unwrap();
        let mut ba = b.clone();
        ba.combine(&a).unwrap();
        assert_eq!(ab, ba);
        assert_eq!(
            ab.verdict(),
            Err(Error::Disagree {
                what: Quantity::GlobalLength,
                low_rank: 3,
                low: 10,
                high_rank: 1,
                high: 12
            })
        );
    }

    #[test]
    fn kind_names_travel() {
        let mut a = Agreement::new(0, &[], None);
        a.add_kind(0, "ExactPartial<f64>", 552);
        a.name_kind("Exact partial of f64");
        let mut b = Agreement::new(2, &[], None);
        b.add_kind(2, "FastPartial<f64>", 16);
        b.name_kind(&"x".repeat(500));
        let mut bytes = Vec::new();
        b.encode(&mut bytes);
        assert_eq!(bytes.len(), b.wire_len());
        let (back, rest) = Agreement::decode(&bytes).unwrap();
        assert!(rest.is_empty());
        assert_eq!(back, b);
        let mut ab = a.clone();
        ab.combine(&back).unwrap();
        let mut ba = back.clone();
        ba.combine(&a).unwrap();
        assert_eq!(ab, ba);
        let Err(Error::KindDisagree {
            low_rank,
            low,
            high_rank,
            high,
        }) = ab.verdict()
        else {
            panic!("{:?}", ab.verdict());
        };
        let mut names = [(low_rank, low), (high_rank, high)];
        names.sort();
        assert_eq!(names[0], (0, "Exact partial of f64".to_owned()));
        assert_eq!(names[1].0, 2);
        assert_eq!(names[1].1.len(), KIND_NAME_BYTES);
        assert!(names[1].1.ends_with("xx..."));
    }

    #[test]
    fn garbage_never_panics() {
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            let _ = Agreement::decode(&bytes);
        }
    }
}
