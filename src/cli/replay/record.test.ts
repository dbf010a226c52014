/**
 * The recorder (record.ts) sees what a command reads through node:fs, also through named imports,
 * and refuses to record a run that did something it cannot check again; replay.ts asks rustc
 * again except for what its `-vV` answer fixes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { holds, sha1 } from './checks.js';
import * as fs from 'node:fs';
import { RunRecorder } from './record.js';
import type { RecordedCommand } from './record-format.js';
import { impliedByVersion } from './replay.js';

const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-record-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function recorder(name: string): { r: RunRecorder; dir: string; cache: string } {
  const dir = join(tmp, name);
  const cache = join(dir, 'cache');
  mkdirSync(cache, { recursive: true });
  const ctx = { bundle: join(dir, 'cli.cjs'), argv: [], cwd: dir, env: {}, tty: [false, false] as [boolean, boolean] };
  return { r: new RunRecorder(ctx, 'key', [cache]), dir, cache };
}

/** The checks a recorder holds (private; read for the test). */
const checksOf = (r: RunRecorder) => [...(r as unknown as { checks: Map<string, [string, string, string, string]> }).checks.values()];

test('reads, stats, listings and existence tests are recorded with their answers, and hold until changed', () => {
  const { r, dir, cache } = recorder('reads');
  const file = join(dir, 'a.rs');
  writeFileSync(file, 'mod b;');
  r.start();
  try {
    assert.equal(readFileSync(file, 'utf8'), 'mod b;');
    assert.equal(existsSync(join(dir, 'b.rs')), false);
    assert.ok(statSync(dir).isDirectory());
    assert.deepEqual(readdirSync(dir).sort(), ['a.rs', 'cache']);
    writeFileSync(join(cache, 'x.json'), '{}');
    readFileSync(join(cache, 'x.json'));
  } finally {
    r.stop();
  }
  assert.equal(r.tainted, undefined);
  const checks = checksOf(r);
  assert.deepEqual(
    checks.map((c) => [c[0], c[1]]),
    [
      ['r', file],
      ['e', join(dir, 'b.rs')],
      ['s', dir],
      ['d', dir],
    ],
    'the cache directory is not an input',
  );
  assert.equal(checks[0]![3], sha1('mod b;'));
  for (const c of checks) assert.ok(holds(fs, c as never), `${c[0]} ${c[1]} holds`);
  writeFileSync(join(dir, 'b.rs'), '');
  assert.ok(!holds(fs, checks[1] as never), 'b.rs now exists');
  assert.ok(!holds(fs, checks[3] as never), 'the listing changed');
  writeFileSync(file, 'mod c;');
  assert.ok(!holds(fs, checks[0] as never), 'a.rs changed');
  // After stop(), nothing is recorded.
  readFileSync(join(dir, 'b.rs'));
  assert.equal(checksOf(r).length, 4);
});

test('writes outside the cache directory and other ways of running programs taint the run', () => {
  const a = recorder('write');
  a.r.start();
  try {
    writeFileSync(join(a.dir, 'out.txt'), 'x');
  } finally {
    a.r.stop();
  }
  assert.match(a.r.tainted ?? '', /out\.txt/);

  const b = recorder('spawn');
  b.r.start();
  try {
    spawnSync(process.execPath, ['-e', '0']);
  } finally {
    b.r.stop();
  }
  assert.match(b.r.tainted ?? '', /spawnSync/);
});

test("rustc's cfg answers are taken from its -vV answer only for built-in targets, from the same rustc and directory", () => {
  const cmd = (args: string[], file = '/bin/rustc', cwd = '/ws'): RecordedCommand => ({ file, args, cwd, answer: '' });
  const vv = cmd(['-vV']);
  const host = cmd(['--print', 'host-tuple', '--print', 'cfg']);
  const target = cmd(['--print', 'cfg', '--target', 'aarch64-unknown-linux-gnu']);
  assert.ok(impliedByVersion(host, [host, vv]));
  assert.ok(impliedByVersion(target, [target, vv]));
  assert.ok(!impliedByVersion(host, [host]), 'no -vV');
  assert.ok(!impliedByVersion(host, [host, cmd(['-vV'], '/other/rustc')]), 'another rustc');
  assert.ok(!impliedByVersion(host, [host, cmd(['-vV'], '/bin/rustc', '/elsewhere')]), 'another directory (rustup overrides)');
  assert.ok(!impliedByVersion(cmd(['--print', 'cfg', '--target', 'my-target.json']), [vv]), 'a custom target file');
  assert.ok(!impliedByVersion(cmd(['--print', 'cfg', '--target', './t/x']), [vv]), 'a path');
  assert.ok(!impliedByVersion(cmd(['--print', 'host-tuple', '--print', 'cfg', '-C', 'target-feature=+avx2']), [vv]), 'flags');
  assert.ok(!impliedByVersion(vv, [vv]));
});
