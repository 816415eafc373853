//! include/pdot.h is what cbindgen generates from the crate now: the test fails when the
//! header is stale. Refresh it with `PDOT_BLESS=1 cargo test -p pdot-capi --test header`.

use std::path::Path;

#[test]
fn the_checked_in_header_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the header")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");
    let path = dir.join("include/pdot.h");
    if std::env::var_os("PDOT_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write include/pdot.h");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "capi/include/pdot.h is stale: refresh it with \
         `PDOT_BLESS=1 cargo test -p pdot-capi --test header` and commit it"
    );
}
