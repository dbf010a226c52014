//! Counts prefix conversions. Only compiled when build.rs found
//! pointer-sized atomics (`#[cfg(has_atomics)]` in lib.rs).

use core::sync::atomic::{AtomicUsize, Ordering};

static CONVERSIONS: AtomicUsize = AtomicUsize::new(0);

pub(crate) fn record_conversion() {
    CONVERSIONS.fetch_add(1, Ordering::Relaxed);
}

/// How many prefixed units have been split so far.
pub fn conversions() -> usize {
    CONVERSIONS.load(Ordering::Relaxed)
}
