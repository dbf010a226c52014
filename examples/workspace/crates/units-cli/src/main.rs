//! `units-cli [QUANTITY...]`: parse quantities and print them in friendly units.

// On unix this module is read from src/term_ansi.rs; elsewhere from src/term.rs.
#[cfg_attr(unix, path = "term_ansi.rs")]
mod term;

// An inline module whose file children live in src/platform/.
mod platform {
    //! Where the (future) config file lives on each OS.
    #[cfg(unix)]
    mod unix;
    #[cfg(windows)]
    mod windows;

    #[cfg(unix)]
    pub use unix::config_dir;
    #[cfg(windows)]
    pub use windows::config_dir;

    #[cfg(not(any(unix, windows)))]
    pub fn config_dir() -> Option<std::path::PathBuf> {
        None
    }
}

use units_core::report::{clock, describe};
use units_core::{Length, Quantity};
use units_parse::{parse, Parsed};

/// The banner is plain text, embedded as bytes.
static BANNER: &[u8] = include_bytes!("../assets/banner.txt");

/// A furlong is 201.168 m; stored here in furlongs, not metres.
/// (Path-qualified: with units-core's `derive` feature, `units_core::Quantity`
/// names both the trait and the same derive macro.)
#[derive(Clone, Copy, units_derive::Quantity)]
#[symbol = "fur"]
struct Furlongs(f64);

fn main() {
    print!("{}", String::from_utf8_lossy(BANNER));
    let mut inputs: Vec<String> = std::env::args().skip(1).collect();
    if inputs.is_empty() {
        inputs = vec!["1500 m".into(), "90 minutes".into(), "2 miles".into()];
    }

    for input in &inputs {
        match parse(input) {
            Ok(Parsed::Length(length)) => {
                let furlongs = Furlongs::from_value(length.value() / 201.168);
                println!(
                    "{} = {} ≈ {:.2} {}",
                    term::bold(input),
                    describe(length),
                    furlongs.value(),
                    Furlongs::SYMBOL
                );
            }
            Ok(Parsed::Duration(duration)) => {
                println!("{} = {}", term::bold(input), clock(duration));
            }
            Err(err) => eprintln!("{}: {err}", term::warn(input)),
        }
    }

    let marathon = Length::from_km(42.195);
    println!("a marathon is {}", describe(marathon));
    match platform::config_dir() {
        Some(dir) => println!("config: {}", dir.join("units.toml").display()),
        None => println!("config: (no config directory)"),
    }
}
