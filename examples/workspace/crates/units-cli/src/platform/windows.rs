//! `%APPDATA%\units` on Windows (`#[cfg(windows)] mod windows;`).

use std::env;
use std::path::PathBuf;

pub fn config_dir() -> Option<PathBuf> {
    env::var_os("APPDATA").map(|dir| PathBuf::from(dir).join("units"))
}
