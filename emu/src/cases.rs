//! The case table: every case is one (data, operation, element type, accuracy, layout,
//! length), numbered densely so that any sub-range can be run alone.

use pdot_kernels::Accuracy;

/// Kinds of data (see `data.rs`), the outermost dimension: a run regenerates its buffers
/// only when the kind changes.
pub const KINDS: [&str; 5] = ["uniform", "wide", "huge", "subnormal", "specials"];

/// The operations compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// One dot product `x · y`.
    Dot,
    /// `x · y_j` for three `y_j` in one pass (`mdot_strided_as`).
    Mdot,
    /// The Euclidean norm of `x` (`nrm2_strided_as`).
    Nrm2,
}

/// The operations, in table order.
pub const OPS: [Op; 3] = [Op::Dot, Op::Mdot, Op::Nrm2];

/// Results per case: `Op::Mdot` fills all of them, the others the first (the rest stay 0).
pub const SLOTS: usize = 3;

/// Element types: `f64`, `f32`, and `f32` inputs with an `f64` result.
pub const ELEMS: [&str; 3] = ["f64", "f32", "f32->f64"];

/// Accuracy levels, in table order.
pub const ACCS: [Accuracy; 3] = [Accuracy::Fast, Accuracy::Compensated, Accuracy::Exact];

/// (name, incx, incy); an increment of 0 stands for the blocked view (block 4, stride 7).
/// `Op::Nrm2` reads `x` only.
pub const LAYOUTS: [(&str, isize, isize); 5] = [
    ("inc 1,1", 1, 1),
    ("inc 2,2", 2, 2),
    ("inc -3,-3", -3, -3),
    ("inc 2,-3", 2, -3),
    ("blocked 4/7", 0, 0),
];

/// Every length up to this one, for the lanes and tails of every backend (64 virtual lanes
/// for `f32` accumulators).
const SHORT: usize = 100;

/// Then lengths around the block edges of every backend: the exact kernel's blocks (512
/// steps of 4, 8 or 16 lanes), the multi-dot's 4 KiB chunks, the norm's rescaling chunks.
const EDGES: [usize; 21] = [
    127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096,
    4097, 8191, 8192, 8193,
];

/// The longest length.
pub const MAX_N: usize = EDGES[EDGES.len() - 1];

/// Number of lengths per (data, operation, element, accuracy, layout).
const LENGTHS: usize = SHORT + 1 + EDGES.len();

/// Length number `i`.
fn length(i: usize) -> usize {
    if i <= SHORT { i } else { EDGES[i - SHORT - 1] }
}

/// Number of cases.
pub const COUNT: usize =
    KINDS.len() * OPS.len() * ELEMS.len() * ACCS.len() * LAYOUTS.len() * LENGTHS;

/// One case, decoded from its number.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Index into [`KINDS`].
    pub kind: usize,
    /// The operation.
    pub op: Op,
    /// Index into [`ELEMS`].
    pub elem: usize,
    /// The accuracy level.
    pub acc: Accuracy,
    /// Index into [`LAYOUTS`].
    pub layout: usize,
    /// Number of elements.
    pub n: usize,
}

impl Case {
    /// Case number `id` (< [`COUNT`]); the length varies fastest, the data kind slowest.
    pub fn of(id: usize) -> Case {
        let mut rest = id;
        let mut take = |k: usize| {
            let d = rest % k;
            rest /= k;
            d
        };
        let n = length(take(LENGTHS));
        let layout = take(LAYOUTS.len());
        let acc = ACCS[take(ACCS.len())];
        let elem = take(ELEMS.len());
        let op = OPS[take(OPS.len())];
        Case {
            kind: rest,
            op,
            elem,
            acc,
            layout,
            n,
        }
    }

    /// A tab-separated line: id, data, op, elem, accuracy, layout, n.
    pub fn describe(&self, id: usize) -> String {
        format!(
            "{id}\t{}\t{:?}\t{}\t{}\t{}\t{}",
            KINDS[self.kind],
            self.op,
            ELEMS[self.elem],
            self.acc.name(),
            LAYOUTS[self.layout].0,
            self.n
        )
    }
}
