/** include!, include_str!, include_bytes!: literals, concat!(env!("CARGO_MANIFEST_DIR"), …), OUT_DIR. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAgreesWithRustc, filesOf, fixture, open } from '../helpers.js';

test('included files are listed, OUT_DIR files are external', async () => {
  const index = await open(fixture('scan', 'includes'));
  const lib = 'includes/lib/includes';
  assert.deepEqual(filesOf(index, lib), [
    'README.md', // #![doc = include_str!("../README.md")]
    'data/blob.bin',
    'data/greeting.txt',
    'data/manifest.txt', // concat!(env!("CARGO_MANIFEST_DIR"), "/data/manifest.txt")
    'src/lib.rs',
    'src/nested/deeper.rs', // mod inside an include!d file: relative to that file
    'src/nested/items.rs',
  ]);
  assert.deepEqual(index.unit(lib)!.external, ['$OUT_DIR/generated.rs']);
  assert.deepEqual(
    filesOf(index, `${lib}[test]`).filter((f) => !filesOf(index, lib).includes(f)),
    ['data/only_test.txt'],
  );
  assert.deepEqual(filesOf(index, 'includes/custom-build/build-script-build'), ['build.rs']);
  assert.deepEqual(index.diagnostics(), [], 'a cfg-false include of a missing file is no error');
  await assertAgreesWithRustc(index);
});
