//! Euclidean norms under MPI, for every type pair: `nrm2_as` of distributed vectors (every
//! layout, length and data set, plus data whose squares overflow or underflow the input
//! type, so that ranks' states are rescaled) and `nrm2_local` of random irregular splits.
//! Exact equals the single-core `pdot_kernels::nrm2_as` on the whole vector bit for bit
//! (so every `P`, layout and split gives the same bits); Fast and Compensated equal the
//! one-thread simulation of the reduction over the ranks' `NormPartial`s, and at `P = 1`
//! the single-core norm; every rank has the same bits; ranks that disagree on the accuracy
//! get the same error, and the communicator stays usable.

use mpi::traits::Communicator;
use pdot_kernels::{
    Accuracy, CompensatedPartial, FastPartial, Input, NormPartial, Partial, Real, VisitPrecision,
};
use pdot_mpi::{Counts, DistVector, Error, Layout, Partition, Quantity, Reducible, simulate};

use super::{DATA, LAYOUTS, LENGTHS, Suite, bits, input, random_split, unit};

/// Runs [`norms`] for the types of the visited precision.
pub(crate) struct Norms<'a>(pub(crate) &'a Suite);

impl VisitPrecision for Norms<'_> {
    type Output = ();
    fn visit<O: Real, E: Input<O>>(self) {
        norms::<O, E>(self.0);
        norm_errors(self.0);
    }
}

/// The norm `P` ranks must give at level `L`: each piece's norm partial, reduced by the
/// one-thread simulation of the schedule.
fn simulated<L, I>(pieces: &[Vec<I>]) -> L::Output
where
    L: Partial,
    NormPartial<L>: Reducible,
    I: Input<L::Output>,
{
    let partials: Vec<NormPartial<L>> = pieces.iter().map(|p| NormPartial::of(p)).collect();
    simulate(&partials)[0].finish()
}

/// The expected bits of the norm of `whole`, split into `pieces` (in rank order), at
/// `accuracy`.
fn expected<O: Real, E: Input<O>>(accuracy: Accuracy, whole: &[E], pieces: &[Vec<E>]) -> u64 {
    match accuracy {
        Accuracy::Exact => bits(pdot_kernels::nrm2_as::<O, E>(accuracy, whole)),
        Accuracy::Fast => bits(simulated::<FastPartial<O>, E>(pieces)),
        _ => bits(simulated::<CompensatedPartial<O>, E>(pieces)),
    }
}

/// A named data set of one vector: element `i`, computed in `f64`.
type NormData = (&'static str, Box<dyn Fn(usize) -> f64>);

/// The data sets of the dot products (their `x`), and two whose squares leave the range of
/// the input type: near its largest value, and near its smallest normal one.
fn data_sets<E: Real>() -> Vec<NormData> {
    let max = E::max_value().to_f64().unwrap_or(f64::MAX);
    let tiny = E::min_positive_value()
        .to_f64()
        .unwrap_or(f64::MIN_POSITIVE);
    let mut sets: Vec<NormData> = DATA
        .iter()
        .map(|d| {
            let f = d.element;
            (
                d.name,
                Box::new(move |i| f(i).0) as Box<dyn Fn(usize) -> f64>,
            )
        })
        .collect();
    sets.push(("huge", Box::new(move |i| unit(i, 8) * max / 4.0)));
    sets.push(("tiny", Box::new(move |i| unit(i, 9) * tiny * 64.0)));
    sets
}

fn norms<O: Real, E: Input<O>>(suite: &Suite) {
    let name = <E as Input<O>>::PRECISION.name();
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    for (data, element) in data_sets::<E>() {
        for n in LENGTHS {
            let whole: Vec<E> = (0..n).map(|i| input(element(i))).collect();
            for layout in LAYOUTS {
                let key = format!("norm {name} {data} n={n} {layout}");
                let x = DistVector::from_fn(world, n, layout, |i| whole[i]).unwrap();
                let pieces: Vec<Vec<E>> = (0..ranks)
                    .map(|r| {
                        let p = Partition::new(n, ranks, r, layout).unwrap();
                        p.runs()
                            .flat_map(|(s, l)| whole[s..s + l].iter().copied())
                            .collect()
                    })
                    .collect();
                suite.check(x.local() == &pieces[rank][..], || {
                    format!("{key}: local share")
                });
                let mut all = [0u64; 3];
                for (level, &accuracy) in Accuracy::ALL.iter().enumerate() {
                    let what = format!("{key} {}", accuracy.name());
                    let Ok(d) = pdot_mpi::nrm2_as::<O, E>(world, accuracy, &x).map(bits) else {
                        suite.check(false, || format!("{what}: returned an error"));
                        continue;
                    };
                    all[level] = d;
                    let want = expected::<O, E>(accuracy, &whole, &pieces);
                    suite.check(d == want, || format!("{what}: {d:#x}, expected {want:#x}"));
                    if ranks == 1 {
                        let one = bits(pdot_kernels::nrm2_as::<O, E>(accuracy, &whole));
                        suite.check(d == one, || format!("{what}: {d:#x}, single-core {one:#x}"));
                    }
                    let key = match accuracy {
                        Accuracy::Exact => what.clone(),
                        _ => format!("{what} P={ranks}"),
                    };
                    suite.digest(&key.replace(' ', "/"), d);
                }
                suite.same_everywhere(all, &key);
            }
            for seed in 0..3u64 {
                let counts = Counts::new(random_split(n, ranks, seed)).unwrap();
                let pieces: Vec<Vec<E>> = (0..ranks)
                    .map(|r| whole[counts.start(r)..counts.start(r) + counts.count(r)].to_vec())
                    .collect();
                let key = format!("norm local {name} {data} n={n} split={seed}");
                let mut all = [0u64; 3];
                for (level, &accuracy) in Accuracy::ALL.iter().enumerate() {
                    let what = format!("{key} {}", accuracy.name());
                    let got = pdot_mpi::nrm2_local::<O, E>(world, accuracy, &pieces[rank]);
                    let Ok(d) = got.map(bits) else {
                        suite.check(false, || format!("{what}: returned an error"));
                        continue;
                    };
                    all[level] = d;
                    let want = expected::<O, E>(accuracy, &whole, &pieces);
                    suite.check(d == want, || format!("{what}: {d:#x}, expected {want:#x}"));
                    if accuracy == Accuracy::Exact {
                        suite.digest(&what.replace(' ', "/"), d);
                    }
                }
                suite.same_everywhere(all, &key);
            }
        }
    }
}

/// Ranks that pass different accuracies get the same error; the communicator stays usable.
fn norm_errors(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let accuracy = if rank == 0 {
        Accuracy::Exact
    } else {
        Accuracy::Fast
    };
    let expected = (ranks > 1).then_some(Error::Disagree {
        what: Quantity::Accuracy,
        low_rank: 1,
        low: 0,
        high_rank: 0,
        high: 2,
    });
    let got = pdot_mpi::nrm2_local::<f64, f64>(world, accuracy, &[1.0]).err();
    suite.check(got == expected, || {
        format!("nrm2_local accuracies: {got:?}")
    });
    let x = DistVector::from_fn(world, 10, Layout::Cyclic, |i| i as f32).unwrap();
    let got = pdot_mpi::nrm2_as::<f64, f32>(world, accuracy, &x).err();
    suite.check(got == expected, || format!("nrm2 accuracies: {got:?}"));
    // Still usable: 3 and 4 on every rank.
    let d = pdot_mpi::nrm2_local::<f64, f64>(world, Accuracy::Exact, &[3.0, 4.0]);
    let want = (25.0 * ranks as f64).sqrt();
    suite.check(d == Ok(want), || format!("after the errors: {d:?}"));
}
