//! `$XDG_CONFIG_HOME/units`, falling back to `~/.config/units`.

use std::env;
use std::path::PathBuf;

pub fn config_dir() -> Option<PathBuf> {
    let base = env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("units"))
}
