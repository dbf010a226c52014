/**
 * The parser skips what the walk never reads (syntax/skeleton.ts). That must change no fact:
 * checked against a parse of every character, on tricky cases and on every .rs file of the
 * example workspace, the fixtures and the corpus crates. Syntax errors may only get fewer (those
 * tree-sitter finds in code it no longer reads).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rsFiles, sourceDirs } from '../../../test/helpers.js';
import { extractFacts } from './extract.js';
import type { FileFacts } from './facts.js';
import { rustParser } from './parser.js';

async function assertSameFacts(text: string, where: string): Promise<void> {
  const p = await rustParser();
  const skipping = extractFacts(p, text);
  const whole = extractFacts(p, text, { readAll: true });
  const withoutErrors = (f: FileFacts) => ({ ...f, syntaxErrors: [] });
  assert.deepEqual(withoutErrors(skipping), withoutErrors(whole), `${where}: facts differ`);
  const before = new Set(whole.syntaxErrors);
  // collectErrors stops after 50: past that, lines are not comparable.
  if (whole.syntaxErrors.length < 50) {
    assert.deepEqual(
      skipping.syntaxErrors.filter((l) => !before.has(l)),
      [],
      `${where}: syntax errors that a parse of every character does not find`,
    );
  }
}

test('tricky cases: a function returning `!`, macro calls in impls, hints in comments, non-BMP text', async () => {
  const cases = [
    // A body after `-> !` is no macro token tree: its proc-macro call is a fact.
    'pub unsafe fn exit() -> ! {\n    asm!("sc", in("r0") 1, options(noreturn))\n}\n',
    // An impl walked for a hint in a comment keeps its item-level macro calls.
    'impl S {\n    /// see `mod` docs\n    from_pem! { a, b }\n    fn f() { 1 }\n}\nmod m;\n',
    '#![doc = include_str!("../README.md")]\n#[cfg(test)]\nmod tests {\n    use super::*;\n    t! { x }\n    #[test]\n    fn f() { let _ = "}"; }\n}\n',
    'cfg_if::cfg_if! {\n    if #[cfg(unix)] { mod unix; } else { mod other; }\n}\nmacro_rules! m { ($i:item) => { #[cfg(x)] $i } }\nm! { mod a; }\n',
    `const T: &[(char, char)] = &[${"('😀', '😁'), ".repeat(2000)}];\nfn f() { 1 }\nmod after;\n`,
    '#[derive(Parser)]\n#[grammar = "g.pest"]\nstruct P { #[arg(help = "x")] a: u8 }\nfn g() { sqlx::query_file!("q.sql"); }\n',
  ];
  for (const [i, text] of cases.entries()) await assertSameFacts(text, `case ${i}`);
});

test('every .rs file of the example, the fixtures and the corpus crates gives the same facts', async () => {
  let files = 0;
  for (const dir of sourceDirs()) {
    for (const file of rsFiles(dir)) {
      await assertSameFacts(readFileSync(file, 'utf8'), file);
      files++;
    }
  }
  assert.ok(files > 500, `only ${files} files`);
});

test('text outside the Basic Multilingual Plane is never cut in two between reads (no syntax error that is not in the file)', async () => {
  const p = await rustParser();
  // web-tree-sitter reads 5119 UTF-16 units at a time: some of these offsets put a read's end
  // between the two halves of an emoji.
  for (const pad of ['', ' ', '  ', '   ']) {
    const text = `${pad}const T: &[(char, char)] = &[${"('😀', '😁'), ".repeat(2000)}];\nmod after;\n`;
    const facts = extractFacts(p, text, { readAll: true });
    assert.deepEqual(facts.syntaxErrors, [], `padding ${pad.length}`);
    assert.deepEqual(
      facts.items.map((i) => i.kind === 'mod' && i.name),
      ['after'],
    );
  }
});
