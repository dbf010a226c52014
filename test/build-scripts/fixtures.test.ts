/**
 * The fixture workspace test/fixtures/build-scripts holds one package per build-script form. Each
 * lib's cfg, as the index decides it without any build output, is compared with what `cargo check`
 * makes the build script really print; and the forms cargo-units cannot know must stay unknown.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { cacheFileFor } from '../../src/core/scan/cache.js';
import { cargoScriptRuns, OFFLINE_CONFIG, type ScriptRun } from './cargo-runs.js';
import { compareWithTruth } from './compare.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'build-scripts');

/** What each form must decide (every name of its script) and must leave unknown. */
const EXPECTED: Record<string, { decided: string[]; unknown: string[] }> = {
  'arch-match': { decided: ['limb_32', 'limb_64', 'wide_pointers'], unknown: [] },
  'target-feature': { decided: ['has_avx512f', 'has_simd128', 'has_sse2'], unknown: [] },
  'feature-format': { decided: ['fast', 'fast_libc', 'slow'], unknown: [] },
  'early-return': { decided: ['after_certain', 'before'], unknown: ['after_maybe'] },
  'rustc-minor': { decided: ['has_let_else', 'no_const_generics', 'no_future'], unknown: [] },
  'libc-style': { decided: ['libc_align', 'libc_nightly', 'libc_old', 'libc_thread_local'], unknown: [] },
  'unknown-env': { decided: [], unknown: ['ci_only', 'not_ci'] },
  'command-probe': { decided: ['always'], unknown: ['probed'] },
  'helper-fn': { decided: ['helped', 'helped_later', 'never_helped'], unknown: [] },
};

let tmp: string;
let runs: ScriptRun[];
let stderr: string;
let index: UnitIndex;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cargo-units-build-scripts-'));
  const copy = join(tmp, 'ws');
  cpSync(FIXTURE, copy, { recursive: true });
  mkdirSync(join(tmp, '.cargo'));
  writeFileSync(join(tmp, '.cargo', 'config.toml'), OFFLINE_CONFIG);
  ({ runs, stderr } = await cargoScriptRuns(copy, ['--workspace'], { CARGO_TARGET_DIR: join(tmp, 'target'), UNKNOWN_ENV_CI: '', EARLY_RETURN_SKIP: '' }));
  index = await UnitIndex.open(copy, { features: { features: [], allFeatures: false, noDefaultFeatures: false }, cfgs: [] });
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('every build script of the fixture ran', () => {
  assert.deepEqual(runs.map((r) => r.name).sort(), Object.keys(EXPECTED).sort(), stderr);
});

for (const [pkg, expected] of Object.entries(EXPECTED)) {
  test(`${pkg}: every decided cfg matches what the build script printed, and what cannot be known stays unknown`, () => {
    const run = runs.find((r) => r.name === pkg);
    assert.ok(run, `no build-script run of ${pkg}: ${stderr}`);
    const lib = index.entries.find((e) => e.unit.package.name === pkg && e.unit.kind === 'lib');
    assert.ok(lib);
    const cfg = index.cfgOf(lib.unit);
    const names = [...expected.decided, ...expected.unknown];
    const v = compareWithTruth(run.cfgs, names, (name) => cfg.evaluate({ type: 'name', name }).value);
    assert.deepEqual(v.wrong, []);
    assert.deepEqual(v.decided, expected.decided);
    assert.deepEqual(v.unknown, expected.unknown);
    // An unknown name says why, and where.
    for (const name of expected.unknown) assert.match(cfg.unknownReason(name) ?? '', /build\.rs:\d+/);
  });
}

test('decisions are kept in the facts cache, by everything they depend on', async () => {
  const copy = join(tmp, 'ws');
  const cacheDir = join(tmp, 'cache');
  const opts = { features: { features: [], allFeatures: false, noDefaultFeatures: false }, cfgs: [], cache: cacheDir };
  await UnitIndex.open(copy, opts);
  const file = cacheFileFor(cacheDir, copy);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { scripts: Record<string, { kind: string; reason?: string }> };
  assert.equal(Object.keys(data.scripts).length, Object.keys(EXPECTED).length);
  // A decision read back from the cache is used as is (here: one made to say it gave up).
  for (const k of Object.keys(data.scripts)) data.scripts[k] = { kind: 'gave-up', reason: 'from the cache' };
  writeFileSync(file, JSON.stringify(data));
  const warm = await UnitIndex.open(copy, opts);
  const lib = warm.entries.find((e) => e.unit.package.name === 'arch-match' && e.unit.kind === 'lib')!;
  assert.equal(warm.cfgOf(lib.unit).scriptDecisions?.kind, undefined, 'a gave-up decision leaves the static analysis in charge');
  assert.equal(warm.cfgOf(lib.unit).evaluate({ type: 'name', name: 'limb_64' }).value, 'unknown');
  // Another environment (features) is another key: decided anew.
  const other = await UnitIndex.open(copy, { ...opts, features: { ...opts.features, allFeatures: true } });
  const ff = other.entries.find((e) => e.unit.package.name === 'feature-format' && e.unit.kind === 'lib')!;
  assert.equal(other.cfgOf(ff.unit).evaluate({ type: 'name', name: 'fast_libc' }).value, true);
});

test('a rustflag that may change the target cfg makes CARGO_CFG_* unknown to build scripts', async () => {
  // The cfg of target-feature's lib when cargo-units is run with these RUSTFLAGS.
  const libCfg = async (rustflags: string) => {
    const index = await UnitIndex.open(join(tmp, 'ws'), {
      features: { features: [], allFeatures: false, noDefaultFeatures: false },
      cfgs: [],
      env: { RUSTFLAGS: rustflags },
    });
    const lib = index.entries.find((e) => e.unit.package.name === 'target-feature' && e.unit.kind === 'lib')!;
    return index.cfgOf(lib.unit);
  };
  const flagged = await libCfg('-C target-cpu=native');
  assert.equal(flagged.evaluate({ type: 'name', name: 'has_avx512f' }).value, 'unknown');
  assert.match(flagged.unknownReason('has_avx512f') ?? '', /target-cpu=native/);
  // Other flags (`-D warnings`) leave them known.
  const plain = await libCfg('-D warnings');
  assert.notEqual(plain.evaluate({ type: 'name', name: 'has_sse2' }).value, 'unknown');
});
