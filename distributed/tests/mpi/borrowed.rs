//! What bindings use: `BorrowedComm` (a raw handle, used and never freed), strided local
//! pieces (`LocalDots::push_strided`, `push_many_strided`, `nrm2_local_strided`: the bits of
//! the copies; Exact of the lesson's rank-strided split equals the single-core value), and
//! `LocalDots::reject` (every rank gets `Error::Rejected`, whatever the other ranks called).

use mpi::raw::AsRaw;
use mpi::traits::Communicator;
use pdot_kernels::{Accuracy, Strided};
use pdot_mpi::{BorrowedComm, Error, LocalDots};

use super::{Suite, unit};

pub(crate) fn run(suite: &Suite) {
    borrowed(suite);
    strided(suite);
    rejected(suite);
}

fn borrowed(suite: &Suite) {
    let world = &suite.world;
    let ranks = world.size() as f64;
    let own = world.duplicate();
    let before = pdot_mpi::private_communicators();
    {
        // SAFETY: `own` is a live intra-communicator, not freed while `comm` is used.
        let comm = unsafe { BorrowedComm::from_raw(own.as_raw()) };
        let d = comm
            .as_ref()
            .map(|c| pdot_mpi::dot_local(&**c, Accuracy::Exact, &[1.0f64, 2.0], &[3.0, 4.0]));
        suite.check(d == Some(Ok(11.0 * ranks)), || {
            format!("borrowed duplicate: {d:?}")
        });
    }
    // Dropping the borrowed one freed nothing: the duplicate and pdot's private one live on.
    let again = pdot_mpi::dot_local(&own, Accuracy::Exact, &[1.0f64], &[2.0]);
    suite.check(again == Ok(2.0 * ranks), || {
        format!("after the borrow: {again:?}")
    });
    suite.check(pdot_mpi::private_communicators() == before + 1, || {
        "the borrowed communicator's private duplicate is cached on the owner's".to_owned()
    });
    drop(own);
    suite.check(pdot_mpi::private_communicators() == before, || {
        "freeing the owner frees the private duplicate".to_owned()
    });
    {
        // SAFETY: MPI_COMM_WORLD lives until MPI_Finalize.
        let comm = unsafe { BorrowedComm::from_raw(world.as_raw()) };
        let d = comm
            .as_ref()
            .map(|c| pdot_mpi::dot_local(&**c, Accuracy::Fast, &[1.0f64], &[1.0]));
        suite.check(d == Some(Ok(ranks)), || format!("borrowed world: {d:?}"));
    } // the borrow ends: nothing is freed
    let d = pdot_mpi::dot_local(world, Accuracy::Fast, &[1.0f64], &[1.0]);
    suite.check(d == Ok(ranks), || format!("world after its borrow: {d:?}"));
    // SAFETY: MPI_COMM_NULL is accepted (and refused with None).
    let null = unsafe { BorrowedComm::from_raw(mpi::ffi::RSMPI_COMM_NULL) };
    suite.check(null.is_none(), || "MPI_COMM_NULL borrowed".to_owned());
}

fn strided(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    for n in [0usize, 1, 17, 1000, 4099] {
        let x: Vec<f64> = (0..n)
            .map(|i| unit(i, 91) * 1e6 - unit(i, 92) * 1e6)
            .collect();
        let y: Vec<f64> = (0..n).map(|i| unit(i, 93)).collect();
        let whole = pdot_kernels::dot_as::<f64, f64>(Accuracy::Exact, &x, &y);
        // The lesson's split: rank r takes r, r + P, ... as a view.
        let share = n.saturating_sub(rank).div_ceil(ranks);
        fn view(v: &[f64], rank: usize, share: usize, inc: isize) -> Strided<'_, f64> {
            let data = if rank < v.len() { &v[rank..] } else { &v[..0] };
            Strided::new(data, share, inc).unwrap()
        }
        let copy =
            |v: &[f64]| -> Vec<f64> { v.iter().skip(rank).step_by(ranks).copied().collect() };
        let (xv, yv) = (
            view(&x, rank, share, ranks as isize),
            view(&y, rank, share, ranks as isize),
        );
        for &accuracy in Accuracy::ALL {
            let mut strided = LocalDots::<f64>::new(accuracy);
            strided.push_strided(xv, yv);
            strided.push_many_strided(xv, &[yv, xv]);
            let mut copied = LocalDots::<f64>::new(accuracy);
            let (xc, yc) = (copy(&x), copy(&y));
            copied.push(&xc, &yc);
            copied.push_many(&xc, &[&yc, &xc]);
            suite.check(strided == copied, || {
                format!("n = {n} {accuracy:?}: strided partials")
            });
            let got = strided.allreduce(world);
            if accuracy == Accuracy::Exact {
                let ok = got.as_ref().is_ok_and(|v| v[0] == whole && v[1] == whole);
                suite.check(ok, || {
                    format!("n = {n}: rank-strided exact {got:?} vs {whole}")
                });
            }
        }
        let norm = pdot_mpi::nrm2_local_strided::<f64, f64>(world, Accuracy::Exact, xv);
        let want = pdot_kernels::nrm2_as::<f64, f64>(Accuracy::Exact, &x);
        suite.check(norm == Ok(want), || {
            format!("n = {n}: strided norm {norm:?} vs {want}")
        });
    }
}

fn rejected(suite: &Suite) {
    let world = &suite.world;
    let (ranks, rank) = (world.size() as usize, world.rank() as usize);
    let last = ranks - 1;
    let x = [1.0f64, 2.0];
    let expected = Err(Error::Rejected {
        rank: last,
        code: 7,
    });
    // The rejecting rank at another accuracy, with other values: the rejection wins.
    let mut dots = LocalDots::<f64>::new(if rank == last {
        Accuracy::Fast
    } else {
        Accuracy::Exact
    });
    if rank == last {
        dots.reject(7);
    } else {
        dots.push(&x, &x);
    }
    let got = dots.allreduce(world);
    suite.check(got == expected, || format!("reject: {got:?}"));
    // The other ranks in a norm, a split-phase reduction: the same error.
    let got = if rank == last {
        let mut dots = LocalDots::<f32>::new(Accuracy::Compensated);
        dots.reject(7);
        dots.allreduce(world).map(|_| 0.0)
    } else {
        pdot_mpi::nrm2_local_strided::<f64, f64>(world, Accuracy::Exact, x[..].into())
    };
    suite.check(got == expected.clone().map(|_: Vec<f64>| 0.0), || {
        format!("reject in a norm: {got:?}")
    });
    let mut dots = LocalDots::<f64>::new(Accuracy::Exact);
    dots.push(&x, &x);
    if rank == last {
        dots.reject(7);
    }
    let got = dots.begin(world).finish();
    suite.check(got == expected, || format!("reject, split phase: {got:?}"));
    let text = Error::Rejected { rank: 2, code: 1 }.to_string();
    suite.check(text == "rank 2 rejected its input (code 1)", || {
        text.clone()
    });
    let after = pdot_mpi::dot_local(world, Accuracy::Exact, &x, &x);
    suite.check(after == Ok(5.0 * ranks as f64), || {
        format!("after rejections: {after:?}")
    });
}
