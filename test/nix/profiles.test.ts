/**
 * Profiles under Nix, with real nix-build and cargo: a dev build (the default) and a release build
 * behave as cargo's do where the profile says they differ (overflow checks, debug assertions,
 * debuginfo, the build script's PROFILE/OPT_LEVEL/DEBUG), a custom profile with `inherits` and a
 * per-package override too, and each profile has derivations of its own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, doneOut, isolatedNixEnv, NIX_SKIP } from './nix-env.js';

const FILES: Record<string, string> = {
  'Cargo.toml': [
    '[workspace]', 'members = ["app", "calc"]', 'resolver = "2"', '',
    // overflow checks without debug assertions, and calc optimised differently: a profile of our own.
    '[profile.checked]', 'inherits = "release"', 'overflow-checks = true', '',
    '[profile.checked.package.calc]', 'overflow-checks = false', '',
  ].join('\n'),
  'calc/Cargo.toml': '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
  'calc/src/lib.rs': 'pub fn add(a: u8, b: u8) -> u8 {\n    a + b\n}\n',
  'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncalc = { path = "../calc" }\n',
  'app/build.rs': 'fn main() {\n    println!("cargo::rerun-if-changed=build.rs");\n    let v = |k: &str| std::env::var(k).unwrap();\n    println!("cargo::rustc-env=SEEN=PROFILE={} OPT_LEVEL={} DEBUG={}", v("PROFILE"), v("OPT_LEVEL"), v("DEBUG"));\n}\n',
  'app/src/main.rs': [
    'use std::hint::black_box;',
    'use std::panic::catch_unwind;',
    '',
    'fn main() {',
    '    std::panic::set_hook(Box::new(|_| {}));',
    '    let own = catch_unwind(|| black_box(255u8) + black_box(1u8));',
    '    let dep = catch_unwind(|| calc::add(black_box(255), black_box(1)));',
    '    let assertion = catch_unwind(|| debug_assert!(black_box(false), "debug assertion"));',
    '    println!("own add: {:?}", own.map_err(|_| "panicked"));',
    '    println!("calc add: {:?}", dep.map_err(|_| "panicked"));',
    '    println!("debug_assert: {}", if assertion.is_err() { "fired" } else { "off" });',
    '    println!("build script: {}", env!("SEEN"));',
    '}',
    '',
  ].join('\n'),
};

function hasDebugInfo(file: string): boolean {
  const r = spawnSync('readelf', ['-S', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.includes('.debug_info');
}

test('dev, release and a custom profile: each behaves as cargo\'s build of it, with derivations of its own', { skip: NIX_SKIP, timeout: 600_000 }, () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-profiles-')), 'ws');
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  }
  const env = isolatedNixEnv();
  const outs = new Map<string, string>();
  const expected: Record<string, string> = {
    dev: 'own add: Err("panicked")\ncalc add: Err("panicked")\ndebug_assert: fired\nbuild script: PROFILE=debug OPT_LEVEL=0 DEBUG=true\n',
    release: 'own add: Ok(0)\ncalc add: Ok(0)\ndebug_assert: off\nbuild script: PROFILE=release OPT_LEVEL=3 DEBUG=false\n',
    checked: 'own add: Err("panicked")\ncalc add: Ok(0)\ndebug_assert: off\nbuild script: PROFILE=release OPT_LEVEL=3 DEBUG=false\n',
  };
  for (const [profile, flags] of [['dev', []], ['release', ['--release']], ['checked', ['--profile', 'checked']]] as const) {
    const b = cliBuild(env, ws, ['--unit', 'app/bin/app', ...flags]);
    assert.equal(b.status, 0, b.stderr);
    const bin = join(doneOut(b, 'app/bin/app'), 'bin', 'app');
    outs.set(profile, bin);
    const ours = spawnSync(bin, { encoding: 'utf8' });
    assert.equal(ours.stdout, expected[profile], profile);
    const cargo = spawnSync('cargo', ['run', '-q', '--offline', '--profile', profile], { cwd: ws, encoding: 'utf8', env: { ...process.env, RUSTFLAGS: '' } });
    assert.equal(cargo.status, 0, cargo.stderr);
    assert.equal(ours.stdout, cargo.stdout, `${profile}: as cargo's`);
  }
  assert.equal(new Set(outs.values()).size, 3, 'each profile builds its own derivations');
  // cargo's dev profile has debuginfo; release strips it.
  assert.equal(hasDebugInfo(outs.get('dev')!), true);
  assert.equal(hasDebugInfo(outs.get('release')!), false);
  // Back to dev: the first build's output, nothing rebuilt.
  const again = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(again.events.filter((e) => e.type === 'start'), []);
  // An unknown profile is an error naming Cargo.toml.
  const unknown = cliBuild(env, ws, ['--unit', 'app/bin/app', '--profile', 'nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Cargo\.toml.*profile `nope` is not defined/);
});
