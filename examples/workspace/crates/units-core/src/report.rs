//! Human-readable output; needs `std` for `String`.

use crate::prefix::PREFIXES;
use crate::{Duration, Quantity};

/// Formats a quantity with the largest prefix that keeps the number ≥ 1,
/// e.g. `1500 m` → `"1.5 km"`.
pub fn describe<Q: Quantity>(quantity: Q) -> String {
    let value = quantity.value();
    let best = PREFIXES
        .iter()
        .filter(|p| p.factor >= 1.0 && value.abs() >= p.factor)
        .max_by(|a, b| a.factor.total_cmp(&b.factor));
    match best {
        Some(p) => format!("{} {}{}", value / p.factor, p.symbol, Q::SYMBOL),
        None => format!("{} {}", value, Q::SYMBOL),
    }
}

/// Formats a duration as `h:mm:ss`, e.g. `5400 s` → `"1:30:00"`.
pub fn clock(duration: Duration) -> String {
    let total = duration.value().round() as u64;
    format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}
