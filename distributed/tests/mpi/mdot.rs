//! `mdot_local` and `LocalDots::push_many` (split-phase): on random irregular splits (some
//! ranks empty), every result equals `dot_local_as` of the same pieces bit for bit, at every level and for every type pair
//! (so Exact equals the single-core kernel on the whole vectors for every P); and its errors
//! are the same on every rank: a `y_j` of the wrong length on one rank, different numbers of
//! vectors on different ranks.

use mpi::traits::Communicator;
use pdot_kernels::{Accuracy, Input, Precision, Real, VisitPrecision};
use pdot_mpi::{Error, Quantity};

use super::{DATA, Suite, bits, input, mix, random_split};

/// Every check of this module.
pub(crate) fn run(suite: &Suite) {
    for precision in Precision::ALL {
        precision.visit(Splits(suite));
    }
    errors(suite);
}

struct Splits<'a>(&'a Suite);

impl VisitPrecision for Splits<'_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        splits::<O, E>(self.0);
    }
}

/// `k` vectors `y_j` of `n` elements: data set `j % 4`, shifted by `j` (all different).
fn ys<E: Real>(n: usize, k: usize) -> Vec<Vec<E>> {
    (0..k)
        .map(|j| {
            let data = &DATA[j % DATA.len()];
            (0..n).map(|i| input((data.element)(i + 7 * j).1)).collect()
        })
        .collect()
}

fn splits<O: Real, E: Input<O>>(suite: &Suite) {
    let name = <E as Input<O>>::PRECISION.name();
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    for n in [0, 5, 4099, 30_011] {
        for (seed, k) in [(1u64, 0usize), (2, 3), (3, 9)] {
            let data = &DATA[(seed as usize) % DATA.len()];
            let wx: Vec<E> = (0..n).map(|i| input((data.element)(i).0)).collect();
            let wys = ys::<E>(n, k);
            let split = random_split(n, ranks, mix(seed ^ n as u64));
            let s: usize = split[..rank].iter().sum();
            let l = split[rank];
            let x = &wx[s..s + l];
            let locals: Vec<&[E]> = wys.iter().map(|y| &y[s..s + l]).collect();
            for &accuracy in Accuracy::ALL {
                let what = format!("mdot {name} n={n} k={k} {}", accuracy.name());
                let got = pdot_mpi::mdot_local::<O, E>(world, accuracy, x, &locals);
                let Ok(got) = got else {
                    suite.check(false, || format!("{what}: {got:?}"));
                    continue;
                };
                suite.check(got.len() == k, || format!("{what}: {} results", got.len()));
                for (j, (&r, y)) in got.iter().zip(&locals).enumerate() {
                    let single = pdot_mpi::dot_local_as::<O, E>(world, accuracy, x, y);
                    suite.check(single.as_ref().map(|&v| bits(v)) == Ok(bits(r)), || {
                        format!("{what} j={j}: {r:?} vs dot_local_as {single:?}")
                    });
                }
                // LocalDots::push_many, split-phase: the same bits in one message.
                let mut dots = pdot_mpi::LocalDots::<O>::new(accuracy);
                dots.push_many(x, &locals);
                let batched = dots.begin(world).finish();
                suite.check(
                    batched
                        .as_ref()
                        .map(|v| v.iter().map(|&r| bits(r)).collect::<Vec<_>>())
                        == Ok(got.iter().map(|&r| bits(r)).collect()),
                    || format!("{what}: LocalDots::push_many {batched:?} vs mdot_local {got:?}"),
                );
                let first = got.first().map_or(0, |&r| bits(r));
                let last = got.last().map_or(0, |&r| bits(r));
                suite.same_everywhere([first, last, k as u64], &what);
            }
        }
    }
}

/// Bad input on one rank: the same error on every rank, that of `dot_local_as` for a length
/// mismatch, `Disagree` on the count for different numbers of vectors.
fn errors(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let last = ranks - 1;
    let x = vec![1.0f64; 10];
    let short = vec![1.0f64; 10 - usize::from(rank == last)];
    for &accuracy in Accuracy::ALL {
        let got = pdot_mpi::mdot_local::<f64, f64>(world, accuracy, &x, &[&x, &short, &x]);
        let single = pdot_mpi::dot_local_as::<f64, f64>(world, accuracy, &x, &short);
        let expected = Error::LengthMismatch {
            rank: last,
            x: 10,
            y: 9,
        };
        let same =
            got.as_ref().err() == Some(&expected) && single.as_ref().err() == Some(&expected);
        suite.check(same, || {
            format!("mdot length mismatch: {got:?}, dot_local_as {single:?}")
        });
        suite.same_error_everywhere(&got, "mdot length mismatch");

        let k = if rank == last { 2 } else { 3 };
        let ys = vec![&x[..]; k];
        let got = pdot_mpi::mdot_local::<f64, f64>(world, accuracy, &x, &ys);
        let ok = if ranks > 1 {
            matches!(
                got,
                Err(Error::Disagree {
                    what: Quantity::Count,
                    ..
                })
            )
        } else {
            got.as_ref().map(Vec::len) == Ok(2)
        };
        suite.check(ok, || format!("mdot different k: {got:?}"));
        suite.same_error_everywhere(&got, "mdot different k");

        // The communicator stays usable: x · x over the ranks.
        let got = pdot_mpi::mdot_local::<f64, f64>(world, accuracy, &x, &[&x]);
        suite.check(got == Ok(vec![10.0 * ranks as f64]), || {
            format!("mdot after errors: {got:?}")
        });
    }
}
