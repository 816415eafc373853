//! Tests of `pdot_mpi::schedule`: the steps pair up across ranks for every rank count, the
//! in-memory simulation computes, on every rank, exactly the expression the module docs
//! describe (checked with a symbolic, non-associative combine), floating-point partials give
//! the same bits on every rank, and exact partials the correctly rounded dot product for
//! every number of ranks and every split.

use std::collections::HashMap;

use pdot_kernels::{Accuracy, ExactPartial, FastPartial, Partial};
use pdot_mpi::schedule::{Step, simulate_with, steps};
use pdot_mpi::{Reducible, simulate};
use proptest::prelude::*;
use proptest::test_runner::Config;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The largest power of two `<= p` (`p >= 1`), by repeated doubling.
fn largest_pow2(p: usize) -> usize {
    let mut q = 1;
    while q * 2 <= p {
        q *= 2;
    }
    q
}

/// `floor(log2 p)` by repeated halving.
fn floor_log2(mut p: usize) -> u32 {
    let mut k = 0;
    while p > 1 {
        p /= 2;
        k += 1;
    }
    k
}

/// A symbolic value: the expression that produced it. The combine is neither associative
/// nor commutative, so the final string records the exact tree.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Expr(String);

impl Reducible for Expr {
    // Never sent over a wire: `simulate` moves values in memory.
    const WIRE_LEN: usize = 0;
    fn write_wire(&self, _out: &mut [u8]) {}
    fn read_wire(_bytes: &[u8]) -> Option<Self> {
        None
    }
    fn combine(&mut self, right: &Self) {
        self.0 = format!("({}+{})", self.0, right.0);
    }
}

/// The reduction as the module docs describe it, written independently of `steps`: fold
/// rank `q + i` into rank `i` as `v_i ⊕ v_{q+i}`, then combine the `q` values in a balanced
/// tree, the lower half on the left at every level.
fn tree<R: Reducible>(values: &[R]) -> R {
    fn balanced<R: Reducible>(w: &[R]) -> R {
        if w.len() == 1 {
            return w[0].clone();
        }
        let (lo, hi) = w.split_at(w.len() / 2);
        let mut left = balanced(lo);
        left.combine(&balanced(hi));
        left
    }
    let p = values.len();
    let q = largest_pow2(p);
    let folded: Vec<R> = (0..q)
        .map(|i| {
            let mut v = values[i].clone();
            if q + i < p {
                v.combine(&values[q + i]);
            }
            v
        })
        .collect();
    balanced(&folded)
}

fn leaves(p: usize) -> Vec<Expr> {
    (0..p).map(|r| Expr(r.to_string())).collect()
}

/// splitmix64.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Random `f64` data with widely spread exponents, both signs, exact zeros, and (for
/// `kind == 2`) pairs of huge products that cancel, so that the order of summation shows in
/// the rounding.
fn data(seed: u64, len: usize, kind: u8) -> (Vec<f64>, Vec<f64>) {
    let mut s = seed;
    let value = |s: &mut u64| {
        let r = next(s);
        if r.is_multiple_of(17) {
            return 0.0;
        }
        let m = (r >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        let e = match kind {
            0 => 0,
            _ => (next(s) % 120) as i32 - 60,
        };
        m * 2f64.powi(e)
    };
    let mut x: Vec<f64> = (0..len).map(|_| value(&mut s)).collect();
    let y: Vec<f64> = (0..len).map(|_| value(&mut s)).collect();
    if kind == 2 && len >= 2 {
        for _ in 0..len / 8 + 1 {
            let (i, j) = (
                (next(&mut s) % len as u64) as usize,
                (next(&mut s) % len as u64) as usize,
            );
            if i != j {
                let big = 2f64.powi((next(&mut s) % 200) as i32);
                x[i] = big * y[j] / y[i].max(f64::MIN_POSITIVE).abs().max(1e-300);
                x[j] = -x[i] * y[i] / y[j].abs().max(1e-300) * y[j].signum();
            }
        }
    }
    (x, y)
}

/// `len` cut into `parts` pieces (some possibly empty) at random places.
fn cuts(seed: u64, len: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let mut s = seed;
    let mut at: Vec<usize> = (0..parts - 1)
        .map(|_| (next(&mut s) % (len as u64 + 1)) as usize)
        .collect();
    at.sort_unstable();
    let mut bounds = vec![0];
    bounds.extend(at);
    bounds.push(len);
    bounds.windows(2).map(|w| w[0]..w[1]).collect()
}

fn wire<R: Reducible>(value: &R) -> Vec<u8> {
    let mut out = vec![0u8; R::WIRE_LEN];
    value.write_wire(&mut out);
    out
}

// ---------------------------------------------------------------------------
// The steps
// ---------------------------------------------------------------------------

/// Every message has its receiver, every exchange its mirror at the same stage, and nobody
/// talks to itself.
fn check_steps(p: usize) {
    let programs: Vec<Vec<Step>> = (0..p).map(|r| steps(p, r)).collect();
    let q = largest_pow2(p);
    let extra = p - q;
    // (from, to) -> how many messages sent / taken.
    let mut sends: HashMap<(usize, usize), usize> = HashMap::new();
    let mut takes: HashMap<(usize, usize), usize> = HashMap::new();
    for (r, program) in programs.iter().enumerate() {
        let ctx = format!("P = {p}, rank {r}: {program:?}");
        let mut exchanges = Vec::new();
        for &step in program {
            assert!(step.peer() < p, "{ctx}");
            assert_ne!(step.peer(), r, "{ctx}");
            match step {
                Step::Send { to } => {
                    *sends.entry((r, to)).or_default() += 1;
                    let partner = &programs[to];
                    assert!(
                        partner.contains(&Step::Receive { from: r })
                            || partner.contains(&Step::Replace { from: r }),
                        "{ctx}: rank {to} never receives: {partner:?}"
                    );
                }
                Step::Receive { from } | Step::Replace { from } => {
                    *takes.entry((from, r)).or_default() += 1;
                    assert!(
                        programs[from].contains(&Step::Send { to: r }),
                        "{ctx}: rank {from} never sends"
                    );
                }
                Step::Exchange { with, mine_first } => {
                    assert_eq!(mine_first, r < with, "{ctx}");
                    exchanges.push((with, mine_first));
                }
            }
        }
        if r < q {
            // floor(log2 P) exchanges, stage k with r XOR 2^k.
            assert_eq!(exchanges.len() as u32, floor_log2(p), "{ctx}");
            for (k, &(with, _)) in exchanges.iter().enumerate() {
                assert_eq!(with, r ^ (1 << k), "{ctx}");
                // The partner's k-th exchange is with r, the other way round.
                let theirs: Vec<Step> = programs[with]
                    .iter()
                    .copied()
                    .filter(|s| matches!(s, Step::Exchange { .. }))
                    .collect();
                assert_eq!(
                    theirs[k],
                    Step::Exchange {
                        with: r,
                        mine_first: with < r
                    },
                    "{ctx}"
                );
            }
            if r < extra {
                assert_eq!(
                    program.first(),
                    Some(&Step::Receive { from: r + q }),
                    "{ctx}"
                );
                assert_eq!(program.last(), Some(&Step::Send { to: r + q }), "{ctx}");
                assert_eq!(program.len(), exchanges.len() + 2, "{ctx}");
            } else {
                assert_eq!(program.len(), exchanges.len(), "{ctx}");
            }
        } else {
            assert_eq!(
                *program,
                [Step::Send { to: r - q }, Step::Replace { from: r - q }],
                "{ctx}"
            );
        }
    }
    assert_eq!(sends, takes, "P = {p}: sends and receives do not match");
    // Out-of-range ranks have nothing to do.
    assert!(steps(p, p).is_empty() && steps(p, p + 7).is_empty());
}

#[test]
fn steps_pair_up() {
    for p in 1..=70 {
        check_steps(p);
    }
    for p in [127, 128, 129, 255, 256, 257, 1000, 1024, 1025] {
        check_steps(p);
    }
    assert!(steps(1, 0).is_empty());
    assert!(steps(0, 0).is_empty());
}

#[test]
fn steps_small_by_hand() {
    use Step::*;
    assert_eq!(
        steps(2, 0),
        [Exchange {
            with: 1,
            mine_first: true
        }]
    );
    assert_eq!(
        steps(2, 1),
        [Exchange {
            with: 0,
            mine_first: false
        }]
    );
    assert_eq!(
        steps(5, 0),
        [
            Receive { from: 4 },
            Exchange {
                with: 1,
                mine_first: true
            },
            Exchange {
                with: 2,
                mine_first: true
            },
            Send { to: 4 }
        ]
    );
    assert_eq!(
        steps(5, 3),
        [
            Exchange {
                with: 2,
                mine_first: false
            },
            Exchange {
                with: 1,
                mine_first: false
            }
        ]
    );
    assert_eq!(steps(5, 4), [Send { to: 0 }, Replace { from: 0 }]);
}

// ---------------------------------------------------------------------------
// The simulation, symbolically
// ---------------------------------------------------------------------------

#[test]
fn simulate_symbolic() {
    assert!(simulate::<Expr>(&[]).is_empty());
    for p in 1..=70 {
        let finals = simulate(&leaves(p));
        assert_eq!(finals.len(), p);
        let first = &finals[0];
        assert!(finals.iter().all(|f| f == first), "P = {p}: {finals:?}");
        // Every leaf exactly once.
        let mut seen: Vec<usize> = first
            .0
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..p).collect::<Vec<_>>(), "P = {p}: {}", first.0);
        // P - 1 combines.
        assert_eq!(first.0.matches('+').count(), p - 1, "P = {p}");
        // The tree of the docs.
        assert_eq!(*first, tree(&leaves(p)), "P = {p}");
    }
}

#[test]
fn simulate_symbolic_by_hand() {
    let s = |p| simulate(&leaves(p))[0].0.clone();
    assert_eq!(s(1), "0");
    assert_eq!(s(2), "(0+1)");
    assert_eq!(s(3), "((0+2)+1)");
    assert_eq!(s(4), "((0+1)+(2+3))");
    assert_eq!(s(6), "(((0+4)+(1+5))+(2+3))");
    assert_eq!(s(8), "(((0+1)+(2+3))+((4+5)+(6+7)))");
}

/// The pure schedule with a plain closure gives the same trees as the reducible values'
/// simulation: the schedule alone decides the expression.
#[test]
fn simulate_with_a_closure() {
    for p in 0..=40 {
        let names: Vec<String> = (0..p).map(|r| r.to_string()).collect();
        let finals = simulate_with(&names, |l, r| format!("({l}+{r})"));
        let want: Vec<String> = simulate(&leaves(p)).into_iter().map(|e| e.0).collect();
        assert_eq!(finals, want, "P = {p}");
    }
}

#[test]
fn simulate_symbolic_larger() {
    for p in [100, 127, 128, 129, 200, 255, 256, 257] {
        let finals = simulate(&leaves(p));
        let want = tree(&leaves(p));
        assert!(finals.iter().all(|f| *f == want), "P = {p}");
    }
}

// ---------------------------------------------------------------------------
// The simulation with floating-point partials
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    })]

    /// Fast partials: the same state, hence the same bits, on every rank, and that of the
    /// documented tree.
    #[test]
    fn fast_partials_agree_on_every_rank(
        seed in any::<u64>(),
        len in prop_oneof![0..=64usize, 0..=3000usize],
        kind in 0..=2u8,
        p in 1..=70usize,
        split in any::<u64>(),
    ) {
        let (x, y) = data(seed, len, kind);
        let parts: Vec<FastPartial<f64>> = cuts(split, len, p)
            .into_iter()
            .map(|r| FastPartial::<f64>::of(&x[r.clone()], &y[r]))
            .collect();
        let finals = simulate(&parts);
        prop_assert_eq!(finals.len(), p);
        let bits = finals[0].finish().to_bits();
        let state = wire(&finals[0]);
        // The whole state (wire bytes) is compared only for non-NaN results: Rust leaves the
        // sign and payload of a NaN produced by `a + b` unspecified, and the compiler may
        // commute the operands of one `merge` call site and not another, so the raw NaN in
        // the state can differ between ranks. `finish` returns the one canonical NaN.
        let nan = f64::from_bits(bits).is_nan();
        for f in &finals {
            prop_assert_eq!(f.finish().to_bits(), bits);
            if !nan {
                prop_assert_eq!(wire(f), state.clone());
            }
        }
        let want = tree(&parts);
        prop_assert_eq!(want.finish().to_bits(), bits);
        if !nan {
            prop_assert_eq!(wire(&want), state);
        }
        // One rank: no combine at all.
        if p == 1 {
            prop_assert_eq!(bits, FastPartial::<f64>::of(&x, &y).finish().to_bits());
        }
    }

    /// Exact partials: the correctly rounded dot product, whatever the number of ranks and
    /// the split, on every rank.
    #[test]
    fn exact_partials_are_split_independent(
        seed in any::<u64>(),
        len in prop_oneof![0..=64usize, 0..=2000usize],
        kind in 0..=2u8,
        p in 1..=70usize,
        split in any::<u64>(),
        q in 1..=70usize,
        split2 in any::<u64>(),
    ) {
        let (x, y) = data(seed, len, kind);
        let want = pdot_kernels::dot_with(Accuracy::Exact, &x, &y).to_bits();
        for (ranks, s) in [(p, split), (q, split2)] {
            let parts: Vec<ExactPartial<f64>> = cuts(s, len, ranks)
                .into_iter()
                .map(|r| ExactPartial::<f64>::of(&x[r.clone()], &y[r]))
                .collect();
            let finals = simulate(&parts);
            prop_assert_eq!(finals.len(), ranks);
            for f in &finals {
                prop_assert_eq!(f.finish().to_bits(), want, "P = {}", ranks);
            }
        }
    }
}

#[test]
fn exact_partials_for_every_rank_count() {
    // One vector, every P from 1 to 70, even and random splits.
    let (x, y) = data(0x5eed, 5000, 2);
    let want = pdot_kernels::dot_with(Accuracy::Exact, &x, &y);
    for p in 1..=70 {
        let even: Vec<std::ops::Range<usize>> = (0..p)
            .map(|r| r * x.len() / p..(r + 1) * x.len() / p)
            .collect();
        for ranges in [even, cuts(p as u64, x.len(), p)] {
            let parts: Vec<ExactPartial<f64>> = ranges
                .into_iter()
                .map(|r| ExactPartial::<f64>::of(&x[r.clone()], &y[r]))
                .collect();
            for f in simulate(&parts) {
                assert_eq!(f.finish().to_bits(), want.to_bits(), "P = {p}");
            }
        }
    }
}

#[test]
fn fast_partials_by_hand() {
    let fast = |data: &[f64]| -> Vec<FastPartial<f64>> {
        data.iter()
            .map(|&v| FastPartial::<f64>::of(&[v], &[1.0]))
            .collect()
    };
    let all_equal = |data: &[f64], want: f64| {
        let finals = simulate(&fast(data));
        assert!(
            finals.iter().all(|f| f.finish() == want),
            "{data:?}: {:?}, expected {want}",
            finals.iter().map(|f| f.finish()).collect::<Vec<_>>()
        );
    };
    // Four ranks: (v0 + v1) + (v2 + v3).
    // ((1e16 + -1e16) + (1 + 1)) = 2.
    all_equal(&[1e16, -1e16, 1.0, 1.0], 2.0);
    // ((1e16 + 1) + (-1e16 + 1)) = (1e16 + -1e16) = 0: each 1 is lost to a tie to even.
    all_equal(&[1e16, 1.0, -1e16, 1.0], 0.0);
    // Three ranks: (v0 + v2) + v1 = ((1e16 + -1e16) + 1) = 1.
    all_equal(&[1e16, 1.0, -1e16], 1.0);
    // An empty partial is neutral.
    let mut e = FastPartial::<f64>::new();
    e.merge(&FastPartial::<f64>::of(&[3.0], &[2.0]));
    assert_eq!(e.finish(), 6.0);
}

/// `step` (each step on its own, as the reduction asks for them) is `steps` (the whole
/// program), for every rank of every rank count up to 300, and `None` past the end.
#[test]
fn step_by_step_is_the_program() {
    for ranks in 0..300 {
        for rank in 0..ranks + 2 {
            let program = steps(ranks, rank);
            for (at, &s) in program.iter().enumerate() {
                assert_eq!(pdot_mpi::schedule::step(ranks, rank, at), Some(s));
            }
            for at in program.len()..program.len() + 3 {
                assert_eq!(pdot_mpi::schedule::step(ranks, rank, at), None);
            }
        }
    }
}
