// Base units known to the parser: (symbol, dimension, factor to SI).
// Not a module: src/lib.rs pastes this expression in with
// `include!("unit_table.rs")`. Prefixed forms (km, ms, ...) come from the
// SI prefix table in units-core.
&[
    ("m", Dimension::Length, 1.0),
    ("ft", Dimension::Length, 0.3048),
    ("mi", Dimension::Length, 1609.344),
    ("s", Dimension::Time, 1.0),
    ("min", Dimension::Time, 60.0),
    ("h", Dimension::Time, 3600.0),
]
