//! The reference values of the C and Fortran examples, from the Rust crates on one core:
//! the same data (capi/examples/c/data.h) through pdot-kernels, and the same CG. Prints the lines
//! `dot_cg` prints; scripts/capi-tests.sh compares them bit for bit.
//!
//! `cargo run --release -p pdot-mpi --example capi_reference` (an example of pdot-mpi, not of
//! pdot-capi, although it only needs pdot-kernels: its build then needs none of pdot-capi's
//! dev-dependencies (criterion, cbindgen), and scripts/capi-tests.sh finds everything it uses
//! already built by the MPI tests)

use pdot_kernels::Accuracy;

const N: i64 = 10007;
const M: usize = 200;

fn pow2(e: i64) -> f64 {
    2f64.powi(e as i32)
}

fn data_x(i: i64) -> f64 {
    ((i * 7919) % 2001 - 1000) as f64 * pow2(i % 61 - 30)
}
fn data_y(i: i64) -> f64 {
    ((i * 104729) % 1999 - 999) as f64 * pow2(15 - i % 37)
}
fn data_xs(i: i64) -> f32 {
    ((i * 7919) % 2001 - 1000) as f32 * pow2(i % 31 - 15) as f32
}
fn data_ys(i: i64) -> f32 {
    ((i * 104729) % 1999 - 999) as f32 * pow2(7 - i % 17) as f32
}

fn poisson(x: &[f64], y: &mut [f64]) {
    let n = x.len();
    for i in 0..n {
        let l = if i > 0 { x[i - 1] } else { 0.0 };
        let r = if i + 1 < n { x[i + 1] } else { 0.0 };
        y[i] = 2.0 * x[i] - l - r;
    }
}

fn main() {
    let exact = Accuracy::Exact;
    let x: Vec<f64> = (0..N).map(data_x).collect();
    let y: Vec<f64> = (0..N).map(data_y).collect();
    let xs: Vec<f32> = (0..N).map(data_xs).collect();
    let ys: Vec<f32> = (0..N).map(data_ys).collect();
    let d: f64 = pdot_kernels::dot_as(exact, &x, &y);
    let s: f32 = pdot_kernels::dot_as(exact, &xs, &ys);
    let ds: f64 = pdot_kernels::dot_as(exact, &xs, &ys);
    let n2: f64 = pdot_kernels::nrm2_as(exact, &x);
    println!("ddot {:016x}", d.to_bits());
    println!("sdot {:016x}", s.to_bits());
    println!("dsdot {:016x}", ds.to_bits());
    println!("dnrm2 {:016x}", n2.to_bits());
    println!("ddot-single {:016x}", d.to_bits());

    let (mut x, mut r, mut p, mut q) = (vec![0.0; M], vec![1.0; M], vec![1.0; M], vec![0.0; M]);
    let mut rr: f64 = pdot_kernels::dot_as(exact, &r, &r);
    let bb = rr;
    let mut iterations = 0u64;
    while rr > 1e-24 * bb && iterations < 10 * M as u64 {
        poisson(&p, &mut q);
        let pq: f64 = pdot_kernels::dot_as(exact, &p, &q);
        let alpha = rr / pq;
        for i in 0..M {
            x[i] += alpha * p[i];
            r[i] -= alpha * q[i];
        }
        let rr_new: f64 = pdot_kernels::dot_as(exact, &r, &r);
        let beta = rr_new / rr;
        rr = rr_new;
        for i in 0..M {
            p[i] = r[i] + beta * p[i];
        }
        iterations += 1;
    }
    let xx: f64 = pdot_kernels::dot_as(exact, &x, &x);
    println!("cg-iterations {iterations:016x}");
    println!("cg-rr {:016x}", rr.to_bits());
    println!("cg-xx {:016x}", xx.to_bits());
    // The Fortran example's values: the first 1000 elements.
    let (xf, yf) = (&x_data(1000), &y_data(1000));
    let df: f64 = pdot_kernels::dot_as(exact, xf, yf);
    println!("fortran-ddot {:016x}", df.to_bits());
}

fn x_data(n: i64) -> Vec<f64> {
    (0..n).map(data_x).collect()
}
fn y_data(n: i64) -> Vec<f64> {
    (0..n).map(data_y).collect()
}
