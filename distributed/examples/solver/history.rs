//! The record of a run: the residual norms, as a digest of their bits.

/// The residual norms of a run, in order: how many, the last, and a 64-bit FNV-1a digest of
/// their bits (the little-endian bytes of each `f64`).
#[derive(Clone, Copy, Debug)]
pub struct History {
    digest: u64,
    count: usize,
    last: f64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl History {
    /// No norms yet.
    pub fn new() -> History {
        History {
            digest: FNV_OFFSET,
            count: 0,
            last: f64::NAN,
        }
    }

    /// Records the next residual norm.
    pub fn record(&mut self, norm: f64) {
        for byte in norm.to_bits().to_le_bytes() {
            self.digest = (self.digest ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
        self.count += 1;
        self.last = norm;
    }

    /// The digest of every norm recorded.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// How many norms were recorded.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The last norm recorded (NaN if none).
    pub fn last(&self) -> f64 {
        self.last
    }
}
