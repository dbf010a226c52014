//! Reached through `#[path = "physical.rs"]` inside `quantity::constants`.

use crate::Length;

/// Distance light travels in one second.
pub const LIGHT_SECOND: Length = Length(299_792_458.0);
/// The astronomical unit.
pub const ASTRONOMICAL_UNIT: Length = Length(149_597_870_700.0);
/// Standard gravity, in m/s².
pub const STANDARD_GRAVITY: f64 = 9.806_65;
