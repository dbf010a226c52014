//! Argument handling for `convert` (src/bin/convert/args.rs).

pub struct Args {
    pub quantity: String,
    pub target: String,
}

impl Args {
    pub fn from_env() -> Result<Args, &'static str> {
        let mut args = std::env::args().skip(1);
        match (args.next(), args.next(), args.next()) {
            (Some(quantity), Some(target), None) => Ok(Args { quantity, target }),
            _ => Err("usage: convert <QUANTITY> <UNIT>   e.g. convert \"5 km\" mi"),
        }
    }
}
