//! Reached through `#[path = "compat/legacy_names.rs"] pub mod legacy;`.
//! Maps spellings from older releases to today's unit symbols.

const RENAMES: &[(&str, &str)] = &[("micron", "µm"), ("meter", "m"), ("sec", "s"), ("hr", "h")];

/// Returns the current symbol for a legacy unit name, if it was renamed.
pub fn canonical(name: &str) -> Option<&'static str> {
    RENAMES
        .iter()
        .find(|(old, _)| *old == name)
        .map(|(_, new)| *new)
}
