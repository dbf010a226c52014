/**
 * `cargo-units build` with Nix configured as Debian's nix-bin installs it: no nix.conf at all
 * (so, as root, `build-users-group = nixbld` with no such group, a sandbox, cache.nixos.org and
 * one job at a time). A private store; the user's own Nix configuration is kept out.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { copyFixture, fixture, REPO } from '../helpers.js';
import { isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';

/** A private store and an empty configuration directory: Nix's built-in defaults. */
function unconfiguredNix(): { env: NodeJS.ProcessEnv; conf: string } {
  const env = isolatedNixEnv();
  const conf = mkdtempSync(join(tmpdir(), 'cargo-units-noconf-'));
  mkdirSync(join(conf, 'xdg'));
  // No nix.conf anywhere Nix looks: NIX_CONF_DIR, XDG_CONFIG_DIRS, XDG_CONFIG_HOME; no NIX_CONFIG.
  const { NIX_CONFIG: _unset, ...rest } = env;
  return { env: { ...rest, NIX_CONF_DIR: conf, XDG_CONFIG_DIRS: join(conf, 'xdg'), XDG_CONFIG_HOME: join(conf, 'xdg'), NIX_USER_CONF_FILES: '' }, conf };
}

function build(env: NodeJS.ProcessEnv, ws: string, extra: string[] = []): { status: number | null; events: BuildEvent[]; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', '--json', ...extra], {
    cwd: ws,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return {
    status: r.status,
    stderr: r.stderr,
    events: r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as BuildEvent),
  };
}

test('build works with no Nix configuration, passing the settings it needs itself', { skip: NIX_SKIP }, () => {
  const { env } = unconfiguredNix();
  const ws = copyFixture(fixture('cargo', 'solo'));
  const r = build(env, ws);
  assert.equal(r.status, 0, r.stderr);
  const said = r.events.find((e) => e.type === 'log' && e.unit === null && e.line.startsWith('cargo-units passes Nix these settings'));
  assert.ok(said && said.type === 'log', 'the settings passed are said');
  assert.match(said.line, /`sandbox = false`/);
  if (process.getuid?.() === 0) assert.match(said.line, /`build-users-group =` \(the group `nixbld` does not exist/);
  const plan = r.events.find((e) => e.type === 'plan');
  const finished = r.events.find((e) => e.type === 'finished');
  assert.ok(plan?.type === 'plan' && finished?.type === 'finished');
  assert.deepEqual(finished.failed, []);
  // The counts add up: every planned unit was built, the rest were already built.
  assert.deepEqual([...finished.built].sort(), [...plan.build].sort());
  assert.deepEqual([...finished.cached].sort(), [...plan.cached].sort());
  assert.ok(finished.built.includes('solo/lib/solo'));
});

test('a nix.conf that turns the sandbox on: exit 5 with the line to add; `-- --option sandbox false` overrides it', { skip: NIX_SKIP }, () => {
  const { env, conf } = unconfiguredNix();
  writeFileSync(join(conf, 'nix.conf'), 'sandbox = true\n');
  const ws = copyFixture(fixture('cargo', 'solo'));
  const r = build(env, ws);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stderr, new RegExp(`\`sandbox\` is set in ${join(conf, 'nix.conf')}`));
  assert.match(r.stderr, /^ {2}sandbox = false$/m);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  const failed = r.events.find((e) => e.type === 'failed' && e.unit === null);
  assert.ok(failed?.type === 'failed' && failed.reason === 'nix-config');
  const finished = r.events.find((e) => e.type === 'finished');
  assert.ok(finished?.type === 'finished' && finished.built.length === 0 && finished.failed.length > 0);

  const overridden = build(env, ws, ['--', '--option', 'sandbox', 'false']);
  assert.equal(overridden.status, 0, overridden.stderr);
});

test('a build stopped at a failing build script counts every planned unit as built, failed or skipped', { skip: NIX_SKIP }, () => {
  const env = isolatedNixEnv();
  const ws = copyFixture(join(REPO, 'examples', 'workspace'));
  writeFileSync(join(ws, 'crates', 'units-core', 'build.rs'), 'fn main() { panic!("this build script fails") }\n');
  const r = build(env, ws);
  assert.equal(r.status, 1, r.stderr);
  const plan = r.events.find((e) => e.type === 'plan');
  const finished = r.events.find((e) => e.type === 'finished');
  assert.ok(plan?.type === 'plan' && finished?.type === 'finished');
  assert.deepEqual([...finished.built, ...finished.failed, ...finished.skipped, ...finished.substituted].sort(), [...plan.build, ...plan.substitute].sort());
  assert.deepEqual([...finished.cached].sort(), [...plan.cached].sort());
  assert.ok(finished.failed.includes('units-core/custom-build/build-script-build#run'), 'the build script run failed');
  assert.ok(finished.skipped.includes('units-core/lib/units_core'), 'a dependent of the build script was skipped, not built');
});
