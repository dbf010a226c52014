#![cfg(feature = "serde-like")]
//! A tiny serializer. `mod serial;` in lib.rs is unconditional: this inner
//! attribute drops the whole module unless `serde-like` is enabled.

// src/serial/writer.rs
mod writer;
pub use writer::FieldWriter;

use crate::{Duration, Length, Quantity};

/// Writes a value as `{"value":..,"unit":".."}`.
pub trait Serialize {
    fn serialize<W: core::fmt::Write>(&self, out: &mut W) -> core::fmt::Result;
}

impl Serialize for Length {
    fn serialize<W: core::fmt::Write>(&self, out: &mut W) -> core::fmt::Result {
        FieldWriter::new(out)
            .number("value", self.value())?
            .string("unit", Self::SYMBOL)?
            .finish()
    }
}

impl Serialize for Duration {
    fn serialize<W: core::fmt::Write>(&self, out: &mut W) -> core::fmt::Result {
        FieldWriter::new(out)
            .number("value", self.value())?
            .string("unit", Self::SYMBOL)?
            .finish()
    }
}
