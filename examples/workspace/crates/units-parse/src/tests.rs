//! Unit tests for the private lexer and table lookups
//! (`#[cfg(test)] mod tests;` in lib.rs).

use super::*;

#[test]
fn lexer_splits_with_and_without_space() {
    assert_eq!(lexer::split("1.5 km"), Ok(("1.5", "km")));
    assert_eq!(lexer::split(" 90min "), Ok(("90", "min")));
    assert_eq!(lexer::split("   "), Err(ParseError::Empty));
}

#[test]
fn prefixed_aliased_and_legacy_units() {
    assert_eq!(parse("2 km"), Ok(Parsed::Length(Length(2000.0))));
    assert_eq!(parse("3 kilometres"), Ok(Parsed::Length(Length(3000.0))));
    assert_eq!(parse("250ms"), Ok(Parsed::Duration(Duration(0.25))));
    assert_eq!(parse("2 hr"), Ok(Parsed::Duration(Duration(7200.0))));
}

#[test]
fn errors() {
    assert_eq!(parse("abc"), Err(ParseError::BadNumber(String::new())));
    assert_eq!(
        parse("5 parsecs"),
        Err(ParseError::UnknownUnit("parsecs".into()))
    );
}
