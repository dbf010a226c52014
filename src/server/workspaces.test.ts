import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, EXAMPLE, options } from '../../test/helpers.js';
import { candidateManifests, WorkspaceSet } from './workspaces.js';

const rel = (ws: string, f: string) => f.slice(ws.length + 1);

test('finds the example workspace once, and names the units of a file', async () => {
  const set = new WorkspaceSet([EXAMPLE], { ...options(), rustc: false });
  await set.load();
  assert.deepEqual(
    set.all.map((w) => [w.root, w.error]),
    [[EXAMPLE, undefined]],
  );
  const lib = set.fileInfo(join(EXAMPLE, 'crates/units-core/src/lib.rs'));
  assert.equal(lib.status, 'read');
  assert.equal(lib.workspace, EXAMPLE);
  assert.deepEqual(
    lib.units.map((u) => u.label),
    ['units-core (lib)', 'units-core (lib) [test]'],
  );
  const stats = set.fileInfo(join(EXAMPLE, 'crates/units-core/src/stats.rs'));
  assert.equal(stats.status, 'uncertain');
  assert.ok(stats.units.every((u) => u.uncertain));
  assert.equal(set.fileInfo(join(EXAMPLE, 'crates/units-cli/src/term.rs')).status, 'unread');
  assert.equal(set.fileInfo('/nowhere/x.rs').status, 'outside');
  const dirs = [...set.watchedDirs()].map((d) => (d === EXAMPLE ? '.' : rel(EXAMPLE, d)));
  for (const d of ['.', 'crates/units-core', 'crates/units-core/src', 'crates/units-core/src/serial', 'crates/units-cli/src/bin/convert'])
    assert.ok(dirs.includes(d), d);
  assert.ok(!dirs.some((d) => d.startsWith('target')));
  const bin = set.fileInfo(join(EXAMPLE, 'crates/units-cli/src/bin/convert/args.rs'));
  assert.deepEqual(
    bin.units.map((u) => u.label),
    ['units-cli (bin convert)', 'units-cli (bin convert) [test]'],
  );
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
  assert.deepEqual(
    r.files.map((f) => rel(ws, f)),
    ['crates/units-parse/src/lexer_v1.rs'],
  );
  assert.deepEqual(
    set.fileInfo(v1).units.map((u) => u.id),
    ['units-parse/lib/units_parse', 'units-parse/lib/units_parse[test]'],
  );
  const closed = await set.update(lib, undefined, true);
  assert.deepEqual(
    closed.files.map((f) => rel(ws, f)),
    ['crates/units-parse/src/lexer_v1.rs'],
  );
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
  assert.deepEqual(
    created.files.map((f) => rel(ws, f)),
    ['crates/units-parse/src/extra.rs'],
  );
  assert.equal(set.fileInfo(extra).units.length, 2);
  const manifest = join(ws, 'crates/units-cli/Cargo.toml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/\[\[bin\]\][^[]*name = "si-table"[^[]*/, ''));
  const r = await set.update(manifest, undefined, false);
  assert.equal(r.all, true);
  assert.equal(set.fileInfo(extra).units.length, 2, 'the unsaved mod is applied again after re-indexing');
});

function write(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

test('a malformed workspace is reported, not fatal; workspaces at the folder and one level down are found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-ws-'));
  try {
    write(dir, { 'good/Cargo.toml': pkg('good'), 'good/src/lib.rs': '', 'bad/Cargo.toml': '[package\n', 'good/target/x/Cargo.toml': '' });
    assert.deepEqual(
      candidateManifests(dir).map((m) => rel(dir, m)),
      ['bad/Cargo.toml', 'good/Cargo.toml'],
    );
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

test('discovery as rust-analyzer: only the folder workspace; fixture packages and excluded paths are outside until a file in one is opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-ws-'));
  try {
    write(dir, {
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nexclude = ["vendored"]\nresolver = "2"\n',
      'crates/app/Cargo.toml': pkg('app'),
      'crates/app/src/lib.rs': 'pub fn f() {}\n',
      // A fixture that is its own workspace, one that believes it is in the outer one, a broken one.
      'tests/fixtures/own/Cargo.toml': pkg('own', '[workspace]\n'),
      'tests/fixtures/own/src/lib.rs': 'mod m;\n',
      'tests/fixtures/own/src/m.rs': '',
      'tests/fixtures/stray/Cargo.toml': pkg('stray'),
      'tests/fixtures/stray/src/lib.rs': '',
      'tests/fixtures/broken/Cargo.toml': '[package\n',
      'tests/fixtures/broken/src/lib.rs': '',
      // An excluded package (cargo makes it its own root) and a plain source file under tests/.
      'vendored/dep/Cargo.toml': pkg('dep'),
      'vendored/dep/src/lib.rs': '',
      'tests/it.rs': '',
    });
    const set = new WorkspaceSet([dir], { ...options(), rustc: false });
    await set.load();
    assert.deepEqual(
      set.all.map((w) => [w.root, w.error]),
      [[dir, undefined]],
      'only the workspace; no fixture, no error',
    );
    for (const f of ['tests/fixtures/own/src/m.rs', 'tests/fixtures/stray/src/lib.rs', 'tests/fixtures/broken/src/lib.rs', 'vendored/dep/src/lib.rs']) {
      assert.equal(set.fileInfo(join(dir, f)).status, 'outside', f);
    }
    assert.equal(set.fileInfo(join(dir, 'tests/it.rs')).status, 'unread', 'a file of the workspace root package area no unit reads');
    assert.equal(set.fileInfo(join(dir, 'crates/app/src/lib.rs')).status, 'read');
    // Folders: read when a unit reads a file under them; greyed (unread) only when none does.
    assert.equal(set.folderInfo(join(dir, 'crates')).status, 'read');
    assert.equal(set.folderInfo(join(dir, 'crates/app/src')).status, 'read');
    assert.equal(set.folderInfo(join(dir, 'tests')).status, 'unread');
    assert.equal(set.folderInfo(join(dir, 'vendored/dep')).status, 'outside');

    // A fixture manifest changing re-indexes nothing; a member's does.
    assert.deepEqual(await set.update(join(dir, 'tests/fixtures/stray/Cargo.toml'), undefined, false), { files: [], all: false });
    assert.equal((await set.update(join(dir, 'crates/app/Cargo.toml'), undefined, false)).all, true);

    // Opening a file of a fixture indexes its package, detached.
    assert.equal(await set.openDetached(join(dir, 'tests/fixtures/own/src/m.rs')), true);
    const own = set.all.find((w) => w.root === join(dir, 'tests/fixtures/own'));
    assert.ok(own?.detached && own.index && !own.error);
    assert.deepEqual(
      set.fileInfo(join(dir, 'tests/fixtures/own/src/m.rs')).units.map((u) => u.label),
      ['own (lib)', 'own (lib) [test]'],
    );
    assert.equal(await set.openDetached(join(dir, 'tests/fixtures/own/src/lib.rs')), false, 'once');
    assert.equal(await set.openDetached(join(dir, 'crates/app/src/lib.rs')), false, 'a workspace file');
    // A broken fixture shows its error only now that it was opened; it stays over re-indexing.
    assert.equal(await set.openDetached(join(dir, 'tests/fixtures/stray/src/lib.rs')), true);
    assert.match(set.all.find((w) => w.root === join(dir, 'tests/fixtures/stray'))?.error ?? '', /believes it's in a workspace/);
    await set.load();
    assert.deepEqual(
      set.all
        .filter((w) => w.detached)
        .map((w) => rel(dir, w.root))
        .sort(),
      ['tests/fixtures/own', 'tests/fixtures/stray'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('linkedProjects: a workspace deeper than discovery looks, by manifest or directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cargo-units-ws-'));
  try {
    write(dir, { 'rust/engine/Cargo.toml': pkg('engine'), 'rust/engine/src/lib.rs': '' });
    const none = new WorkspaceSet([dir], { ...options(), rustc: false });
    await none.load();
    assert.deepEqual(none.all, []);
    for (const linked of ['rust/engine', 'rust/engine/Cargo.toml', join(dir, 'rust/engine')]) {
      const set = new WorkspaceSet([dir], { ...options(), rustc: false }, undefined, [linked]);
      await set.load();
      assert.deepEqual(
        set.all.map((w) => w.root),
        [join(dir, 'rust/engine')],
        linked,
      );
    }
    const missing = new WorkspaceSet([dir], { ...options(), rustc: false }, undefined, ['nope']);
    await missing.load();
    assert.match(missing.all[0]?.error ?? '', /nope/, 'a linked project that does not exist is an error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
