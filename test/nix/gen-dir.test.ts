/**
 * The generated Nix directory as a whole: a `cargo-units nix` killed at any point leaves the old
 * complete directory (or, killed between the two renames of the swap, one the next run restores),
 * and after a real `cargo-units build` in a git repository only committable files are untracked.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { findExecutable } from '../../src/core/toolchain.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP } from './nix-env.js';

/** Every file under `dir` (relative path → content; symlinks as their target), `.next-*` staging skipped. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const rel = relative(dir, p);
    if (rel.startsWith('.next-')) continue;
    if (e.isFile()) out.set(rel, readFileSync(p, 'utf8'));
  }
  return out;
}

function nix(ws: string, killAt?: number): ReturnType<typeof spawnSync> {
  const env = { ...process.env, CARGO_UNITS_TEST_KILL_AT: killAt === undefined ? '' : String(killAt) };
  return spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'nix'], { cwd: ws, env, encoding: 'utf8' });
}

function siblings(ws: string): string[] {
  return readdirSync(ws).filter((n) => n.startsWith('.cargo-units.old-'));
}

test('cargo-units nix killed at every step of a generation leaves the old complete directory', { timeout: 300_000 }, () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const out = join(ws, '.cargo-units');
  assert.equal(nix(ws).status, 0);
  // What a user and earlier builds put there: it must survive every interruption.
  writeFileSync(join(out, 'overrides.nix'), '{ }\n');
  mkdirSync(join(out, 'gcroots'));
  writeFileSync(join(out, 'gcroots', 'index.json'), '{"a":"r1"}');
  writeFileSync(join(out, '.eval-cache.json'), '{"key":"k"}');
  // An older cargo-units wrote this lib/ (one file differs, one is gone from the library since),
  // and the workspace changed since: the next generation rewrites several files at once.
  writeFileSync(join(out, 'lib', 'unpack.sh'), '# from an older cargo-units\n');
  writeFileSync(join(out, 'lib', 'retired.sh'), '# no longer in the library\n');
  const lib = readdirSync(join(ws, 'crates')).find((c) => existsSync(join(ws, 'crates', c, 'src', 'lib.rs')));
  assert.ok(lib);
  appendFileSync(join(ws, 'crates', lib, 'src', 'lib.rs'), '\npub mod gendir_added;\n');
  writeFileSync(join(ws, 'crates', lib, 'src', 'gendir_added.rs'), 'pub fn f() {}\n');

  const before = snapshot(out);
  const saved = join(dirname(ws), `${relative(dirname(ws), ws)}-saved`);
  cpSync(out, saved, { recursive: true, verbatimSymlinks: true });
  // The directory a whole run makes from the same state.
  assert.equal(nix(ws).status, 0);
  const complete = snapshot(out);
  assert.notDeepEqual(complete, before);
  let k = 1;
  let between = 0;
  let after = 0;
  for (; ; k++) {
    rmSync(out, { recursive: true, force: true });
    cpSync(saved, out, { recursive: true, verbatimSymlinks: true });
    const r = nix(ws, k);
    if (r.signal === null) {
      assert.equal(r.status, 0, String(r.stderr));
      break; // k is past the last step: the generation completed
    }
    assert.equal(r.signal, 'SIGKILL');
    if (existsSync(out)) {
      const now = snapshot(out);
      if (JSON.stringify([...now]) === JSON.stringify([...before])) assert.deepEqual(siblings(ws), [], `step ${k}`);
      else {
        // Killed after the swap: the new directory is complete; only the old one's removal is left.
        assert.deepEqual(now, complete, `killed at step ${k}: the directory is neither the old nor the new one`);
        after++;
      }
    } else {
      // Killed between the two renames: the old directory, complete, sits beside it.
      between++;
      const [old] = siblings(ws);
      assert.ok(old, `killed at step ${k}: no directory at all`);
      assert.equal(snapshot(join(ws, old)).get('units.json'), before.get('units.json'));
    }
    // The next run recovers and completes: no leftovers, and what was carried over is intact.
    assert.equal(nix(ws).status, 0);
    const next = snapshot(out);
    assert.deepEqual(siblings(ws), []);
    assert.deepEqual(
      readdirSync(out).filter((n) => n.startsWith('.next-')),
      [],
    );
    assert.equal(next.get('gcroots/index.json'), '{"a":"r1"}', `step ${k}`);
    assert.equal(next.get('overrides.nix'), '{ }\n');
    assert.equal(next.get('.eval-cache.json'), '{"key":"k"}');
    assert.ok(!next.has('lib/retired.sh'));
    assert.match(next.get('units.json') ?? '', /gendir_added\.rs/);
  }
  // lib/ has 5 files, units.json, default.nix, .gitignore, 3 carried entries, 2 renames.
  assert.ok(k > 10, `only ${k - 1} steps`);
  assert.equal(between, 1, 'exactly one step lies between the two renames');
  assert.equal(after, 1, 'exactly one step lies after the swap');
  const done = snapshot(out);
  assert.deepEqual(done, complete);
  assert.match(done.get('units.json') ?? '', /gendir_added\.rs/);
  assert.equal(done.get('lib/unpack.sh'), readFileSync(join(REPO, 'nix', 'unpack.sh'), 'utf8'));
  rmSync(saved, { recursive: true, force: true });
  rmSync(ws, { recursive: true, force: true });
});

test('after a real cargo-units build, git status shows only the committable files', { skip: NIX_SKIP || (findExecutable('git') ? false : 'git not installed'), timeout: 300_000 }, () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd: ws, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'workspace');
  const env = isolatedNixEnv();
  // A unit with a build script, so learned data (rerun-if-changed.json, runs-read.json) is written too.
  const r = cliBuild(env, ws, ['--unit', 'units-core/lib/units_core']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(finishedOf(r).failed, []);
  const out = join(ws, '.cargo-units');
  // The caches exist, so the check below is about them being ignored, not absent.
  for (const cache of ['gcroots', '.eval-cache.json', '.toolchain-cache.json', 'runs-read.json', 'rerun-if-changed.json']) assert.ok(existsSync(join(out, cache)), cache);
  const untracked = git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .sort();
  const lib = readdirSync(join(REPO, 'nix')).map((f) => `?? .cargo-units/lib/${f}`);
  const expected = ['?? .cargo-units/.gitignore', '?? .cargo-units/default.nix', '?? .cargo-units/units.json', '?? .cargo-units/rerun-if-changed.json', ...lib];
  assert.deepEqual(untracked, expected.sort());

  // A regeneration that swaps the directory (lib/ from an older cargo-units) keeps the GC roots
  // working: after it, nix-store --gc collects nothing the build needs.
  writeFileSync(join(out, 'lib', 'unpack.sh'), '# from an older cargo-units\n');
  writeFileSync(join(out, 'lib', 'retired.sh'), '# no longer in the library\n');
  const gen = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'nix'], { cwd: ws, encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  assert.ok(!existsSync(join(out, 'lib', 'retired.sh')), 'the regeneration replaced the directory');
  execFileSync('nix-store', ['--gc'], { env, stdio: 'ignore' });
  const again = cliBuild(env, ws, ['--unit', 'units-core/lib/units_core']);
  assert.equal(again.status, 0, again.stderr);
  const plan = again.events.find((e) => e.type === 'plan');
  assert.ok(plan && plan.type === 'plan');
  assert.deepEqual(plan.build, [], 'the GC roots survived the swap');
  assert.deepEqual(git('status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort(), expected);
  rmSync(ws, { recursive: true, force: true });
});
