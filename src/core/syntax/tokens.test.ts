/**
 * The tokenizer's output on the inputs where a lexer most easily goes wrong. Each token is shown as
 * `kind:text@offset` (string literals add `=value`, groups show their children, end and whether
 * they closed), so that a change of kind, text, value, offset or group bounds fails here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize, type TokenTree } from './tokens.js';

function show(ts: TokenTree[]): string[] {
  return ts.map((t) => {
    if (t.kind === 'group') return `${t.delimiter}${show(t.children).join(' ')}${t.closed ? CLOSE[t.delimiter] : ' UNCLOSED'}@${t.offset}-${t.end}`;
    if (t.kind === 'literal') return `lit:${t.text}${t.value !== undefined ? `=${JSON.stringify(t.value)}` : ''}@${t.offset}`;
    return `${t.kind}:${t.text}@${t.offset}`;
  });
}
const CLOSE = { '(': ')', '[': ']', '{': '}' };
const tok = (s: string) => show(tokenize(s));

test('raw strings: hashes, quotes inside, byte and C prefixes, CRLF, unclosed', () => {
  assert.deepEqual(tok('r#"a"b"# x'), ['lit:r#"a"b"#="a\\"b"@0', 'ident:x@9']);
  assert.deepEqual(tok('br##"x"#y"## cr"z"'), ['lit:br##"x"#y"##="x\\"#y"@0', 'lit:cr"z"="z"@13']);
  assert.deepEqual(tok('r"a\r\nb"'), ['lit:r"a\r\nb"="a\\nb"@0']);
  assert.deepEqual(tok('r#"never closed'), ['lit:r#"never closed="never closed"@0']);
  assert.deepEqual(tok('r#type r#'), ['ident:r#type@0', 'ident:r#@7'], 'raw identifiers are not strings');
  assert.deepEqual(tok('rb"x"'), ['ident:rb@0', 'lit:"x"="x"@2'], '`rb` is no prefix');
});

test('normal strings: escapes decoded, CRLF folded, suffixes kept, unclosed runs to the end', () => {
  assert.deepEqual(tok('"a\\x41\\u{1F600}\\n\\"" b"\\\\"'), ['lit:"a\\x41\\u{1F600}\\n\\""="aA😀\\n\\""@0', 'lit:b"\\\\"="\\\\"@21']);
  assert.deepEqual(tok('"x\r\ny"'), ['lit:"x\r\ny"="x\\ny"@0']);
  assert.deepEqual(tok('"abc"suffix,'), ['lit:"abc"suffix="abc"@0', 'punct:,@11']);
  assert.deepEqual(tok('"open \\'), ['lit:"open \\="open \\\\"@0'], 'a backslash at the end is kept');
});

test('char and byte literals against lifetimes and labels', () => {
  assert.deepEqual(tok("'a' '\\'' '\\u{10_FFFF}' b'x' b'\\x7f'"), ["lit:'a'@0", "lit:'\\''@4", "lit:'\\u{10_FFFF}'@9", "lit:b'x'@23", "lit:b'\\x7f'@28"]);
  assert.deepEqual(tok("'𝔘' '\\x4'"), ["lit:'𝔘'@0", "ident:'@5", 'punct:\\@6', 'ident:x4@7', "ident:'@9"], 'an astral char is one char; `\\x4` is no escape');
  assert.deepEqual(tok("&'static str 'outer: loop"), ['punct:&@0', "ident:'static@1", 'ident:str@9', "ident:'outer@13", 'punct::@19', 'ident:loop@21']);
  assert.deepEqual(tok("b'ab'"), ['ident:b@0', "ident:'ab@1", "ident:'@4"], 'a `b` before a non-literal quote is an identifier');
  assert.deepEqual(tok("'é2 'a\n'"), ["ident:'é2@0", "ident:'a@4", "ident:'@7"], 'a newline cannot be a char literal');
});

test('comments nest and line comments end at the newline', () => {
  assert.deepEqual(tok('a /* x /* y */ z */ b // c\nd /* open'), ['ident:a@0', 'ident:b@20', 'ident:d@27']);
  assert.deepEqual(tok('a/b'), ['ident:a@0', 'punct:/@1', 'ident:b@2']);
});

test('identifiers, numbers and punctuation: Unicode where Rust allows it, ASCII fast paths otherwise', () => {
  assert.deepEqual(tok('café 𝔘x _ ab·c'), ['ident:café@0', 'ident:𝔘x@5', 'ident:_@9', 'ident:ab·c@11']);
  assert.deepEqual(tok('1.0 1..2 0x1F_u8 1.e3'), [
    'lit:1.0@0',
    'lit:1@4',
    'punct:.@5',
    'punct:.@6',
    'lit:2@7',
    'lit:0x1F_u8@9',
    'lit:1@17',
    'punct:.@18',
    'ident:e3@19',
  ]);
  assert.deepEqual(tok('a::b => c: ="😀"😀'), [
    'ident:a@0',
    'punct:::@1',
    'ident:b@3',
    'punct:=>@5',
    'ident:c@8',
    'punct::@9',
    'punct:=@11',
    'lit:"😀"="😀"@12',
    'punct:😀@16',
  ]);
  assert.deepEqual(
    tok('\uFEFFa\u2028\u0085b\u00a0'),
    ['ident:a@1', 'ident:b@4', 'punct:\u00a0@5'],
    'Rust whitespace is skipped; a no-break space is not whitespace',
  );
  assert.deepEqual(tok('\uD800x'), ['punct:\uD800@0', 'ident:x@1'], 'a lone surrogate is punctuation');
});

test('groups: nested, unclosed to the end, stray and mismatched closers skipped', () => {
  assert.deepEqual(tok('f(a, [b]) {}'), ['ident:f@0', '(ident:a@2 punct:,@3 [ident:b@6]@5-8)@1-9', '{}@10-12']);
  assert.deepEqual(tok('(a [b'), ['(ident:a@1 [ident:b@4 UNCLOSED@3-5 UNCLOSED@0-5']);
  assert.deepEqual(tok('a ) b (c ]) d'), ['ident:a@0', 'ident:b@4', '(ident:c@7)@6-11', 'ident:d@12']);
});
