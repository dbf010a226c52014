/** What the scanner cannot decide is listed, with a reason: build-script cfgs and unexpanded macros. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAgreesWithRustc, filesOf, fixture, open, uncertainOf } from '../helpers.js';

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

test('items inside macros that are not expanded are listed as uncertain', async () => {
  const index = await open(fixture('scan', 'macros'));
  const lib = 'macros/lib/macros';
  assert.deepEqual(filesOf(index, lib), ['src/doc.txt', 'src/fs.rs', 'src/io.rs', 'src/io_unix.rs', 'src/lib.rs']);
  const uncertain = uncertainOf(index, lib);
  assert.match(uncertain.get('src/fs.rs')!, /cfg_fs!/);
  assert.match(uncertain.get('src/io.rs')!, /passthrough!/);
  assert.ok(!uncertain.has('src/doc.txt'), 'include_str! inside concat! is certain');
  await assertAgreesWithRustc(index);
});
