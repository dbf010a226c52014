import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, EXAMPLE, options } from '../../test/helpers.js';
import { findManifests, WorkspaceSet } from './workspaces.js';

const rel = (ws: string, f: string) => f.slice(ws.length + 1);

test('finds the example workspace once, and names the units of a file', async () => {
  const set = new WorkspaceSet([EXAMPLE], { ...options(), rustc: false });
  await set.load();
  assert.deepEqual(set.all.map((w) => [w.root, w.error]), [[EXAMPLE, undefined]]);
  const lib = set.fileInfo(join(EXAMPLE, 'crates/units-core/src/lib.rs'));
  assert.equal(lib.status, 'read');
  assert.equal(lib.workspace, EXAMPLE);
  assert.deepEqual(lib.units.map((u) => u.label), ['units-core (lib)', 'units-core (lib) [test]']);
  const stats = set.fileInfo(join(EXAMPLE, 'crates/units-core/src/stats.rs'));
  assert.equal(stats.status, 'uncertain');
  assert.ok(stats.units.every((u) => u.uncertain));
  assert.equal(set.fileInfo(join(EXAMPLE, 'crates/units-cli/src/term.rs')).status, 'unread');
  assert.equal(set.fileInfo('/nowhere/x.rs').status, 'outside');
  const dirs = [...set.watchedDirs()].map((d) => (d === EXAMPLE ? '.' : rel(EXAMPLE, d)));
  for (const d of ['.', 'crates/units-core', 'crates/units-core/src', 'crates/units-core/src/serial', 'crates/units-cli/src/bin/convert']) assert.ok(dirs.includes(d), d);
  assert.ok(!dirs.some((d) => d.startsWith('target')));
  const bin = set.fileInfo(join(EXAMPLE, 'crates/units-cli/src/bin/convert/args.rs'));
  assert.deepEqual(bin.units.map((u) => u.label), ['units-cli (bin convert)', 'units-cli (bin convert) [test]']);
});

test('unsaved text adding a mod changes membership, and closing the editor restores it', async () => {
  const ws = copyFixture(EXAMPLE);
  const set = new WorkspaceSet([ws], { ...options(), rustc: false });
  await set.load();
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  const v1 = join(ws, 'crates/units-parse/src/lexer_v1.rs');
  assert.equal(set.fileInfo(v1).status, 'unread');
  const text = readFileSync(lib, 'utf8').replace('mod lexer;', 'mod lexer;\nmod lexer_v1;');
  const r = await set.update(lib, text, true);
  assert.deepEqual(r.files.map((f) => rel(ws, f)), ['crates/units-parse/src/lexer_v1.rs']);
  assert.deepEqual(set.fileInfo(v1).units.map((u) => u.id), ['units-parse/lib/units_parse', 'units-parse/lib/units_parse[test]']);
  const closed = await set.update(lib, undefined, true);
  assert.deepEqual(closed.files.map((f) => rel(ws, f)), ['crates/units-parse/src/lexer_v1.rs']);
  assert.equal(set.fileInfo(v1).status, 'unread');
});

test('a created module file and a Cargo.toml change re-index; unsaved text survives re-indexing', async () => {
  const ws = copyFixture(EXAMPLE);
  const set = new WorkspaceSet([ws], { ...options(), rustc: false });
  await set.load();
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  const extra = join(ws, 'crates/units-parse/src/extra.rs');
  await set.update(lib, readFileSync(lib, 'utf8') + '\nmod extra;\n', true);
  assert.equal(set.fileInfo(extra).status, 'unread');
  writeFileSync(extra, 'pub fn f() {}\n');
  const created = await set.update(extra, undefined, false);
  assert.deepEqual(created.files.map((f) => rel(ws, f)), ['crates/units-parse/src/extra.rs']);
  assert.equal(set.fileInfo(extra).units.length, 2);
  const manifest = join(ws, 'crates/units-cli/Cargo.toml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/\[\[bin\]\][^[]*name = "si-table"[^[]*/, ''));
  const r = await set.update(manifest, undefined, false);
  assert.equal(r.all, true);
  assert.equal(set.fileInfo(extra).units.length, 2, 'the unsaved mod is applied again after re-indexing');
});

test('a malformed workspace is reported, not fatal; nested and separate workspaces are found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-ws-'));
  try {
    mkdirSync(join(dir, 'good/src'), { recursive: true });
    writeFileSync(join(dir, 'good/Cargo.toml'), '[package]\nname = "good"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(dir, 'good/src/lib.rs'), '');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad/Cargo.toml'), '[package\n');
    mkdirSync(join(dir, 'good/target/x'), { recursive: true });
    writeFileSync(join(dir, 'good/target/x/Cargo.toml'), '');
    assert.deepEqual(findManifests(dir).map((m) => rel(dir, m)), ['bad/Cargo.toml', 'good/Cargo.toml']);
    const set = new WorkspaceSet([dir], { ...options(), rustc: false });
    await set.load();
    const byRoot = new Map(set.all.map((w) => [rel(dir, w.root), w]));
    assert.match(byRoot.get('bad')?.error ?? '', /Cargo\.toml/);
    assert.equal(byRoot.get('good')?.error, undefined);
    assert.equal(set.fileInfo(join(dir, 'good/src/lib.rs')).units[0]?.label, 'good (lib)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
