/**
 * Registry crates fetched with Nix's builtin fetchurl (a `file://` URL stands in for crates.io:
 * there is no internet) and checked against the lock's sha256; a crate that needs a native library
 * fails naming the crate and the library, and builds once crateOverrides provides it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP } from './nix-env.js';
import { cargo, REGISTRY, REGISTRY_SKIP, registryWorkspace, scratchDir } from './registry-workspace.js';

/** A directory source holding `nativedemo 0.1.0` (its build script links `cudemo`) and the `.crate` file it was made from. */
function localRegistry(): { vendor: string; crates: string } {
  const base = scratchDir('cargo-units-localreg-');
  const vendor = join(base, 'vendor');
  const crates = join(base, 'crates');
  const dir = join(vendor, 'nativedemo-0.1.0');
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(crates);
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "nativedemo"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n');
  writeFileSync(join(dir, 'build.rs'), 'fn main() { println!("cargo:rustc-link-lib=cudemo"); }\n');
  writeFileSync(join(dir, 'src', 'lib.rs'), 'extern "C" { fn cudemo_answer() -> i32; }\npub fn answer() -> i32 { unsafe { cudemo_answer() } }\n');
  const crate = join(crates, 'nativedemo-0.1.0.crate');
  execFileSync('tar', ['-czf', crate, '-C', vendor, 'nativedemo-0.1.0']);
  const sha = createHash('sha256').update(readFileSync(crate)).digest('hex');
  writeFileSync(join(dir, '.cargo-checksum.json'), JSON.stringify({ package: sha, files: {} }));
  return { vendor, crates };
}

test('fetched crates are fixed-output derivations with the lock\'s sha256; crates.io is the default URL', { skip: NIX_SKIP || REGISTRY_SKIP, timeout: 120_000 }, () => {
  const ws = registryWorkspace({
    'Cargo.toml': '[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmemchr = "2"\nitoa = "1"\n',
    'src/lib.rs': '',
  });
  cargo(ws, ['generate-lockfile']);
  const lock = readFileSync(join(ws, 'Cargo.lock'), 'utf8');
  const sum = /name = "memchr"\nversion = "2\.5\.0"\nsource = "[^"]+"\nchecksum = "([0-9a-f]{64})"/.exec(lock)![1]!;
  const env = isolatedNixEnv();
  const cli = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'cargo-units'), 'nix', '--vendor', REGISTRY, '--fetch-crates'], { cwd: ws, env, encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const drv = execFileSync('nix-instantiate', ['-E', '(import ./.cargo-units { rustc = "/nonexistent"; }).crateSrc."memchr-2.5.0"'], { cwd: ws, env, encoding: 'utf8' }).trim();
  const show = (p: string) => JSON.parse(execFileSync('nix', ['show-derivation', p], { env, encoding: 'utf8' })) as Record<string, { inputDrvs: Record<string, string[]>; outputs: { out: { hash?: string; hashAlgo?: string } }; env: Record<string, string> }>;
  const unpack = show(drv)[drv]!;
  const fetchDrv = Object.keys(unpack.inputDrvs).find((d) => d.endsWith('-memchr-2.5.0.crate.drv'))!;
  const fetch = show(fetchDrv)[fetchDrv]!;
  assert.equal(fetch.outputs.out.hash, sum);
  assert.equal(fetch.outputs.out.hashAlgo, 'sha256');
  assert.equal(fetch.env.url, 'https://static.crates.io/crates/memchr/memchr-2.5.0.crate');
  assert.equal(fetch.env.builder, 'builtin:fetchurl');
  // Without --fetch-crates the vendored directory is the source, and `crateSource = "fetch"` overrides it.
  spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'cargo-units'), 'nix', '--vendor', REGISTRY], { cwd: ws, env });
  const vendored = execFileSync('nix-instantiate', ['--eval', '-E', 'toString (import ./.cargo-units { rustc = "/x"; }).crateSrc."memchr-2.5.0"'], { cwd: ws, env, encoding: 'utf8' });
  assert.match(vendored, /-crate-memchr-2\.5\.0"$/m);
  const forced = execFileSync('nix-instantiate', ['-E', '(import ./.cargo-units { rustc = "/x"; crateSource = "fetch"; }).crateSrc."memchr-2.5.0"'], { cwd: ws, env, encoding: 'utf8' }).trim();
  assert.equal(forced, drv);
});

test('a crate that needs a missing native library fails naming both; crateOverrides provides it (and patches); the crate is fetched by URL and checked', { skip: NIX_SKIP || REGISTRY_SKIP, timeout: 300_000 }, () => {
  const { vendor, crates } = localRegistry();
  const ws = registryWorkspace({
    '.cargo/config.toml': `[source.crates-io]\nreplace-with = "local"\n[source.local]\ndirectory = "${vendor}"\n[net]\noffline = true\n`,
    'Cargo.toml': '[package]\nname = "uses-native"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nnativedemo = "0.1"\n',
    'src/main.rs': 'fn main() { println!("answer {}", nativedemo::answer()); }\n',
  });
  cargo(ws, ['generate-lockfile']);
  const env = isolatedNixEnv();
  const args = ['--vendor', vendor, '--fetch-crates', '--crate-url', `file://${crates}/{name}-{version}.crate`];
  const failed = cliBuild(env, ws, args);
  assert.notEqual(failed.status, 0);
  // The library and its build script build; the executables (the bin and its test harness) cannot link.
  assert.deepEqual(finishedOf(failed).failed, ['uses-native/bin/uses-native', 'uses-native/bin/uses-native[test]']);
  const text = failed.stderr + JSON.stringify(failed.events);
  assert.match(text, /native library `cudemo` not found, needed by crate `nativedemo v0\.1\.0`/);

  const lib = scratchDir('cargo-units-cudemo-');
  mkdirSync(join(lib, 'lib'));
  writeFileSync(join(lib, 'cudemo.c'), 'int cudemo_answer(void) { return 42; }\n');
  execFileSync('cc', ['-c', '-fPIC', '-o', join(lib, 'cudemo.o'), join(lib, 'cudemo.c')]);
  execFileSync('ar', ['rcs', join(lib, 'lib', 'libcudemo.a'), join(lib, 'cudemo.o')]);
  writeFileSync(join(ws, '.cargo-units', 'overrides.nix'), `{ nativedemo = { name, version, features }: { buildInputs = [ "${lib}" ]; }; }\n`);
  const ok = cliBuild(env, ws, args);
  assert.equal(ok.status, 0, ok.stderr);
  // Fetched: the crate's source is the unpacked .crate, not the vendor directory.
  const units = JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as { crates: Record<string, { vendor: string | null }> };
  assert.equal(units.crates['nativedemo-0.1.0']!.vendor, null);
  const out = spawnSync(join(doneOut(ok, 'uses-native/bin/uses-native'), 'bin', 'uses-native'), { encoding: 'utf8' });
  assert.equal(out.stdout, 'answer 42\n');

  // crateOverrides' patches apply to the crate's source: the lib and its dependents rebuild.
  writeFileSync(join(lib, 'plus-one.patch'), [
    '--- a/src/lib.rs', '+++ b/src/lib.rs', '@@ -1,2 +1,2 @@', ' extern "C" { fn cudemo_answer() -> i32; }',
    '-pub fn answer() -> i32 { unsafe { cudemo_answer() } }', '+pub fn answer() -> i32 { 1 + unsafe { cudemo_answer() } }', '',
  ].join('\n'));
  writeFileSync(join(ws, '.cargo-units', 'overrides.nix'), `{ nativedemo = { name, version, features }: { buildInputs = [ "${lib}" ]; patches = [ ${lib}/plus-one.patch ]; }; }\n`);
  const patched = cliBuild(env, ws, args);
  assert.equal(patched.status, 0, patched.stderr + JSON.stringify(patched.events.filter((e) => e.type === 'failed' || e.type === 'log').slice(-8)));
  assert.equal(spawnSync(join(doneOut(patched, 'uses-native/bin/uses-native'), 'bin', 'uses-native'), { encoding: 'utf8' }).stdout, 'answer 43\n');

  // A .crate file that is not what the lock says fails the fixed-output fetch (in a fresh store).
  appendFileSync(join(crates, 'nativedemo-0.1.0.crate'), 'tampered');
  const tampered = cliBuild(isolatedNixEnv(), ws, args);
  assert.notEqual(tampered.status, 0);
  assert.match(tampered.stderr + JSON.stringify(tampered.events), /hash mismatch in fixed-output derivation/);
});
