//! `convert <QUANTITY> <UNIT>`, e.g. `convert "5 km" mi`.
//! A directory-style binary: src/bin/convert/main.rs plus its modules.

mod args;

use units_parse::{parse, unit_factor, Parsed};

fn main() {
    let args = match args::Args::from_env() {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let (value, dimension) = match parse(&args.quantity) {
        Ok(Parsed::Length(l)) => (l.0, units_parse::Dimension::Length),
        Ok(Parsed::Duration(d)) => (d.0, units_parse::Dimension::Time),
        Err(err) => {
            eprintln!("convert: {err}");
            std::process::exit(1);
        }
    };
    match unit_factor(&args.target) {
        Some((target_dim, factor)) if target_dim == dimension => {
            println!("{} = {} {}", args.quantity, value / factor, args.target);
        }
        Some(_) => eprintln!("convert: cannot convert {dimension:?} to {}", args.target),
        None => eprintln!("convert: unknown unit {:?}", args.target),
    }
}
