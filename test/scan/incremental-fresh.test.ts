/**
 * Incremental updates give what a fresh index of the same state gives: after each step (unsaved
 * text, files and directories created or deleted on disk), every unit's files, external files,
 * uncertain files and diagnostics, and the owners of every file, equal those of a new UnitIndex.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, UnitIndex, type IndexOptions } from '../../src/core/index.js';
import { copyFixture, EXAMPLE, open } from '../helpers.js';

function snapshot(index: UnitIndex): unknown {
  const files = new Set<string>();
  for (const e of index.entries) for (const f of e.files) files.add(f);
  return {
    units: index.entries.map((e) => ({ id: e.unit.id, files: e.files, external: e.external, uncertain: e.uncertain, diagnostics: e.diagnostics })),
    owners: [...files].sort().map((f) => [f, index.unitsOf(f).map((e) => e.unit.id)]),
  };
}

/** Applies each step to `index` and compares with a fresh index of the same files (and overlays). */
async function check(
  index: UnitIndex,
  ws: string,
  opts: IndexOptions,
  steps: { what: string; run: (i: UnitIndex) => void; overlays?: Record<string, string> }[],
): Promise<void> {
  const overlays: Record<string, string> = {};
  for (const step of steps) {
    step.run(index);
    Object.assign(overlays, step.overlays ?? {});
    for (const [k, v] of Object.entries(overlays)) if (v === '') delete overlays[k];
    const fresh = await open(ws, opts);
    for (const [file, text] of Object.entries(overlays)) fresh.updateFile(file, text, true);
    assert.deepEqual(snapshot(index), snapshot(fresh), step.what);
  }
}

const PARSE = 'crates/units-parse/src';
const CORE = 'crates/units-core/src';

for (const cached of [false, true]) {
  test(`updates equal a fresh index${cached ? ' (index opened warm from the facts cache)' : ''}`, async () => {
    const ws = copyFixture(EXAMPLE);
    const opts: IndexOptions = cached ? { ...DEFAULT_OPTIONS, cache: mkdtempSync(join(tmpdir(), 'cargo-units-cache-')) } : DEFAULT_OPTIONS;
    if (cached) await UnitIndex.open(ws, opts); // fills the cache
    const index = await UnitIndex.open(ws, opts);
    if (cached) assert.equal(index.store.parsedCount, 0, 'opened warm');
    const p = (rel: string) => join(ws, rel);
    const lexer = p(`${PARSE}/lexer.rs`);
    const lib = p(`${CORE}/lib.rs`);
    await check(index, ws, opts, [
      {
        what: 'unsaved text declares a missing module',
        run: (i) => i.updateFile(lexer, 'pub mod tokens;\n', true),
        overlays: { [lexer]: 'pub mod tokens;\n' },
      },
      {
        what: 'the module file and its directory appear on disk',
        run: (i) => {
          mkdirSync(p(`${PARSE}/lexer`));
          writeFileSync(p(`${PARSE}/lexer/tokens.rs`), 'pub mod deeper;\n');
          i.updateFile(p(`${PARSE}/lexer/tokens.rs`));
        },
      },
      {
        what: 'a nested module file appears',
        run: (i) => {
          mkdirSync(p(`${PARSE}/lexer/tokens`));
          writeFileSync(p(`${PARSE}/lexer/tokens/deeper.rs`), '#[path = "../../aliases.rs"]\nmod again;\n');
          i.updateFile(p(`${PARSE}/lexer/tokens/deeper.rs`));
        },
      },
      {
        what: 'the declaration moves down two lines (its diagnostics move too)',
        run: (i) => i.updateFile(lexer, '\n\npub mod tokens;\n', true),
        overlays: { [lexer]: '\n\npub mod tokens;\n' },
      },
      { what: 'unsaved text dropped: back to the disk contents', run: (i) => i.updateFile(lexer, undefined, true), overlays: { [lexer]: '' } },
      {
        what: 'a module gated by a feature that is off is declared in unsaved text',
        run: (i) => i.updateFile(lib, `#[cfg(feature = "no-such-feature")]\npub mod gone;\n#[cfg(not(feature = "no-such-feature"))]\npub mod report;\n`, true),
        overlays: { [lib]: `#[cfg(feature = "no-such-feature")]\npub mod gone;\n#[cfg(not(feature = "no-such-feature"))]\npub mod report;\n` },
      },
      { what: 'lib.rs back to disk', run: (i) => i.updateFile(lib, undefined, true), overlays: { [lib]: '' } },
      {
        what: 'a module file is deleted on disk',
        run: (i) => {
          unlinkSync(p(`${PARSE}/aliases.rs`));
          i.updateFile(p(`${PARSE}/aliases.rs`));
        },
      },
      {
        what: 'a module directory is deleted on disk (the update names the directory)',
        run: (i) => {
          rmSync(p(`${CORE}/prefix`), { recursive: true });
          i.updateFile(p(`${CORE}/prefix/mod.rs`));
        },
      },
      {
        what: 'the deleted module comes back as name.rs',
        run: (i) => {
          writeFileSync(p(`${CORE}/prefix.rs`), 'pub const KILO: f64 = 1000.0;\n');
          i.updateFile(p(`${CORE}/prefix.rs`));
        },
      },
    ]);
  });
}

test('an edit that changes nothing resolution sees (a function body) re-resolves no unit', async () => {
  const ws = copyFixture(EXAMPLE);
  const index = await open(ws);
  const lib = join(ws, `${PARSE}/lib.rs`);
  const before = index.unit('units-parse/lib/units_parse');
  const text = readFileSync(lib, 'utf8');
  assert.deepEqual(index.updateFile(lib, `${text}\nfn more() -> u32 { 1 }\n`, true), []);
  assert.equal(index.unit('units-parse/lib/units_parse'), before, 'same entry object: not resolved again');
  // A new declaration is seen.
  index.updateFile(lib, `${text}\nmod more;\n`, true);
  assert.notEqual(index.unit('units-parse/lib/units_parse'), before);
  assert.ok(index.diagnostics().some((d) => d.file === lib && /file not found for module `more`/.test(d.message)));
});
