//! The case harness of the AVX-512 emulation check (`scripts/avx512-emu.sh`, a step of
//! `make test`).
//!
//! One fixed table of cases (`cases.rs`: dot, mdot and nrm2 at every accuracy level, for
//! `f64`, `f32` and `f32 -> f64`, five layouts, lengths around every backend's lane and
//! block edges, five kinds of data) is evaluated on one backend, and each result's bits are
//! written out. The same static binary is used two ways:
//!
//! - natively: `pdot-emu run avx2|portable|avx512 OUT.bin`, `pdot-emu describe`;
//! - on an emulated AVX-512 CPU (`emu/driver/`), which loads the binary's segments and calls
//!   [`pdot_emu_run`] directly. That path allocates nothing and makes no system call: its
//!   buffers live on the stack and its data comes from a PRNG.
//!
//! ```text
//! $ pdot-emu run avx2 avx2.bin
//! 93150 cases on avx2: digest 0123456789abcdef
//! ```

mod cases;
mod data;
mod eval;

use pdot_kernels::{Backend, Isa};

use crate::cases::{COUNT, Case, SLOTS};
use crate::data::Data;

/// [`pdot_emu_run`]: `isa` is not 0, 1 or 2.
pub const ERR_BAD_ISA: usize = usize::MAX;
/// [`pdot_emu_run`]: this CPU cannot run the backend (`Backend::new` refused).
pub const ERR_UNAVAILABLE: usize = usize::MAX - 1;
/// [`pdot_emu_run`]: `Backend::new` returned another backend.
pub const ERR_WRONG_BACKEND: usize = usize::MAX - 2;
/// [`pdot_emu_run`]: `cap` is smaller than `SLOTS` times the cases to run.
pub const ERR_SMALL_OUT: usize = usize::MAX - 3;
/// [`pdot_emu_run`]: a case's view could not be made.
pub const ERR_VIEW: usize = usize::MAX - 4;

/// The number of cases.
#[unsafe(no_mangle)]
pub extern "C" fn pdot_emu_cases() -> usize {
    COUNT
}

/// Results per case (`u64` slots in `out`).
#[unsafe(no_mangle)]
pub extern "C" fn pdot_emu_slots() -> usize {
    SLOTS
}

/// Runs cases `first..first + count` (clamped to the table) on backend `isa` (0 portable,
/// 1 avx2, 2 avx512) and writes the bits of case `id`'s results to
/// `out[(id - first) * SLOTS..][..SLOTS]`. Returns the number of cases run, or an `ERR_*`.
///
/// # Safety
/// `out` points to `cap` writable, initialised `u64` that nothing else accesses during the
/// call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pdot_emu_run(
    isa: u32,
    first: usize,
    count: usize,
    out: *mut u64,
    cap: usize,
) -> usize {
    // SAFETY: `out` points to `cap` writable, initialised `u64` used by nobody else (the
    // caller's contract).
    let out = unsafe { core::slice::from_raw_parts_mut(out, cap) };
    run(isa, first, count, out)
}

/// [`pdot_emu_run`] on a slice.
fn run(isa: u32, first: usize, count: usize, out: &mut [u64]) -> usize {
    let isa = match isa {
        0 => Isa::Portable,
        1 => Isa::Avx2,
        2 => Isa::Avx512,
        _ => return ERR_BAD_ISA,
    };
    let Ok(backend) = Backend::new(isa) else {
        return ERR_UNAVAILABLE;
    };
    if backend.isa() != isa {
        return ERR_WRONG_BACKEND;
    }
    let end = first.saturating_add(count).min(COUNT);
    let ran = end.saturating_sub(first);
    if out.len() / SLOTS < ran {
        return ERR_SMALL_OUT;
    }
    let mut data = Data::empty();
    for (id, slots) in (first..end).zip(out.chunks_exact_mut(SLOTS)) {
        let case = Case::of(id);
        data.fill(case.kind);
        match eval::run_case(backend, id, &case, &data) {
            Some(bits) => slots.copy_from_slice(&bits),
            None => return ERR_VIEW,
        }
    }
    ran
}

/// FNV-1a over the result words: one line to compare by eye.
fn digest(words: &[u64]) -> u64 {
    words.iter().fold(0xcbf2_9ce4_8422_2325, |h, &w| {
        (h ^ w).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn main() {
    // Keep the entry points as symbols for the emulator (nothing else calls two of them).
    std::hint::black_box(pdot_emu_cases as extern "C" fn() -> usize);
    std::hint::black_box(pdot_emu_slots as extern "C" fn() -> usize);
    std::hint::black_box(
        pdot_emu_run as unsafe extern "C" fn(u32, usize, usize, *mut u64, usize) -> usize,
    );
    let args: Vec<String> = std::env::args().collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[1..] {
        ["describe"] => {
            let mut table = String::from("id\tdata\top\telem\taccuracy\tlayout\tn\n");
            for id in 0..COUNT {
                table += &Case::of(id).describe(id);
                table.push('\n');
            }
            print!("{table}");
        }
        ["run", isa, path] => {
            let Some(code) = ["portable", "avx2", "avx512"]
                .iter()
                .position(|&n| n == isa)
            else {
                eprintln!("pdot-emu: unknown backend {isa:?}");
                std::process::exit(2)
            };
            let mut out = vec![0u64; COUNT * SLOTS];
            // SAFETY: `out` has `out.len()` initialised elements, borrowed by nothing else.
            let r = unsafe { pdot_emu_run(code as u32, 0, COUNT, out.as_mut_ptr(), out.len()) };
            if r != COUNT {
                let why = if r == ERR_UNAVAILABLE {
                    "unavailable on this CPU"
                } else {
                    "error"
                };
                eprintln!("pdot-emu: run {isa}: {r:#x} ({why})");
                std::process::exit(3)
            }
            let bytes: Vec<u8> = out.iter().flat_map(|w| w.to_le_bytes()).collect();
            if let Err(e) = std::fs::write(path, bytes) {
                eprintln!("pdot-emu: {path}: {e}");
                std::process::exit(2)
            }
            println!("{COUNT} cases on {isa}: digest {:016x}", digest(&out));
        }
        _ => {
            eprintln!("usage: pdot-emu describe | pdot-emu run portable|avx2|avx512 OUT.bin");
            std::process::exit(2)
        }
    }
}
