/** The units.json the Nix library reads: deterministic, relative, machine-independent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_OPTIONS as OPTS, UnitIndex } from '../../src/core/index.js';

/** The toolchains below are made up: the index runs no rustc either, so that no build script is decided with a real one (see the last test). */
const NO_RUSTC = { ...OPTS, rustc: false as const };
import { nixUnitsJson } from '../../src/core/nix/units-json.js';
import { copyFixture, EXAMPLE } from '../helpers.js';

test('nix units.json is the same for two copies of the workspace and holds no absolute path', async () => {
  const a = copyFixture(EXAMPLE);
  const b = copyFixture(EXAMPLE);
  const ja = JSON.stringify(nixUnitsJson(await UnitIndex.open(a, NO_RUSTC), { version: 'rustc test', cfg: 'unix\ntarget_os="linux"' }));
  const jb = JSON.stringify(nixUnitsJson(await UnitIndex.open(b, NO_RUSTC), { version: 'rustc test', cfg: 'unix\ntarget_os="linux"' }));
  assert.equal(ja, jb);
  assert.ok(!ja.includes(a) && !ja.includes(b), 'no absolute workspace path');
  const units = JSON.parse(ja).units;
  const cli = units['units-cli/bin/units-cli'];
  assert.deepEqual(cli.deps.map((d: { externName: string }) => d.externName), ['units_core', 'units_derive', 'units_parse']);
  assert.equal(cli.env.CARGO_MANIFEST_DIR, '@src@/crates/units-cli');
  assert.equal(units['units-core/lib/units_core'].buildScript, 'units-core/custom-build/build-script-build');
  assert.ok(cli.files.includes('crates/units-cli/src/main.rs'));
  // A file read only by units-parse is not in units-core's lists.
  for (const [id, u] of Object.entries(units) as [string, { files: string[] }][]) {
    if (id.startsWith('units-core/')) assert.ok(u.files.every((f) => !f.startsWith('crates/units-parse/')), id);
  }
});

test('nix units.json: renamed extern names, build-script run env, store-safe names', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeGeneratedWorkspace } = await import('./generated-workspace.js');
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-json-')), 'ws');
  writeGeneratedWorkspace(ws, 3);
  const gen = nixUnitsJson(await UnitIndex.open(ws), { version: 'rustc 1.0\nhost: x86_64-unknown-linux-gnu\n', cfg: 'unix\ntarget_os="linux"\ntarget_has_atomic="32"\ntarget_has_atomic="ptr"\n' });
  assert.deepEqual(gen.units['app/lib/app']!.deps.map((d) => [d.id, d.externName, d.file]), [
    ['p1/lib/p1', 'p1', 'libp1.rlib'], ['p2/lib/p2', 'p2', 'libp2.rlib'], ['p3/lib/p3', 'renamed', 'libp3.rlib'],
  ]);
  assert.deepEqual(gen.cfgEnv, { CARGO_CFG_TARGET_HAS_ATOMIC: '32,ptr', CARGO_CFG_TARGET_OS: 'linux', CARGO_CFG_UNIX: '' });
  assert.equal(gen.host, 'x86_64-unknown-linux-gnu');
  assert.equal(gen.units['app/bin/app']!.binName, 'app');
  assert.equal(gen.units['app/lib/app[test]']!.binName, 'app');
  assert.equal(gen.units['app/lib/app']!.binName, null);
  assert.equal(gen.units['app/lib/app[test]']!.drvName, 'app-lib-app-test');

  const ex = nixUnitsJson(await UnitIndex.open(copyFixture(EXAMPLE), NO_RUSTC), { version: 'rustc 1.0\nhost: h\n', cfg: 'unix\n' });
  const run = ex.units['units-core/custom-build/build-script-build']!.run!;
  assert.equal(run.dir, 'crates/units-core');
  assert.equal(run.files, null);
  assert.equal(run.env.CARGO_MANIFEST_DIR, '@src@/crates/units-core');
  assert.equal(run.env.CARGO_FEATURE_STD, '1');
  assert.equal(run.env.CARGO_FEATURE_DEFAULT, '1');
  assert.equal(run.env.HOST, 'h');
  assert.equal(run.env.PROFILE, 'debug');
  assert.equal(run.env.CARGO_PKG_NAME, 'units-core');
  assert.equal(ex.units['units-derive/proc-macro/units_derive']!.crateTypes[0], 'proc-macro');
  assert.equal(ex.units['units-cli/bin/units-cli']!.deps.find((d) => d.id === 'units-derive/proc-macro/units_derive')!.file, 'libunits_derive.so');
  // `derive = ["dep:units-derive"]` names the optional dependency, so it has no implicit feature (as cargo).
  assert.deepEqual(ex.units['units-core/lib/units_core']!.checkCfgs, ['cfg(docsrs,test)', 'cfg(feature, values("default", "derive", "serde-like", "std"))']);
});

test('nix units.json: the profile\'s flags per unit and the build script\'s PROFILE/OPT_LEVEL/DEBUG', async () => {
  const { DEFAULT_OPTIONS } = await import('../../src/core/index.js');
  const tc = { version: 'rustc 1.0\nhost: h\n', cfg: 'unix\n' };
  const ws = copyFixture(EXAMPLE);
  const dev = nixUnitsJson(await UnitIndex.open(ws, NO_RUSTC), tc);
  assert.equal(dev.profile, 'dev');
  assert.deepEqual(dev.units['units-cli/bin/units-cli']!.profileArgs, ['-C', 'embed-bitcode=no', '-C', 'debuginfo=2']);
  // build-override: a proc-macro without debuginfo.
  assert.deepEqual(dev.units['units-derive/proc-macro/units_derive']!.profileArgs, ['-C', 'embed-bitcode=no']);
  const rel = nixUnitsJson(await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, rustc: false, profile: 'release' }), tc);
  assert.equal(rel.profile, 'release');
  assert.deepEqual(rel.units['units-core/lib/units_core']!.profileArgs, ['-C', 'opt-level=3', '-C', 'embed-bitcode=no', '-C', 'strip=debuginfo']);
  const run = rel.units['units-core/custom-build/build-script-build']!.run!.env;
  assert.deepEqual([run.PROFILE, run.OPT_LEVEL, run.DEBUG], ['release', '3', 'false']);
  assert.notEqual(rel.units['units-core/lib/units_core']!.metadata, dev.units['units-core/lib/units_core']!.metadata);
  await assert.rejects(async () => nixUnitsJson(await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, rustc: false, profile: 'fast' }), tc), /profile `fast` is not defined/);
});

test('nix units.json: file lists decided with the index\'s rustc are refused for a Nix toolchain with another rustc -vV', async () => {
  const { join } = await import('node:path');
  const ws = copyFixture(join(import.meta.dirname, '..', 'fixtures', 'build-scripts'));
  const index = await UnitIndex.open(ws);
  assert.ok(index.rustcVersion, 'rustc is needed for this test');
  assert.ok(index.decidedWithRustc());
  assert.throws(() => nixUnitsJson(index, { version: 'rustc 1.50.0 (x)\nhost: h\n', cfg: 'unix\n' }), /decided with rustc .*but the Nix builds use rustc 1\.50\.0/);
  const json = nixUnitsJson(index, { version: index.rustcVersion, cfg: 'unix\n' });
  assert.equal(json.rustcDecided, true);
});
