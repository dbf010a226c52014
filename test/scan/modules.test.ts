/** Module-resolution rules (rust-analyzer's, which match rustc), pinned by fixtures and checked with rustc. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAgreesWithRustc, filesOf, fixture, open } from '../helpers.js';
import { toRelative } from '../../src/core/paths.js';

test('mod.rs, name.rs, inline modules, #[path] and raw identifiers resolve as rustc does', async () => {
  const index = await open(fixture('scan', 'modules'));
  assert.deepEqual(filesOf(index, 'modules/lib/modules'), [
    'src/a.rs',
    'src/a/b.rs',
    'src/a/g/h.rs', // inline module in a non-mod-rs file
    'src/bar/baz.rs', // foo2.rs: #[path = "bar"] mod bar { mod baz; }
    'src/c/d.rs',
    'src/c/mod.rs',
    'src/e/f.rs',
    'src/foo.rs',
    'src/foo/bar/qwe.rs', // foo.rs: mod bar { #[path = "qwe.rs"] mod baz; }
    'src/foo2.rs',
    'src/lib.rs',
    'src/other/child.rs', // a #[path] file owns its directory
    'src/other/thing.rs',
    'src/type.rs', // mod r#type;
    'src/x/d/e/c.rs', // mod x { #[path = "d/e"] mod b { mod c; } }
  ]);
  assert.deepEqual(index.unit('modules/lib/modules')!.uncertain, []);
  await assertAgreesWithRustc(index);
});

test('orphans are the .rs files no unit reads', async () => {
  const index = await open(fixture('scan', 'modules'));
  assert.deepEqual(
    index.orphans().map((f) => toRelative(index.workspace.root, f)),
    ['src/stale.rs'],
  );
});
