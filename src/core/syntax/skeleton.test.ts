/** What the parser may leave out of a file (skeleton.ts): comments, hint-free bodies, macro token trees. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { includedRanges } from './skeleton.js';

/** The text the parser reads, with each left-out range shown as `…`. */
function kept(text: string, hints: number[] = []): string {
  const ranges = includedRanges(text, hints);
  if (!ranges) return text;
  let out = '';
  let at = 0;
  for (const r of ranges) {
    if (r.startIndex > at) out += '…';
    out += text.slice(r.startIndex, r.endIndex);
    at = r.endIndex;
  }
  return at < text.length ? out + '…' : out;
}

/** Hints at every occurrence of `word` (as extract.ts hintOffsets would give for `mod`). */
function hintsAt(text: string, word: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) out.push(i);
  return out;
}

test('comments and bodies without a hint are left out; a body with one is kept, its hint-free parts left out', () => {
  const text = '// c\nfn a() { let x = 1; }\nfn b() { if x { y(); } mod m; }\n/* d */';
  assert.equal(kept(text, hintsAt(text, 'mod')), '…\nfn a() {…}\nfn b() { if x {…} mod m; }\n…');
});

test('the bodies of inline modules are kept (their item-level macro calls are facts), the bodies in them are not', () => {
  assert.equal(kept('mod t { fn f() { 1 } m!{ x } }'), 'mod t { fn f() {…} m!{…} }');
});

test('struct, enum, union and macro bodies are kept whole', () => {
  assert.equal(kept('enum E { A { x: u8 } } struct S { y: u8 } fn f() { 1 }'), 'enum E { A { x: u8 } } struct S { y: u8 } fn f() {…}');
  assert.equal(kept('union U { a: u8 } macro m { () => { 1 } }'), 'union U { a: u8 } macro m { () => { 1 } }');
});

test('macro token trees are left out whatever they hold; macro_rules keeps its rules, not their insides', () => {
  const text = 'foo! { mod a; } bar!(mod b;); macro_rules! m { ($i:item) => { $i }; () => {} }';
  assert.equal(kept(text, hintsAt(text, 'mod')), 'foo! {…} bar!(…); macro_rules! m { (…) => {…}; () => {} }');
});

test('an inner attribute `#![…]` and a function returning `!` are not macro calls', () => {
  assert.equal(kept('#![cfg(x)]\nfn f() -> ! { asm!("x") }'), '#![cfg(x)]\nfn f() -> ! {…}');
  const text = 'fn f() -> ! { mod_x!("x") }';
  assert.equal(kept(text, hintsAt(text, 'mod_x')), 'fn f() -> ! { mod_x!(…) }');
  assert.equal(kept('fn f() { if a != b { 1 } }'), 'fn f() {…}');
  assert.equal(kept('#[m] fn f() { if !x { 1 } }'), '#[m] fn f() {…}');
});

test('nothing inside parentheses or brackets is left out but macro calls', () => {
  assert.equal(kept('fn f() { g(|| { 1 }) }', [9]), 'fn f() { g(|| { 1 }) }');
  assert.equal(kept('#[attr(x = { 1 })] fn f() {}'), '#[attr(x = { 1 })] fn f() {}');
});

test('braces in strings, raw strings, chars, byte chars and comments do not count; lifetimes are no chars', () => {
  const text = [
    "fn a<'x>(s: &'x str) { let _ = (\"{\", r#\"}\"#, '{', b'}', '\\u{7d}', '😀', br\"}\", c\"{\"); }",
    '/* { /* } */ { */',
    'fn b() -> &\'static str { \'}\' ; "\\"}" }',
    'mod m;',
  ].join('\n');
  assert.equal(kept(text, hintsAt(text, 'mod m')), "fn a<'x>(s: &'x str) {…}\n…\nfn b() -> &'static str {…}\nmod m;");
});

test('when the delimiters do not balance, the parser reads everything', () => {
  assert.equal(includedRanges('fn f() { { }', []), undefined);
  assert.equal(includedRanges('fn f() { ) }', []), undefined);
  assert.equal(includedRanges("fn f() { '{' }}", []), undefined);
});

test('ranges carry rows and UTF-16 columns of the file', () => {
  const text = 'fn é() {\n  1\n}\nmod m;';
  const ranges = includedRanges(text, hintsAt(text, 'mod'))!;
  assert.deepEqual(
    ranges.map((r) => [r.startIndex, r.endIndex, r.startPosition, r.endPosition]),
    [
      [0, 8, { row: 0, column: 0 }, { row: 0, column: 8 }],
      [13, text.length, { row: 2, column: 0 }, { row: 3, column: 6 }],
    ],
  );
});
