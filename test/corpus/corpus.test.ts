/** Acceptance: 0 missed files on every unit of the corpus crates, and every extra file explained. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORPUS, verifyCrate } from './corpus.js';

for (const name of Object.keys(CORPUS)) {
  for (const mode of ['default', 'all'] as const) {
    test(`${name} (${mode === 'default' ? 'default features' : 'all features but nightly ones'}) agrees with rustc`, async () => {
      const r = await verifyCrate(name, mode);
      const bad = r.report.units
        .filter((v) => v.error || v.missed.length > 0 || v.unexplained.length > 0)
        .map((v) => `${v.id}: ${v.error ?? ''} missed=${v.missed.join(',')} unexplained=${v.unexplained.join(',')}`);
      assert.deepEqual(bad, []);
      assert.ok(r.units > 0);
    });
  }
}
