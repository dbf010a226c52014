//! Needs `--features derive` (`required-features` in Cargo.toml).

use units_core::Quantity;

/// One nautical mile, as a custom quantity.
#[derive(Clone, Copy, Quantity)]
#[symbol = "nmi"]
struct NauticalMiles(f64);

#[test]
fn derived_impl() {
    assert_eq!(NauticalMiles::SYMBOL, "nmi");
    assert_eq!(NauticalMiles::from_value(2.0).value(), 2.0);
}
