import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEscape } from './escapes.js';
import { tokenize } from './tokens.js';

const at = (s: string) => decodeEscape(s, s.indexOf('\\'));

test('escapes decode as rustc does, and the ones rustc rejects in a string literal carry the reason', () => {
  assert.deepEqual(at('"\\n"'), { value: '\n', next: 3 });
  assert.deepEqual(at('"\\x41"'), { value: 'A', next: 5 });
  assert.deepEqual(at('"\\u{1F6_00}"'), { value: '\u{1F600}', next: 11 });
  assert.deepEqual(at('"a\\\n  \t b"'), { value: '', next: 8 }, 'a line continuation skips the following whitespace');
  assert.equal(at('"\\q"').error?.message, 'unknown character escape `\\q`');
  assert.equal(at('"\\x80"').error?.message, 'out of range hex escape `\\x80`: must be at most `\\x7F`');
  assert.equal(at('"\\x80"').value, '\x80', 'the value stays, for byte strings');
  assert.equal(at('"\\u{D800}"').error?.message, 'invalid unicode character escape `\\u{D800}`');
  assert.equal(at('"\\\rx"').error?.message, 'bare CR not allowed in string');
});

test('the tokenizer decodes with the same escapes, keeping what the strict reader would reject', () => {
  const [lit] = tokenize('b"\\x80\\u{41}\\\n   z"');
  assert.equal(lit?.kind === 'literal' ? lit.value : undefined, '\x80Az');
});
