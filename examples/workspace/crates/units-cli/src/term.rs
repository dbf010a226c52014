//! Plain-text fallback for `mod term;` on targets that are not unix (on
//! unix the `cfg_attr(unix, path = ...)` points at src/term_ansi.rs instead).

pub fn bold(text: &str) -> String {
    text.to_string()
}

pub fn warn(text: &str) -> String {
    format!("warning: {text}")
}
