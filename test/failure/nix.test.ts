/**
 * `cargo-units build` failure paths with real Nix (private store) and rustc: Nix not installed, a
 * broken nix.conf, a compile error, a build killed midway (SIGTERM and SIGKILL), and two builds
 * contending for the store lock. Each gives a clear message and a distinct exit code or event,
 * the index keeps working, and the next build succeeds once the cause is gone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findExecutable } from '../../src/core/toolchain.js';
import { isolatedNixEnv, NIX_SKIP, processesMentioning } from '../nix/nix-env.js';
import { APP_BIN, APP_LIB, build, buildChild, cli, finished, newGate, openGate, outOf, runBin, slowWorkspace, valid, type Run } from './nix-workspace.js';

const SYSROOT = NIX_SKIP ? '' : execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();

/** A private store, and the toolchain's real rustc (no rustup shim, no PATH lookup needed). */
function nixEnv(): NodeJS.ProcessEnv {
  const env = isolatedNixEnv();
  return { ...env, RUSTC: join(SYSROOT, 'bin', 'rustc'), CARGO_UNITS_CACHE_DIR: join(dirname0(env.NIX_STORE_DIR!), 'cache') };
}

function dirname0(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

function whole(r: Run): Extract<Run['events'][number], { type: 'failed' }> {
  const f = r.events.find((e) => e.type === 'failed' && e.unit === null);
  assert.ok(f && f.type === 'failed', `no failed event for the whole build (status ${r.status}):\n${r.stderr}`);
  return f;
}

/** The index does not need Nix: `units` still lists both packages' units. */
function assertIndexWorks(env: NodeJS.ProcessEnv, ws: string): void {
  const u = cli(env, ws, ['units', '--json']);
  assert.equal(u.status, 0, u.stderr);
  const ids = JSON.parse(u.stdout).units.map((x: { id: string }) => x.id);
  assert.ok(ids.includes(APP_BIN) && ids.includes('mac/proc-macro/mac'), JSON.stringify(ids));
}

async function noneLeft(store: string, ms: number): Promise<number[]> {
  let left = processesMentioning(store);
  for (let t = 0; t < ms && left.length > 0; t += 100) {
    await new Promise((res) => setTimeout(res, 100));
    left = processesMentioning(store);
  }
  return left;
}

test('Nix not installed: exit 4 with a clear message; once Nix is on PATH the build succeeds', { skip: NIX_SKIP, timeout: 180_000 }, () => {
  const ws = slowWorkspace();
  const env = nixEnv();
  const noNix = { ...env, PATH: mkdtempSync(join(tmpdir(), 'cargo-units-empty-path-')) };
  const r = build(noNix, ws, ['--unit', APP_BIN]);
  assert.equal(r.status, 4, r.stderr);
  const f = whole(r);
  assert.equal(f.reason, 'nix-missing');
  assert.equal(
    f.message,
    'Nix is not installed: `nix-instantiate` was not found on PATH (install Nix, e.g. `apt-get install nix-bin`, or add its bin directory to PATH)',
  );
  assert.match(r.stderr, /^error: Nix is not installed: /m);
  assert.deepEqual(finished(r).failed, [APP_BIN]);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, 'no stack trace');
  assertIndexWorks(noNix, ws);
  // Half an installation: nix-instantiate evaluates, nix-store is missing.
  const half = mkdtempSync(join(tmpdir(), 'cargo-units-half-path-'));
  symlinkSync(findExecutable('nix-instantiate')!, join(half, 'nix-instantiate'));
  const r2 = build({ ...env, PATH: half }, ws, ['--unit', APP_BIN]);
  assert.equal(r2.status, 4, r2.stderr);
  assert.equal(
    whole(r2).message,
    'Nix is not installed: `nix-store` was not found on PATH (install Nix, e.g. `apt-get install nix-bin`, or add its bin directory to PATH)',
  );
  const ok = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(runBin(outOf(ok, APP_BIN)), 'answer 42 slept 1\n');
});

test('a broken nix.conf: exit 5 naming the file and line; once fixed the build succeeds', { skip: NIX_SKIP, timeout: 180_000 }, () => {
  const ws = slowWorkspace();
  const env = nixEnv();
  const conf = join(env.NIX_CONF_DIR!, 'nix.conf');
  const good = readFileSync(conf, 'utf8');
  // A first build fills the evaluation cache, so the broken configuration is met by the store query too.
  assert.equal(build(env, ws, ['--unit', APP_BIN]).status, 0);
  writeFileSync(join(ws, 'app', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    43\n}\n');
  writeFileSync(conf, good + 'this is not a setting\n');
  const r = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(r.status, 5, r.stderr);
  const f = whole(r);
  assert.equal(f.reason, 'nix-config');
  assert.equal(
    f.message,
    `Nix configuration is invalid (see nix.conf in $NIX_CONF_DIR, and $NIX_CONFIG): illegal configuration line 'this is not a setting' in '${conf}'`,
  );
  assertIndexWorks(env, ws);
  writeFileSync(conf, good + 'max-jobs = many\n');
  const bad2 = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(bad2.status, 5);
  assert.match(whole(bad2).message, /^Nix configuration is invalid .*: configuration setting 'max-jobs' should be 'auto' or an integer$/);
  writeFileSync(conf, good);
  const ok = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(finished(ok).built, [APP_BIN, APP_LIB]);
  assert.equal(runBin(outOf(ok, APP_BIN)), 'answer 43 slept 1\n');
});

test("a Nix state directory Nix cannot use: exit 6 with Nix's message; once fixed the build succeeds", { skip: NIX_SKIP, timeout: 180_000 }, () => {
  const ws = slowWorkspace();
  const env = nixEnv();
  const blocker = join(dirname0(env.NIX_STATE_DIR!), 'not-a-dir');
  writeFileSync(blocker, '');
  const r = build({ ...env, NIX_STATE_DIR: join(blocker, 'var') }, ws, ['--unit', APP_BIN]);
  assert.equal(r.status, 6, r.stderr);
  const f = whole(r);
  assert.equal(f.reason, 'nix');
  assert.equal(f.message, `nix-instantiate failed: '${blocker}' is not a directory`);
  assertIndexWorks(env, ws);
  const ok = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(runBin(outOf(ok, APP_BIN)), 'answer 42 slept 1\n');
});

test('a compile error: failed unit with message and diagnostic, dependents not built; fixing the file builds', { skip: NIX_SKIP, timeout: 180_000 }, () => {
  const ws = slowWorkspace();
  const env = nixEnv();
  writeFileSync(join(ws, 'app', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    "forty-two"\n}\n');
  const r = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(r.status, 1, r.stderr);
  const d = r.events.find((e) => e.type === 'diagnostic' && e.level === 'error');
  assert.ok(d && d.type === 'diagnostic', JSON.stringify(r.events));
  assert.equal(d.unit, APP_LIB);
  assert.equal(d.file, 'app/src/lib.rs');
  assert.equal(d.code, 'E0308');
  assert.deepEqual(d.range, { line: 2, column: 5, endLine: 2, endColumn: 16 });
  const lib = r.events.find((e) => e.type === 'failed' && e.unit === APP_LIB);
  assert.ok(lib && lib.type === 'failed');
  assert.match(lib.message, /^app\/lib\/app failed in phase rustc:\n[^]*mismatched types/);
  const bin = r.events.find((e) => e.type === 'skipped' && e.unit === APP_BIN);
  assert.ok(bin && bin.type === 'skipped');
  assert.equal(bin.message, 'app/bin/app not built: a dependency failed');
  assert.deepEqual(finished(r).failed, [APP_LIB]);
  assert.deepEqual(finished(r).skipped, [APP_BIN]);
  assert.equal(
    r.events.some((e) => e.type === 'done' && (e.unit === APP_LIB || e.unit === APP_BIN)),
    false,
  );
  assertIndexWorks(env, ws);
  writeFileSync(join(ws, 'app', 'src', 'lib.rs'), 'pub fn answer() -> u32 {\n    7\n}\n');
  const ok = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(finished(ok).built, [APP_BIN, APP_LIB]);
  assert.equal(runBin(outOf(ok, APP_BIN)), 'answer 7 slept 1\n');
});

test(
  'SIGTERM midway: exit 143, cancelled, nothing half-built is reported or kept; the next build completes',
  { skip: NIX_SKIP, timeout: 180_000 },
  async () => {
    const gate = newGate();
    const ws = slowWorkspace(gate);
    const env = nixEnv();
    const child = buildChild(env, ws, ['--unit', APP_BIN]);
    await child.waitFor((e) => e.type === 'phase' && e.unit === APP_BIN);
    process.kill(child.pid, 'SIGTERM');
    const r = await child.done;
    assert.equal(r.status, 143, r.stderr);
    const f = whole(r);
    assert.equal(f.reason, 'cancelled');
    assert.ok(finished(r).failed.includes(APP_BIN));
    assert.equal(
      r.events.some((e) => e.type === 'done' && e.unit === APP_BIN),
      false,
    );
    assert.deepEqual(await noneLeft(env.NIX_STORE_DIR!, 10_000), [], 'nix-store and its builders are gone');
    // What the killed run did build is complete and valid in the store.
    for (const e of r.events) if (e.type === 'done') assert.ok(valid(env, e.out), `${e.unit}: ${e.out} is not valid`);
    assertIndexWorks(env, ws);
    const dry = build(env, ws, ['--unit', APP_BIN, '--dry-run']);
    const plan = dry.events.find((e) => e.type === 'plan');
    assert.ok(plan && plan.type === 'plan' && plan.build.includes(APP_BIN), 'the interrupted unit is still to build');
    openGate(gate);
    const ok = build(env, ws, ['--unit', APP_BIN]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(finished(ok).built.includes(APP_BIN));
    assert.equal(runBin(outOf(ok, APP_BIN)), 'answer 42 slept 1\n');
  },
);

test('SIGKILL midway: the Nix directory stays whole and the next build completes', { skip: NIX_SKIP, timeout: 180_000 }, async () => {
  const gate = newGate();
  const ws = slowWorkspace(gate);
  const env = nixEnv();
  const child = buildChild(env, ws, ['--unit', APP_BIN]);
  await child.waitFor((e) => e.type === 'phase' && e.unit === APP_BIN);
  process.kill(child.pid, 'SIGKILL');
  const r = await child.done;
  openGate(gate);
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(
    r.events.some((e) => e.type === 'done' && e.unit === APP_BIN),
    false,
  );
  // Every file of the Nix directory is complete (they are written by rename).
  const nixDir = join(ws, '.cargo-units');
  JSON.parse(readFileSync(join(nixDir, 'units.json'), 'utf8'));
  assert.deepEqual(
    readdirSync(nixDir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  // The orphaned nix-store (its own process group) may still be building: the next build waits
  // for its lock or builds, and ends with a valid, working output either way.
  const ok = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(ok.status, 0, ok.stderr);
  const fin = finished(ok);
  assert.deepEqual(fin.failed, []);
  const out = ok.events.find((e) => e.type === 'done' && e.unit === APP_BIN);
  const path =
    out && out.type === 'done'
      ? out.out
      : JSON.parse(
          execFileSync(
            'nix-instantiate',
            [
              '--eval',
              '--json',
              '-E',
              `{ dir, rustc }: (import (/. + dir) { inherit rustc; }).units.${JSON.stringify(APP_BIN)}.outPath`,
              '--argstr',
              'dir',
              nixDir,
              '--argstr',
              'rustc',
              SYSROOT,
            ],
            { env, encoding: 'utf8', timeout: 60_000 },
          ),
        );
  assert.ok(valid(env, path), `${path} is not valid`);
  assert.equal(runBin(path), 'answer 42 slept 1\n');
  assert.deepEqual(await noneLeft(env.NIX_STORE_DIR!, 30_000), []);
});

test('two builds on one store: the second waits for the lock, says so, and both end built', { skip: NIX_SKIP, timeout: 180_000 }, async () => {
  const gate = newGate();
  const ws = slowWorkspace(gate);
  const env = nixEnv();
  const first = buildChild(env, ws, ['--unit', APP_BIN]);
  await first.waitFor((e) => e.type === 'phase' && e.unit === APP_BIN);
  // The first build holds the lock on app's output until the gate opens.
  const second = buildChild(env, ws, ['--unit', APP_BIN]);
  await second.waitFor((e) => e.type === 'log' && e.line === `waiting for another build to release the Nix lock on ${APP_BIN}`);
  assert.equal(
    first.events.some((e) => e.type === 'finished'),
    false,
  );
  openGate(gate);
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const out = outOf(a, APP_BIN);
  assert.deepEqual(finished(b).cached, [APP_BIN], "the second build used the first one's output");
  assert.equal(
    b.events.some((e) => e.type === 'failed'),
    false,
  );
  assert.ok(valid(env, out));
  assert.equal(runBin(out), 'answer 42 slept 1\n');
  const again = build(env, ws, ['--unit', APP_BIN]);
  assert.equal(again.status, 0);
  assert.deepEqual(
    again.events.filter((e) => e.type === 'start'),
    [],
    'nothing left to build',
  );
  assert.equal(existsSync(join(ws, '.cargo-units', 'units.json')), true);
});
