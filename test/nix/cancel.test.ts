/** Cancelling a build (AbortSignal) stops nix-store and every builder it started. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { buildWorkspace } from '../../src/core/nix/build.js';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { copyFixture, EXAMPLE } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP, processesMentioning } from './nix-env.js';

test('an aborted build kills the nix process group and reports cancellation', { skip: NIX_SKIP, timeout: 120_000 }, async () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();
  const store = env.NIX_STORE_DIR!;
  const index = await UnitIndex.open(ws);
  const rustc = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const abort = new AbortController();
  const events: BuildEvent[] = [];
  const t0 = performance.now();
  const r = await buildWorkspace(index, {
    nixDir: join(ws, '.cargo-units'),
    rustc,
    units: index.entries.map((e) => e.unit.id),
    env,
    signal: abort.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'start' && !abort.signal.aborted) abort.abort();
    },
  });
  assert.ok(events.some((e) => e.type === 'start'), 'a build started');
  assert.equal(r.cancelled, true);
  assert.equal(r.ok, false);
  assert.ok(performance.now() - t0 < 60_000);
  const fin = events.at(-1);
  assert.ok(fin && fin.type === 'finished');
  assert.ok(fin.failed.length + fin.skipped.length > 0, 'unbuilt units are reported');
  assert.ok(events.some((e) => e.type === 'failed' && e.unit === null && e.message === 'cancelled'));
  // Nothing of this build keeps running (builders have the private store in their environment).
  let left = processesMentioning(store);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await new Promise((res) => setTimeout(res, 100));
    left = processesMentioning(store);
  }
  assert.deepEqual(left, []);
});

test('a build aborted before it starts runs no Nix command and reports cancellation', { skip: NIX_SKIP, timeout: 60_000 }, async () => {
  const ws = copyFixture(EXAMPLE);
  const env = isolatedNixEnv();
  const index = await UnitIndex.open(ws);
  const rustc = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const events: BuildEvent[] = [];
  const r = await buildWorkspace(index, { nixDir: join(ws, '.cargo-units'), rustc, units: ['units-core/lib/units_core'], env, signal: AbortSignal.abort(), onEvent: (e) => events.push(e) });
  assert.equal(r.cancelled, true);
  assert.deepEqual(events.map((e) => e.type), ['failed', 'finished']);
  assert.equal(existsSync(env.NIX_STORE_DIR!), false, 'Nix never ran');
});
