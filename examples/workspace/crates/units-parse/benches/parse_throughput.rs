//! `cargo bench -p units-parse`: `harness = false`, so this is a plain
//! program timing the parser with `std::time::Instant`.

use std::hint::black_box;
use std::time::Instant;

const INPUTS: &[&str] = &["1.5 km", "90 minutes", "3mi", "250ms", "12 ft"];
const ROUNDS: usize = 20_000;

fn main() {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for input in INPUTS {
            black_box(units_parse::parse(black_box(input)).ok());
        }
    }
    let elapsed = start.elapsed();
    let per_parse = elapsed / (ROUNDS * INPUTS.len()) as u32;
    println!(
        "parsed {} inputs in {elapsed:?} ({per_parse:?} each)",
        ROUNDS * INPUTS.len()
    );
}
