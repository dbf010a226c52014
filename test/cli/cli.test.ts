/** The `cargo-units` command line on the bundled example workspace. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { findExecutable } from '../../src/core/toolchain.js';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';

async function cli(args: string[], cwd = REPO): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('units --json has exactly the documented shape', async () => {
  const r = await cli(['units', '--json', EXAMPLE]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  assert.deepEqual(Object.keys(json), ['workspaceRoot', 'target', 'units']);
  assert.equal(json.workspaceRoot, EXAMPLE);
  assert.match(json.target, /^[a-z0-9_]+-[a-z0-9_]+-/);
  const keys = ['id', 'package', 'version', 'packageDir', 'kind', 'name', 'test', 'crateRoot', 'edition', 'features', 'files', 'external', 'uncertain'];
  for (const u of json.units) assert.deepEqual(Object.keys(u), keys);
  const lib = json.units.find((u: { id: string }) => u.id === 'units-core/lib/units_core');
  assert.ok(lib);
  assert.equal(lib.packageDir, 'crates/units-core');
  assert.equal(lib.crateRoot, 'crates/units-core/src/lib.rs');
  assert.equal(lib.edition, '2021');
  assert.deepEqual(lib.features, ['default', 'std']);
  assert.deepEqual(lib.external, ['$OUT_DIR/generated.rs']);
  assert.ok(lib.files.includes('crates/units-core/README.md'));
  assert.deepEqual([...lib.files].sort(), lib.files);
  const ids = json.units.map((u: { id: string }) => u.id);
  for (const id of [
    'units-core/lib/units_core[test]',
    'units-core/custom-build/build-script-build',
    'units-derive/proc-macro/units_derive',
    'units-cli/bin/convert',
    'units-cli/bin/convert[test]',
    'units-parse/example/parse_args',
    'units-parse/bench/parse_throughput',
    'units-core/test/conversions',
  ]) {
    assert.ok(ids.includes(id), `missing unit ${id}`);
  }
  assert.ok(!ids.includes('units-core/test/derive_quantity'), 'required-features not enabled');
});

test('files, owners, affected and orphans', async () => {
  const files = await cli(['files', 'units-parse/lib/units_parse', '--manifest-path', join(EXAMPLE, 'Cargo.toml')]);
  assert.equal(files.code, 0, files.err);
  assert.deepEqual(files.out.split('\n'), [
    'crates/units-parse/data/aliases.txt',
    'crates/units-parse/src/aliases.rs',
    'crates/units-parse/src/lexer.rs',
    'crates/units-parse/src/lib.rs',
    'crates/units-parse/src/unit_table.rs',
  ]);

  const owners = await cli(['owners', '--json', join(EXAMPLE, 'crates/units-parse/src/lexer.rs')]);
  assert.equal(owners.code, 0, owners.err);
  assert.deepEqual(JSON.parse(owners.out).files[0].units, ['units-parse/lib/units_parse', 'units-parse/lib/units_parse[test]']);

  const affected = await cli(['affected', join(EXAMPLE, 'crates/units-parse/src/lexer.rs')]);
  assert.equal(affected.code, 0, affected.err);
  const ids = affected.out.split('\n');
  // The readers, every unit of units-parse that links its lib, and units-cli, which depends on it.
  for (const id of ['units-parse/lib/units_parse', 'units-parse/example/parse_args', 'units-parse/bench/parse_throughput', 'units-cli/bin/units-cli']) {
    assert.ok(ids.includes(id), `${id} not affected: ${ids}`);
  }
  assert.ok(!ids.some((id) => id.startsWith('units-core/')), 'units-core does not depend on units-parse');

  const orphans = await cli(['orphans', EXAMPLE]);
  assert.equal(orphans.code, 0, orphans.err);
  assert.deepEqual(orphans.out.split('\n'), [
    'crates/units-cli/src/platform/windows.rs',
    'crates/units-cli/src/term.rs',
    'crates/units-core/src/serial/writer.rs',
    'crates/units-core/tests/derive_quantity.rs',
    'crates/units-parse/src/lexer_v1.rs',
  ]);
});

test('verify agrees with rustc on every unit of the example, default and all features', async () => {
  for (const extra of [[], ['--all-features']]) {
    const r = await cli(['verify', '--json', EXAMPLE, ...extra]);
    assert.equal(r.code, 0, r.out + r.err);
    const totals = JSON.parse(r.out).totals;
    assert.equal(totals.missed, 0);
    assert.equal(totals.errors, 0);
    assert.equal(totals.unexplained, 0);
    // cargo check --workspace --all-targets builds 16 units here (17 with the `derive` test).
    assert.equal(totals.units, extra.length === 0 ? 16 : 17);
  }
});

test('a malformed Cargo.toml is an error naming file:line:column, exit 2', async () => {
  const ws = copyFixture(EXAMPLE);
  writeFileSync(join(ws, 'crates/units-parse/Cargo.toml'), '[package]\nname = "units-parse"\nversion = 0.1.0"\n');
  const r = await cli(['units', ws]);
  assert.equal(r.code, 2);
  assert.match(r.err, /crates\/units-parse\/Cargo\.toml:3:\d+: error: /);

  // A malformed [target.'cfg(…)'] key is an input error too, not a crash.
  writeFileSync(
    join(ws, 'crates/units-parse/Cargo.toml'),
    '[package]\nname = "units-parse"\nversion = "0.1.0"\n\n[target."cfg(unix".dependencies]\nunits-core = { path = "../units-core" }\n',
  );
  const key = await cli(['units', ws]);
  assert.equal(key.code, 2, key.err);
  assert.match(key.err, /crates\/units-parse\/Cargo\.toml:6: error: invalid target key `cfg\(unix`/);
});

test('bad usage exits 2 with a message', async () => {
  assert.equal((await cli(['frobnicate'])).code, 2);
  assert.equal((await cli(['units', '--bogus'])).code, 2);
  const r = await cli(['files', 'no-such-unit', EXAMPLE]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no unit `no-such-unit`/);
});

test('the built executable runs, also as `cargo units`', () => {
  const bin = join(REPO, 'bin', 'cargo-units');
  const direct = execFileSync(process.execPath, [bin, 'units', EXAMPLE], { encoding: 'utf8' });
  assert.match(direct, /units-core\/lib\/units_core\s+\d+ files/);
  // cargo runs `cargo-units units <args>` for `cargo units <args>`.
  const viaCargo = spawnSync(process.execPath, [bin, 'units', 'orphans', EXAMPLE], { encoding: 'utf8' });
  assert.equal(viaCargo.status, 0, viaCargo.stderr);
  assert.match(viaCargo.stdout, /lexer_v1\.rs/);
  // And through real cargo, which finds `cargo-units` on PATH.
  const cargo = findExecutable('cargo');
  assert.ok(cargo, 'cargo is needed for this test');
  const env = { ...process.env, PATH: `${join(REPO, 'bin')}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const real = spawnSync(cargo, ['units', 'orphans'], { cwd: EXAMPLE, env, encoding: 'utf8' });
  assert.equal(real.status, 0, real.stderr);
  assert.match(real.stdout, /crates\/units-parse\/src\/lexer_v1\.rs/);
});

test('nix --out into directories that do not exist yet makes them', async () => {
  const ws = copyFixture(EXAMPLE);
  const r = await cli(['nix', '--out', 'generated/nix/here', ws], ws);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(ws, 'generated', 'nix', 'here', 'units.json')));
  // Nothing else is left beside it (the directory's lock is gone once written).
  assert.deepEqual(readdirSync(join(ws, 'generated', 'nix')), ['here']);
});
