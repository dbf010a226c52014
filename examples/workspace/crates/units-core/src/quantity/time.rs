use super::Quantity;

/// A duration in seconds (deliberately not `std::time::Duration`: it is
/// `f64`-based and works under `no_std`).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Duration(pub f64);

impl Duration {
    pub fn from_minutes(minutes: f64) -> Self {
        Duration(minutes * 60.0)
    }

    pub fn from_hours(hours: f64) -> Self {
        Duration(hours * 3600.0)
    }
}

impl Quantity for Duration {
    const SYMBOL: &'static str = "s";
    fn value(self) -> f64 {
        self.0
    }
    fn from_value(value: f64) -> Self {
        Duration(value)
    }
}
