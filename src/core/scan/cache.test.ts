/** The on-disk facts cache: warm results equal cold ones, and the cache never changes a result. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../cli/run.js';
import { copyFixture, EXAMPLE, fixture, REPO } from '../../../test/helpers.js';
import { DEFAULT_OPTIONS, UnitIndex } from '../index.js';
import { CACHE_DIR_ENV, CACHE_VERSION, cacheFileFor, defaultCacheDir, FactsCache, factsFileFor, TOOL_VERSION } from './cache.js';
import { STAT_TRUST_MS } from '../file-state.js';

function snapshot(index: UnitIndex): unknown {
  return index.entries.map((e) => ({ id: e.unit.id, files: e.files, external: e.external, uncertain: e.uncertain, diagnostics: e.diagnostics }));
}

function freshDirs(): { ws: string; cacheDir: string } {
  return { ws: copyFixture(EXAMPLE), cacheDir: mkdtempSync(join(tmpdir(), 'cargo-units-cache-')) };
}

test('TOOL_VERSION is the package.json version', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.equal(TOOL_VERSION, pkg.version);
  assert.ok(CACHE_VERSION.includes(TOOL_VERSION));
});

test('default cache directory: env override, XDG, home', () => {
  assert.equal(defaultCacheDir({ [CACHE_DIR_ENV]: '/c', XDG_CACHE_HOME: '/x' }), '/c');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/cargo-units');
  assert.match(defaultCacheDir({}), /[/\\]\.cache[/\\]cargo-units$/);
});

test('a warm open gives the same results as a cold one, without parsing', async () => {
  const { ws, cacheDir } = freshDirs();
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(cold.store.parsedCount > 0);
  const file = cacheFileFor(cacheDir, cold.workspace.root);
  assert.deepEqual(readdirSync(cacheDir).sort(), [file, factsFileFor(file)].map((f) => f.slice(cacheDir.length + 1)).sort());
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(warm.store.parsedCount, 0, 'every file came from the cache');
  assert.equal(warm.store.cache!.unitHits, warm.entries.length, 'every unit resolution came from the cache');
  assert.deepEqual(snapshot(warm), snapshot(cold));
  assert.deepEqual(snapshot(cold), snapshot(plain));
});

test('a changed file is parsed again (content hash), and its new facts are used', async () => {
  const { ws, cacheDir } = freshDirs();
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  appendFileSync(lib, '\nmod added_by_test;\n');
  // A declaration, so that the new file has to be parsed (a file that cannot declare anything is not).
  writeFileSync(join(ws, 'crates/units-parse/src/added_by_test.rs'), '#[cfg(any())]\nmod never;\n');
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(warm.store.parsedCount, 2, 'the edited file and the new one');
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  assert.ok(warm.unit('units-parse/lib/units_parse')!.files.includes(join(ws, 'crates/units-parse/src/added_by_test.rs')));
  // Saved: a third open parses nothing.
  const again = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(again.store.parsedCount, 0);
});

test('the files recorded in the cache are only read ahead: a deleted or edited one changes nothing', async () => {
  const { ws, cacheDir } = freshDirs();
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const recorded = FactsCache.load(cold.workspace.root, cacheDir).recordedFiles;
  const aliases = join(ws, 'crates/units-parse/src/aliases.rs');
  assert.ok(recorded.includes(aliases), 'the cache lists the files read');
  rmSync(aliases);
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  writeFileSync(lib, readFileSync(lib, 'utf8').replace('mod aliases;', '#[path = "lexer.rs"] mod aliases;'));
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  assert.ok(!FactsCache.load(cold.workspace.root, cacheDir).recordedFiles.includes(aliases), 'the list is rewritten');
});

test('another tool version or facts format invalidates the cache', async () => {
  const { ws, cacheDir } = freshDirs();
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const root = cold.workspace.root;
  assert.ok(FactsCache.load(root, cacheDir).loadedCount > 0);
  assert.equal(FactsCache.load(root, cacheDir, `${CACHE_VERSION}-next`).loadedCount, 0);
  // Files written by another version are ignored by this one.
  const file = cacheFileFor(cacheDir, root);
  for (const f of [file, factsFileFor(file)]) {
    const data = JSON.parse(readFileSync(f, 'utf8'));
    data.version = 'cargo-units 0.0.0 facts 0';
    writeFileSync(f, JSON.stringify(data));
  }
  const reopened = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(reopened.store.parsedCount, cold.store.parsedCount);
  assert.deepEqual(snapshot(reopened), snapshot(cold));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, CACHE_VERSION, 'rewritten with this version');
  assert.equal(JSON.parse(readFileSync(factsFileFor(file), 'utf8')).version, CACHE_VERSION, 'facts too');
});

test('a corrupt or unreadable cache file is ignored', async () => {
  const { ws, cacheDir } = freshDirs();
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const file = cacheFileFor(cacheDir, cold.workspace.root);
  const factsFile = factsFileFor(file);
  const good = { main: readFileSync(file, 'utf8'), facts: readFileSync(factsFile, 'utf8') };
  const junks = [
    '{"version": "cargo-units',
    'null',
    '[]',
    JSON.stringify({ version: CACHE_VERSION, root: cold.workspace.root, units: { x: 1, y: { probed: 3 } }, stats: [], toolchains: 7 }),
    JSON.stringify({ version: CACHE_VERSION, root: cold.workspace.root, facts: { x: 1, y: { items: 3 } } }),
    JSON.stringify({ version: CACHE_VERSION, root: cold.workspace.root, facts: [] }),
    JSON.stringify({ version: 'cargo-units 0.0.0 facts 0', root: cold.workspace.root, facts: JSON.parse(good.facts).facts }),
  ];
  for (const [main, facts] of [...junks.map((j) => [j, good.facts]), ...junks.map((j) => [good.main, j]), ...junks.map((j) => [j, j])] as [string, string][]) {
    writeFileSync(file, main);
    writeFileSync(factsFile, facts);
    const index = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
    assert.deepEqual(snapshot(index), snapshot(cold));
    // Nothing usable at all: everything is parsed again.
    if (main !== good.main && facts !== good.facts) assert.equal(index.store.parsedCount, cold.store.parsedCount);
  }
  // A cache "directory" that is a file: nothing can be read or written, nothing breaks.
  const notADir = join(cacheDir, 'file');
  writeFileSync(notADir, 'x');
  const index = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: notADir });
  assert.deepEqual(snapshot(index), snapshot(cold));
});

test('the CLI uses the cache directory from CARGO_UNITS_CACHE_DIR; --no-cache reads and writes nothing', async () => {
  const { ws, cacheDir } = freshDirs();
  const saved = process.env[CACHE_DIR_ENV];
  process.env[CACHE_DIR_ENV] = cacheDir;
  try {
    const io = () => {
      const out: string[] = [];
      return { out, io: { out: (l: string) => out.push(l), err: () => {}, cwd: ws } };
    };
    const a = io();
    assert.equal(await runCli(['units', '--files', '--no-cache'], a.io), 0);
    assert.deepEqual(readdirSync(cacheDir), [], '--no-cache wrote nothing');
    const b = io();
    assert.equal(await runCli(['units', '--files'], b.io), 0);
    assert.equal(readdirSync(cacheDir).length, 2, 'the cache was written (and its facts file)');
    assert.deepEqual(b.out, a.out);
    // --no-cache does not read it either: a corrupt cache file stays untouched.
    const file = join(
      cacheDir,
      readdirSync(cacheDir).find((f) => !f.endsWith('.facts.json'))!,
    );
    writeFileSync(file, 'corrupt');
    const c = io();
    assert.equal(await runCli(['units', '--files', '--no-cache'], c.io), 0);
    assert.deepEqual(c.out, a.out);
    assert.equal(readFileSync(file, 'utf8'), 'corrupt');
    const d = io();
    assert.equal(await runCli(['units', '--files'], d.io), 0);
    assert.deepEqual(d.out, a.out);
    assert.notEqual(readFileSync(file, 'utf8'), 'corrupt', 'a corrupt cache is replaced');
  } finally {
    if (saved === undefined) delete process.env[CACHE_DIR_ENV];
    else process.env[CACHE_DIR_ENV] = saved;
  }
});

test('facts of units restored without walking survive a save, so the next edit parses nothing', async () => {
  const { ws, cacheDir } = freshDirs();
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  // A warm open restores every unit (no facts looked at); a new file makes it save the cache.
  writeFileSync(join(ws, 'crates/units-parse/src/new_orphan.rs'), 'fn f() {}\n');
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(warm.store.cache!.unitHits, warm.entries.length);
  assert.equal(warm.store.cache!.factsParsed, false, 'the facts of the cache file were not even parsed');
  warm.store.cache!.save(warm.store.readFiles().concat(join(ws, 'crates/units-parse/src/new_orphan.rs')));
  // An edit re-walks the units of lib.rs: their facts come from the cache.
  const next = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  appendFileSync(join(ws, 'crates/units-core/src/lib.rs'), '\n// edited\n');
  next.updateFile(join(ws, 'crates/units-core/src/lib.rs'));
  assert.equal(next.store.parsedCount, 1, 'only the edited file is parsed');
  rmSync(cacheDir, { recursive: true, force: true });
});

/** What one open of `ws` in a process of its own (as each CLI run is) parsed, read and resolved. */
interface ProcessOpen {
  files: number;
  snippets: number;
  /** The units' files whose content was read (sorted). */
  read: string[];
  units: unknown;
}

/** Opens `ws` in a fresh process, with the cache in `cacheDir` or without a cache. */
function openInProcess(ws: string, cacheDir: string, cache: boolean): ProcessOpen {
  const script = join(cacheDir, 'open.mts');
  writeFileSync(
    script,
    `import { DEFAULT_OPTIONS, UnitIndex } from ${JSON.stringify(join(REPO, 'src', 'core', 'index.ts'))};\n` +
      `const i = await UnitIndex.open(process.argv[2], { ...DEFAULT_OPTIONS, cache: process.argv[3] === 'cache' ? process.argv[4] : false });\n` +
      `const files = [...new Set(i.entries.flatMap((e) => e.files))].sort();\n` +
      `console.log(JSON.stringify({ files: i.store.parsedCount, snippets: i.store.parsedSnippetCount, read: files.filter((f) => i.store.hasRead(f)), ` +
      `units: i.entries.map((e) => [e.unit.id, e.files, e.uncertain, e.diagnostics]) }));\n`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ws, cache ? 'cache' : 'none', cacheDir], { encoding: 'utf8', cwd: REPO });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ProcessOpen;
}

test('a crate walked again after an edit takes its macro expansions and macro-calling files from the cache', () => {
  const ws = copyFixture(fixture('scan', 'macro-forms'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  // Each open in a process of its own: expansions are also kept in memory.
  const cold = openInProcess(ws, cacheDir, true);
  assert.ok(cold.snippets > 0, 'the fixture expands macros');
  appendFileSync(join(ws, 'src', 'lib.rs'), '\n// edited\n');
  const warm = openInProcess(ws, cacheDir, true);
  assert.deepEqual(warm.units, openInProcess(ws, cacheDir, false).units);
  assert.equal(warm.files, 1, 'only the edited file is parsed');
  assert.equal(warm.snippets, 0, 'no expansion is parsed again');
  rmSync(cacheDir, { recursive: true, force: true });
});

test('a crate walked again after an edit reads only the edited file: the others are known by their recorded state', async () => {
  const { ws, cacheDir } = freshDirs();
  // States are recorded only for files unchanged for STAT_TRUST_MS before they are read.
  await new Promise((done) => setTimeout(done, STAT_TRUST_MS + 100));
  const cold = openInProcess(ws, cacheDir, true);
  assert.ok(cold.read.length > 10, `the cold open reads every file (${cold.read.length})`);
  const edited = 'crates/units-core/src/stats.rs';
  appendFileSync(join(ws, edited), '\n// edited\n');
  const warm = openInProcess(ws, cacheDir, true);
  assert.deepEqual(warm.units, openInProcess(ws, cacheDir, false).units);
  assert.deepEqual(warm.read, [join(ws, edited)]);
  rmSync(cacheDir, { recursive: true, force: true });
});

test('with a call that may be a proc-macro, of the unparsed files only those that may define a macro are read again', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'cargo-units-ws-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  mkdirSync(join(ws, 'src'));
  writeFileSync(join(ws, 'Cargo.toml'), '[package]\nname = "calls"\nversion = "0.1.0"\nedition = "2021"\n');
  // `named!("…")` may be a proc-macro reading a file, until a definition in the crate says otherwise.
  writeFileSync(join(ws, 'src', 'lib.rs'), '#[macro_use]\nmod defs;\nmod plain;\nnamed!("data.txt");\n');
  writeFileSync(join(ws, 'src', 'defs.rs'), 'macro_rules! named {\n    ($s:literal) => {};\n}\n');
  writeFileSync(join(ws, 'src', 'plain.rs'), 'pub fn f() -> u32 {\n    1\n}\n');
  await new Promise((done) => setTimeout(done, STAT_TRUST_MS + 100));
  openInProcess(ws, cacheDir, true);
  appendFileSync(join(ws, 'src', 'lib.rs'), '\n// edited\n');
  const warm = openInProcess(ws, cacheDir, true);
  assert.deepEqual(warm.units, openInProcess(ws, cacheDir, false).units);
  // lib.rs was edited; defs.rs is read to find `named`'s definition; plain.rs defines nothing.
  assert.deepEqual(warm.read, [join(ws, 'src', 'defs.rs'), join(ws, 'src', 'lib.rs')]);
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(ws, { recursive: true, force: true });
});
