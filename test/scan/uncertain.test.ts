/** What the scanner cannot decide is listed, with a reason: build-script cfgs and unexpanded macros. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAgreesWithRustc, filesOf, fixture, open, options, uncertainOf } from '../helpers.js';

test('a cfg a build script may set is unknown: both sides are listed as uncertain', async () => {
  const index = await open(fixture('scan', 'buildcfg'));
  const lib = 'buildcfg/lib/buildcfg';
  assert.deepEqual(filesOf(index, lib), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
  const uncertain = uncertainOf(index, lib);
  assert.deepEqual([...uncertain.keys()], ['src/fast.rs', 'src/slow.rs']);
  assert.match(uncertain.get('src/fast.rs')!, /has_fast_path/);
  // The build script itself cannot see cfgs it prints.
  assert.deepEqual(index.unit('buildcfg/custom-build/build-script-build')!.uncertain, []);
  await assertAgreesWithRustc(index);
});

test('local item-wrapping macros are expanded; other macros stay uncertain', async () => {
  const index = await open(fixture('scan', 'macros'));
  const lib = 'macros/lib/macros';
  assert.deepEqual(filesOf(index, lib), ['src/doc.txt', 'src/io.rs', 'src/lib.rs', 'src/mystery.rs', 'src/on_unix.rs']);
  const uncertain = uncertainOf(index, lib);
  assert.deepEqual([...uncertain.keys()], ['src/mystery.rs']);
  assert.match(uncertain.get('src/mystery.rs')!, /one_item!/);
  await assertAgreesWithRustc(index);
  // With the feature the wrapper adds, its module is read.
  const fs = await open(fixture('scan', 'macros'), options({ cfgs: [{ name: 'feature', value: 'fs' }] }));
  assert.ok(filesOf(fs, lib).includes('src/fs.rs'));
  assert.ok(!uncertainOf(fs, lib).has('src/fs.rs'));
  await assertAgreesWithRustc(fs);
});
