/**
 * dir-lock.ts: one writer at a time in a Nix directory, across processes. Real processes write
 * into one directory at once; a lock left by a dead process is taken over; a live one makes a
 * writer wait, then fail with an error naming the lock file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO } from '../../../test/helpers.js';
import { lockFileOf, withNixDirLock } from './dir-lock.js';

const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-dir-lock-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(out: string, tag: string, rounds: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'nix', 'concurrent-writer.ts'), out, tag, String(rounds)], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
}

test('three processes regenerating one Nix directory and writing into it at once lose nothing', { timeout: 120_000 }, async () => {
  const out = join(tmp, 'ws', '.cargo-units');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'overrides.nix'), '{ }\n');
  const rounds = 60;
  const results = await Promise.all(['a', 'b', 'c'].map((tag) => run(out, tag, rounds)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const names = readdirSync(out);
  // Every file a writer put there survived every other writer's swaps.
  for (const tag of ['a', 'b', 'c']) {
    const missing = Array.from({ length: rounds }, (_, i) => `written-${tag}-${i}`).filter((n) => !names.includes(n));
    assert.deepEqual(missing, [], `${tag}: ${missing.length} of ${rounds} lost`);
  }
  assert.equal(readFileSync(join(out, 'overrides.nix'), 'utf8'), '{ }\n', "the user's file");
  // The generated files are one writer's complete set.
  const units = readFileSync(join(out, 'units.json'), 'utf8');
  assert.equal(readFileSync(join(out, 'default.nix'), 'utf8'), `# ${units}`);
  assert.equal(readFileSync(join(out, 'lib', 'default.nix'), 'utf8'), `# ${units.trim()} lib\n`);
  // Nothing left behind: no staging directory, no old directory, no lock.
  assert.deepEqual(
    names.filter((n) => n.startsWith('.next-')),
    [],
  );
  assert.deepEqual(readdirSync(join(tmp, 'ws')), ['.cargo-units']);
});

test('a lock left by a process that is no longer running is taken over', () => {
  const out = join(tmp, 'stale');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lockFileOf(out), `${dead.stdout}\n`);
  assert.equal(
    withNixDirLock(out, () => readFileSync(lockFileOf(out), 'utf8')),
    `${process.pid}\n`,
  );
  assert.ok(!existsSync(lockFileOf(out)), 'released');
  // One that names this process, which does not hold it: an earlier process with the same pid left it.
  writeFileSync(lockFileOf(out), `${process.pid}\n`);
  assert.equal(
    withNixDirLock(out, () => 'written', 500),
    'written',
  );
  assert.ok(!existsSync(lockFileOf(out)), 'released');
});

test("a live process's lock makes a writer wait, then fail naming the lock file; nested sections re-enter", async () => {
  const out = join(tmp, 'busy');
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    writeFileSync(lockFileOf(out), `${holder.pid}\n`);
    const t = Date.now();
    assert.throws(() => withNixDirLock(out, () => 1, 300), new RegExp(`${lockFileOf(out).replace(/[.]/g, '\\.')}: cargo-units process ${holder.pid} has been writing`));
    assert.ok(Date.now() - t >= 300, 'it waited');
    assert.equal(readFileSync(lockFileOf(out), 'utf8'), `${holder.pid}\n`, "the owner's lock is left alone");
  } finally {
    holder.kill();
  }
  rmSync(lockFileOf(out));
  assert.equal(
    withNixDirLock(out, () => withNixDirLock(out, () => 2)),
    2,
  );
  assert.ok(!existsSync(lockFileOf(out)));
});
