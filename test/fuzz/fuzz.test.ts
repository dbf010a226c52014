/**
 * The bounded fuzz run of `npm test` (a fixed seed, so a failure reproduces), and every saved crash
 * case replayed. `npm run fuzz` runs the same targets for longer with fresh seeds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPO } from '../helpers.js';
import { fuzz, regressions } from './run.js';
import { cfgTarget, loadSeeds, manifestTarget, scannerTarget, type Target } from './targets.js';

const seeds = loadSeeds(REPO);
const BOUNDED = { seed: 20261125, maxInputs: 400, maxSeconds: 60, save: false };

async function check(target: Target): Promise<void> {
  for (const r of regressions(target)) {
    await assert.doesNotReject(() => target.run(r.input), `regression ${r.file}`);
  }
  const stats = await fuzz(target, BOUNDED);
  assert.ok(stats.inputs >= 50, `only ${stats.inputs} inputs in the time bound`);
  const shown = stats.failures.slice(0, 3).map((f) => `${f.message}\ninput: ${JSON.stringify(f.input.slice(0, 400))}`);
  assert.deepEqual(shown, [], `${stats.failures.length} failing inputs (run \`npm run fuzz\` to save them as regressions)`);
}

test('fuzz: the cfg parser', { timeout: 120_000 }, () => check(cfgTarget(seeds.cfgs)));
test('fuzz: the manifest reader and the Cargo model', { timeout: 120_000 }, () => check(manifestTarget(seeds.manifests)));
test('fuzz: the scanner through the index', { timeout: 120_000 }, async () => check(await scannerTarget(seeds.rust)));
