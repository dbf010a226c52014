/**
 * Build scripts under Nix as under cargo: cargo's environment (OUT_DIR, CARGO_MANIFEST_DIR,
 * CARGO_FEATURE_*, CARGO_CFG_*, TARGET/HOST/PROFILE/OPT_LEVEL, DEP_* from a `links` dependency),
 * and their directives (rustc-cfg, rustc-check-cfg, rustc-env, warning, rerun-if-changed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const APP_BUILD_RS = `use std::{env, fs, path::Path};
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=data/input.txt");
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let input = fs::read_to_string(Path::new(&dir).join("data/input.txt")).unwrap();
    let out = env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out).join("gen.rs"), format!("pub const INPUT: &str = {:?};", input.trim())).unwrap();
    println!("cargo::rustc-check-cfg=cfg(from_build)");
    println!("cargo::rustc-cfg=from_build");
    println!(
        "cargo::rustc-env=FROM_BUILD=fast={} slow={} os={} dep={} old={}",
        env::var("CARGO_FEATURE_FAST").is_ok(),
        env::var("CARGO_FEATURE_SLOW").is_ok(),
        env::var("CARGO_CFG_TARGET_OS").unwrap(),
        env::var("DEP_DEMO_INCLUDE").unwrap_or_default(),
        env::var("DEP_DEMO_ROOT").unwrap_or_default(),
    );
    println!(
        "cargo::rustc-env=PROFILE_SEEN={}/{}/{}/{}",
        env::var("PROFILE").unwrap(),
        env::var("OPT_LEVEL").unwrap(),
        env::var("TARGET").unwrap() == env::var("HOST").unwrap(),
        env::var("CARGO_PKG_NAME").unwrap(),
    );
    println!("cargo::warning=generated {} bytes", input.len());
}
`;

test('build scripts: cargo env, links metadata, directives and rerun-if-changed, same output as cargo run', { skip: NIX_SKIP, timeout: 300_000 }, () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-bs-')), 'ws');
  write(ws, {
    'Cargo.toml': '[workspace]\nmembers = ["sys", "app"]\nresolver = "2"\n',
    'sys/Cargo.toml': '[package]\nname = "demo-sys"\nversion = "0.1.0"\nedition = "2021"\nlinks = "demo"\n',
    'sys/build.rs': 'fn main() {\n    println!("cargo::metadata=include=/opt/demo/include");\n    println!("cargo:root=/opt/demo");\n}\n',
    'sys/src/lib.rs': 'pub fn answer() -> u32 {\n    42\n}\n',
    'app/Cargo.toml': '[package]\nname = "app"\nversion = "1.2.3"\nedition = "2021"\n\n[features]\ndefault = ["fast"]\nfast = []\nslow = []\n\n[dependencies]\ndemo-sys = { path = "../sys" }\n',
    'app/build.rs': APP_BUILD_RS,
    'app/data/input.txt': 'first input\n',
    'app/README.md': '# app\n',
    'app/src/lib.rs': 'include!(concat!(env!("OUT_DIR"), "/gen.rs"));\n\npub fn describe() -> String {\n    format!("{} | {} | cfg={} | {}", INPUT, env!("FROM_BUILD"), cfg!(from_build), demo_sys::answer())\n}\n',
    'app/src/main.rs': 'fn main() {\n    println!("{} | {}", app::describe(), env!("PROFILE_SEEN"));\n}\n',
  });
  const env = isolatedNixEnv();
  const cargoRun = () => spawnSync('cargo', ['run', '-q', '--offline', '--bin', 'app'], { cwd: ws, encoding: 'utf8' });
  const ours = (b: ReturnType<typeof cliBuild>) => spawnSync(join(doneOut(b, 'app/bin/app'), 'bin', 'app'), { encoding: 'utf8' }).stdout;

  const first = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(first.status, 0, first.stderr);
  const expected = cargoRun();
  assert.equal(expected.status, 0, expected.stderr);
  assert.match(expected.stdout, /first input \| fast=true slow=false os=linux dep=\/opt\/demo\/include old=\/opt\/demo \| cfg=true \| 42 \| debug\/0\/true\/app/);
  assert.equal(ours(first), expected.stdout);
  const warning = first.events.find((e) => e.type === 'log' && e.unit === 'app/custom-build/build-script-build#run' && e.line === 'warning: generated 12 bytes');
  assert.ok(warning, 'cargo::warning reaches the events');

  // A package file the build script does not watch: nothing runs again.
  appendFileSync(join(ws, 'app/README.md'), 'more\n');
  const readme = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(readme.status, 0, readme.stderr);
  assert.deepEqual(started(readme), []);

  // The watched input: the run and every unit of app that uses its output.
  writeFileSync(join(ws, 'app/data/input.txt'), 'second input\n');
  const input = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(input.status, 0, input.stderr);
  assert.deepEqual(finishedOf(input).built, ['app/bin/app', 'app/custom-build/build-script-build#run', 'app/lib/app']);
  assert.equal(ours(input), cargoRun().stdout);
  assert.match(ours(input), /^second input/);
});
