//! Parses strings like `"1.5 km"`, `"90 minutes"` or `"3mi"` into
//! [`units_core`] quantities.

mod aliases;
mod lexer;
// Unit tests in their own file, only compiled for `cargo test`.
#[cfg(test)]
mod tests;

use std::fmt;
use units_core::{prefix, Duration, Length, Quantity};

/// What a unit measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dimension {
    Length,
    Time,
}

/// Base units: (symbol, dimension, factor to the SI base unit). The table is
/// a bare Rust expression kept in src/unit_table.rs and pasted in with
/// `include!`; that file is not a module.
const UNITS: &[(&str, Dimension, f64)] = include!("unit_table.rs");

/// A parsed quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Parsed {
    Length(Length),
    Duration(Duration),
}

#[derive(Debug, PartialEq)]
pub enum ParseError {
    Empty,
    BadNumber(String),
    UnknownUnit(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty input"),
            ParseError::BadNumber(n) => write!(f, "not a number: {n:?}"),
            ParseError::UnknownUnit(u) => write!(f, "unknown unit: {u:?}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses `"<number> <unit>"`; the space is optional.
pub fn parse(input: &str) -> Result<Parsed, ParseError> {
    let (number, unit) = lexer::split(input)?;
    let value: f64 = number
        .parse()
        .map_err(|_| ParseError::BadNumber(number.to_string()))?;
    let (dimension, factor) =
        unit_factor(unit).ok_or_else(|| ParseError::UnknownUnit(unit.to_string()))?;
    let base = value * factor;
    Ok(match dimension {
        Dimension::Length => Parsed::Length(Length::from_value(base)),
        Dimension::Time => Parsed::Duration(Duration::from_value(base)),
    })
}

/// Resolves a unit name (`"km"`, `"kilometres"`, `"hr"`) to its dimension
/// and its factor to the SI base unit.
pub fn unit_factor(unit: &str) -> Option<(Dimension, f64)> {
    let unit = aliases::resolve(unit).unwrap_or(unit);
    if let Some(found) = base_unit(unit) {
        return Some(found);
    }
    let (prefix, rest) = prefix::split(unit, |rest| base_unit(rest).is_some())?;
    let (dimension, factor) = base_unit(rest)?;
    Some((dimension, factor * prefix.factor))
}

fn base_unit(symbol: &str) -> Option<(Dimension, f64)> {
    UNITS
        .iter()
        .find(|(s, _, _)| *s == symbol)
        .map(|&(_, d, f)| (d, f))
}
