//! The `Quantity` trait and the concrete quantities.

// Children of a non-mod.rs file live in src/quantity/.
mod length;
mod time;

pub use length::Length;
pub use time::Duration;

/// A value with a unit, stored as an `f64` in its SI base unit.
pub trait Quantity: Copy {
    /// Unit symbol, e.g. `"m"`.
    const SYMBOL: &'static str;
    /// The magnitude in the base unit.
    fn value(self) -> f64;
    /// Builds the quantity from a magnitude in the base unit.
    fn from_value(value: f64) -> Self;
}

/// Average speed in metres per second.
pub fn speed(distance: Length, time: Duration) -> f64 {
    distance.value() / time.value()
}

pub mod constants {
    //! Physical constants. `#[path]` inside an inline module of a non-mod.rs
    //! file resolves under src/quantity/constants/.
    #[path = "physical.rs"]
    pub mod physical;
}
