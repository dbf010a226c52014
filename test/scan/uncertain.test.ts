/** What the scanner cannot decide is listed, with a reason: build-script cfgs and unexpanded macros. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertAgreesWithRustc, copyFixture, filesOf, fixture, open, options, uncertainOf } from '../helpers.js';

test('a cfg a build script may set is unknown: both sides are listed as uncertain', async () => {
  const index = await open(fixture('scan', 'buildcfg'));
  const lib = 'buildcfg/lib/buildcfg';
  assert.deepEqual(filesOf(index, lib), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
  const uncertain = uncertainOf(index, lib);
  assert.deepEqual([...uncertain.keys()], ['src/fast.rs', 'src/slow.rs']);
  assert.match(uncertain.get('src/fast.rs')!, /has_fast_path.*build\.rs:5.*`BUILDCFG_NO_FAST_PATH`.*build\.rs:4/);
  // The build script itself cannot see cfgs it prints.
  assert.deepEqual(index.unit('buildcfg/custom-build/build-script-build')!.uncertain, []);
  await assertAgreesWithRustc(index);
});

test('a name the build script cannot print is false, unless RUSTFLAGS or the workspace config sets it', async () => {
  const lib = 'buildcfg/lib/buildcfg';
  // `docsrs` and `loom` are not printed by build.rs: both modules are left out, not uncertain.
  const plain = await open(fixture('scan', 'buildcfg'), { ...options(), env: {} });
  assert.deepEqual(filesOf(plain, lib), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
  const flagged = await open(fixture('scan', 'buildcfg'), { ...options(), env: { RUSTFLAGS: '--cfg loom' } });
  assert.deepEqual(filesOf(flagged, lib), ['src/fast.rs', 'src/lib.rs', 'src/loom_model.rs', 'src/slow.rs']);
  assert.ok(!uncertainOf(flagged, lib).has('src/loom_model.rs'));
  await assertAgreesWithRustc(flagged);
  const ws = copyFixture(fixture('scan', 'buildcfg'));
  try {
    mkdirSync(join(ws, '.cargo'));
    writeFileSync(join(ws, '.cargo', 'config.toml'), '[build]\nrustflags = ["--cfg", "docsrs"]\n');
    const configured = await open(ws, { ...options(), env: {} });
    assert.deepEqual(filesOf(configured, lib), ['src/docs_only.rs', 'src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
    await assertAgreesWithRustc(configured);
  } finally {
    rmSync(dirname(ws), { recursive: true, force: true });
  }
});

test('local macro_rules! are expanded; macros of other crates stay uncertain', async () => {
  const index = await open(fixture('scan', 'macros'));
  const lib = 'macros/lib/macros';
  assert.deepEqual(filesOf(index, lib), ['src/doc.txt', 'src/io.rs', 'src/lib.rs', 'src/mystery.rs', 'src/on_unix.rs', 'src/single.rs']);
  const uncertain = uncertainOf(index, lib);
  assert.deepEqual([...uncertain.keys()], ['src/mystery.rs']);
  assert.match(uncertain.get('src/mystery.rs')!, /declare!/);
  await assertAgreesWithRustc(index);
  // With the feature the wrapper adds, its module is read.
  const fs = await open(fixture('scan', 'macros'), options({ cfgs: [{ name: 'feature', value: 'fs' }] }));
  assert.ok(filesOf(fs, lib).includes('src/fs.rs'));
  assert.ok(!uncertainOf(fs, lib).has('src/fs.rs'));
  await assertAgreesWithRustc(fs);
});
