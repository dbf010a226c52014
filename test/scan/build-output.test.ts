/** Custom cfgs from a real cargo target directory's build-script output, used only while current. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { parseBuildScriptOutput } from '../../src/core/cargo/build-output.js';
import { hostTriple } from '../../src/core/cfg/target.js';
import { findExecutable } from '../../src/core/toolchain.js';
import { assertAgreesWithRustc, copyFixture, filesOf, fixture, open, options, uncertainOf } from '../helpers.js';

const LIB = 'buildcfg/lib/buildcfg';

test('build-script directives are parsed in both cargo: and cargo:: forms', () => {
  const out = parseBuildScriptOutput(
    'cargo:rustc-cfg=has_x\ncargo::rustc-cfg=kind="fast"\ncargo::rustc-check-cfg=cfg(has_x)\ncargo:rustc-env=A=b=c\ncargo:warning=hi\nnot a directive\n',
  );
  assert.deepEqual(out.cfgs, [{ name: 'has_x' }, { name: 'kind', value: 'fast' }]);
  assert.deepEqual(out.env, { A: 'b=c' });
  assert.deepEqual(out.checkCfgs, ['cfg(has_x)']);
  assert.deepEqual(out.warnings, ['hi']);
});

test('--build-output makes build-script cfgs known until the build script changes', async () => {
  const ws = copyFixture(fixture('scan', 'buildcfg'));
  const target = join(ws, '..', 'target');
  const cargo = findExecutable('cargo');
  assert.ok(cargo, 'cargo is needed for this test');
  execFileSync(cargo, ['check', '--offline', '--quiet'], { cwd: ws, env: { ...process.env, CARGO_TARGET_DIR: target } });

  // The CLI flag, relative to the current directory.
  const out: string[] = [];
  assert.equal(await runCli(['files', LIB, '--build-output', '../target', '.'], { out: (l) => out.push(l), err: () => {}, cwd: ws }), 0);
  assert.deepEqual(out, ['src/fast.rs', 'src/lib.rs']);

  const index = await open(ws, { ...options(), buildOutput: target });
  assert.deepEqual(filesOf(index, LIB), ['src/fast.rs', 'src/lib.rs'], 'has_fast_path is known to be set');
  assert.deepEqual([...uncertainOf(index, LIB).keys()], []);
  await assertAgreesWithRustc(index);

  // Unsaved text in build.rs: the output may no longer hold, so both sides are listed again.
  const buildRs = join(ws, 'build.rs');
  const changed = index.updateFile(buildRs, 'fn main() { if probe() { println!("cargo:rustc-cfg=has_fast_path"); } }\n', true);
  assert.ok(changed.includes(LIB), `changed: ${changed}`);
  assert.deepEqual(filesOf(index, LIB), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
  assert.match(uncertainOf(index, LIB).get('src/slow.rs')!, /has_fast_path.*build\.rs:1/);
  // A build script that can no longer print the cfg: it is false, and only the slow side is read.
  assert.ok(index.updateFile(buildRs, 'fn main() {}\n', true).includes(LIB));
  assert.deepEqual(filesOf(index, LIB), ['src/lib.rs', 'src/slow.rs']);
  assert.deepEqual([...uncertainOf(index, LIB).keys()], []);

  // A build script newer than its output on disk is stale too.
  const fresh = await open(ws, { ...options(), buildOutput: target });
  assert.deepEqual(filesOf(fresh, LIB), ['src/fast.rs', 'src/lib.rs']);
  const later = new Date(Date.now() + 60_000);
  utimesSync(buildRs, later, later);
  const stale = await open(ws, { ...options(), buildOutput: target });
  assert.deepEqual(filesOf(stale, LIB), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);

  // Output built with other features than those indexed is not used.
  utimesSync(buildRs, new Date(0), new Date(0));
  const other = await open(ws, { ...options({ features: ['extra'] }), buildOutput: target });
  assert.deepEqual(filesOf(other, LIB), ['src/fast.rs', 'src/lib.rs', 'src/slow.rs']);
});

test('one target directory holds the build-script output of several feature sets; each is used for its own', async () => {
  const ws = copyFixture(fixture('scan', 'buildcfg-features'));
  const target = join(ws, '..', 'target');
  const cargo = findExecutable('cargo');
  assert.ok(cargo, 'cargo is needed for this test');
  const env = { ...process.env, CARGO_TARGET_DIR: target };
  execFileSync(cargo, ['check', '--offline', '--quiet'], { cwd: ws, env });
  execFileSync(cargo, ['check', '--offline', '--quiet', '--features', 'extra'], { cwd: ws, env });
  const lib = 'buildfeat/lib/buildfeat';

  const def = await open(ws, { ...options(), buildOutput: target });
  assert.deepEqual(filesOf(def, lib), ['src/extra_off.rs', 'src/lib.rs']);
  const extra = await open(ws, { ...options({ features: ['extra'] }), buildOutput: target });
  assert.deepEqual(filesOf(extra, lib), ['src/extra_on.rs', 'src/lib.rs']);
  await assertAgreesWithRustc(def);
  await assertAgreesWithRustc(extra);
  // A feature set cargo did not build, or no such directory: unknown again, both sides listed.
  const other = await open(ws, { ...options({ features: ['other'] }), buildOutput: target });
  assert.deepEqual(filesOf(other, lib), ['src/extra_off.rs', 'src/extra_on.rs', 'src/lib.rs']);
  const missing = await open(ws, { ...options(), buildOutput: join(ws, 'no-such-target') });
  assert.deepEqual(filesOf(missing, lib), ['src/extra_off.rs', 'src/extra_on.rs', 'src/lib.rs']);

  // verify --summary scores each feature set with its own output: no extra file left.
  const out: string[] = [];
  const args = ['verify', '--summary', '--json', '--build-output', target, '--feature-set', 'default', '--feature-set', 'extra', ws];
  assert.equal(await runCli(args, { out: (l) => out.push(l), err: () => {}, cwd: ws }), 0);
  const json = JSON.parse(out.join('\n'));
  for (const row of json.featureSets) {
    assert.equal(row.buildOutputUnits, row.score.units - 1, `${row.featureSet}: every unit but the build script`);
    assert.equal(row.score.missed, 0, row.featureSet);
    assert.equal(row.score.extra, 0, row.featureSet);
  }
  // Without it, each lib unit lists both modules.
  out.length = 0;
  assert.equal(
    await runCli(
      args.filter((a) => a !== '--build-output' && a !== target),
      { out: (l) => out.push(l), err: () => {}, cwd: ws },
    ),
    0,
  );
  assert.ok(JSON.parse(out.join('\n')).total.extra > 0);

  // With --target, cargo compiles build scripts under target/debug and runs them under target/<triple>/debug.
  const host = await hostTriple();
  assert.deepEqual(filesOf(await open(ws, { ...options({ target: host }), buildOutput: target }), lib), ['src/extra_off.rs', 'src/extra_on.rs', 'src/lib.rs']);
  execFileSync(cargo, ['check', '--offline', '--quiet', '--target', host], { cwd: ws, env });
  const cross = await open(ws, { ...options({ target: host }), buildOutput: target });
  assert.deepEqual(filesOf(cross, lib), ['src/extra_off.rs', 'src/lib.rs']);
  await assertAgreesWithRustc(cross);

  // Inputs the build script declared: a newer `rerun-if-changed` file, another value of a
  // `rerun-if-env-changed` variable, or another compiler than the one cargo last used.
  const both = ['src/extra_off.rs', 'src/extra_on.rs', 'src/lib.rs'];
  const tuning = join(ws, 'tuning.txt');
  const later = new Date(Date.now() + 60_000);
  utimesSync(tuning, later, later);
  assert.deepEqual(filesOf(await open(ws, { ...options(), buildOutput: target }), lib), both, 'rerun-if-changed file is newer');
  utimesSync(tuning, new Date(0), new Date(0));
  assert.deepEqual(filesOf(await open(ws, { ...options(), buildOutput: target }), lib), ['src/extra_off.rs', 'src/lib.rs']);
  process.env.BUILDFEAT_TUNING = 'slow';
  try {
    assert.deepEqual(filesOf(await open(ws, { ...options(), buildOutput: target }), lib), both, 'rerun-if-env-changed variable differs');
  } finally {
    delete process.env.BUILDFEAT_TUNING;
  }
  const info = join(target, '.rustc_info.json');
  const text = readFileSync(info, 'utf8');
  assert.match(text, /release: \d+\.\d+\.\d+/);
  writeFileSync(info, text.replace(/release: \d+\.\d+\.\d+/, 'release: 0.1.0'));
  assert.deepEqual(filesOf(await open(ws, { ...options(), buildOutput: target }), lib), both, 'built by another rustc');
});
