/** `cargo-units build` with real Nix on a copy of the example workspace (isolated Nix store). */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateUnits } from '../../src/core/nix/runner.js';
import { copyFixture, EXAMPLE } from '../helpers.js';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP, started } from './nix-env.js';

function sysroot(): string {
  return execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
}

test('example workspace: builds completely, bins match cargo run, tests pass, edits rebuild exactly their units', { skip: NIX_SKIP, timeout: 400_000 }, async () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();

  const first = cliBuild(env, ws, []);
  const f1 = finishedOf(first);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(f1.failed, []);
  const all = first.events.find((e) => e.type === 'plan');
  assert.ok(all && all.type === 'plan');
  assert.equal(all.cached.length, 0, 'a fresh store has nothing built');
  assert.equal(f1.built.filter((id) => !id.endsWith('#run')).length, 16, `built: ${f1.built.join(', ')}`);

  // Every bin prints what `cargo run` prints.
  for (const bin of ['units-cli', 'si-table', 'convert']) {
    const ours = spawnSync(join(doneOut(first, `units-cli/bin/${bin}`), 'bin', bin), ['3', 'km'], { encoding: 'utf8' });
    const cargo = spawnSync('cargo', ['run', '-q', '--offline', '-p', 'units-cli', '--bin', bin, '--', '3', 'km'], { cwd: ws, encoding: 'utf8' });
    assert.equal(ours.stdout, cargo.stdout, bin);
    assert.equal(ours.status, cargo.status, bin);
  }
  // A test-harness binary runs and passes.
  const t = spawnSync(join(doneOut(first, 'units-core/test/conversions'), 'bin', 'conversions'), { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /test result: ok\. [1-9]\d* passed; 0 failed/);

  // Nothing to do: no derivation starts.
  const noop = cliBuild(env, ws, []);
  assert.deepEqual(started(noop), []);
  assert.deepEqual(finishedOf(noop).built, []);

  // units-core's build script printed rerun-if-changed for build.rs and build/prefixes.rs: its run
  // now gets just those, so an edit elsewhere in the package reruns nothing but its readers.
  const learned = JSON.parse(readFileSync(join(ws, '.cargo-units', 'rerun-if-changed.json'), 'utf8'));
  assert.deepEqual(learned, { 'units-core/custom-build/build-script-build': ['crates/units-core/build.rs', 'crates/units-core/build/prefixes.rs'] });
  appendFileSync(join(ws, 'crates/units-core/tests/common/mod.rs'), '\n// edited\n');
  const testOnly = cliBuild(env, ws, []);
  assert.equal(testOnly.status, 0, testOnly.stderr);
  assert.deepEqual(started(testOnly), ['units-core/test/conversions']);

  // An edit to a file units-core does not read: units-core's drvPaths stay, and building it starts nothing.
  const nixDir = join(ws, '.cargo-units');
  const before = await evaluateUnits({ nixDir, rustc: sysroot(), env });
  appendFileSync(join(ws, 'crates/units-parse/src/lib.rs'), '\n// edited\n');
  const core = cliBuild(env, ws, ['--unit', 'units-core/lib/units_core', '--unit', 'units-core/lib/units_core[test]']);
  assert.equal(core.status, 0, core.stderr);
  assert.deepEqual(started(core), [], 'building units-core starts nothing');
  assert.deepEqual(finishedOf(core).cached, ['units-core/lib/units_core', 'units-core/lib/units_core[test]']);
  const after = await evaluateUnits({ nixDir, rustc: sysroot(), env });
  for (const [id, d] of before) {
    if (id.startsWith('units-core/') || id.startsWith('units-derive/')) assert.equal(after.get(id)!.drv, d.drv, `${id} unchanged`);
  }
  assert.notEqual(after.get('units-parse/lib/units_parse')!.drv, before.get('units-parse/lib/units_parse')!.drv);

  // An edit to a file units-parse reads: building everything rebuilds exactly it and its dependents.
  const dry = cliBuild(env, ws, ['--dry-run']);
  const plan = dry.events.find((e) => e.type === 'plan');
  const expected = [
    'units-cli/bin/convert', 'units-cli/bin/convert[test]', 'units-cli/bin/si-table', 'units-cli/bin/si-table[test]',
    'units-cli/bin/units-cli', 'units-cli/bin/units-cli[test]', 'units-parse/bench/parse_throughput',
    'units-parse/example/parse_args', 'units-parse/lib/units_parse', 'units-parse/lib/units_parse[test]',
  ];
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(plan.build, expected, 'dry run, checked against the store');
  const rebuilt = cliBuild(env, ws, []);
  assert.equal(rebuilt.status, 0, rebuilt.stderr);
  assert.deepEqual(started(rebuilt), expected);
  assert.deepEqual(finishedOf(rebuilt).built, expected);

  // A compile error: a diagnostic with the workspace-relative file and range, and a failed unit.
  appendFileSync(join(ws, 'crates/units-parse/src/lib.rs'), '\npub fn broken() -> u32 { "no" }\n');
  const bad = cliBuild(env, ws, ['crates/units-parse/src/lib.rs']);
  assert.equal(bad.status, 1);
  const diag = bad.events.find((e) => e.type === 'diagnostic' && e.level === 'error');
  assert.ok(diag && diag.type === 'diagnostic', JSON.stringify(bad.events.slice(0, 8)));
  assert.equal(diag.file, 'crates/units-parse/src/lib.rs');
  assert.ok(diag.range.line > 1 && diag.range.column > 1);
  const fin = finishedOf(bad);
  assert.ok(fin.failed.includes('units-parse/lib/units_parse'));
  assert.ok(fin.skipped.includes('units-cli/bin/units-cli'), 'dependents of a failed unit are reported not built (skipped)');
  const failed = bad.events.find((e) => e.type === 'failed' && e.unit === 'units-parse/lib/units_parse');
  assert.ok(failed && failed.type === 'failed' && !failed.message.includes('\x1b['), 'no ANSI codes');
});
