/** Facts extraction from Rust source (tree-sitter-rust). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractFacts } from './extract.js';
import type { Item } from './facts.js';
import { rustParser } from './parser.js';

function summary(items: Item[]): unknown[] {
  return items.map((i) => {
    switch (i.kind) {
      case 'mod':
        return i.inline ? { mod: i.name, line: i.line, attrs: i.attrs.length, body: summary(i.body) } : { mod: i.name, line: i.line, attrs: i.attrs.length };
      case 'include':
        return { [i.macro]: i.args.map((a) => (a.kind === 'group' ? '(…)' : a.text)).join(''), line: i.line, ...(i.via ? { via: i.via } : {}) };
      case 'gated':
        return { gated: summary(i.body), attrs: i.attrs.length };
      case 'cfg-if':
        return { cfgIf: i.branches.map((b) => ({ cond: b.cond !== undefined, body: summary(b.body) })) };
      case 'macro':
        return { macro: i.name, definition: i.definition, body: summary(i.body) };
    }
  });
}

test('mod items, their relevant attributes and lines', async () => {
  const p = await rustParser();
  const f = extractFacts(p, '#![cfg(unix)]\n#[derive(Debug)]\n#[cfg(test)]\n#[path = "x.rs"]\npub mod a;\nmod b { mod c; }\n');
  assert.equal(f.innerAttrs.length, 1);
  assert.deepEqual(summary(f.items), [
    { mod: 'a', line: 5, attrs: 2 }, // derive is irrelevant and dropped
    { mod: 'b', line: 6, attrs: 0, body: [{ mod: 'c', line: 6, attrs: 0 }] },
  ]);
  assert.deepEqual(f.syntaxErrors, []);
});

test('includes anywhere, gated by the attributes of the items that hold them', async () => {
  const p = await rustParser();
  const src = [
    'const A: &str = include_str!("a.txt");',
    '#[cfg(feature = "x")]',
    'fn f() { let b = std::include_bytes!("b.bin"); }',
    'fn g() -> u32 { 1 }',
    'const C: &str = concat!(include_str!("c.txt"), "!");',
  ].join('\n');
  assert.deepEqual(summary(extractFacts(p, src).items), [
    { include_str: '"a.txt"', line: 1 },
    { gated: [{ include_bytes: '"b.bin"', line: 3 }], attrs: 1 },
    { macro: 'concat', definition: false, body: [{ include_str: '"c.txt"', line: 5, via: 'concat' }] },
  ]);
});

test('cfg_if! is read natively, other macros are re-parsed as items', async () => {
  const p = await rustParser();
  const src = [
    'cfg_if::cfg_if! {',
    '    if #[cfg(unix)] { mod unix; }',
    '    else if #[cfg(windows)] { mod windows; }',
    '    else { mod other; }',
    '}',
    'my_macro! { pub mod inside; }',
    'macro_rules! m { () => { mod in_rules; } }',
  ].join('\n');
  assert.deepEqual(summary(extractFacts(p, src).items), [
    {
      cfgIf: [
        { cond: true, body: [{ mod: 'unix', line: 2, attrs: 0 }] },
        { cond: true, body: [{ mod: 'windows', line: 3, attrs: 0 }] },
        { cond: false, body: [{ mod: 'other', line: 4, attrs: 0 }] },
      ],
    },
    { macro: 'my_macro', definition: false, body: [{ mod: 'inside', line: 6, attrs: 0 }] },
    { macro: 'm', definition: true, body: [{ mod: 'in_rules', line: 7, attrs: 0 }] },
  ]);
});

test('syntax errors are reported by line and what parses is kept', async () => {
  const p = await rustParser();
  const f = extractFacts(p, 'fn broken( {\n let = ;\n}\nmod after;\n');
  assert.ok(f.syntaxErrors.length > 0);
  assert.ok(f.syntaxErrors.every((l) => l >= 1 && l <= 4));
  assert.ok(JSON.stringify(summary(f.items)).includes('"after"'));
});

test('macro definitions keep their rules, and item-level calls their tokens and path, for the expander', async () => {
  const p = await rustParser();
  const items = extractFacts(p, 'macro_rules! w { ($($i:item)*) => { $( #[cfg(unix)] $i )* } }\nw! { fn f() {} }\ncrate::w!(x);\nfn g() { w!(y); }\n').items;
  assert.deepEqual(
    items.map((i) => (i.kind === 'macro' ? { name: i.name, definition: i.definition, rules: i.rules, args: i.args, path: i.path } : i.kind)),
    [
      { name: 'w', definition: true, rules: '{ ($($i:item)*) => { $( #[cfg(unix)] $i )* } }', args: undefined, path: undefined },
      { name: 'w', definition: false, rules: undefined, args: '{ fn f() {} }', path: undefined },
      { name: 'w', definition: false, rules: undefined, args: '(x)', path: 'crate::w' },
    ],
  );
});

test('after a syntax error, items tree-sitter dropped are found by parsing each item on its own', async () => {
  const p = await rustParser();
  // Not valid Rust, but a balanced token tree: tree-sitter's error recovery loses every module after it.
  const source =
    'fn t() { & while return trait | move for safe }\nmod a;\n#[cfg(unix)]\nmod b;\nfn q() {}\nmod c { mod d; }\nconst X: &str = include_str!("x.txt");\n';
  const tree = p.parse(source)!;
  assert.ok(!/mod_item/.test(tree.rootNode.toString()), 'tree-sitter no longer loses these items: pick another input');
  tree.delete();
  const f = extractFacts(p, source);
  const byLine = (x: unknown) => (x as { line: number }).line;
  assert.deepEqual(
    summary(f.items).sort((x, y) => byLine(x) - byLine(y)),
    [
      { mod: 'a', line: 2, attrs: 0 },
      { mod: 'b', line: 4, attrs: 1 },
      { mod: 'c', line: 6, attrs: 0, body: [{ mod: 'd', line: 6, attrs: 0 }] },
      { include_str: '"x.txt"', line: 7 },
    ],
  );
  assert.equal(f.unclosedDelimiter, undefined);
});

test('an unclosed delimiter is the one syntax error that leaves the rest of the file in doubt', async () => {
  const p = await rustParser();
  const f = extractFacts(p, 'fn ok() {}\nfn broken( {\n  let x = ;\n}\nmod after;\n');
  assert.deepEqual(f.unclosedDelimiter, { line: 2, delimiter: '(' });
  assert.ok(summary(f.items).some((i) => JSON.stringify(i).includes('"after"')));
});

/** How many times tree-sitter parses while `fn` runs. */
async function countParses<T>(fn: () => T): Promise<{ result: T; parses: number }> {
  const { Parser } = await import('web-tree-sitter');
  const proto = Parser.prototype as { parse: (...args: unknown[]) => unknown };
  const parse = proto.parse;
  let parses = 0;
  proto.parse = function (this: unknown, ...args: unknown[]) {
    parses++;
    return parse.apply(this, args);
  };
  try {
    return { result: fn(), parses };
  } finally {
    proto.parse = parse;
  }
}

test('after a syntax error, only the items whose text names a module or an include are parsed again', async () => {
  const p = await rustParser();
  const filler = Array.from({ length: 30 }, (_, i) => `fn f${i}() -> u32 { ${i} }\n`).join('');
  const source = `fn t() { & while return trait | move for safe }\n${filler}mod a;\n${filler}`;
  const { result, parses } = await countParses(() => extractFacts(p, source));
  assert.deepEqual(summary(result.items), [{ mod: 'a', line: 32, attrs: 0 }]);
  // The file, then `mod a;` (the broken function has no hint either).
  assert.equal(parses, 2);
});

test('a macro body is parsed as items only when a `mod` in it can declare a module file', async () => {
  const p = await rustParser();
  // syn's forms: `mod` as a token of the macro's own syntax, in a string, in a comment line.
  const glued = 'define_keywords! {\n    "mod" pub struct Mod\n    // one mod per keyword\n}\nmacro_rules! Token { [mod] => { $crate::token::Mod }; }\n';
  const none = await countParses(() => extractFacts(p, glued));
  assert.equal(none.parses, 1, 'only the file is parsed');
  assert.deepEqual(summary(none.result.items.filter((i) => i.kind === 'macro')), [
    { macro: 'define_keywords', definition: false, body: [] },
    { macro: 'Token', definition: true, body: [] },
  ]);
  const real = await countParses(() => extractFacts(p, 'cfg_x! {\n    mod a;\n}\nmacro_rules! m { () => { mod b; }; }\n'));
  assert.equal(real.parses, 3, 'the file and both bodies');
  assert.deepEqual(summary(real.result.items), [
    { macro: 'cfg_x', definition: false, body: [{ mod: 'a', line: 2, attrs: 0 }] },
    { macro: 'm', definition: true, body: [{ mod: 'b', line: 4, attrs: 0 }] },
  ]);
});
