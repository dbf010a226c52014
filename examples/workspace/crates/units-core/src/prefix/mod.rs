//! SI prefixes (kilo, milli, ...). The table is written by build.rs.

/// One SI prefix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prefix {
    pub name: &'static str,
    pub symbol: &'static str,
    pub factor: f64,
}

// Defines `pub const PREFIXES: &[Prefix]`.
include!(concat!(env!("OUT_DIR"), "/generated.rs"));

// A child of a mod.rs file: src/prefix/lookup.rs.
mod lookup;
pub use lookup::{by_symbol, split};
