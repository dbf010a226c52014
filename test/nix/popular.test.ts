/**
 * Acceptance: a workspace on 30 popular crates of Debian's crate registry (test/fixtures/popular:
 * tokio `full`, clap `derive`, serde `derive`, sha2 (typenum's build = "build/main.rs"), rayon,
 * chrono, flate2, uuid `v4`, url, regex, itertools, indexmap, …) builds with Nix from a fresh
 * private store, and its binary prints exactly what cargo's build of it prints.
 *
 * Heavy (every crate compiled twice, once by Nix and once by cargo): the two builds run at the
 * same time, and cargo's without debuginfo (CARGO_PROFILE_DEV_DEBUG=0), which changes no output.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { REPO } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP } from './nix-env.js';
import { cargo, REGISTRY, registryWorkspace } from './registry-workspace.js';

const FIXTURE = join(REPO, 'test/fixtures/popular');
const REQUIRED = ['tokio', 'clap', 'serde', 'sha2', 'rayon', 'chrono', 'flate2', 'uuid', 'url', 'regex', 'itertools', 'indexmap'];

function files(dir: string, root = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) Object.assign(out, files(p, root));
    else out[relative(root, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

const manifest = parse(readFileSync(join(FIXTURE, 'Cargo.toml'), 'utf8')) as { dependencies: Record<string, string | { version: string }> };
const deps = Object.keys(manifest.dependencies);
const missing = deps.filter((d) => !readdirSync(REGISTRY, { withFileTypes: true }).some((e) => e.name.startsWith(`${d}-`) && /^\d/.test(e.name.slice(d.length + 1))));
const SKIP = NIX_SKIP || (!existsSync(REGISTRY) || missing.length > 0 ? `Debian's crate registry lacks ${missing.join(', ') || 'everything'} (.ci/run installs them)` : false);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('the fixture uses ≥ 25 registry crates, the required ones with their features', () => {
  assert.ok(deps.length >= 25, `${deps.length} crates`);
  for (const r of REQUIRED) assert.ok(deps.includes(r), r);
  const feats = (n: string) => (manifest.dependencies[n] as { features?: string[] }).features ?? [];
  assert.deepEqual([feats('tokio'), feats('clap'), feats('serde'), feats('uuid')], [['full'], ['derive'], ['derive'], ['v4']]);
});

test('popular crates: a Nix build from a fresh store prints what cargo run prints', { skip: SKIP, timeout: 1_200_000 }, async () => {
  const ws = registryWorkspace(files(FIXTURE));
  cargo(ws, ['generate-lockfile']);
  const nixEnv = isolatedNixEnv();
  const cargoEnv = { ...process.env, CARGO_HOME: join(ws, '.cargo-home'), CARGO_TARGET_DIR: join(ws, 'target'), CARGO_PROFILE_DEV_DEBUG: '0' };
  const t0 = performance.now();
  const [nix, built] = await Promise.all([
    run(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', '--json', '--unit', 'popular/bin/popular'], ws, nixEnv).then((r) => ({ ...r, seconds: (performance.now() - t0) / 1000 })),
    run('cargo', ['build', '--offline', '-q'], ws, cargoEnv),
  ]);
  assert.equal(built.status, 0, built.stderr);
  assert.equal(nix.status, 0, nix.stderr.slice(-4000));
  const events = nix.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BuildEvent);
  const finished = events.find((e) => e.type === 'finished') as Extract<BuildEvent, { type: 'finished' }>;
  // Everything was built here: nothing came from elsewhere.
  assert.deepEqual([finished.failed, finished.cached], [[], []]);
  assert.ok(finished.built.length > 100, `${finished.built.length} units built`);
  for (const r of REQUIRED) assert.ok(finished.built.some((id) => id.startsWith(`${r}@`)), `${r} was built`);
  // typenum's build script is build/main.rs: its target is build-script-main, and it ran.
  assert.ok(finished.built.some((id) => /^typenum@[^/]+\/custom-build\/build-script-main#run$/.test(id)), 'typenum build-script-main ran');
  const done = events.find((e) => e.type === 'done' && e.unit === 'popular/bin/popular') as Extract<BuildEvent, { type: 'done' }>;
  const ours = spawnSync(join(done.out, 'bin', 'popular'), { encoding: 'utf8' });
  const theirs = spawnSync(join(ws, 'target/debug/popular'), { encoding: 'utf8' });
  assert.equal(theirs.status, 0, theirs.stderr);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, theirs.stdout);
  // Each crate printed its line.
  for (const name of ['clap', 'serde_json', 'sha2', 'rayon', 'chrono', 'flate2', 'uuid', 'url', 'regex', 'itertools', 'indexmap', 'tokio', 'walkdir', 'parking_lot']) {
    assert.match(ours.stdout, new RegExp(`^${name}: .+`, 'm'), name);
  }
  assert.match(ours.stdout, /^tokio: \[0, 1, 2, 3, 4\]$/m);
  assert.match(ours.stdout, /^chrono: 2024-02-29 13:14:15 weekday=Thursday \+30d=2024-03-30$/m);
  console.log(`# popular: Nix build of ${finished.built.length} units in ${nix.seconds.toFixed(1)} s (cargo's build at the same time)`);
});
