//! Splits `"1.5 km"` (or `"1.5km"`) into the number and the unit.

use crate::ParseError;

pub fn split(input: &str) -> Result<(&str, &str), ParseError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(ParseError::Empty);
    }
    let end = input
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(input.len());
    let (number, unit) = input.split_at(end);
    Ok((number, unit.trim()))
}
