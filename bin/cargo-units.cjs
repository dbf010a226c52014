#!/usr/bin/env node
// Entry point of the `cargo-units` command (and of `cargo units` once it is on PATH).
require('../dist/cli.cjs');
