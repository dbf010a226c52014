/**
 * Two builds of one workspace at once: the other build records the build script's
 * rerun-if-changed paths first, so this build's learning changes no file. This build must still
 * regenerate and build against them, leaving nothing stale for the next build.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { buildWorkspace } from '../../src/core/nix/build.js';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { LEARNED_FILE } from '../../src/core/nix/rerun.js';
import { copyFixture, EXAMPLE } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';

test('paths learned by a concurrent build are used even when this build learns nothing new', { skip: NIX_SKIP, timeout: 180_000 }, async () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();
  const nixDir = join(ws, '.cargo-units');
  const rustc = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const units = ['units-core/lib/units_core'];
  const script = 'units-core/custom-build/build-script-build';
  const learned = { [script]: ['crates/units-core/build.rs', 'crates/units-core/build/prefixes.rs'] };
  const events: BuildEvent[] = [];
  const index = await UnitIndex.open(ws);
  const r = await buildWorkspace(index, {
    nixDir,
    rustc,
    units,
    env,
    onEvent: (e) => {
      events.push(e);
      // After this build generated its Nix directory, "another build" records what the script prints.
      if (e.type === 'plan') writeFileSync(join(nixDir, LEARNED_FILE), JSON.stringify(learned, null, 1) + '\n');
    },
  });
  assert.equal(r.ok, true, JSON.stringify(events.filter((e) => e.type === 'failed')));
  assert.deepEqual(JSON.parse(readFileSync(join(nixDir, 'units.json'), 'utf8')).units[script].run.files, learned[script]);
  // Nothing is left to build: what was built is what the Nix directory now describes.
  const dry = await buildWorkspace(await UnitIndex.open(ws), { nixDir, rustc, units, env, dryRun: true, onEvent: () => undefined });
  assert.deepEqual(dry.plan.build, []);
});
