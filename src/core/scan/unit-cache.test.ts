/**
 * Cached unit resolutions and rustc's remembered answer are used only when nothing they depend on
 * changed: a warm open always equals a cold one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, EXAMPLE } from '../../../test/helpers.js';
import { DEFAULT_OPTIONS, UnitIndex } from '../index.js';
import { cacheFileFor } from './cache.js';
import { STAT_TRUST_MS } from '../file-state.js';

function snapshot(index: UnitIndex): unknown {
  return index.entries.map((e) => ({
    id: e.unit.id,
    files: e.files,
    external: e.external,
    uncertain: e.uncertain,
    diagnostics: e.diagnostics,
    probed: [...e.probed].sort(),
  }));
}

async function warmAndPlain(ws: string, cacheDir: string): Promise<{ warm: UnitIndex; plain: UnitIndex }> {
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  return { warm, plain };
}

function editCache(cacheDir: string, root: string, edit: (data: Record<string, Record<string, unknown>>) => void): void {
  const file = cacheFileFor(cacheDir, root);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  edit(data);
  writeFileSync(file, JSON.stringify(data));
}

test('a file appearing where a unit looked for one makes its cached resolution unusable', async () => {
  const ws = copyFixture(EXAMPLE);
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  // lib.rs declares `mod aliases;` (aliases.rs): aliases/mod.rs was probed and missing.
  mkdirSync(join(ws, 'crates/units-parse/src/aliases'));
  writeFileSync(join(ws, 'crates/units-parse/src/aliases/mod.rs'), 'pub struct Other;\n');
  const { warm, plain } = await warmAndPlain(ws, cacheDir);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  assert.ok(warm.unit('units-parse/lib/units_parse')!.files.includes(join(ws, 'crates/units-parse/src/aliases/mod.rs')), 'both files listed (E0761)');
  assert.ok(warm.store.cache!.unitHits < warm.entries.length, 'the affected units were resolved again');
  assert.ok(warm.store.cache!.unitHits > 0, 'the others came from the cache');
});

test('an included file that changes, or a cached entry that is corrupt, is not trusted', async () => {
  const ws = copyFixture(EXAMPLE);
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  writeFileSync(join(ws, 'crates/units-parse/src/unit_table.rs'), 'include!("more.rs")\n');
  writeFileSync(join(ws, 'crates/units-parse/src/more.rs'), '[]\n');
  editCache(cacheDir, cold.workspace.root, (data) => {
    const units = data.units!;
    const keys = Object.keys(units);
    units[keys[0]!] = { probed: 3 } as unknown as Record<string, unknown>;
    units[keys[1]!] = { ...(units[keys[1]!] as object), files: [100000] };
  });
  const { warm, plain } = await warmAndPlain(ws, cacheDir);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  assert.ok(warm.unit('units-parse/lib/units_parse')!.files.includes(join(ws, 'crates/units-parse/src/more.rs')));
});

test('a remembered rustc answer that rustc no longer gives is thrown away', async () => {
  const ws = copyFixture(EXAMPLE);
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  editCache(cacheDir, cold.workspace.root, (data) => {
    for (const t of Object.values(data.toolchains!) as { target: { atoms: unknown[] }; host: { atoms: unknown[] } }[]) {
      // As if the toolchain had been for another platform: no `unix`, a `windows` instead.
      t.target.atoms = [{ name: 'windows' }, { name: 'target_os', value: 'windows' }];
      t.host.atoms = t.target.atoms;
    }
  });
  const { warm, plain } = await warmAndPlain(ws, cacheDir);
  assert.deepEqual(warm.targetCfg, plain.targetCfg);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  // Rewritten with rustc's real answer: the next open uses every cached resolution.
  const again = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.equal(again.store.cache!.unitHits, again.entries.length);
  assert.deepEqual(snapshot(again), snapshot(plain));
});

/** Every `.rs` file of the workspace gets the same old modification time (whole seconds). */
const OLD = 1_600_000_000;
function ageFiles(ws: string, files: string[]): void {
  for (const f of files) utimesSync(join(ws, f), OLD, OLD);
}

test('a file edited in place with its size and modification time kept is read again, not trusted by its recorded state', async () => {
  const ws = copyFixture(EXAMPLE);
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  ageFiles(ws, ['crates/units-parse/src/lib.rs']);
  // The state of a file is recorded only when its last change (ctime too) is older than this.
  await new Promise((r) => setTimeout(r, STAT_TRUST_MS + 100));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const recorded = JSON.parse(readFileSync(cacheFileFor(cacheDir, cold.workspace.root), 'utf8')).stats as Record<string, unknown>;
  assert.ok(recorded[lib], 'the state of lib.rs is recorded');
  // Unchanged: the warm open takes the hash from the recorded state without reading the file.
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(warm.store.hasHash(lib) && !warm.store.hasRead(lib), 'lib.rs was not read');
  assert.equal(warm.store.cache!.unitHits, warm.entries.length);
  // Same length, same mtime (set back), same inode: only the change time tells.
  const before = statSync(lib);
  writeFileSync(lib, readFileSync(lib, 'utf8').replace('mod aliases;', 'mod aliasez;'));
  ageFiles(ws, ['crates/units-parse/src/lib.rs']);
  const after = statSync(lib);
  assert.deepEqual([after.size, after.mtimeMs, after.ino], [before.size, before.mtimeMs, before.ino]);
  const { warm: edited, plain } = await warmAndPlain(ws, cacheDir);
  assert.deepEqual(snapshot(edited), snapshot(plain));
  assert.ok(!edited.unit('units-parse/lib/units_parse')!.files.includes(join(ws, 'crates/units-parse/src/aliases.rs')), 'the edit is seen');
  assert.ok(edited.store.hasRead(lib), 'lib.rs was read again');
});

test('the state of a file changed just before it was read is not recorded (it could change again unseen)', async () => {
  const ws = copyFixture(EXAMPLE); // every file written just now
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const data = JSON.parse(readFileSync(cacheFileFor(cacheDir, cold.workspace.root), 'utf8'));
  assert.ok(data.files.includes(join(ws, 'crates/units-parse/src/lib.rs')), 'lib.rs was read');
  assert.deepEqual(data.stats, {});
  // Read again on the next open: its hash comes from its content.
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(warm.store.hasRead(join(ws, 'crates/units-parse/src/lib.rs')));
});

test("after a warm open that took a file's hash from its recorded state, a change of it on disk is seen by updateFile", async () => {
  const ws = copyFixture(EXAMPLE);
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  ageFiles(ws, ['crates/units-parse/src/lib.rs']);
  await new Promise((r) => setTimeout(r, STAT_TRUST_MS + 100));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(warm.store.hasHash(lib) && !warm.store.hasRead(lib), 'lib.rs known by its recorded state');
  // Saved by an editor: the text on disk changes, then the index is told.
  writeFileSync(lib, readFileSync(lib, 'utf8').replace('mod aliases;', ''));
  const changed = warm.updateFile(lib);
  assert.ok(changed.includes('units-parse/lib/units_parse'), `changed: ${changed.join(', ')}`);
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  assert.deepEqual(snapshot(warm), snapshot(plain));
});

test('a file known by its recorded state during a walk counts by content in the resolution kept: a later edit of it is seen', async () => {
  const ws = copyFixture(EXAMPLE);
  const lib = join(ws, 'crates/units-parse/src/lib.rs');
  const lexer = join(ws, 'crates/units-parse/src/lexer.rs');
  await new Promise((r) => setTimeout(r, STAT_TRUST_MS + 100));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  // lib.rs edited: the crate is walked again; lexer.rs is known by its recorded state, not read.
  writeFileSync(lib, `${readFileSync(lib, 'utf8')}\n// edited\n`);
  const second = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(second.store.hasHash(lexer) && !second.store.hasRead(lexer), 'lexer.rs known by its state');
  // Then lexer.rs declares a module: the resolution kept by the second open must not be restored.
  writeFileSync(lexer, `${readFileSync(lexer, 'utf8')}\nmod lexer_extra;\n`);
  mkdirSync(join(ws, 'crates/units-parse/src/lexer'), { recursive: true });
  writeFileSync(join(ws, 'crates/units-parse/src/lexer/lexer_extra.rs'), 'pub struct Extra;\n');
  const { warm, plain } = await warmAndPlain(ws, cacheDir);
  assert.deepEqual(snapshot(warm), snapshot(plain));
  assert.ok(warm.unit('units-parse/lib/units_parse')!.files.includes(join(ws, 'crates/units-parse/src/lexer/lexer_extra.rs')), 'the new module file is listed');
});

test('a one-shot warm open that restores every unit loads no parser; one that has a file to parse loads it', async () => {
  const ws = copyFixture(EXAMPLE);
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  // A fresh process each time: whether the tree-sitter runtime was loaded is per process.
  const script = join(cacheDir, 'open.mts');
  writeFileSync(
    script,
    `import { DEFAULT_OPTIONS, UnitIndex } from ${JSON.stringify(join(import.meta.dirname, '..', 'index.ts'))};
import { runtimeLoaded } from ${JSON.stringify(join(import.meta.dirname, 'parser.ts'))};
const index = await UnitIndex.open(${JSON.stringify(ws)}, { ...DEFAULT_OPTIONS, cache: ${JSON.stringify(cacheDir)}, oneShot: true });
console.log(JSON.stringify({ hits: index.store.cache!.unitHits, units: index.entries.length, runtime: runtimeLoaded(), files: index.unit('units-parse/lib/units_parse')!.files }));
`,
  );
  const open = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { hits: number; units: number; runtime: boolean; files: string[] };
  };
  const warm = open();
  assert.equal(warm.hits, warm.units);
  assert.equal(warm.runtime, false, 'the tree-sitter runtime was loaded');
  writeFileSync(join(ws, 'crates/units-parse/src/lib.rs'), `${readFileSync(join(ws, 'crates/units-parse/src/lib.rs'), 'utf8')}\nmod extra;\n`);
  writeFileSync(join(ws, 'crates/units-parse/src/extra.rs'), 'pub struct Extra;\n');
  const edited = open();
  assert.equal(edited.runtime, true);
  assert.ok(edited.files.includes(join(ws, 'crates/units-parse/src/extra.rs')), 'the new module file is listed');
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  assert.deepEqual(edited.files, plain.unit('units-parse/lib/units_parse')!.files);
});

test("a build script's analysis and decisions are kept by content: an edited build script is read again", async () => {
  const ws = copyFixture(EXAMPLE);
  const script = join(ws, 'crates/units-core/build.rs');
  const stats = join(ws, 'crates/units-core/src/stats.rs');
  ageFiles(ws, ['crates/units-core/build.rs']);
  await new Promise((r) => setTimeout(r, STAT_TRUST_MS + 100));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  const cold = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  const data = JSON.parse(readFileSync(cacheFileFor(cacheDir, cold.workspace.root), 'utf8'));
  assert.equal(Object.keys(data.analyses).length, 1, 'the analysis is kept');
  const warm = await UnitIndex.open(ws, { ...DEFAULT_OPTIONS, cache: cacheDir });
  assert.ok(!warm.store.hasRead(script), 'a warm open does not read the build script');
  const lib = (index: UnitIndex) => index.unit('units-core/lib/units_core')!;
  assert.ok(lib(warm).files.includes(stats), '`#[cfg(has_atomics)] mod stats;`: the script may print has_atomics');
  // Now it can only print another name: stats.rs is never read.
  writeFileSync(script, readFileSync(script, 'utf8').replace('rustc-cfg=has_atomics"', 'rustc-cfg=has_atomicz"'));
  ageFiles(ws, ['crates/units-core/build.rs']);
  const { warm: edited, plain } = await warmAndPlain(ws, cacheDir);
  assert.ok(!lib(plain).files.includes(stats));
  assert.deepEqual(snapshot(edited), snapshot(plain));
  // What the index takes the script to print: read from the edited text, as without a cache.
  assert.deepEqual(edited.cfgOf(lib(edited).unit).buildScript, plain.cfgOf(lib(plain).unit).buildScript);
  assert.deepEqual(edited.cfgOf(lib(edited).unit).scriptDecisions, plain.cfgOf(lib(plain).unit).scriptDecisions);
  assert.deepEqual(
    edited.cfgOf(lib(edited).unit).evaluate({ type: 'name', name: 'has_atomics' }),
    plain.cfgOf(lib(plain).unit).evaluate({ type: 'name', name: 'has_atomics' }),
  );
});
