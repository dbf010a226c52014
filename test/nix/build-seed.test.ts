/**
 * The seed's scenario: `app` (lib + bin) beside 7 packages it depends on. Touching app/src/lib.rs
 * rebuilds app's units only; with content-addressed derivations an edit that leaves a library's
 * output byte-identical rebuilds none of its dependents.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP, started, doneOut } from './nix-env.js';
import { writeGeneratedWorkspace } from './generated-workspace.js';
import { spawnSync } from 'node:child_process';

function workspace(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-seed-')), 'ws');
  writeGeneratedWorkspace(ws, 7);
  return ws;
}

function editDescription(ws: string, pkg: string): void {
  const f = join(ws, pkg, 'Cargo.toml');
  writeFileSync(f, readFileSync(f, 'utf8').replace(/description = "[^"]*"/, 'description = "edited description"'));
}

test('touching app/src/lib.rs rebuilds exactly app/lib/app and app/bin/app, none of the 7', { skip: NIX_SKIP, timeout: 300_000 }, () => {
  const ws = workspace();
  const env = isolatedNixEnv();
  const first = cliBuild(env, ws, []);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(finishedOf(first).built.length, 25, finishedOf(first).built.join(', '));
  const out = spawnSync(join(doneOut(first, 'app/bin/app'), 'bin', 'app'), { encoding: 'utf8' });
  assert.equal(out.stdout, spawnSync('cargo', ['run', '-q', '--offline', '--bin', 'app'], { cwd: ws, encoding: 'utf8' }).stdout);

  appendFileSync(join(ws, 'app/src/lib.rs'), '// touched\n');
  const dry = cliBuild(env, ws, ['--dry-run', '--unit', 'app/bin/app', ...Array.from({ length: 7 }, (_, i) => ['--unit', `p${i + 1}/lib/p${i + 1}`]).flat()]);
  const plan = dry.events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(plan.build, ['app/bin/app', 'app/lib/app']);
  assert.equal(plan.cached.length, 7);

  // Arguments after `--` reach Nix: with no build slots nothing can be built.
  const none = cliBuild(env, ws, ['--', '--max-jobs', '0']);
  assert.equal(none.status, 1);
  assert.ok(none.events.some((e) => e.type === 'failed' && e.unit === null && e.message.includes('unable to start any build')), JSON.stringify(none.events));
  assert.deepEqual(started(none), []);

  const b = cliBuild(env, ws, []);
  assert.equal(b.status, 0, b.stderr);
  assert.deepEqual(started(b), ['app/bin/app', 'app/bin/app[test]', 'app/lib/app', 'app/lib/app[test]']);
  assert.deepEqual(finishedOf(b).built, ['app/bin/app', 'app/bin/app[test]', 'app/lib/app', 'app/lib/app[test]']);

  // Without content addressing, a description edit in p1 rebuilds everything that depends on p1.
  editDescription(ws, 'p1');
  const ia = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(ia.status, 0, ia.stderr);
  assert.ok(started(ia).includes('app/lib/app') && started(ia).includes('p7/lib/p7'), started(ia).join(', '));

  // Manifest text reaches rustc verbatim and is never run as shell or Nix code.
  const evil = 'x $(touch PWNED) `touch PWNED` ${throw "nix"} "q" \\ ; \' end';
  const manifest = join(ws, 'app', 'Cargo.toml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('description = "the app"', `description = ${JSON.stringify(evil)}`));
  const e = cliBuild(env, ws, ['--unit', 'app/bin/app']);
  assert.equal(e.status, 0, e.stderr);
  const printed = spawnSync(join(doneOut(e, 'app/bin/app'), 'bin', 'app'), { encoding: 'utf8' }).stdout;
  assert.ok(printed.includes(`(${evil})`), printed);
});

test('contentAddressed: a library rebuilt byte-identical does not rebuild its dependents', { skip: NIX_SKIP, timeout: 300_000 }, () => {
  const ws = workspace();
  const env = isolatedNixEnv();
  const first = cliBuild(env, ws, ['--content-addressed', '--unit', 'app/bin/app']);
  assert.equal(first.status, 0, first.stderr);
  const p1Before = doneOut(first, 'p1/lib/p1');

  // CARGO_PKG_DESCRIPTION changes p1's derivation, but p1's code never reads it: same rlib.
  editDescription(ws, 'p1');
  const b = cliBuild(env, ws, ['--content-addressed', '--unit', 'app/bin/app']);
  assert.equal(b.status, 0, b.stderr);
  assert.deepEqual(finishedOf(b).built, ['p1/lib/p1']);
  assert.deepEqual(started(b), ['p1/lib/p1']);
  assert.equal(doneOut(b, 'p1/lib/p1'), p1Before, 'byte-identical output, same content-addressed path');

  // A real change still propagates.
  appendFileSync(join(ws, 'p1/src/extra.rs'), 'pub fn more() -> u64 { 1 }\n');
  const c = cliBuild(env, ws, ['--content-addressed', '--unit', 'app/bin/app']);
  assert.equal(c.status, 0, c.stderr);
  assert.ok(started(c).includes('p2/lib/p2') && started(c).includes('app/bin/app'), started(c).join(', '));
});
