//! ANSI styling, used on unix via `#[cfg_attr(unix, path = "term_ansi.rs")]`.

pub fn bold(text: &str) -> String {
    format!("\x1b[1m{text}\x1b[0m")
}

pub fn warn(text: &str) -> String {
    format!("\x1b[33m{text}\x1b[0m")
}
