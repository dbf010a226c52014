/**
 * Targets of any name and layout under Nix, as under cargo: a build script at
 * `build = "build/main.rs"` (target build-script-main), a lib whose name and path differ from the
 * package's, `autobins = false` with bins named with dashes, a proc-macro, a `links` package whose
 * build script writes into an OUT_DIR subdirectory, `rustc-link-lib` of a system library, and
 * `rustc-link-arg*` directives reaching exactly the units of their kind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, doneOut, isolatedNixEnv, NIX_SKIP } from './nix-env.js';

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const BUILD_MAIN = `use std::{env, fs, path::Path};
fn main() {
    let out = env::var("OUT_DIR").unwrap();
    let nested = Path::new(&out).join("gen/nested");
    fs::create_dir_all(&nested).unwrap();
    fs::write(nested.join("consts.rs"), "pub const FROM_NESTED: u32 = 7;").unwrap();
    println!("cargo::rustc-link-lib=m");
    println!("cargo::metadata=root=/opt/odd");
    println!("cargo::rustc-link-arg-bins=-Wl,-rpath,/odd/bins");
    println!("cargo::rustc-link-arg-bin=other-tool=-Wl,-rpath,/odd/other");
    println!("cargo::rustc-cdylib-link-arg=-Wl,-soname,libodd_custom.so");
    // No test, example or bench is linked here: these must reach no unit (they would fail its link).
    println!("cargo::rustc-link-arg-tests=-Wl,--cargo-units-no-such-flag");
    println!("cargo::rustc-link-arg-examples=-Wl,--cargo-units-no-such-flag");
    println!("cargo::rustc-link-arg-benches=-Wl,--cargo-units-no-such-flag");
    println!("cargo::rerun-if-changed=build/main.rs");
}
`;

const FILES: Record<string, string> = {
  'Cargo.toml': '[workspace]\nmembers = ["odd", "pm"]\nresolver = "2"\n',
  'pm/Cargo.toml': '[package]\nname = "shout-macro"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n',
  'pm/src/lib.rs': 'use proc_macro::TokenStream;\n\n#[proc_macro]\npub fn shout(input: TokenStream) -> TokenStream {\n    format!("{:?}", input.to_string().to_uppercase()).parse().unwrap()\n}\n',
  'odd/Cargo.toml': [
    '[package]', 'name = "odd-layout"', 'version = "0.2.0"', 'edition = "2021"', 'build = "build/main.rs"', 'autobins = false', 'links = "oddnative"', '',
    '[lib]', 'name = "odd_core"', 'path = "lib/entry.rs"', 'crate-type = ["rlib", "cdylib"]', '',
    '[[bin]]', 'name = "odd-tool"', 'path = "tools/tool.rs"', '',
    '[[bin]]', 'name = "other-tool"', 'path = "tools/other.rs"', '',
    '[[bench]]', 'name = "speed"', 'harness = false', '',
    '[dependencies]', 'shout-macro = { path = "../pm" }', '',
  ].join('\n'),
  'odd/build/main.rs': BUILD_MAIN,
  'odd/lib/entry.rs': [
    'include!(concat!(env!("OUT_DIR"), "/gen/nested/consts.rs"));',
    'extern "C" {',
    '    fn cbrt(x: f64) -> f64;',
    '}',
    'pub fn describe() -> String {',
    '    format!("{} nested={} cbrt={}", shout_macro::shout!(odd layout), FROM_NESTED, unsafe { cbrt(27.0) })',
    '}',
    '#[no_mangle]',
    'pub extern "C" fn odd_answer() -> u32 {',
    '    42',
    '}',
    '',
  ].join('\n'),
  'odd/tools/tool.rs': 'fn main() {\n    println!("odd-tool: {} bin={}", odd_core::describe(), env!("CARGO_BIN_NAME"));\n}\n',
  'odd/tools/other.rs': 'fn main() {\n    println!("other-tool: {}", odd_core::odd_answer());\n}\n',
  // Targets of the kinds the bogus link args name (cargo rejects them otherwise); never linked here.
  'odd/tests/smoke.rs': '#[test]\nfn answers() {\n    assert_eq!(odd_core::odd_answer(), 42);\n}\n',
  'odd/examples/demo.rs': 'fn main() {}\n',
  'odd/benches/speed.rs': 'fn main() {}\n',
  // autobins = false: this file is no target (it would not compile).
  'odd/src/main.rs': 'compile_error!("not a target");\n',
};

/** The RUNPATH and SONAME entries of an ELF file. */
function dynamic(file: string): string[] {
  const r = spawnSync('readelf', ['-d', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => /\((RUNPATH|RPATH|SONAME)\)/.test(l)).map((l) => l.replace(/^.*\((\w+)\)\s+/, '$1 ').trim());
}

test('targets of any name and layout build under Nix as under cargo', { skip: NIX_SKIP, timeout: 300_000 }, () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-layouts-')), 'ws');
  write(ws, FILES);
  const env = isolatedNixEnv();
  const units = ['odd-layout/bin/odd-tool', 'odd-layout/bin/other-tool', 'odd-layout/lib/odd_core'];
  const b = cliBuild(env, ws, units.flatMap((u) => ['--unit', u]));
  assert.equal(b.status, 0, b.stderr + JSON.stringify(b.events.filter((e) => e.type === 'failed')));

  const cargo = spawnSync('cargo', ['build', '-q', '--offline', '--bins', '--lib'], { cwd: ws, encoding: 'utf8' });
  assert.equal(cargo.status, 0, cargo.stderr);
  for (const bin of ['odd-tool', 'other-tool']) {
    const ours = spawnSync(join(doneOut(b, `odd-layout/bin/${bin}`), 'bin', bin), { encoding: 'utf8' });
    const theirs = spawnSync(join(ws, 'target/debug', bin), { encoding: 'utf8' });
    assert.equal(ours.stdout, theirs.stdout, bin);
    assert.deepEqual(dynamic(join(doneOut(b, `odd-layout/bin/${bin}`), 'bin', bin)), dynamic(join(ws, 'target/debug', bin)), bin);
  }
  assert.match(spawnSync(join(doneOut(b, 'odd-layout/bin/odd-tool'), 'bin', 'odd-tool'), { encoding: 'utf8' }).stdout, /^odd-tool: ODD LAYOUT nested=7 cbrt=3 bin=odd-tool$/m);
  assert.deepEqual(dynamic(join(doneOut(b, 'odd-layout/bin/other-tool'), 'bin', 'other-tool')), ['RUNPATH Library runpath: [/odd/bins:/odd/other]']);
  // The cdylib gets rustc-cdylib-link-arg, as cargo's does.
  const so = dynamic(join(doneOut(b, 'odd-layout/lib/odd_core'), 'libodd_core.so'));
  assert.deepEqual(so, dynamic(join(ws, 'target/debug/libodd_core.so')));
  assert.deepEqual(so, ['SONAME Library soname: [libodd_custom.so]']);
});
