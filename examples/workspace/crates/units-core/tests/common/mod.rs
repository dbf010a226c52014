//! Shared helpers for the integration tests (`mod common;`). Being in a
//! subdirectory, cargo does not treat this file as a test of its own.

/// Float comparison with a relative tolerance.
pub fn approx_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}
