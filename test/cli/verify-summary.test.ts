/** `verify --summary`: recall and precision over feature sets, against real rustc. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { score, type UnitVerdict } from '../../src/core/verify.js';
import { fixture, REPO } from '../helpers.js';

test('score: recall counts read files we list, precision listed files rustc read', () => {
  const v = (id: string, read: number, listed: number, missed: number, extra: number, error?: string): UnitVerdict => ({
    id,
    listed,
    read: Array.from({ length: read }, (_, i) => `/r${i}`),
    missed: Array.from({ length: missed }, (_, i) => `/m${i}`),
    extra: Array.from({ length: extra }, (_, i) => `/e${i}`),
    unexplained: [],
    seconds: 0,
    ...(error ? { error } : {}),
  });
  const s = score([v('a', 10, 12, 0, 2), v('b', 5, 4, 1, 0), v('c', 0, 0, 0, 0, 'no dep-info')]);
  assert.equal(s.units, 2);
  assert.equal(s.errors, 1);
  assert.equal(s.recall, 14 / 15);
  assert.equal(s.precision, 14 / 16);
  assert.deepEqual(s.unitsWithMisses, ['b']);
});

test('verify --summary --json over three feature sets of a fixture', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const args = ['verify', '--summary', '--json', '--feature-set', 'none', '--feature-set', 'default', '--feature-set', 'extra', fixture('scan', 'buildcfg')];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: REPO });
  assert.equal(code, 0, err.join('\n'));
  const json = JSON.parse(out.join('\n'));
  assert.deepEqual(
    json.featureSets.map((r: { featureSet: string }) => r.featureSet),
    ['none', 'default', 'extra'],
  );
  // buildcfg's lib lists both sides of a build-script cfg: one extra file per lib unit.
  const def = json.featureSets[1].score;
  assert.equal(def.missed, 0);
  assert.equal(def.recall, 1);
  assert.equal(def.extra, 2);
  assert.equal(def.precision, (def.listed - 2) / def.listed);
  assert.equal(json.total.units, 3 * def.units);
});
