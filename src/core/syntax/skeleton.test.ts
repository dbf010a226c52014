/** What the parser may leave out of a file (skeleton.ts): comments, hint-free bodies, macro calls' token trees. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { includedRanges } from './skeleton.js';

/** The text the parser reads, with each left-out range shown as `…`. */
function kept(text: string, hints: number[] = []): string {
  const ranges = includedRanges(text, hints, 0);
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

test('struct and enum bodies are left out like any body without a hint, kept with one', () => {
  assert.equal(kept('enum E { A { x: u8 } } struct S { y: u8 }'), 'enum E {…} struct S {…}');
  const text = '#[derive(D)] struct S { #[serde(with = "m")] y: u8, z: Z { a: 1 } }';
  assert.equal(kept(text, hintsAt(text, '#[serde')), '#[derive(D)] struct S { #[serde(with = "m")] y: u8, z: Z {…} }');
});

test("a macro call's token tree is left out whatever it holds", () => {
  const text = `foo! { mod a; } foo !{ mod b; } bar!(mod c; { 1 }, (")", ')')); baz![mod d; [ ] ];`;
  assert.equal(kept(text, hintsAt(text, 'mod')), 'foo! {…} foo !{…} bar!(…); baz![…];');
  assert.equal(includedRanges('fn f() { x!(a ]; }', []), undefined, 'a tree whose groups do not balance');
});

test('macro_rules: left out without a hint; with one, its rules are read and their hint-free bodies left out', () => {
  assert.equal(kept('macro_rules! m { ($i:item) => { $i }; }'), 'macro_rules! m {…}');
  const text = 'macro_rules! m { ($i:ident) => { mod $i; }; () => { 1 } }';
  assert.equal(kept(text, hintsAt(text, 'mod')), 'macro_rules! m { ($i:ident) => { mod $i; }; () => {…} }');
});

test('a function returning `!`, the logical not and an inner attribute are not macro calls', () => {
  const text = 'fn f() -> ! { mod_x!("x") }';
  assert.equal(kept(text, hintsAt(text, 'mod_x')), 'fn f() -> ! { mod_x!(…) }');
  const not = 'fn f() { if !(include_str!("a").is_empty()) { 1 } }';
  assert.equal(kept(not, hintsAt(not, 'include')), 'fn f() { if !(include_str!(…).is_empty()) {…} }');
  assert.equal(kept('#![cfg(x)]'), '#![cfg(x)]');
  const cond = 'fn g() { if !{ include_str!("a").is_empty() } { 1 } }';
  assert.equal(kept(cond, hintsAt(cond, 'include')), 'fn g() { if !{ include_str!(…).is_empty() } {…} }');
  assert.equal(kept('#![cfg(x)]\nfn f() { if a != b { 1 } }'), '#![cfg(x)]\nfn f() {…}');
});

test('inline module bodies are read even without a hint; a comment before a `{` keeps its body', () => {
  assert.equal(kept('mod t { fn f() { 1 } m!{ x } }'), 'mod t { fn f() {…} m!{…} }');
  assert.equal(kept('pub mod r#type { x }'), 'pub mod r#type { x }');
  assert.equal(kept('mod t /* c */ { x }'), 'mod t … { x }');
  assert.equal(kept('fn f() { g(|| { 1 }) }'), 'fn f() {…}');
  const text = 'fn f() { g(|| { 1 }); mod m; }';
  assert.equal(kept(text, hintsAt(text, 'mod')), 'fn f() { g(|| {…}); mod m; }');
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

test('when the braces do not balance, the parser reads everything', () => {
  assert.equal(includedRanges('fn f() { { }', []), undefined);
  assert.equal(includedRanges("fn f() { '{' }}", []), undefined);
  assert.equal(includedRanges('fn f() { "}" }}', []), undefined);
});

test('ranges carry rows and UTF-16 columns of the file', () => {
  const text = 'fn é() {\n  1\n}\nmod m;';
  const ranges = includedRanges(text, hintsAt(text, 'mod'), 0)!;
  assert.deepEqual(
    ranges.map((r) => [r.startIndex, r.endIndex, r.startPosition, r.endPosition]),
    [
      [0, 8, { row: 0, column: 0 }, { row: 0, column: 8 }],
      [13, text.length, { row: 2, column: 0 }, { row: 3, column: 6 }],
    ],
  );
});

test('short ranges are read rather than left out (a jump costs more than parsing a few dozen characters)', () => {
  const short = 'fn f() { 1 }\n// c\nfn g() { 2 }';
  assert.equal(includedRanges(short, []), undefined);
  const long = `fn f() { ${'x(); '.repeat(20)}}\nfn g() { 1 }`;
  assert.deepEqual(
    includedRanges(long, [])!.map((r) => long.slice(r.startIndex, r.endIndex)),
    ['fn f() {', '}\nfn g() { 1 }'],
  );
});
