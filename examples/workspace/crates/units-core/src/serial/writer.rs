use core::fmt::{Error, Result, Write};

/// Writes a flat JSON-like object one field at a time.
pub struct FieldWriter<'a, W: Write> {
    out: &'a mut W,
    first: bool,
}

impl<'a, W: Write> FieldWriter<'a, W> {
    pub fn new(out: &'a mut W) -> Self {
        FieldWriter { out, first: true }
    }

    pub fn number(mut self, key: &str, value: f64) -> core::result::Result<Self, Error> {
        self.key(key)?;
        write!(self.out, "{value}")?;
        Ok(self)
    }

    pub fn string(mut self, key: &str, value: &str) -> core::result::Result<Self, Error> {
        self.key(key)?;
        write!(self.out, "\"{value}\"")?;
        Ok(self)
    }

    pub fn finish(self) -> Result {
        self.out.write_str(if self.first { "{}" } else { "}" })
    }

    fn key(&mut self, key: &str) -> Result {
        let sep = if self.first { "{" } else { "," };
        self.first = false;
        write!(self.out, "{sep}\"{key}\":")
    }
}
