/**
 * Binary caches with real Nix: units a `file://` cache provides are fetched, reported as
 * `substituted`, and never built; after an edit only the edited file's readers are built, their
 * dependencies coming from the cache.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unitClosure } from '../../src/core/nix/gc-roots.js';
import type { NixUnitsJson } from '../../src/core/nix/units-json.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { deleteFromStore, fromCache, pushToCache, rootedOutputs } from './binary-cache.js';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';

const CLI = 'units-cli/bin/units-cli';

test('a file:// binary cache: the deleted build comes back substituted, nothing built; an edit builds only its readers', { skip: NIX_SKIP, timeout: 400_000 }, (t) => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const cache = mkdtempSync(join(tmpdir(), 'cargo-units-cache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const env = isolatedNixEnv();

  const first = cliBuild(env, ws, ['--unit', CLI]);
  assert.equal(first.status, 0, first.stderr);
  const out = finishedOf(first).outs[CLI]!;
  const outs = rootedOutputs(ws);
  assert.ok(outs.includes(out) && outs.length >= 6, `the closure is rooted: ${outs.join(' ')}`);
  // CI pushes; then this store loses everything, as a developer's machine never had it.
  pushToCache(env, cache, outs);
  assert.deepEqual(deleteFromStore(env, ws, outs), []);

  const { args, nixArgs } = fromCache(cache);
  const pulled = cliBuild(env, ws, ['--unit', CLI, ...args, ...nixArgs]);
  assert.equal(pulled.status, 0, pulled.stderr);
  const plan = pulled.events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(plan.build, [], 'nothing to build: the cache has it');
  assert.deepEqual(plan.substitute, [CLI]);
  const f = finishedOf(pulled);
  assert.deepEqual(started(pulled), []);
  assert.deepEqual(f.built, []);
  assert.deepEqual(f.substituted, [CLI]);
  assert.equal(f.outs[CLI], out, 'the same derivation, the same output path');
  assert.ok(pulled.events.some((e) => e.type === 'substituted' && e.unit === CLI && e.out === out));
  assert.equal(spawnSync(join(out, 'bin', 'units-cli'), ['2 km'], { encoding: 'utf8' }).status, 0);
  assert.equal(plan.build.length + plan.substitute.length + plan.cached.length, f.built.length + f.substituted.length + f.cached.length + f.failed.length + f.skipped.length);

  // A developer's edit: its readers are built, their dependencies fetched from the cache.
  const file = 'crates/units-parse/src/lib.rs';
  appendFileSync(join(ws, file), '\n// edited\n');
  const edit = cliBuild(env, ws, ['--unit', CLI, ...args, ...nixArgs]);
  assert.equal(edit.status, 0, edit.stderr);
  const affected = (JSON.parse(execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'affected', '--json', file], { cwd: ws, encoding: 'utf8' })) as { units: string[] }).units;
  const closure = unitClosure(JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as NixUnitsJson, [CLI]);
  const fe = finishedOf(edit);
  assert.deepEqual(fe.built, affected.filter((id) => closure.includes(id)).sort());
  assert.ok(fe.substituted.includes('units-core/lib/units_core'), `dependencies come from the cache: ${fe.substituted.join(', ')}`);
  assert.deepEqual(fe.built.filter((id) => fe.substituted.includes(id)), []);
});
