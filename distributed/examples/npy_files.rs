//! Writes a pair of `.npy` vectors (and malformed variants) for trying `pdot --x --y`, and
//! prints the correctly rounded dot product of each pair, computed on one core.
//!
//! ```text
//! cargo run --release -p pdot-mpi --example npy_files -- DIR N
//! mpiexec -n 4 pdot --x DIR/x64.npy --y DIR/y64.npy --accuracy exact
//! ```
//!
//! Files: `x64.npy`, `y64.npy` (f64), `x32.npy`, `y32.npy` (f32), `short64.npy` (one element
//! fewer), `truncated64.npy` (the header promises more data than the file has),
//! `bigendian64.npy`, `matrix64.npy` (2-D), `notnpy.npy`. Prints lines `exact-f64 0x..`,
//! `exact-f32 0x..` and `exact-f32-f64 0x..`. The files are written by the `npyz` crate
//! (little-endian '<f8' and '<f4', as NumPy writes them).

use std::path::PathBuf;

use pdot_kernels::Accuracy;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Values with magnitudes spread over 2^-20..2^20, so the order of the additions matters.
fn value(i: usize, stream: u64) -> f64 {
    let w = mix(mix(i as u64) ^ stream);
    let e = (w % 41) as i32 - 20;
    ((w >> 11) as f64 * 2f64.powi(-52) - 1.0) * 2f64.powi(e)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: npy_files DIR N";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let n: usize = args.next().ok_or(usage)?.parse()?;
    std::fs::create_dir_all(&dir)?;
    let x: Vec<f64> = (0..n).map(|i| value(i, 1)).collect();
    let y: Vec<f64> = (0..n).map(|i| value(i, 2)).collect();
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    npyz::to_file_1d(dir.join("x64.npy"), x.iter().copied())?;
    npyz::to_file_1d(dir.join("y64.npy"), y.iter().copied())?;
    npyz::to_file_1d(dir.join("x32.npy"), x32.iter().copied())?;
    npyz::to_file_1d(dir.join("y32.npy"), y32.iter().copied())?;
    npyz::to_file_1d(
        dir.join("short64.npy"),
        y[..n.saturating_sub(1)].iter().copied(),
    )?;
    // The same header, a few bytes of data cut off the end.
    let mut bytes = std::fs::read(dir.join("x64.npy"))?;
    bytes.truncate(bytes.len().saturating_sub(12));
    std::fs::write(dir.join("truncated64.npy"), &bytes)?;
    // Same-length edits of the header: a big-endian dtype, a 2-D shape.
    let edit = |from: &str, to: &str, name: &str| -> std::io::Result<()> {
        let mut bytes = std::fs::read(dir.join("x64.npy"))?;
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .ok_or_else(|| std::io::Error::other(format!("{from} not in the header")))?;
        bytes[at..at + from.len()].copy_from_slice(to.as_bytes());
        std::fs::write(dir.join(name), bytes)
    };
    edit("'<f8'", "'>f8'", "bigendian64.npy")?;
    edit(
        &format!("({n},), }}"),
        &format!("(1,{n})}} "),
        "matrix64.npy",
    )?;
    std::fs::write(dir.join("notnpy.npy"), b"this is not an npy file\n")?;
    println!(
        "exact-f64 {:#018x}",
        pdot_kernels::dot_with(Accuracy::Exact, &x, &y).to_bits()
    );
    println!(
        "exact-f32 {:#010x}",
        pdot_kernels::dot_with(Accuracy::Exact, &x32, &y32).to_bits()
    );
    println!(
        "exact-f32-f64 {:#018x}",
        pdot_kernels::dsdot_with(Accuracy::Exact, &x32, &y32).to_bits()
    );
    Ok(())
}
