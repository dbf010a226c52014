use super::{Prefix, PREFIXES};

/// Finds a prefix by its symbol (`"k"`, `"µ"`, ...).
pub fn by_symbol(symbol: &str) -> Option<Prefix> {
    PREFIXES.iter().copied().find(|p| p.symbol == symbol)
}

/// Splits a prefixed unit like `"km"` into (`kilo`, `"m"`), if `base`
/// accepts the remainder.
pub fn split(unit: &str, base: impl Fn(&str) -> bool) -> Option<(Prefix, &str)> {
    let found = PREFIXES.iter().copied().find_map(|p| {
        let rest = unit.strip_prefix(p.symbol)?;
        base(rest).then_some((p, rest))
    });
    #[cfg(has_atomics)]
    if found.is_some() {
        crate::stats::record_conversion();
    }
    found
}
