/** Updating one file (unsaved editor text, or a change on disk) re-resolves only the units that depend on it. */
import assert from 'node:assert/strict';
import { writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, EXAMPLE, filesOf, open } from '../helpers.js';

const PARSE_LIB = 'units-parse/lib/units_parse';

test('unsaved text that declares a new module changes only the units reading that file', async () => {
  const ws = copyFixture(EXAMPLE);
  const index = await open(ws);
  const lexer = join(ws, 'crates/units-parse/src/lexer.rs');
  const parsedBefore = index.store.parsedCount;
  const before = filesOf(index, 'units-core/lib/units_core');

  // lexer.rs is a non-mod-rs file: its child lives in lexer/. The file does not exist yet.
  const changed = index.updateFile(lexer, 'pub mod tokens;\n', true);
  assert.deepEqual(changed, [], 'a missing module file adds nothing');
  assert.equal(index.store.parsedCount, parsedBefore + 1, 'only the edited text was parsed');
  assert.ok(index.diagnostics().some((d) => d.file === lexer && d.line === 1 && /file not found for module `tokens`/.test(d.message)));

  // Creating the file on disk: the units that looked for it pick it up.
  const tokens = join(ws, 'crates/units-parse/src/lexer/tokens.rs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(ws, 'crates/units-parse/src/lexer'));
  writeFileSync(tokens, 'pub struct Token;\n');
  assert.deepEqual(index.updateFile(tokens), [PARSE_LIB, `${PARSE_LIB}[test]`]);
  assert.ok(filesOf(index, PARSE_LIB).includes('crates/units-parse/src/lexer/tokens.rs'));
  assert.deepEqual(
    index.unitsOf(tokens).map((e) => e.unit.id),
    [PARSE_LIB, `${PARSE_LIB}[test]`],
  );
  assert.deepEqual(filesOf(index, 'units-core/lib/units_core'), before, 'other units untouched');

  // Dropping the unsaved text falls back to the disk contents (no `mod tokens;`).
  assert.deepEqual(index.updateFile(lexer, undefined, true), [PARSE_LIB, `${PARSE_LIB}[test]`]);
  assert.ok(!filesOf(index, PARSE_LIB).includes('crates/units-parse/src/lexer/tokens.rs'));
  assert.deepEqual(index.unitsOf(tokens), []);

  // Deleting a module file on disk removes it from its readers.
  const aliases = join(ws, 'crates/units-parse/src/aliases.rs');
  unlinkSync(aliases);
  assert.deepEqual(index.updateFile(aliases), [PARSE_LIB, `${PARSE_LIB}[test]`]);
  assert.ok(!filesOf(index, PARSE_LIB).includes('crates/units-parse/src/aliases.rs'));
});
