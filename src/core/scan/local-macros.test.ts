/** local-macros.ts: the text test for files that may define a macro of given names. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rustParser } from './parser.js';
import { extractFacts } from './extract.js';
import { definedMacroNames, definitionOf } from './local-macros.js';

test('definitionOf is true on every spelling of a definition of the names, and false on calls and other names', async () => {
  const re = definitionOf(['named_str', 'r#type']);
  const defining = [
    'macro_rules! named_str { () => {} }',
    'macro_rules ! /* a comment */ named_str {}',
    'macro_rules!\n// a line comment\n    r#named_str {}',
    '#[macro_export]\nmacro_rules! r#type { () => {} }',
    'macro_rules! type { () => {} }',
  ];
  const parser = await rustParser();
  for (const text of defining) {
    assert.ok(re.test(text), text);
    // The parse agrees wherever it reads a definition.
    const names = new Set<string>();
    definedMacroNames(extractFacts(parser, text).items, names);
    for (const n of names) assert.ok(['named_str', 'r#named_str', 'r#type', 'type'].includes(n), `${text}: ${n}`);
  }
  const notDefining = ['named_str!(A, "x");', 'macro_rules! named_string {}', 'macro_rules! other { () => { named_str!(A, "x"); } }', 'fn macro_rules() {}'];
  for (const text of notDefining) assert.ok(!re.test(text), text);
});
