//! Links the system OpenBLAS (Debian: `libopenblas-dev`) for the comparison benches.
//!
//! `PDOT_OPENBLAS_LIB_DIR` adds a library search path for an OpenBLAS outside the default
//! linker path.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PDOT_OPENBLAS_LIB_DIR");
    if let Ok(dir) = std::env::var("PDOT_OPENBLAS_LIB_DIR") {
        println!("cargo::rustc-link-search=native={dir}");
    }
    println!("cargo::rustc-link-lib=dylib=openblas");
}
