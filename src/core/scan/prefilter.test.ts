/**
 * Files that cannot hold a fact are not parsed (sources.ts, hints.ts mayHoldFacts). Checked against the
 * parser on every .rs file of the example workspace, the fixtures and the corpus crates: when the
 * prefilter says "nothing here", the parser finds nothing that can name a file either.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rsFiles, sourceDirs } from '../../../test/helpers.js';
import { extractFacts } from './extract.js';
import type { Attr, Item } from './facts.js';
import { rustParser } from './parser.js';
import { mayHoldFacts } from './hints.js';

const attrsInclude = (attrs: Attr[]): boolean => attrs.some((a) => JSON.stringify(a.tokens).includes('include'));

/** Facts that can add a file to a unit: a file module, an include, an item-wrapping macro. */
function namesFiles(items: Item[]): boolean {
  return items.some((i) => {
    if (attrsInclude(i.attrs)) return true;
    switch (i.kind) {
      case 'mod':
        return !i.inline || attrsInclude(i.innerAttrs) || namesFiles(i.body);
      case 'include':
        return true;
      case 'gated':
        return namesFiles(i.body);
      case 'cfg-if':
        return i.branches.some((b) => namesFiles(b.body));
      case 'macro':
        return (i.definition && /\$\s*\w+\s*:\s*item\b/.test(i.rules ?? '')) || namesFiles(i.body);
    }
  });
}

test('the prefilter recognises declarations, includes and item-wrapping macros', () => {
  for (const yes of [
    'mod a;',
    'pub(crate) mod a ;',
    'mod\n  r#a;',
    'mod /* c */ a;',
    'mod $name;',
    'x!{ mod a; }',
    'const S: &str = include_str!("a");',
    'include !("a");',
    'std::include_bytes!("a")',
    'macro_rules! m { ($($i:item)*) => {} }',
    '($ i : item)',
  ]) {
    assert.ok(mayHoldFacts(yes), yes);
  }
  for (const no of [
    'fn main() {}',
    'mod tests {\n}',
    'pub mod a { fn f() {} }',
    '/// `mod a;`\nfn f() {}',
    '// mod a;',
    'let t = Token![mod];',
    'struct S { mod_token: u8 }',
    '// what this includes\nfn f() {}',
    'let included = 1;',
  ]) {
    assert.ok(!mayHoldFacts(no), no);
  }
});

test('a file the prefilter skips holds no fact the parser would find', async () => {
  const p = await rustParser();
  let skipped = 0;
  for (const dir of sourceDirs()) {
    for (const file of rsFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      if (mayHoldFacts(text)) continue;
      skipped++;
      const facts = extractFacts(p, text);
      assert.ok(!namesFiles(facts.items) && !attrsInclude(facts.innerAttrs), `${file} was skipped but names files`);
    }
  }
  assert.ok(skipped > 10, `only ${skipped} files skipped`);
});
