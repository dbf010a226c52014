/**
 * The macro engine's tokens: the tokenizer's trees without offsets, where a punctuation mark is
 * joint exactly when the next token of the same group is punctuation starting where it ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lex, render, type MTok } from './tokens.js';

/** Tokens as `text` with `+` after a joint mark and groups in their delimiters. */
function show(ts: MTok[]): string {
  return ts
    .map((t) => {
      if (t.k === 'group') return `${t.delim}${show(t.children)}${{ '(': ')', '[': ']', '{': '}' }[t.delim]}`;
      return t.k === 'punct' && t.joint ? `${t.text}+` : t.text;
    })
    .join(' ');
}

test('punctuation is joint only before adjacent punctuation of the same group', () => {
  assert.equal(show(lex('a->b ..= c::<d>')), 'a -+ > b .+ .+ = c ::+ < d >');
  assert.equal(show(lex('a - > b -/* c */> d')), 'a - > b - > d', 'spaces and comments separate');
  assert.equal(show(lex('-(>) (a-)> #[x]')), '- (>) (a -) > # [x]', 'a group is no punctuation, and a mark inside one has no next token');
  assert.equal(show(lex('-]> -}')), '- > -', 'a stray closer is skipped but still separates');
  assert.equal(show(lex('"s"-> r#"x"#b\'y\'')), '"s" -+ > r#"x"#b \'y\'', 'literals as written');
});

test('unclosed groups run to the end; render writes joint marks without a space', () => {
  assert.equal(show(lex('f(a, [b')), 'f (a , [b])');
  assert.equal(render(lex('x->y $crate::m!{a}')), 'x -> y $ crate :: m ! {a } ');
});
