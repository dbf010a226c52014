/**
 * Which registry dependencies can give proc-macros, from their manifests; what a manifest says is
 * kept in the facts cache with its state, and a changed manifest is read again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_OPTIONS, UnitIndex } from '../index.js';
import { cacheFileFor } from './cache.js';
import { STAT_TRUST_MS } from '../file-state.js';

const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-proc-deps-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A member calling `facade::load!("data/table.csv")`, `facade` coming from a vendor directory. */
function workspace(): { ws: string; manifest: string } {
  const ws = join(tmp, 'ws');
  const write = (rel: string, text: string) => {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  write('Cargo.toml', '[workspace]\nmembers = ["app"]\nresolver = "2"\n');
  write('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nfacade = "1"\n');
  write('app/src/lib.rs', 'facade::load!("data/table.csv");\n');
  write('app/data/table.csv', 'a,b\n');
  write('.cargo/config.toml', '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "../vendor"\n');
  const manifest = join(tmp, 'vendor', 'facade-1.0.0', 'Cargo.toml');
  mkdirSync(join(manifest, '..'), { recursive: true });
  writeFileSync(manifest, '[package]\nname = "facade"\nversion = "1.0.0"\n');
  return { ws, manifest };
}

test("a registry manifest's answer is kept with its state; an edited manifest is read again", async () => {
  const { ws, manifest } = workspace();
  const cacheDir = join(tmp, 'cache');
  const opts = { ...DEFAULT_OPTIONS, cache: cacheDir };
  const table = (index: UnitIndex) => index.unit('app/lib/app')!.files.includes(join(ws, 'app/data/table.csv'));
  // Recorded only when the manifest had not changed for a while before it was read.
  await new Promise((r) => setTimeout(r, STAT_TRUST_MS + 100));
  const cold = await UnitIndex.open(ws, opts);
  assert.equal(table(cold), false, 'facade is no proc-macro crate: the string names no file');
  const derived = JSON.parse(readFileSync(cacheFileFor(cacheDir, cold.workspace.root), 'utf8')).derived as Record<string, { value: unknown }>;
  const key = Object.keys(derived).find((k) => k.endsWith(manifest));
  assert.ok(key, `the manifest's answer is kept: ${Object.keys(derived).join(', ')}`);
  assert.deepEqual(derived[key]!.value, { procMacro: false, deps: [] });

  // Edited, with an old modification time.
  writeFileSync(manifest, '[package]\nname = "facade"\nversion = "1.0.0"\n[lib]\nproc-macro = true\n');
  utimesSync(manifest, 1_600_000_000, 1_600_000_000);
  const warm = await UnitIndex.open(ws, opts);
  const plain = await UnitIndex.open(ws, DEFAULT_OPTIONS);
  assert.equal(table(plain), true, 'a proc-macro crate may read the file the string names');
  assert.equal(table(warm), true, 'the edited manifest was read again');
  assert.deepEqual(warm.unit('app/lib/app')!.uncertain, plain.unit('app/lib/app')!.uncertain);
});
