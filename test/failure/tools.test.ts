/**
 * Failure paths with the real tools: each gives a clear message and a distinct exit code, and
 * the index keeps working.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXAMPLE, REPO } from '../helpers.js';

/** The built CLI with an environment that has no rustc anywhere (no PATH entry, no ~/.cargo/bin). */
function withoutRustc(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), 'cargo-units-home-'));
  return spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), ...args], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: home, CARGO_UNITS_CACHE_DIR: join(home, 'cache') },
    timeout: 60_000,
  });
}

test('verify without rustc: a clear message, exit 2; indexing still works from the built-in target table', () => {
  const v = withoutRustc(['verify', EXAMPLE]);
  assert.equal(v.status, 2, v.stderr);
  assert.match(v.stderr, /verify needs rustc, and none was found \(looked at \$RUSTC, PATH and ~\/\.cargo\/bin\)/);
  const u = withoutRustc(['units', '--json', EXAMPLE]);
  assert.equal(u.status, 0, u.stderr);
  const json = JSON.parse(u.stdout);
  assert.equal(json.units.length, 16);
  assert.match(json.target, /^x86_64-unknown-linux-gnu|^aarch64-unknown-linux-gnu/);
});
