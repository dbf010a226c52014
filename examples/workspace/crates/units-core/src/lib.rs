#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

// `name.rs` + `name/child.rs` style: src/quantity.rs, src/quantity/*.rs.
pub mod quantity;
// `mod.rs` style: src/prefix/mod.rs, which also include!s the generated table.
pub mod prefix;
// Gated on a Cargo feature (on by default).
#[cfg(feature = "std")]
pub mod report;
// Gated on a cfg set by build.rs (`cargo:rustc-cfg=has_atomics`).
#[cfg(has_atomics)]
pub mod stats;
// Declared unconditionally, but the file starts with `#![cfg(feature = "serde-like")]`.
pub mod serial;
// An explicit path: src/compat/legacy_names.rs.
#[path = "compat/legacy_names.rs"]
pub mod legacy;

pub use quantity::{Duration, Length, Quantity};

// The derive macro shares the trait's name, like serde's `Serialize`.
#[cfg(feature = "derive")]
pub use units_derive::Quantity;
