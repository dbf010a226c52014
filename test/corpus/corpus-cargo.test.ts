/**
 * Acceptance: recall 1.000 on the development corpus against the truth from cargo itself —
 * `cargo check --workspace --all-targets` of each crate with its dev-dependencies, offline against
 * Debian's registry, each unit's files from cargo's own dep-info (verify --cargo). Unlike bare
 * rustc, this expands the proc-macros of dependencies (automod::dir! in serde_json's and syn's tests).
 * One copy and one cargo target directory per crate serve both feature modes (`cargo check`, not build).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { score } from '../../src/core/verify.js';
import { cargoTruthCopy, type CargoTruthCopy } from './cargo-truth.js';
import { CORPUS } from './corpus.js';

for (const name of Object.keys(CORPUS)) {
  describe(`${name}: verify --cargo`, () => {
    let copy: CargoTruthCopy | undefined;
    after(() => copy?.dispose());
    for (const mode of ['default', 'all'] as const) {
      test(`${mode} features: 0 missed over every unit cargo checked`, { timeout: 1_800_000 }, async () => {
        copy ??= cargoTruthCopy(name);
        const r = await copy.check(mode);
        const missed = r.report.units.filter((v) => v.missed.length > 0).map((v) => `${v.id}: ${v.missed.join(', ')}`);
        assert.deepEqual(missed, []);
        const s = score(r.report.units);
        assert.equal(s.recall, 1);
        // Units cargo could not compile are reported as not checked (most of syn's tests with default
        // features, memchr with its nightly-only features); recall is over the units cargo checked.
        assert.ok(s.units > 0, `no unit checked; cargo: ${r.report.cargoErrors.join(' | ')}`);
        for (const v of r.report.units) if (v.error) assert.match(v.error, /cargo/);
      });
    }
  });
}
