//! `cargo run -p units-parse --example parse_args -- "5 miles" 90min`

use units_parse::{parse, Parsed};

fn main() {
    let mut inputs: Vec<String> = std::env::args().skip(1).collect();
    if inputs.is_empty() {
        inputs = vec!["5 miles".into(), "90min".into(), "12 furlongs".into()];
    }
    for input in &inputs {
        match parse(input) {
            Ok(Parsed::Length(l)) => println!("{input:>12} = {} m", l.0),
            Ok(Parsed::Duration(d)) => println!("{input:>12} = {} s", d.0),
            Err(e) => println!("{input:>12} : {e}"),
        }
    }
}
