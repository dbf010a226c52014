//! Build script: writes the SI prefix table to `$OUT_DIR/generated.rs`
//! (pulled in by `src/prefix/mod.rs`) and detects atomics support.

use std::{env, fs, path::PathBuf};

// The table itself lives in a module next to the build script.
#[path = "build/prefixes.rs"]
mod prefixes;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=build/prefixes.rs");
    println!("cargo::rerun-if-env-changed=UNITS_NO_STATS");

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("generated.rs"), prefixes::render()).expect("write generated.rs");

    // `src/stats.rs` keeps an atomic conversion counter; only compile it where
    // pointer-sized atomics exist, unless UNITS_NO_STATS asks to leave it out (an environment
    // variable cargo-units cannot know: without build output, `stats.rs` is possibly read).
    println!("cargo::rustc-check-cfg=cfg(has_atomics)");
    let atomics = env::var("CARGO_CFG_TARGET_HAS_ATOMIC").unwrap_or_default();
    if atomics.split(',').any(|width| width == "ptr") && env::var_os("UNITS_NO_STATS").is_none() {
        println!("cargo:rustc-cfg=has_atomics");
    }
}
