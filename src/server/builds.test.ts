import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BuildProgress } from '../protocol/lsp_ext.js';
import { Builds } from './builds.js';

const CHILD = join(import.meta.dirname, 'build-child.fixture.mjs');

/** One build through `Builds` with the fixture program as the build command; its progress messages. */
async function buildOnce(env: Record<string, string>, settings: { vendorDir?: string } = {}): Promise<BuildProgress[]> {
  const root = mkdtempSync(join(tmpdir(), 'cargo-units-builds-'));
  const progress: BuildProgress[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, { STEP_MS: '5', ...env });
  try {
    const builds = new Builds({
      settings: {
        command: [process.execPath, CHILD],
        nixCommand: 'nix',
        nixArgs: [],
        vendorDir: settings.vendorDir ?? '',
        profile: '',
        onSave: true,
        debounceMs: 0,
      },
      bundled: { node: process.execPath, cli: 'unused' },
      targetOf: (r) => ({ root: r, features: [], allFeatures: false, noDefaultFeatures: false, target: '', cfgs: [] }),
      unitsOf: (_r, job) => job.units,
      depsOf: () => ({}),
      packageDirOf: () => undefined,
      report: (p) => progress.push(p),
      onError: (err) => assert.fail(String(err)),
    });
    builds.request(root, { units: ['a'] }, true);
    await builds.idle();
    return progress;
  } finally {
    process.env = saved;
    rmSync(root, { recursive: true, force: true });
  }
}

const endOf = (p: BuildProgress[]) => p.find((x): x is Extract<BuildProgress, { kind: 'end' }> => x.kind === 'end')!;

test('a build command that stops before planning: its error output is the message, pointing at the vendor setting when it asks for sources', async () => {
  const msg = 'Cargo.lock:16: error: the source of `aho-corasick v0.7.19` is needed to plan its units: pass `--vendor DIR`';
  const end = endOf(await buildOnce({ EARLY_ERROR: msg }));
  assert.deepEqual(
    { ...end, workspace: '' },
    { workspace: '', build: 1, kind: 'end', outcome: 'failed', message: msg, reason: 'command', setting: 'vendorDir', exitCode: 2 },
  );
});

test('a stdout line that is no build event fails the build with the contract message; a good build ends with no message', async () => {
  const bad = endOf(await buildOnce({ BAD_LINE: 'building…' }));
  assert.equal(bad.reason, 'protocol');
  assert.match(bad.message ?? '', /printed 1 line that is not build events \(first: not a build event \(not JSON\): building…\)/);
  const good = endOf(await buildOnce({}));
  assert.equal(good.outcome, 'succeeded');
  assert.equal(good.message, undefined);
});

test('a vendor directory that does not exist fails the build against the setting, before running anything', async () => {
  const end = endOf(await buildOnce({}, { vendorDir: 'no-such-vendor' }));
  assert.equal(end.reason, 'setting');
  assert.equal(end.setting, 'vendorDir');
  assert.match(end.message ?? '', /^cargoUnits\.vendorDir: `.*no-such-vendor` is not a directory/);
});
