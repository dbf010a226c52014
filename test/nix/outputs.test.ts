/**
 * Output paths, --out-link and GC roots of `cargo-units build`, with real Nix in a private store:
 * every requested unit's output is named in `finished.outs` (built or already in the store), the
 * links follow nix-build's naming, and `nix-store --gc` keeps the whole incremental state unless
 * --no-gc-roots.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { unitClosure } from '../../src/core/nix/gc-roots.js';
import type { NixUnitsJson } from '../../src/core/nix/units-json.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';

const CONVERT = 'units-cli/bin/convert';
const CLI = 'units-cli/bin/units-cli';

function gc(env: NodeJS.ProcessEnv): void {
  execFileSync('nix-store', ['--gc'], { env, stdio: 'ignore' });
}

test('outs, --out-link, GC roots: nix-store --gc leaves a no-op build with nothing to do and an edit rebuilds only its units', { skip: NIX_SKIP, timeout: 400_000 }, () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();
  const units = ['--unit', CLI, '--unit', CONVERT];

  const first = cliBuild(env, ws, [...units, '--out-link', 'result']);
  assert.equal(first.status, 0, first.stderr);
  const f1 = finishedOf(first);
  assert.deepEqual(Object.keys(f1.outs).sort(), [CONVERT, CLI]);
  // nix-build's naming: result for the first unit (in unit-id order), result-2 for the next.
  assert.equal(readlinkSync(join(ws, 'result')), f1.outs[CONVERT]);
  assert.equal(readlinkSync(join(ws, 'result-2')), f1.outs[CLI]);
  const converted = spawnSync(join(ws, 'result', 'bin', 'convert'), ['5 km', 'm'], { encoding: 'utf8' });
  assert.equal(converted.stdout, '5 km = 5000 m\n', converted.stderr);
  // Counts add up: every planned unit ends in exactly one list.
  const plan = first.events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.equal(plan.build.length + plan.substitute.length + plan.cached.length, f1.built.length + f1.substituted.length + f1.cached.length + f1.failed.length + f1.skipped.length);

  // Garbage collection keeps every unit the requested ones need (the roots under .cargo-units/gcroots).
  gc(env);
  const noop = cliBuild(env, ws, units);
  assert.equal(noop.status, 0, noop.stderr);
  assert.deepEqual(started(noop), [], 'a no-op build after nix-store --gc builds nothing');
  const f2 = finishedOf(noop);
  assert.deepEqual(f2.outs, f1.outs, 'already-built units still name their output paths');
  assert.deepEqual(f2.cached, [CONVERT, CLI]);

  // Human mode names them too.
  const human = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', ...units], { cwd: ws, env, encoding: 'utf8' });
  assert.equal(human.status, 0, human.stderr);
  assert.ok(human.stdout.includes(`${CLI} ${f1.outs[CLI]}\n`), human.stdout);
  assert.ok(human.stdout.includes(`${CONVERT} ${f1.outs[CONVERT]}\n`), human.stdout);

  // After an edit and another GC, exactly the edited file's readers among the requested units'
  // closure are rebuilt: nothing starts over.
  const file = 'crates/units-parse/src/lib.rs';
  appendFileSync(join(ws, file), '\n// edited\n');
  gc(env);
  const edit = cliBuild(env, ws, units);
  assert.equal(edit.status, 0, edit.stderr);
  const affected = (JSON.parse(execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'affected', '--json', file], { cwd: ws, encoding: 'utf8' })) as { units: string[] }).units;
  const json = JSON.parse(readFileSync(join(ws, '.cargo-units', 'units.json'), 'utf8')) as NixUnitsJson;
  const closure = unitClosure(json, [CLI, CONVERT]);
  assert.deepEqual(finishedOf(edit).built, affected.filter((id) => closure.includes(id)).sort());
  assert.notEqual(finishedOf(edit).outs[CLI], f1.outs[CLI]);
});

test('--no-gc-roots: nothing roots the build, so nix-store --gc removes it and the next build starts over', { skip: NIX_SKIP, timeout: 300_000 }, () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();
  const unit = ['--unit', 'units-core/lib/units_core'];
  const first = cliBuild(env, ws, [...unit, '--no-gc-roots']);
  assert.equal(first.status, 0, first.stderr);
  const built = finishedOf(first).built;
  assert.ok(built.includes('units-core/lib/units_core'));
  gc(env);
  const again = cliBuild(env, ws, [...unit, '--no-gc-roots']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(finishedOf(again).built, built, 'without roots everything is built again');
});
