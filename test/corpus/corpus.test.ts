/**
 * Acceptance: 0 missed files on every unit of the corpus crates, and every extra file explained.
 * Without build output, the cfgs cargo-units decides by interpreting the build script are checked
 * against rustc given the script's real output: recall 1 and precision ≥ 0.98.
 * With the crate's real build-script output (`--build-output` of a cargo target directory built
 * offline from Debian's registry), its custom cfgs are known: recall 1 and precision ≥ 0.98.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { score } from '../../src/core/verify.js';
import { cargoBuild, type CargoBuild } from './cargo-build.js';
import { CORPUS, modeFeatures, requireCrate, verifyCrate, type CrateResult } from './corpus.js';

const MODES = ['default', 'all'] as const;

function problems(r: CrateResult): string[] {
  return r.report.units
    .filter((v) => v.error || v.missed.length > 0 || v.unexplained.length > 0)
    .map((v) => `${v.id}: ${v.error ?? ''} missed=${v.missed.join(',')} unexplained=${v.unexplained.join(',')}`);
}

for (const name of Object.keys(CORPUS)) {
  describe(name, () => {
    const hasScript = existsSync(join(requireCrate(name), 'build.rs'));
    let build: Promise<CargoBuild> | undefined;
    const built = () => (build ??= (async () => cargoBuild(requireCrate(name), [undefined, await modeFeatures(name, 'all')]))());
    after(async () => {
      if (build) rmSync((await build).dir, { recursive: true, force: true });
    });
    for (const mode of MODES) {
      // Without build output, the cfgs cargo-units decided its build script prints are checked too:
      // rustc is given the script's real output (from cargo check), not the decided cfgs.
      test(`${mode === 'default' ? 'default features' : 'all features but nightly ones'} agrees with rustc`, async () => {
        const r = await verifyCrate(name, mode, 2, undefined, hasScript ? (await built()).targetDir : undefined);
        assert.deepEqual(problems(r), []);
        assert.ok(r.units > 0);
        // Issue 14: precision ≥ 0.98 before any build (build-script cfgs decided, build-script-eval).
        const s = score(r.report.units);
        assert.ok(s.precision >= 0.98, `precision ${s.precision.toFixed(3)}: ${r.report.units.flatMap((v) => v.extra).join(', ')}`);
      });
    }

    if (!hasScript) return;
    for (const mode of MODES) {
      test(`${mode} features, with the build script's real output: recall 1, precision ≥ 0.98`, async () => {
        const b = await built();
        const r = await verifyCrate(name, mode, 2, b.targetDir);
        assert.deepEqual(problems(r), []);
        // Every unit of the package but the build script itself knows the build script's cfgs.
        const expected = r.report.units.filter((v) => !v.id.includes('/custom-build/')).map((v) => v.id);
        assert.deepEqual(r.withOutput, expected, `build-script output not used; cargo: ${b.failures.join('\n')}`);
        const s = score(r.report.units);
        assert.equal(s.recall, 1);
        assert.ok(s.precision >= 0.98, `precision ${s.precision.toFixed(3)}: ${r.report.units.flatMap((v) => v.extra).join(', ')}`);
      });
    }
  });
}
