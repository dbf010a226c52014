use super::Quantity;
use core::ops::Add;

/// A length in metres.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Length(pub f64);

impl Length {
    pub fn from_km(km: f64) -> Self {
        Length(km * 1000.0)
    }

    pub fn from_miles(miles: f64) -> Self {
        Length(miles * 1609.344)
    }
}

impl Quantity for Length {
    const SYMBOL: &'static str = "m";
    fn value(self) -> f64 {
        self.0
    }
    fn from_value(value: f64) -> Self {
        Length(value)
    }
}

impl Add for Length {
    type Output = Length;
    fn add(self, other: Length) -> Length {
        Length(self.0 + other.0)
    }
}
