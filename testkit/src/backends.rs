//! The backends of `pdot-kernels` a test compares (feature `kernels`).

use pdot_kernels::{Backend, Isa};

/// Every backend this CPU can run.
///
/// ```
/// assert!(!pdot_testkit::backends().is_empty());
/// ```
pub fn backends() -> Vec<Backend> {
    Isa::available()
        .into_iter()
        .map(|isa| Backend::new(isa).expect("Isa::available lists runnable backends"))
        .collect()
}

/// Names of the backends [`backends`] returns, for the logs: `"portable, avx2"`.
///
/// ```
/// assert!(pdot_testkit::backend_names().contains("portable"));
/// ```
pub fn backend_names() -> String {
    let names: Vec<&str> = Isa::available().iter().map(|i| i.name()).collect();
    names.join(", ")
}
