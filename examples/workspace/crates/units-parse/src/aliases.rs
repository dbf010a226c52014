//! Long unit names ("kilometres") to symbols ("km"). The table is a plain
//! text file embedded at compile time with `include_str!`.

const TABLE: &str = include_str!("../data/aliases.txt");

/// Returns the symbol for a long or legacy unit name.
pub fn resolve(word: &str) -> Option<&'static str> {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(char::is_whitespace))
        .find(|(alias, _)| alias.eq_ignore_ascii_case(word))
        .map(|(_, symbol)| symbol.trim())
        .or_else(|| units_core::legacy::canonical(word))
}
