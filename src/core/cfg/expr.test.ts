import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tokenize, type TokenTree } from '../syntax/tokens.js';
import { CfgSyntaxError, cfgAtomToString, cfgToString, parseCfg, parseCfgOption, parseCfgTokens, type CfgExpr } from './expr.js';
import { pick, prng } from './testkit.js';

const name = (n: string): CfgExpr => ({ type: 'name', name: n });
const kv = (n: string, value: string): CfgExpr => ({ type: 'kv', name: n, value });
const all = (...items: CfgExpr[]): CfgExpr => ({ type: 'all', items });
const any = (...items: CfgExpr[]): CfgExpr => ({ type: 'any', items });
const not = (item: CfgExpr): CfgExpr => ({ type: 'not', item });
const bool = (value: boolean): CfgExpr => ({ type: 'bool', value });

function syntaxError(f: () => unknown): CfgSyntaxError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof CfgSyntaxError, `expected a CfgSyntaxError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a CfgSyntaxError, but parsing succeeded');
}

describe('parseCfg', () => {
  const cases: [string, CfgExpr][] = [
    ['unix', name('unix')],
    ['cfg(unix)', name('unix')],
    ['  cfg( unix )  ', name('unix')],
    ['feature = "serde"', kv('feature', 'serde')],
    ['feature="serde"', kv('feature', 'serde')],
    ['cfg(target_os = "linux")', kv('target_os', 'linux')],
    ['all(unix, feature = "x")', all(name('unix'), kv('feature', 'x'))],
    ['any(windows, all(unix, not(target_os = "macos")))', any(name('windows'), all(name('unix'), not(kv('target_os', 'macos'))))],
    ['all()', all()],
    ['any()', any()],
    ['true', bool(true)],
    ['false', bool(false)],
    ['cfg(not(false))', not(bool(false))],
    // trailing commas are allowed everywhere rustc allows them
    ['cfg(unix,)', name('unix')],
    ['all(unix,)', all(name('unix'))],
    ['any(a, b,)', any(name('a'), name('b'))],
    ['not(a,)', not(name('a'))],
    // names that are only names
    ['all', name('all')],
    ['not', name('not')],
    ['cfg', name('cfg')],
    ['all = "x"', kv('all', 'x')],
    ['version', name('version')],
    ['_private', name('_private')],
    ['ünïcödé', name('ünïcödé')],
    // raw identifiers: `r#true` is a name, not the literal
    ['r#true', name('true')],
    ['r#fn = "x"', kv('fn', 'x')],
    ['r#foo', name('foo')],
    // values: escapes, raw strings, CRLF
    ['a = "x\\"y\\\\z\\n\\t\\0\\x41\\u{1F600}\\u{00_e9}"', kv('a', 'x"y\\z\n\t\0A\u{1F600}é')],
    ['a = r"C:\\dir"', kv('a', 'C:\\dir')],
    ['a = r#"say "hi""#', kv('a', 'say "hi"')],
    ['a = "line\\\n    continued"', kv('a', 'linecontinued')],
    ['a = "crlf\r\nline"', kv('a', 'crlf\nline')],
    ['a = ""', kv('a', '')],
    // comments are whitespace
    ['all(unix /* , windows */, // x\n test)', all(name('unix'), name('test'))],
    // nightly predicates
    ['version("1.80")', { type: 'version', version: '1.80' }],
    ['target(os = "linux", arch = "x86_64")', all(kv('target_os', 'linux'), kv('target_arch', 'x86_64'))],
    ['target()', all()],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(parseCfg(text), expected));
  }

  test('identifiers are NFC-normalized, as rustc does', () => {
    assert.deepEqual(parseCfg('cafe\u0301'), name('caf\u00e9'));
  });
});

describe('cfgToString', () => {
  const cases: [string, string][] = [
    ['cfg(unix)', 'unix'],
    ['all(unix,feature="x")', 'all(unix, feature = "x")'],
    ['any( a , b , )', 'any(a, b)'],
    ['not(a,)', 'not(a)'],
    ['cfg(true)', 'true'],
    ['r#true', 'r#true'],
    ['r#false = "1"', 'r#false = "1"'],
    ['r#fn', 'r#fn'],
    ['r#foo', 'foo'],
    // `async` is a keyword from 2018 on: printed raw so that the text parses in every edition
    ['async', 'r#async'],
    ['a = r#"q"uote"#', 'a = "q\\"uote"'],
    ['a = "tab\\there\\u{7f}"', 'a = "tab\\there\\u{7f}"'],
    ['a = "\\u{e9}"', 'a = "é"'],
    ['version("1.80")', 'version("1.80")'],
  ];
  for (const [text, printed] of cases) {
    test(`${JSON.stringify(text)} prints as ${JSON.stringify(printed)}`, () => {
      const expr = parseCfg(text);
      assert.equal(cfgToString(expr), printed);
      assert.deepEqual(parseCfg(printed), expr, 'the printed text parses back to the same predicate');
    });
  }

  test('random predicates round-trip through their text', () => {
    const rand = prng(1);
    const names = ['unix', 'feature', 'target_os', 'true', 'false', 'fn', 'async', 'gen', 'all', 'not', 'any', 'version', 'é', '_x1'];
    const values = ['', 'x', 'a b', 'quo"te', 'back\\slash', 'new\nline', 'cr\rlf', 'tab\t', 'nul\0', '\u{1F600}', 'é', '\u007f', '\u0085'];
    const gen = (depth: number): CfgExpr => {
      const r = rand();
      if (depth === 0 || r < 0.35) {
        const k = rand();
        if (k < 0.4) return name(pick(rand, names));
        if (k < 0.85) return kv(pick(rand, names), pick(rand, values));
        if (k < 0.95) return bool(rand() < 0.5);
        return { type: 'version', version: pick(rand, values) };
      }
      if (r < 0.55) return not(gen(depth - 1));
      const items = Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth - 1));
      return r < 0.8 ? all(...items) : any(...items);
    };
    for (let i = 0; i < 500; i++) {
      const expr = gen(4);
      const text = cfgToString(expr);
      assert.deepEqual(parseCfg(text, { edition: '2024' }), expr, text);
      assert.deepEqual(parseCfg(`cfg(${text})`), expr, text);
    }
  });
});

describe('parse errors', () => {
  // [input, offset, message pattern]
  const cases: [string, number, RegExp][] = [
    ['', 0, /not specified/],
    ['cfg()', 4, /not specified/],
    ['cfg(a, b)', 7, /multiple cfg predicates/],
    ['a, b', 3, /multiple cfg predicates/],
    ['not()', 3, /`not` takes exactly one cfg predicate, found 0/],
    ['not(a, b)', 7, /`not` takes exactly one cfg predicate, found 2/],
    ['any(a,,b)', 6, /expected a cfg predicate, found `,`/],
    ['any(,)', 4, /expected a cfg predicate, found `,`/],
    ['a::b', 0, /identifier, not a path/],
    ['::a', 0, /identifier, not a path/],
    ['all(x, a::b = "c")', 7, /identifier, not a path/],
    ['fn', 0, /keyword `fn`/],
    ['self', 0, /keyword `self`/],
    ['r#self', 0, /`self` cannot be a raw identifier/],
    ['r#crate', 0, /cannot be a raw identifier/],
    ['_', 0, /reserved identifier `_`/],
    ['r#', 0, /identifier after `r#`/],
    ['r#1', 0, /not a valid identifier/],
    ["'a", 0, /lifetime/],
    ['"unix"', 0, /expected a cfg predicate/],
    ['42', 0, /expected a cfg predicate/],
    ['a = 1', 4, /expected a string literal/],
    ['a = b"x"', 4, /byte string/],
    ['a = br"x"', 4, /byte string/],
    ['a = c"x"', 4, /C string/],
    ["a = 'x'", 4, /expected a string literal/],
    ['a = x', 4, /expected a string literal after `a =`, found `x`/],
    ['a = ', 4, /expected a string literal after `a =`/],
    ['all(a = )', 8, /expected a string literal after `a =`/],
    ['a = "x"suffix', 7, /suffixes on string literals/],
    ['a = r"x"suffix', 8, /suffixes on string literals/],
    ['a = "\\q"', 5, /unknown character escape `\\q`/],
    ['a = "\\x80"', 5, /out of range hex escape/],
    ['a = "\\xZZ"', 5, /invalid `\\x` escape/],
    ['a = "\\u{110000}"', 5, /invalid unicode character escape/],
    ['a = "\\u{D800}"', 5, /invalid unicode character escape/],
    ['a = "\\u41"', 5, /invalid unicode escape/],
    ['a = "x\ry"', 6, /bare CR/],
    ['a = "open', 4, /unterminated string/],
    ['cfg(a = "x)', 8, /unterminated string/],
    ['a = r#"open"', 4, /unterminated raw string/],
    ['a == "x"', 3, /expected a string literal after `a =`, found `=`/],
    ['a = -"x"', 4, /found `-`/],
    ['a = "x" = "y"', 8, /expected `,` or the end of the list, found `=`/],
    ['a b', 2, /expected `,` or the end of the list, found `b`/],
    ['all(a)b', 6, /found `b`/],
    ['all(a) (b)', 7, /found `\(`/],
    ['foo(bar)', 0, /invalid predicate `foo`/],
    ['all(unix, sanitize(address))', 10, /invalid predicate `sanitize`/],
    ['r#all(a)', 0, /invalid predicate `r#all`/],
    ['all[a]', 3, /expected `\(` after `all`, found `\[`/],
    ['any{a}', 3, /expected `\(`/],
    ['true = "x"', 5, /boolean literal/],
    ['false(x)', 5, /boolean literal/],
    ['cfg(unix))', 9, /unexpected closing delimiter `\)`/],
    ['unix]', 4, /unexpected closing delimiter `\]`/],
    ['cfg(unix', 3, /unclosed `\(`/],
    ['all(any(a)', 3, /unclosed `\(`/],
    ['all(a]', 3, /unclosed `\(`/],
    ['cfg(unix) extra', 10, /unexpected `extra` after `cfg\(...\)`/],
    ['unix /* never closed', 5, /unterminated block comment/],
    ['a @ b', 2, /found `@`/],
    ['version()', 7, /`version` expects a version literal/],
    ['version(1.80)', 8, /`version` expects a version literal/],
    ['version("1", "2")', 13, /single version literal/],
    ['target(os)', 7, /`target\(...\)` takes only `key = "value"` pairs/],
  ];
  for (const [text, offset, message] of cases) {
    test(JSON.stringify(text), () => {
      const err = syntaxError(() => parseCfg(text));
      assert.match(err.message, message);
      assert.equal(err.offset, offset, `offset of: ${err.message}`);
    });
  }

  test('edition keywords', () => {
    for (const kw of ['async', 'await', 'dyn', 'try']) {
      assert.deepEqual(parseCfg(kw), name(kw), 'allowed when the edition is not known');
      assert.deepEqual(parseCfg(kw, { edition: '2015' }), name(kw));
      assert.match(syntaxError(() => parseCfg(kw, { edition: '2018' })).message, new RegExp(`keyword \`${kw}\``));
      assert.deepEqual(parseCfg(`r#${kw}`, { edition: '2021' }), name(kw));
    }
    assert.deepEqual(parseCfg('gen', { edition: '2021' }), name('gen'));
    assert.match(syntaxError(() => parseCfg('gen', { edition: '2024' })).message, /keyword `gen`/);
  });

  test('deep nesting is an error, not a crash', () => {
    for (const depth of [300, 20_000]) {
      const text = 'all('.repeat(depth) + 'unix' + ')'.repeat(depth);
      const err = syntaxError(() => parseCfg(text));
      assert.match(err.message, /nested/);
    }
    const ok = 'not('.repeat(200) + 'unix' + ')'.repeat(200);
    let expected: CfgExpr = name('unix');
    for (let i = 0; i < 200; i++) expected = not(expected);
    assert.deepEqual(parseCfg(ok), expected);
  });

  test('fuzz: any input parses or throws CfgSyntaxError within the text', () => {
    const rand = prng(7);
    const pieces = [
      'all',
      'any',
      'not',
      'cfg',
      'unix',
      'r#',
      'r#true',
      'true',
      'feature',
      '=',
      '==',
      ',',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '"x"',
      '"',
      'r#"',
      '"#',
      '\\',
      'b"',
      "'",
      '::',
      ' ',
      '\n',
      '\r',
      '/*',
      '*/',
      '//',
      '#',
      '1',
      '_',
      'é',
      '\u{1F600}',
      '\uD800',
      '\u2028',
      'version',
      'target',
      'os',
    ];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(rand() * 12);
      let text = '';
      for (let k = 0; k < n; k++) text += pick(rand, pieces);
      let expr: CfgExpr;
      try {
        expr = parseCfg(text);
      } catch (err) {
        assert.ok(err instanceof CfgSyntaxError, `${JSON.stringify(text)}: ${String(err)}`);
        assert.ok(err.offset >= 0 && err.offset <= text.length, `${JSON.stringify(text)}: offset ${err.offset}`);
        assert.ok(err.message.length > 0);
        continue;
      }
      assert.deepEqual(parseCfg(cfgToString(expr)), expr, `${JSON.stringify(text)} round-trips`);
    }
  });
});

describe('parseCfgTokens', () => {
  test('offsets refer to the tokenized text', () => {
    const text = '#[cfg(all(unix, a::b))] mod m;';
    const attr = tokenize(text)[1] as TokenTree & { kind: 'group' };
    const [, group] = attr.children as [TokenTree, TokenTree & { kind: 'group' }];
    const err = syntaxError(() => parseCfgTokens(group.children, { end: group.end - 1 }));
    assert.equal(err.offset, text.indexOf('a::b'));
  });

  test('`end` locates errors at the end of the list', () => {
    const text = '#[cfg()]';
    const attr = tokenize(text)[1] as TokenTree & { kind: 'group' };
    const group = attr.children[1] as TokenTree & { kind: 'group' };
    const err = syntaxError(() => parseCfgTokens(group.children, { end: group.end - 1 }));
    assert.equal(err.offset, text.indexOf(')'));
  });

  test('parses the predicate of a cfg_attr split on commas', () => {
    const tokens = tokenize('all(unix, target_pointer_width = "64")');
    assert.deepEqual(parseCfgTokens(tokens), all(name('unix'), kv('target_pointer_width', '64')));
  });
});

describe('parseCfgOption', () => {
  const ok: [string, { name: string; value?: string }][] = [
    ['loom', { name: 'loom' }],
    ['foo="bar"', { name: 'foo', value: 'bar' }],
    [' foo = "bar" ', { name: 'foo', value: 'bar' }],
    ['foo=r"a\\b"', { name: 'foo', value: 'a\\b' }],
    ['feature="serde"', { name: 'feature', value: 'serde' }],
    ['r#fn', { name: 'fn' }],
    ['r#true', { name: 'true' }],
    ['all', { name: 'all' }],
    ['foo="a\\x41"', { name: 'foo', value: 'aA' }],
  ];
  for (const [text, atom] of ok) {
    test(JSON.stringify(text), () => assert.deepEqual(parseCfgOption(text), atom));
  }
  const bad: [string, number, RegExp][] = [
    ['', 0, /empty cfg/],
    ['true', 0, /boolean literal/],
    ['fn', 0, /keyword/],
    ['foo::bar', 0, /not a path/],
    ['foo,bar', 3, /expected `NAME` or `NAME="VALUE"`, found `,`/],
    ['all()', 3, /found `\(`/],
    ['foo=1', 4, /expected a string literal/],
    ['foo=', 4, /expected a string literal/],
    ['foo="a" b', 8, /after the value/],
    ['foo="unterminated', 4, /unterminated/],
  ];
  for (const [text, offset, message] of bad) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      const err = syntaxError(() => parseCfgOption(text));
      assert.match(err.message, message);
      assert.equal(err.offset, offset);
    });
  }

  test('cfgAtomToString is the inverse', () => {
    for (const [, atom] of ok) assert.deepEqual(parseCfgOption(cfgAtomToString(atom)), atom);
    assert.equal(cfgAtomToString({ name: 'target_os', value: 'linux' }), 'target_os="linux"');
    assert.equal(cfgAtomToString({ name: 'true' }), 'r#true');
  });
});
