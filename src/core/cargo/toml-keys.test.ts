import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { locateKey } from './toml-keys.js';

describe('locateKey', () => {
  const text = [
    '# comment [not = "a table"]',
    '[package]',
    'name = "x" # trailing',
    'description = """',
    'edition = "not a key: inside a string"',
    '"""',
    'edition = "2021"',
    '',
    '[dependencies]',
    'serde = { version = "1", features = ["derive"] }',
    "'quoted.key' = { path = 'p' }",
    '',
    "[target.'cfg(unix)'.dependencies.libc]",
    'version = "0.2"',
    '',
    '[[bin]]',
    'name = "a"',
    '[[bin]]',
    'name = "b"',
    'path = "src/b.rs"',
    '',
    '[workspace]',
    'members = [',
    '  "a", # comment ]',
    '  "b",',
    ']',
    'package.version = "1"',
  ].join('\n');

  test('finds keys, dotted keys, quoted keys, inline-table keys and array elements', () => {
    const cases: [(string | number)[], number, number][] = [
      [['package'], 2, 1],
      [['package', 'name'], 3, 1],
      [['package', 'edition'], 7, 1],
      [['dependencies', 'serde'], 10, 1],
      [['dependencies', 'serde', 'features'], 10, 26],
      [['dependencies', 'serde', 'features', 0], 10, 38],
      [['dependencies', 'quoted.key', 'path'], 11, 18],
      [['target', 'cfg(unix)', 'dependencies', 'libc'], 13, 1],
      [['target', 'cfg(unix)', 'dependencies', 'libc', 'version'], 14, 1],
      [['bin'], 16, 1],
      [['bin', 0, 'name'], 17, 1],
      [['bin', 1, 'name'], 19, 1],
      [['bin', 1, 'path'], 20, 1],
      [['workspace', 'members'], 23, 1],
      [['workspace', 'members', 1], 25, 3],
      [['workspace', 'package', 'version'], 27, 1],
    ];
    for (const [path, line, column] of cases) assert.deepEqual(locateKey(text, path), { line, column }, JSON.stringify(path));
  });

  test('never throws on arbitrary text', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = '[]{}="\'.,#\n\r\t\\ ab-_1';
    for (let i = 0; i < 500; i++) {
      let s = '';
      const n = Math.floor(random() * 80);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      const loc = locateKey(s, ['a', 'b']);
      if (loc) assert.ok(loc.line >= 1 && loc.column >= 1);
    }
  });

  test('falls back to the closest enclosing key; undefined when nothing matches', () => {
    assert.deepEqual(locateKey(text, ['package', 'license']), { line: 2, column: 1 });
    assert.deepEqual(locateKey(text, ['bin', 1, 'test']), { line: 18, column: 1 });
    assert.equal(locateKey(text, ['lib', 'name']), undefined);
  });
});
