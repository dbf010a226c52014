/** The units.json the Nix library reads: deterministic, relative, machine-independent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { nixUnitsJson } from '../../src/core/nix/units-json.js';
import { copyFixture, EXAMPLE } from '../helpers.js';

test('nix units.json is the same for two copies of the workspace and holds no absolute path', async () => {
  const a = copyFixture(EXAMPLE);
  const b = copyFixture(EXAMPLE);
  const ja = JSON.stringify(nixUnitsJson(await UnitIndex.open(a), { version: 'rustc test', cfg: 'unix\ntarget_os="linux"' }));
  const jb = JSON.stringify(nixUnitsJson(await UnitIndex.open(b), { version: 'rustc test', cfg: 'unix\ntarget_os="linux"' }));
  assert.equal(ja, jb);
  assert.ok(!ja.includes(a) && !ja.includes(b), 'no absolute workspace path');
  const units = JSON.parse(ja).units;
  const cli = units['units-cli/bin/units-cli'];
  assert.deepEqual(cli.deps.map((d: { externName: string }) => d.externName), ['units_core', 'units_derive', 'units_parse']);
  assert.equal(cli.env.CARGO_MANIFEST_DIR, '@src@/crates/units-cli');
  assert.equal(units['units-core/lib/units_core'].buildScript, 'units-core/custom-build/build-script-build');
  assert.ok(cli.files.includes('crates/units-cli/src/main.rs'));
  // A file read only by units-parse is not in units-core's lists.
  for (const [id, u] of Object.entries(units) as [string, { files: string[] }][]) {
    if (id.startsWith('units-core/')) assert.ok(u.files.every((f) => !f.startsWith('crates/units-parse/')), id);
  }
});
