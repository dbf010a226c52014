/**
 * `cargo-units why FILE` on the bundled example and on a copy of ripgrep 13, checked against the
 * declarations as they are written in the sources (line numbers are looked up, not assumed).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { EXAMPLE, REPO } from '../helpers.js';

const RIPGREP = '/work/shared/workspaces/ripgrep-13';

async function cli(args: string[], cwd = REPO): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface Step {
  file: string;
  line: number;
  via: string;
  cfg: string | null;
  value: true | 'unknown';
  reason?: string;
}
interface Answer {
  file: string;
  units: { unit: string; status: string; chain: Step[] }[];
  notRead: { unit: string; file: string; line: number; via: string; cfg: string; value: false }[];
  declareIn?: { file: string; declaration: string; exists: boolean }[];
}

async function why(root: string, file: string, ...extra: string[]): Promise<Answer> {
  const r = await cli(['why', '--json', ...extra, join(root, file)], root);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Answer;
}

/** The 1-based line of `root/file` that matches `re` (exactly one must). */
function lineOf(root: string, file: string, re: RegExp): number {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
  assert.equal(hits.length, 1, `${file}: ${re} matches lines ${hits.join(', ')}`);
  return hits[0]!;
}

function unitOf(a: Answer, id: string) {
  const u = a.units.find((x) => x.unit === id);
  assert.ok(u, `${id} not among ${a.units.map((x) => x.unit).join(', ')}`);
  return u;
}

const CORE = 'crates/units-core';

test('why --json has exactly the documented shape', async () => {
  const a = await why(EXAMPLE, `${CORE}/src/quantity/length.rs`);
  assert.deepEqual(Object.keys(a), ['file', 'units', 'notRead']);
  assert.equal(a.file, `${CORE}/src/quantity/length.rs`);
  for (const u of a.units) {
    assert.deepEqual(Object.keys(u), ['unit', 'status', 'chain']);
    for (const s of u.chain) assert.deepEqual(Object.keys(s), ['file', 'line', 'via', 'cfg', 'value']);
  }
  const off = await why(EXAMPLE, `${CORE}/src/serial/writer.rs`);
  for (const n of off.notRead) assert.deepEqual(Object.keys(n), ['unit', 'file', 'line', 'via', 'cfg', 'value']);
});

test('example: a file reached through nested modules', async () => {
  const a = await why(EXAMPLE, `${CORE}/src/quantity/length.rs`);
  assert.deepEqual(a.units.map((u) => u.unit).sort(), ['units-core/lib/units_core', 'units-core/lib/units_core[test]']);
  assert.deepEqual(a.notRead, []);
  assert.deepEqual(unitOf(a, 'units-core/lib/units_core'), {
    unit: 'units-core/lib/units_core',
    status: 'read',
    chain: [
      { file: `${CORE}/src/lib.rs`, line: lineOf(EXAMPLE, `${CORE}/src/lib.rs`, /^pub mod quantity;/), via: 'pub mod quantity', cfg: null, value: true },
      { file: `${CORE}/src/quantity.rs`, line: lineOf(EXAMPLE, `${CORE}/src/quantity.rs`, /^mod length;/), via: 'mod length', cfg: null, value: true },
    ],
  });
  const text = await cli(['why', join(EXAMPLE, `${CORE}/src/quantity/length.rs`)], EXAMPLE);
  assert.equal(text.code, 0, text.err);
  // One indented chain per unit, as `cargo tree` prints paths.
  const lines = text.out.split('\n');
  const at = lines.indexOf('units-core/lib/units_core');
  assert.ok(at >= 0, text.out);
  assert.match(lines[at + 1]!, /^└── crates\/units-core\/src\/lib\.rs:\d+ pub mod quantity$/);
  assert.match(lines[at + 2]!, /^ {4}└── crates\/units-core\/src\/quantity\.rs:\d+ mod length$/);
});

test('example: a file reached through #[path] inside an inline module', async () => {
  const a = await why(EXAMPLE, `${CORE}/src/quantity/constants/physical.rs`);
  const chain = unitOf(a, 'units-core/lib/units_core').chain;
  assert.equal(chain.length, 2);
  assert.deepEqual(chain[1], {
    file: `${CORE}/src/quantity.rs`,
    line: lineOf(EXAMPLE, `${CORE}/src/quantity.rs`, /^\s*pub mod physical;/),
    via: '#[path = "physical.rs"] pub mod physical',
    cfg: null,
    value: true,
  });
});

test('example: a file reached through include_str!', async () => {
  const a = await why(EXAMPLE, 'crates/units-parse/data/aliases.txt');
  const chain = unitOf(a, 'units-parse/lib/units_parse').chain;
  assert.deepEqual(
    chain.map((s) => [s.file, s.line, s.via]),
    [
      ['crates/units-parse/src/lib.rs', lineOf(EXAMPLE, 'crates/units-parse/src/lib.rs', /^mod aliases;/), 'mod aliases'],
      [
        'crates/units-parse/src/aliases.rs',
        lineOf(EXAMPLE, 'crates/units-parse/src/aliases.rs', /^const TABLE.*include_str!/),
        'include_str!("../data/aliases.txt")',
      ],
    ],
  );
});

test('example: files switched off by a feature and by the target are in notRead with the false cfg', async () => {
  // serial.rs is read, but its `#![cfg(feature = "serde-like")]` is false: its `mod writer;` is not.
  const a = await why(EXAMPLE, `${CORE}/src/serial/writer.rs`);
  assert.deepEqual(a.units, []);
  const lib = a.notRead.find((n) => n.unit === 'units-core/lib/units_core');
  assert.deepEqual(lib, {
    unit: 'units-core/lib/units_core',
    file: `${CORE}/src/serial.rs`,
    line: lineOf(EXAMPLE, `${CORE}/src/serial.rs`, /^mod writer;/),
    via: 'mod writer',
    cfg: 'feature = "serde-like"',
    value: false,
  });
  // With the feature on, the same file is read, through the same declaration.
  const on = await why(EXAMPLE, `${CORE}/src/serial/writer.rs`, '--features', 'units-core/serde-like');
  assert.equal(unitOf(on, 'units-core/lib/units_core').chain.at(-1)!.line, lib!.line);
  assert.deepEqual(on.notRead, []);
  const win = await why(EXAMPLE, 'crates/units-cli/src/platform/windows.rs');
  assert.deepEqual(
    win.notRead.find((n) => n.unit === 'units-cli/bin/units-cli'),
    {
      unit: 'units-cli/bin/units-cli',
      file: 'crates/units-cli/src/main.rs',
      line: lineOf(EXAMPLE, 'crates/units-cli/src/main.rs', /^\s*mod windows;/),
      via: 'mod windows',
      cfg: 'windows',
      value: false,
    },
  );
});

test('example: the default file of a mod that cfg_attr(unix, path) redirects', async () => {
  const a = await why(EXAMPLE, 'crates/units-cli/src/term.rs');
  assert.deepEqual(a.units, []);
  const n = a.notRead.find((x) => x.unit === 'units-cli/bin/units-cli');
  assert.deepEqual(n, {
    unit: 'units-cli/bin/units-cli',
    file: 'crates/units-cli/src/main.rs',
    line: lineOf(EXAMPLE, 'crates/units-cli/src/main.rs', /^mod term;/),
    via: 'mod term',
    cfg: 'not(unix)',
    value: false,
  });
});

test('example: a file nothing declares names where `mod` would go', async () => {
  const a = await why(EXAMPLE, 'crates/units-parse/src/lexer_v1.rs');
  assert.deepEqual(a, {
    file: 'crates/units-parse/src/lexer_v1.rs',
    units: [],
    notRead: [],
    declareIn: [{ file: 'crates/units-parse/src/lib.rs', declaration: 'mod lexer_v1;', exists: true }],
  });
  const text = await cli(['why', join(EXAMPLE, 'crates/units-parse/src/lexer_v1.rs')], EXAMPLE);
  assert.match(text.out, /read by no unit, and nothing declares it/);
  assert.match(text.out, /crates\/units-parse\/src\/lib\.rs: mod lexer_v1;/);
});

test('example: a file behind a build-script cfg is uncertain, with the unknown step and why', async () => {
  const a = await why(EXAMPLE, `${CORE}/src/stats.rs`, '--unit', 'units-core/lib/units_core');
  assert.deepEqual(
    a.units.map((u) => u.unit),
    ['units-core/lib/units_core'],
  );
  const u = a.units[0]!;
  assert.equal(u.status, 'uncertain');
  assert.equal(u.chain.length, 1);
  const s = u.chain[0]!;
  assert.equal(s.line, lineOf(EXAMPLE, `${CORE}/src/lib.rs`, /^pub mod stats;/));
  assert.equal(s.cfg, 'has_atomics');
  assert.equal(s.value, 'unknown');
  assert.match(s.reason!, /has_atomics/);
});

test('why: the crate root, --unit filtering, and bad input', async () => {
  const root = await why(EXAMPLE, `${CORE}/src/lib.rs`, '--unit', 'units-core/lib/units_core');
  assert.deepEqual(root.units, [{ unit: 'units-core/lib/units_core', status: 'read', chain: [] }]);
  const none = await cli(['why', join(EXAMPLE, `${CORE}/src/lib.rs`), '--unit', 'nope/lib/nope'], EXAMPLE);
  assert.equal(none.code, 2);
  assert.match(none.err, /no unit `nope\/lib\/nope`/);
  const two = await cli(['why', join(EXAMPLE, `${CORE}/src/lib.rs`), join(EXAMPLE, `${CORE}/src/stats.rs`)], EXAMPLE);
  assert.equal(two.code, 2);
  assert.match(two.err, /exactly one FILE/);
});

// ripgrep 13 (read-only in the shared directory): a temporary copy.
const rgAvailable = existsSync(join(RIPGREP, 'Cargo.toml'));
let rg = '';
after(() => {
  if (rg) rmSync(rg, { recursive: true, force: true });
});
function ripgrep(): string {
  if (!rg) {
    rg = mkdtempSync(join(tmpdir(), 'why-rg-'));
    cpSync(RIPGREP, rg, { recursive: true, filter: (src) => !src.includes('/target') && !src.includes('/.git') });
  }
  return rg;
}
const skip = rgAvailable ? false : `${RIPGREP} is not here`;

test('ripgrep: nested modules (mod.rs), #[path] from the build script, and an unknown include', { skip }, async () => {
  const root = ripgrep();
  const glue = await why(root, 'crates/searcher/src/searcher/glue.rs');
  assert.deepEqual(
    unitOf(glue, 'grep-searcher/lib/grep_searcher').chain.map((s) => [s.file, s.line, s.via, s.value]),
    [
      ['crates/searcher/src/lib.rs', lineOf(root, 'crates/searcher/src/lib.rs', /^mod searcher;/), 'mod searcher', true],
      ['crates/searcher/src/searcher/mod.rs', lineOf(root, 'crates/searcher/src/searcher/mod.rs', /^mod glue;/), 'mod glue', true],
    ],
  );
  const app = await why(root, 'crates/core/app.rs');
  assert.deepEqual(unitOf(app, 'ripgrep/custom-build/build-script-build').chain, [
    { file: 'build.rs', line: lineOf(root, 'build.rs', /^mod app;/), via: '#[path = "crates/core/app.rs"] mod app', cfg: null, value: true },
  ]);
  assert.deepEqual(
    unitOf(app, 'ripgrep/bin/rg').chain.map((s) => [s.file, s.via]),
    [['crates/core/main.rs', 'mod app']],
  );
  // tests/data/sherlock.xz: named by include_bytes! inside the suite's own `rgtest!` macro, which
  // the macro engine expands: read for sure, the last step being the macro call that names it.
  const xz = await why(root, 'tests/data/sherlock.xz');
  const it = unitOf(xz, 'ripgrep/test/integration');
  assert.equal(it.status, 'read');
  const [first, last] = [it.chain[0]!, it.chain.at(-1)!];
  assert.equal(first.file, 'tests/tests.rs');
  assert.equal(first.line, lineOf(root, 'tests/tests.rs', new RegExp(`^${first.via};`)));
  assert.equal(last.value, true);
  assert.equal(last.file, 'tests/misc.rs');
});

test('ripgrep: a feature-gated module, and files nothing declares', { skip }, async () => {
  const root = ripgrep();
  const serde = await why(root, 'crates/globset/src/serde_impl.rs');
  assert.deepEqual(serde.units, []);
  assert.deepEqual(
    serde.notRead.find((n) => n.unit === 'globset/lib/globset'),
    {
      unit: 'globset/lib/globset',
      file: 'crates/globset/src/lib.rs',
      line: lineOf(root, 'crates/globset/src/lib.rs', /^mod serde_impl;/),
      via: 'mod serde_impl',
      cfg: 'feature = "serde1"',
      value: false,
    },
  );
  writeFileSync(join(root, 'crates/searcher/src/searcher/extra.rs'), 'pub fn f() {}\n');
  const extra = await why(root, 'crates/searcher/src/searcher/extra.rs');
  assert.deepEqual(extra.declareIn, [{ file: 'crates/searcher/src/searcher/mod.rs', declaration: 'mod extra;', exists: true }]);
  mkdirSync(join(root, 'crates/searcher/src/newdir'));
  writeFileSync(join(root, 'crates/searcher/src/newdir/x.rs'), '');
  const nested = await why(root, 'crates/searcher/src/newdir/x.rs');
  assert.deepEqual(nested.declareIn, [
    { file: 'crates/searcher/src/lib.rs', declaration: 'mod newdir;', exists: true },
    { file: 'crates/searcher/src/newdir.rs', declaration: 'mod x;', exists: false },
  ]);
});

test('a file a proc-macro declares: automod::dir! is the step', async () => {
  const root = join(REPO, 'test', 'fixtures', 'scan', 'proc-macros');
  const a = await why(root, 'cases/tests/cases/one.rs');
  assert.deepEqual(unitOf(a, 'cases/test/cases').chain, [
    {
      file: 'cases/tests/cases.rs',
      line: lineOf(root, 'cases/tests/cases.rs', /automod::dir!/),
      via: 'automod::dir!("tests/cases") → mod one',
      cfg: null,
      value: true,
    },
  ]);
});
