import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineMacro, expandCall } from './expand.js';
import { fragmentLength } from './fragments.js';
import { lex } from './tokens.js';

/** Expands `m!` defined by `rules` on `args`; the text without whitespace (compare with squash(expected)). */
function expand(rules: string, args: string): string {
  const r = expandCall(defineMacro('m', rules, 'lib.rs', 1, false), args);
  if (!r.ok) throw new Error(r.reason);
  return squash(r.text);
}

function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

/** How many tokens of `input` a fragment takes (groups count as one). */
function take(kind: string, input: string): number {
  return fragmentLength(kind, lex(input), 0);
}

describe('fragment specifiers', () => {
  test('ident, lifetime, literal, tt, block, vis', () => {
    assert.equal(take('ident', 'foo bar'), 1);
    assert.equal(take('ident', "'a"), -1);
    assert.equal(take('ident', '_'), -1);
    assert.equal(take('lifetime', "'a x"), 1);
    assert.equal(take('literal', '"s" x'), 1);
    assert.equal(take('literal', '-1 x'), 2);
    assert.equal(take('literal', 'true'), 1);
    assert.equal(take('literal', 'x'), -1);
    assert.equal(take('tt', '(a b) c'), 1);
    assert.equal(take('block', '{ a } b'), 1);
    assert.equal(take('block', '(a)'), -1);
    assert.equal(take('vis', 'pub(crate) fn'), 2);
    assert.equal(take('vis', 'pub fn'), 1);
    assert.equal(take('vis', 'fn'), 0);
  });

  test('item: up to its `;` or its closing brace', () => {
    assert.equal(take('item', 'pub mod a; mod b;'), 4);
    assert.equal(take('item', '#[cfg(x)] mod a { mod b; } mod c;'), 5);
    assert.equal(take('item', 'use a::{b, c}; mod d;'), 5);
    assert.equal(take('item', 'const X: S = S { a: 1 }; mod d;'), 8);
    assert.equal(take('item', 'fn f() -> u8 { 1 } mod d;'), 7);
    assert.equal(take('item', 'foo! { x } mod d;'), 3);
    assert.equal(take('item', 'foo!(x); mod d;'), 4);
    assert.equal(take('item', 'macro_rules! m { () => {} } mod d;'), 4);
    assert.equal(take('item', 'struct S(u8); mod d;'), 4);
  });

  test('expr, stmt: up to a top-level `,`, `;` or `=>`', () => {
    assert.equal(take('expr', 'a + f(b, c), d'), 4);
    assert.equal(take('expr', '|a, b| a + b, d'), 8);
    assert.equal(take('expr', 'x.collect::<Vec<u8>>(); y'), 11);
    assert.equal(take('expr_2021', '1 => 2'), 1);
    assert.equal(take('stmt', 'let x = 1; y'), 4);
    assert.equal(take('expr', ', x'), -1);
  });

  test('ty, path, pat, pat_param, meta', () => {
    assert.equal(take('ty', 'Vec<u8>, x'), 4);
    assert.equal(take('ty', "&'a [u8] = x"), 3);
    assert.equal(take('ty', 'fn(u8) -> (A, B) ; x'), 5);
    assert.equal(take('ty', 'S { }'), 1);
    assert.equal(take('path', 'a::b::<C>::d x'), 9);
    assert.equal(take('path', 'Fn(u8) -> u8, x'), 5);
    assert.equal(take('pat', 'Some(x) | None => 1'), 4);
    assert.equal(take('pat_param', 'Some(x) | None => 1'), 2);
    assert.equal(take('pat', 'x if y'), 1);
    assert.equal(take('meta', 'feature = "client" x'), 3);
    assert.equal(take('meta', 'cfg(unix) x'), 2);
    assert.equal(take('meta', 'a::b x'), 3);
  });
});

describe('macro_rules! expansion', () => {
  test('#![$meta:meta] $($item:item)* puts the cfg on every item', () => {
    const rules = `{ (#![$meta:meta] $($item:item)*) => { $( #[cfg($meta)] #[cfg_attr(docsrs, doc(cfg($meta)))] $item )* } }`;
    assert.equal(
      expand(rules, '{ #![feature = "client"] pub mod client; mod b { mod c; } }'),
      squash(
        '#[cfg(feature = "client")] #[cfg_attr(docsrs , doc(cfg(feature = "client")))] pub mod client ; #[cfg(feature = "client")] #[cfg_attr(docsrs , doc(cfg(feature = "client")))] mod b { mod c ; }',
      ),
    );
  });

  test('arms are tried in order; the first that matches wins', () => {
    const rules = `{ (@one $i:ident) => { mod $i; }; ($i:ident) => { mod second; }; ($($t:tt)*) => { mod third; } }`;
    assert.equal(expand(rules, '(@one a)'), squash('mod a ;'));
    assert.equal(expand(rules, '(a)'), squash('mod second ;'));
    assert.equal(expand(rules, '(a b c)'), squash('mod third ;'));
  });

  test('nested repetitions with separators, `+`, `?`', () => {
    const rules = `{ ($($outer:ident: [$($inner:ident),+ $(,)?]);* $(;)?) => { $( mod $outer { $( mod $inner; )+ } )* } }`;
    assert.equal(expand(rules, '(a: [x, y,]; b: [z];)'), squash('mod a { mod x ; mod y ; } mod b { mod z ; }'));
    assert.throws(() => expand(rules, '(a: [])'), /no arm/);
  });

  test('`?` repetition binds zero or one', () => {
    const rules = `{ ($name:ident $(as $alias:ident)?) => { mod $name; $( use $name as $alias; )? } }`;
    assert.equal(expand(rules, '(a)'), squash('mod a ;'));
    assert.equal(expand(rules, '(a as b)'), squash('mod a ; use a as b ;'));
  });

  test('$crate and calls to other macros are kept for the caller to expand', () => {
    const rules = `{ ($($i:item)*) => { $crate::inner! { $($i)* } }; }`;
    assert.equal(expand(rules, '{ mod a; }'), squash('crate::inner! { mod a ; }'));
  });

  test('every fragment kind in one arm', () => {
    const rules = `{ ($v:vis $i:ident $l:lifetime $lit:literal $t:ty, $p:path, $e:expr, $b:block $pat:pat_param => $m:meta; $s:stmt; $tt:tt) =>
      { $v mod $i; const _: $t = $e; } }`;
    assert.equal(
      expand(rules, '(pub(crate) a \'x "s" Vec<u8>, a::b, 1 + 2, { } Some(_) => cfg(unix); let x = 1; !)'),
      squash('pub (crate) mod a ; const _ : Vec < u8 > = 1 + 2 ;'),
    );
  });

  test('multi-character punctuation survives the round trip', () => {
    assert.equal(expand(`{ ($t:ty) => { fn f() -> $t { 0..=1 } } }`, '(u8)'), squash('fn f() -> u8 { 0..=1 }'));
  });

  test('a definition that does not parse, and a call no arm matches, say why', () => {
    assert.deepEqual(expandCall(defineMacro('m', '{ ($x:bogus) => {} }', 'lib.rs', 1, false), '()'), {
      ok: false,
      reason: 'its definition does not parse (unknown fragment specifier `bogus`)',
    });
    const r = expandCall(defineMacro('m', '{ (a) => {} }', 'lib.rs', 1, false), '(b)');
    assert.equal(r.ok, false);
  });

  test('pathological backtracking stops at the step budget', () => {
    const rules = `{ ($($a:tt)* $($b:tt)* $($c:tt)* $($d:tt)* !) => {} }`;
    const r = expandCall(defineMacro('m', rules, 'lib.rs', 1, false), `(${'x '.repeat(200)})`);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /steps/);
  });

  test('input nested deeper than the stack allows is refused with a reason, never a crash', () => {
    const deep = `${'('.repeat(100_000)}${')'.repeat(100_000)}`;
    const r = expandCall(defineMacro('m', '{ ($($t:tt)*) => { $($t)* } }', 'lib.rs', 1, false), `(${deep})`);
    assert.deepEqual(r, { ok: false, reason: 'the call nests too deeply' });
    const d = defineMacro('m', `{ (${deep}) => {} }`, 'lib.rs', 1, false);
    assert.deepEqual(d.rules, { error: 'it nests too deeply' });
  });
});
