//! The latency of pdot's deterministic all-reduce against `MPI_Allreduce`, run under
//! `mpiexec -n P` (scripts/mpi-bench.sh runs it at P = 2).
//!
//! ```text
//! mpiexec -n 2 target/release/examples/allreduce_latency [ROUNDS] [ITERATIONS]
//! ```
//!
//! Each round times ITERATIONS back-to-back calls of each contender, interleaved so that
//! machine noise hits all alike: `MPI_Allreduce` of one f64 (sum), `pdot_mpi::allreduce` of a
//! `FastPartial<f64>` (one f64 on the wire, plus pdot's header), and of an
//! `ExactPartial<f64>` (its compact wire form: the nonzero digits of the sum, 28 bytes here).
//! Rank 0 prints the median time per call over the rounds, the quartiles, and the median of
//! the per-round ratios to `MPI_Allreduce`.
//!
//! At P = 2 a fifth contender is the floor of any exchange-based all-reduce: one
//! `MPI_Sendrecv` of 32 bytes with the other rank (the size of pdot's Fast message: its
//! 16-byte header and the partial), on a duplicate of the communicator.
//!
//! A fourth contender measures the alternative design for Exact: one `MPI_Allreduce` with a
//! commutative user operation over whole fixed-size wire forms (`Reducible::WIRE_LEN` bytes:
//! decode both, merge, encode), without pdot's agreement on kinds and counts. Its result is
//! checked to be the bits of pdot's.

use std::ffi::{c_int, c_void};
use std::time::Instant;

use mpi::collective::{SystemOperation, UnsafeUserOperation};
use mpi::datatype::{MutView, UserDatatype, View};
use mpi::traits::{Communicator, CommunicatorCollectives, Equivalence};
use pdot_kernels::{ExactPartial, FastPartial, Partial};
use pdot_mpi::Reducible;

/// The fixed-size wire form of the user operation's contender.
const FIXED: usize = <ExactPartial<f64> as Reducible>::WIRE_LEN;

/// `inout ← in ⊕ inout` over `*len` fixed-size exact wire forms (MPI's user-function
/// signature). A form that does not decode makes the result all zeros (no valid form), so
/// that the final decode fails.
///
/// # Safety
/// `invec` and `inoutvec` point to `*len` elements of the datatype of `FIXED` bytes, as MPI
/// passes them for the operation created in `main` (used with that datatype only).
unsafe extern "C" fn merge_fixed(
    invec: *mut c_void,
    inoutvec: *mut c_void,
    len: *mut c_int,
    _datatype: *mut mpi::ffi::MPI_Datatype,
) {
    // SAFETY: per the function's contract, `len` points to the count and both buffers hold
    // `count * FIXED` bytes; MPI's input and in-out buffers do not overlap.
    let (a, b) = unsafe {
        let count = usize::try_from(*len).unwrap_or(0);
        (
            std::slice::from_raw_parts(invec as *const u8, count * FIXED),
            std::slice::from_raw_parts_mut(inoutvec as *mut u8, count * FIXED),
        )
    };
    for (x, y) in a.chunks_exact(FIXED).zip(b.chunks_exact_mut(FIXED)) {
        match (
            <ExactPartial<f64> as Reducible>::read_wire(x),
            <ExactPartial<f64> as Reducible>::read_wire(y),
        ) {
            (Some(mut p), Some(q)) => {
                p.merge(&q);
                Reducible::write_wire(&p, y);
            }
            _ => y.fill(0),
        }
    }
}

fn quartiles(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let universe = mpi::initialize().expect("MPI initialises");
    let world = universe.world();
    let rank = world.rank();
    let value = 1.0 + f64::from(rank) * 1e-3;
    let x = [value; 64];
    let fast = FastPartial::<f64>::of(&x, &x);
    let exact = ExactPartial::<f64>::of(&x, &x);

    let time = |f: &mut dyn FnMut()| -> f64 {
        world.barrier();
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        let mine = start.elapsed().as_secs_f64() / iterations as f64;
        let mut slowest = 0.0;
        world.all_reduce_into(&mine, &mut slowest, SystemOperation::max());
        slowest
    };
    let mut mpi_sum = || {
        let mut out = 0.0f64;
        world.all_reduce_into(&value, &mut out, SystemOperation::sum());
        std::hint::black_box(out);
    };
    let mut pdot_fast = || {
        let mut p = fast;
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        std::hint::black_box(p);
    };
    let mut pdot_exact = || {
        let mut p = exact.clone();
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        std::hint::black_box(p);
    };
    let form = UserDatatype::contiguous(FIXED as i32, &u8::equivalent_datatype());
    // SAFETY: `merge_fixed` is used only with `form`, whose elements are FIXED bytes.
    let op = unsafe { UnsafeUserOperation::commutative(merge_fixed) };
    let user_op = |p: &ExactPartial<f64>| -> Option<ExactPartial<f64>> {
        let mut mine = [0u8; FIXED];
        let mut all = [0u8; FIXED];
        Reducible::write_wire(p, &mut mine);
        // SAFETY: one element of `form` (FIXED bytes) in each FIXED-byte buffer.
        let (send, mut recv) = unsafe {
            (
                View::with_count_and_datatype(&mine[..], 1, &form),
                MutView::with_count_and_datatype(&mut all[..], 1, &form),
            )
        };
        world.all_reduce_into(&send, &mut recv, &op);
        <ExactPartial<f64> as Reducible>::read_wire(&all)
    };
    {
        let mut p = exact.clone();
        pdot_mpi::allreduce(&world, &mut p).expect("same kind on every rank");
        assert_eq!(user_op(&exact), Some(p), "the user operation's result");
    }
    let mut mpi_user_exact = || {
        std::hint::black_box(user_op(&exact));
    };
    let pair = world.duplicate();
    let partner = pair.process_at_rank((rank ^ 1).min(world.size() - 1));
    let mut floor = || {
        let out = [value.to_bits(); 4];
        let mut back = [0u64; 4];
        mpi::point_to_point::send_receive_into(&out[..], &partner, &mut back[..], &partner);
        std::hint::black_box(back);
    };
    let floor_too = world.size() == 2;
    // Warm-up.
    for f in [
        &mut mpi_sum as &mut dyn FnMut(),
        &mut pdot_fast,
        &mut pdot_exact,
        &mut mpi_user_exact,
    ] {
        time(f);
    }
    if floor_too {
        time(&mut floor);
    }
    let (mut t_mpi, mut t_fast, mut t_exact, mut t_user) = (vec![], vec![], vec![], vec![]);
    let (mut r_fast, mut r_exact, mut r_user) = (vec![], vec![], vec![]);
    let (mut t_floor, mut r_floor) = (vec![], vec![]);
    for _ in 0..rounds {
        let m = time(&mut mpi_sum);
        let f = time(&mut pdot_fast);
        let e = time(&mut pdot_exact);
        let u = time(&mut mpi_user_exact);
        t_mpi.push(m);
        t_fast.push(f);
        t_exact.push(e);
        t_user.push(u);
        r_fast.push(f / m);
        r_exact.push(e / m);
        r_user.push(u / m);
        if floor_too {
            let s = time(&mut floor);
            t_floor.push(s);
            r_floor.push(s / m);
        }
    }
    if rank == 0 {
        let us = |(a, b, c): (f64, f64, f64)| {
            format!("{:.2} µs ({:.2}–{:.2})", b * 1e6, a * 1e6, c * 1e6)
        };
        let ratio = |(a, b, c): (f64, f64, f64)| format!("{b:.3} ({a:.3}–{c:.3})");
        println!(
            "allreduce latency, P = {}, {rounds} rounds of {iterations} calls; median (quartiles)",
            world.size()
        );
        let times = [
            ("MPI_Allreduce, one f64 (sum)", &mut t_mpi),
            ("pdot allreduce, FastPartial<f64>", &mut t_fast),
            ("pdot allreduce, ExactPartial<f64>", &mut t_exact),
            (
                "MPI_Allreduce, user op over fixed-size ExactPartial<f64> forms",
                &mut t_user,
            ),
        ];
        for (what, t) in times {
            println!("{what}: {}", us(quartiles(t)));
        }
        if floor_too {
            let q = quartiles(&mut t_floor);
            println!(
                "floor: MPI_Sendrecv of 32 bytes with the other rank: {}",
                us(q)
            );
        }
        let ratios = [
            ("ratio fast/MPI_Allreduce", &mut r_fast),
            ("ratio exact/MPI_Allreduce", &mut r_exact),
            ("ratio user-op exact/MPI_Allreduce", &mut r_user),
        ];
        for (what, r) in ratios {
            println!("{what}: {}", ratio(quartiles(r)));
        }
        if floor_too {
            println!(
                "ratio floor/MPI_Allreduce: {}",
                ratio(quartiles(&mut r_floor))
            );
        }
    }
}
