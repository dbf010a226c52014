/** Nothing is lost to a tree-sitter parse error, and only a real doubt gives a warning. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRelative } from '../../src/core/paths.js';
import { assertAgreesWithRustc, filesOf, fixture, open } from '../helpers.js';

test('declarations after `str![[r#"…"#]]` (valid Rust tree-sitter rejects) are all found, with no warning', async () => {
  const ws = fixture('scan', 'parse-errors');
  const index = await open(ws);
  assert.deepEqual(
    filesOf(index, 'parse-errors/test/cli'),
    ['tests/cli.rs', 'tests/cli/nested.rs', 'tests/common.rs', 'tests/data/expected.txt', 'tests/unix_only.rs'].sort(),
  );
  assert.deepEqual(index.unit('parse-errors/test/cli')!.uncertain, []);
  const diags = index.diagnostics().map((d) => `${toRelative(ws, d.file)}:${d.line}: ${d.severity}: ${d.message}`);
  assert.deepEqual(diags, [], 'a syntax error the tokenizer recovers from is no reason for a warning');
  await assertAgreesWithRustc(index);
});
