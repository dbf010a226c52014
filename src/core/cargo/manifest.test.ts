import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { type Diagnostic, InputError } from '../diagnostics.js';
import { parseManifest, readManifest } from './manifest.js';
import { inputError } from './testkit.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));
const FILE = '/ws/Cargo.toml';

describe('parseManifest', () => {
  test('reads package, targets, dependency tables, target-specific dependencies and features', () => {
    const m = parseManifest(
      [
        '[package]',
        'name = "p"',
        'version = "1.0.0"',
        'edition = "2021"',
        'build = false',
        'links = "z"',
        'autobins = false',
        '',
        '[lib]',
        'proc_macro = true',
        'crate_type = ["proc-macro"]',
        '',
        '[[bin]]',
        'name = "b"',
        'required-features = ["f"]',
        '',
        '[dependencies]',
        'a = "1"',
        'b = { path = "../b", package = "bee", optional = true, default_features = false, features = ["x"] }',
        '',
        '[dev-dependencies.c]',
        'path = "../c"',
        '',
        '[build_dependencies]',
        'd = { workspace = true, features = ["y"] }',
        '',
        "[target.'cfg(unix)'.dependencies]",
        'e = { path = "../e" }',
        '',
        '[features]',
        'default = ["f"]',
        'f = ["b/x"]',
      ].join('\n'),
      FILE,
    );
    assert.equal(m.dir, '/ws');
    assert.equal(m.package?.name, 'p');
    assert.deepEqual(m.package?.edition, { inherit: false, value: '2021' });
    assert.equal(m.package?.build, false);
    assert.equal(m.package?.links, 'z');
    assert.equal(m.package?.autobins, false);
    assert.equal(m.lib?.procMacro, true);
    assert.deepEqual(m.lib?.crateTypes, ['proc-macro']);
    assert.equal(m.lib?.line, 9);
    assert.deepEqual(
      m.bins?.map((b) => [b.name, b.requiredFeatures, b.line]),
      [['b', ['f'], 13]],
    );
    assert.deepEqual(
      m.dependencies.map((d) => [d.name, d.kind, d.platform, d.workspace, d.path, d.package, d.optional, d.defaultFeatures, d.features, d.line]),
      [
        ['a', 'normal', undefined, false, undefined, undefined, undefined, undefined, undefined, 18],
        ['b', 'normal', undefined, false, '../b', 'bee', true, false, ['x'], 19],
        ['c', 'dev', undefined, false, '../c', undefined, undefined, undefined, undefined, 21],
        ['d', 'build', undefined, true, undefined, undefined, undefined, undefined, ['y'], 25],
        ['e', 'normal', 'cfg(unix)', false, '../e', undefined, undefined, undefined, undefined, 28],
      ],
    );
    assert.deepEqual(m.features, { default: ['f'], f: ['b/x'] });
    assert.equal(m.featuresLine, 30);
  });

  test('`key.workspace = true` and `key = { workspace = true }` are inheritance markers with their line', () => {
    const m = parseManifest('[package]\nname = "p"\nversion.workspace = true\nedition = { workspace = true }\n', FILE);
    assert.deepEqual(m.package?.version, { inherit: true, line: 3, column: 1 });
    assert.equal(m.package?.edition?.inherit, true);
    const e = inputError(() => parseManifest('[package]\nname = "p"\nversion = { workspace = false }\n', FILE));
    assert.equal(e.line, 3);
    assert.match(e.message, /cannot be false/);
  });

  test('reads [workspace] with its members line, package fields and dependencies', () => {
    const m = parseManifest(
      [
        '[workspace]',
        'resolver = "2"',
        'members = [',
        '  "a",',
        '  "b/*",',
        ']',
        'exclude = ["x"]',
        'default-members = ["a"]',
        '',
        '[workspace.package]',
        'version = "2.0.0"',
        'readme = false',
        '',
        '[workspace.dependencies]',
        'shared = { path = "shared", default-features = false }',
      ].join('\n'),
      FILE,
    );
    const ws = m.workspace;
    assert.ok(ws);
    assert.deepEqual([ws.members, ws.exclude, ws.defaultMembers, ws.resolver], [['a', 'b/*'], ['x'], ['a'], '2']);
    assert.deepEqual([ws.line, ws.membersLine, ws.defaultMembersLine], [1, 3, 8]);
    assert.deepEqual(ws.package, {
      version: '2.0.0',
      readme: false,
      edition: undefined,
      authors: undefined,
      description: undefined,
      homepage: undefined,
      documentation: undefined,
      repository: undefined,
      license: undefined,
      licenseFile: undefined,
      rustVersion: undefined,
      publish: undefined,
      keywords: undefined,
      categories: undefined,
    });
    assert.deepEqual(ws.dependencies.get('shared')?.path, 'shared');
    assert.equal(ws.dependencies.get('shared')?.defaultFeatures, false);
    const e = inputError(() => parseManifest('[workspace.dependencies]\nx = { path = "x", optional = true }\n', FILE));
    assert.match(e.message, /workspace dependencies cannot be optional/);
    assert.equal(e.line, 2);
  });

  test('a TOML syntax error names file, line and column', () => {
    const path = join(FIXTURES, 'errors/bad-toml/Cargo.toml');
    const e = inputError(() => readManifest(path));
    assert.deepEqual([e.file, e.line, e.column], [path, 3, 17]);
    assert.match(e.message, /^invalid TOML: /);
    const dup = inputError(() => parseManifest('[package]\nname = "a"\nname = "b"\n', FILE));
    assert.equal(dup.line, 3);
  });

  test('a wrong type names the key, its line and its column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['errors/bad-type', 4, 1, /invalid type: integer `5`, expected a string for key `package\.edition`/],
      ['errors/bad-members', 3, 1, /expected an array of strings for key `workspace\.members`/],
      ['errors/bad-edition', 4, 1, /`2023` is unknown/],
      ['errors/bad-dep', 7, 26, /expected an array of strings for key `dependencies\.foo\.features`/],
    ];
    for (const [dir, line, column, message] of cases) {
      const path = join(FIXTURES, dir, 'Cargo.toml');
      const e = inputError(() => readManifest(path));
      assert.deepEqual([e.file, e.line, e.column], [path, line, column], dir);
      assert.match(e.message, message);
    }
    const inArray = inputError(() => parseManifest('[package]\nname = "p"\n\n[[bin]]\nname = "a"\n\n[[bin]]\nname = 7\n', FILE));
    assert.deepEqual([inArray.line, inArray.column], [8, 1]);
    assert.match(inArray.message, /`bin\[1\]\.name`/);
    const inList = inputError(() => parseManifest('[features]\nf = ["a",\n  2]\n', FILE));
    assert.deepEqual([inList.line, inList.column], [3, 3]);
  });

  test('unknown keys and tables are warnings with their line', () => {
    const path = join(FIXTURES, 'warnings/Cargo.toml');
    const diagnostics: Diagnostic[] = [];
    const m = readManifest(path, diagnostics);
    assert.equal(m.package?.name, 'warnings');
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.line, d.message]).sort(),
      [
        ['warning', 13, 'unused manifest key: unknown-table'],
        ['warning', 5, 'unused manifest key: package.colour'],
        ['warning', 9, 'unused manifest key: lib.flavour'],
      ].sort(),
    );
  });

  test('both spellings of a dashed key: the dashed one wins, with a warning', () => {
    const diagnostics: Diagnostic[] = [];
    const m = parseManifest('[lib]\nproc-macro = false\nproc_macro = true\n', FILE, diagnostics);
    assert.equal(m.lib?.procMacro, false);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.line, 3);
  });

  test('dev-dependencies cannot be optional', () => {
    const e = inputError(() => parseManifest('[dev-dependencies]\nx = { path = "x", optional = true }\n', FILE));
    assert.equal(e.line, 2);
  });

  test('never throws anything but InputError on odd input', () => {
    const odd = [
      '',
      '# only a comment',
      'package = 1',
      '[[package]]\nname = "x"',
      '[package]\nname = ["x"]',
      '[[lib]]\nname = "x"',
      'bin = 3',
      'bin = [1]',
      'dependencies = []',
      'target = 5',
      "[target.'x']\ndependencies = 1",
      'features = { a = "x" }',
      'features = { a = [1] }',
      '[package]\npublish = 3',
      '[package]\nreadme = 1',
      '[package]\nbuild = 1',
      '[package]\nresolver = "9"',
      '[package]\nversion = 1979-05-27',
      '[package]\nversion = 12345678901234567890',
      '[dependencies]\na = 1',
      '[dependencies]\na = { workspace = 1 }',
      '[workspace]\nmembers = [1]',
      '[workspace]\npackage = []',
      '[workspace.dependencies]\na = { workspace = true }',
      '[lib]\ncrate-type = "lib"',
      '[[test]]\nharness = "no"',
      '[package]\nedition = { workspace = true, x = 1 }',
      '\u0000\u0001',
      'a = """\nunterminated',
      '[a',
      'x = [1, 2',
      'x = { y = ',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = '[]{}="\'.,#\n abc-_01truefalse';
    for (let i = 0; i < 300; i++) {
      let s = '';
      const n = Math.floor(random() * 60);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      odd.push(s);
    }
    for (const text of odd) {
      try {
        parseManifest(text, FILE);
      } catch (e) {
        assert.ok(e instanceof InputError, `${JSON.stringify(text)} threw ${String(e)}`);
        assert.ok(e.line >= 1, `${JSON.stringify(text)}: line ${e.line}`);
      }
    }
  });
});
