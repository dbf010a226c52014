/**
 * `cargo-units build --incremental` (opt-in, impure): workspace units keep rustc's incremental
 * state under .cargo-units/incremental, their derivations are marked (-incremental, no
 * substitutes), registry units and the default build stay pure, and the binaries behave the same.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyFixture, EXAMPLE } from '../helpers.js';
import { cliBuild, finishedOf, isolatedNixEnv, NIX_SKIP } from './nix-env.js';

const CONVERT = 'units-cli/bin/convert';

test('--incremental: marked derivations, rustc state outside the store reused across an edit, same behaviour; the default stays pure', { skip: NIX_SKIP, timeout: 400_000 }, () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const env = isolatedNixEnv();
  const run = (out: string) => spawnSync(join(out, 'bin', 'convert'), ['5 km', 'm'], { encoding: 'utf8' }).stdout;

  const pure = cliBuild(env, ws, ['--unit', CONVERT]);
  assert.equal(pure.status, 0, pure.stderr);
  const pureOut = finishedOf(pure).outs[CONVERT]!;
  assert.doesNotMatch(pureOut, /-incremental$/);

  const inc = cliBuild(env, ws, ['--unit', CONVERT, '--incremental']);
  assert.equal(inc.status, 0, inc.stderr);
  const incOut = finishedOf(inc).outs[CONVERT]!;
  assert.match(incOut, /-unit-units-cli-bin-convert-incremental$/);
  assert.equal(run(incOut), run(pureOut));
  assert.equal(run(incOut), '5 km = 5000 m\n');
  const drv = execFileSync('nix-store', ['--query', '--deriver', incOut], { env, encoding: 'utf8' }).trim();
  const attrs = (JSON.parse(execFileSync('nix', ['show-derivation', drv], { env, encoding: 'utf8' })) as Record<string, { env: Record<string, string> }>)[drv]!.env;
  assert.equal(attrs.allowSubstitutes, '', 'never fetched from a binary cache');
  const dir = join(ws, '.cargo-units', 'incremental');
  assert.equal(attrs.incremental, dir);
  const sessions = () => readdirSync(dir).filter((d) => d.startsWith('convert-'));
  assert.equal(sessions().length, 1, readdirSync(dir).join(' '));
  assert.ok(existsSync(join(dir, 'src', 'unit-units-cli-bin-convert-incremental')), 'compiled from a fixed place');

  // An edit: rebuilt with the same incremental directory (one session directory per crate, reused).
  appendFileSync(join(ws, 'crates/units-cli/src/bin/convert/main.rs'), '\n#[allow(dead_code)]\nfn edited() -> u32 { 1 }\n');
  const again = cliBuild(env, ws, ['--unit', CONVERT, '--incremental']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(finishedOf(again).built, [CONVERT]);
  assert.equal(run(finishedOf(again).outs[CONVERT]!), '5 km = 5000 m\n');
  assert.equal(sessions().length, 1);

  // The default build is untouched by the opt-in: still the pure output it had.
  const back = cliBuild(env, ws, ['--unit', CONVERT]);
  assert.equal(back.status, 0, back.stderr);
  assert.doesNotMatch(finishedOf(back).outs[CONVERT]!, /-incremental$/);
});
