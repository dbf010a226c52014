/**
 * The fast text tests of hints.ts give exactly what their defining regexes give: the same
 * yes/no per file, and the same match offsets where offsets are used (the global form's, each
 * search resuming after the previous match). Checked on tricky snippets with the expected offsets
 * written out, and on every .rs file of the example workspace, the fixtures and the corpus crates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rsFiles, sourceDirs } from '../../../test/helpers.js';
import { HINT, hintOffsets, MAY_HOLD_FACTS, mayHoldFacts, PROC_INPUT_HINT, procInputHints } from './hints.js';

const CORPUS = ['serde-1.0.152', 'serde_json-1.0.87', 'regex-1.7.1', 'syn-1.0.107', 'anyhow-1.0.69', 'libc-0.2.139', 'tokio-1.24.2'];

/** Start offsets of the global form of `re`. */
function matchStarts(re: RegExp, text: string): number[] {
  const g = new RegExp(re.source, re.flags + 'g');
  return [...text.matchAll(g)].map((m) => m.index);
}

function slow(text: string): { may: boolean; proc: number[]; hints: number[] } {
  const proc = matchStarts(PROC_INPUT_HINT, text);
  return { may: MAY_HOLD_FACTS.test(text) || proc.length > 0, proc, hints: [...matchStarts(HINT, text), ...proc].sort((a, b) => a - b) };
}

function assertSame(text: string, label: string): void {
  const want = slow(text);
  assert.equal(mayHoldFacts(text), want.may, `mayHoldFacts: ${label}`);
  assert.deepEqual(procInputHints(text), want.proc, `procInputHints: ${label}`);
  assert.equal(procInputHints(text, true).length > 0, want.proc.length > 0, `procInputHints first: ${label}`);
  assert.deepEqual(hintOffsets(text), want.hints, `hintOffsets: ${label}`);
}

test('proc-macro input hints start where the regex finds them, resuming after each match', () => {
  const cases: [string, number[]][] = [
    ['foo!("x")', [0]],
    ['println!("x"); format_args!("y")', []],
    ['x = foo \n ! ( "x")', [4]],
    ['1foo!("x") a1!("y")', [11]],
    ['a!(b) "x"', []],
    ['a!("x" b!("y"))', [0, 7]],
    ['a!(b!("y"))', [0]],
    ['#[serde(rename = "x")] #[doc = "y"] #[link_name = "z"] # [ cfg_attrs = "w"]', [0, 55]],
    ['#[derive(Debug)] struct S;', []],
    ['migrate!() migrate!("m") xmigrate!()', [0, 11]],
    ['r#foo!("x") foo_1 !{"y"}', [2, 12]],
  ];
  for (const [text, offsets] of cases) {
    assert.deepEqual(procInputHints(text), offsets, text);
    assertSame(text, text);
  }
});

test('mod and include hints: whole-word `mod`, any `include`', () => {
  assert.deepEqual(hintOffsets('mod a; module; include!(x); included mod_x xmod mod'), [0, 15, 28, 48]);
  for (const text of ['mod a;', 'mod\n  r#a;', '// mod a;', 'pub mod a {}', '($ i : item)', 'include /* a */ b */ !("a")', 'Token![mod]', '']) {
    assertSame(text, text);
  }
});

test('the fast forms agree with the regexes on real sources', () => {
  let files = 0;
  let holding = 0;
  for (const d of sourceDirs(CORPUS)) {
    for (const p of rsFiles(d)) {
      const text = readFileSync(p, 'utf8');
      assertSame(text, p);
      files++;
      if (mayHoldFacts(text)) holding++;
    }
  }
  assert.ok(files > 100 && holding > 10 && holding < files, `${files} files, ${holding} may hold facts`);
});
