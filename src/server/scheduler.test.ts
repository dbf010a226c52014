import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BuildEvent } from '../protocol/build-events.js';
import { runBuildProcess } from './build-process.js';
import { BuildScheduler, type BuildJob } from './scheduler.js';

const CHILD = join(import.meta.dirname, 'build-child.fixture.mjs');

/** Running (a zombie nobody reaped yet counts as ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A scheduler whose builds are real processes of the fixture program, with a record of each. */
function harness(stepMs: number, debounceMs: number) {
  const log = join(mkdtempSync(join(tmpdir(), 'cargo-units-sched-')), 'log');
  const builds: { job: BuildJob; events: BuildEvent[]; cancelled: boolean; code: number | null }[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const scheduler = new BuildScheduler(async (job, signal) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    const events: BuildEvent[] = [];
    const r = await runBuildProcess({
      command: process.execPath,
      args: [CHILD, ...job.files],
      cwd: tmpdir(),
      env: { ...process.env, LOG: log, STEP_MS: String(stepMs) },
      signal,
      onEvent: (e) => events.push(e),
      onBadLine: (err) => assert.fail(err.message),
      onOutput: () => undefined,
      killAfterMs: 500,
    });
    builds.push({ job, events, cancelled: r.cancelled, code: r.code });
    concurrent--;
  }, debounceMs);
  /** The log's complete lines: the file can exist a moment before its first line is written. */
  const logLines = () => {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l !== '');
  };
  return { scheduler, builds, log, logLines, maxConcurrent: () => maxConcurrent };
}

test('the process adapter parses events, reports a stdout line that is no event, passes stderr through, and reports the exit code', async () => {
  const events: BuildEvent[] = [];
  const output: string[] = [];
  const bad: string[] = [];
  const r = await runBuildProcess({
    command: process.execPath,
    args: [CHILD, 'a', 'fail:b', 'cached:c'],
    cwd: tmpdir(),
    env: { ...process.env, STEP_MS: '5', BAD_LINE: '{"type":"plan","toBuild":["a"]}' },
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
    onBadLine: (err) => bad.push(err.message),
    onOutput: (l) => output.push(l),
  });
  assert.equal(r.code, 1);
  assert.equal(r.cancelled, false);
  assert.deepEqual(
    events.map((e) => e.type),
    ['plan', 'start', 'done', 'start', 'diagnostic', 'failed', 'finished'],
  );
  assert.deepEqual(events[0], { type: 'plan', build: ['a', 'fail:b'], substitute: [], cached: ['cached:c'] });
  assert.deepEqual(bad, ['malformed build event: plan: `build` must be a list of strings, got nothing']);
  assert.deepEqual(output, ['stderr line']);
  const missing = await runBuildProcess({
    command: '/nonexistent/build',
    args: [],
    cwd: tmpdir(),
    signal: new AbortController().signal,
    onEvent: () => undefined,
    onBadLine: () => undefined,
    onOutput: () => undefined,
  });
  assert.match(missing.spawnError ?? '', /ENOENT/);
});

test('cancelling kills the whole process group', async () => {
  const h = harness(10_000, 0);
  h.scheduler.request({ files: ['a'] });
  await until(() => h.logLines().length > 0);
  const [, pid, grandchild] = h.logLines()[0]!.split(' ');
  assert.ok(alive(Number(pid)) && alive(Number(grandchild)));
  assert.equal(h.scheduler.cancel(), true);
  await h.scheduler.idle();
  assert.equal(h.builds.length, 1);
  assert.equal(h.builds[0]!.cancelled, true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(Number(pid)), false);
  assert.equal(alive(Number(grandchild)), false, 'the grandchild went with the group');
  assert.equal(h.scheduler.cancel(), false);
});

test('rapid saves are debounced into one build of the merged files', async () => {
  const h = harness(10, 150);
  h.scheduler.request({ files: ['b'] });
  await new Promise((r) => setTimeout(r, 30));
  h.scheduler.request({ files: ['a'] });
  h.scheduler.request({ files: ['b', 'c'] });
  await h.scheduler.idle();
  assert.deepEqual(
    h.builds.map((b) => b.job.files),
    [['a', 'b', 'c']],
  );
  assert.equal(h.builds[0]!.events.at(-1)?.type, 'finished');
});

test('a newer save cancels the running build, waits for it to end, and builds both; never two at once', async () => {
  const h = harness(300, 20);
  h.scheduler.request({ files: ['a'] });
  await until(() => h.logLines().length > 0);
  h.scheduler.request({ files: ['b'] });
  await new Promise((r) => setTimeout(r, 60));
  h.scheduler.request({ files: ['c'] });
  await h.scheduler.idle();
  assert.equal(h.maxConcurrent(), 1);
  assert.equal(h.builds[0]!.cancelled, true);
  const last = h.builds.at(-1)!;
  assert.equal(last.cancelled, false);
  assert.deepEqual(last.job.files, ['a', 'b', 'c'], 'the last build covers every edit');
  assert.deepEqual(
    last.events.filter((e) => e.type === 'done').map((e) => (e as { unit: string }).unit),
    ['a', 'b', 'c'],
  );
  const first = Number(h.logLines()[0]!.split(' ')[1]);
  assert.equal(alive(first), false);
});

test('an explicit cancel drops the cancelled work; an empty request schedules nothing', async () => {
  const h = harness(10_000, 0);
  h.scheduler.request({ files: [] });
  assert.equal(h.scheduler.busy, false);
  h.scheduler.request({ units: ['u'] });
  await new Promise((r) => setTimeout(r, 300));
  h.scheduler.cancel();
  await h.scheduler.idle();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(h.builds.length, 1);
  assert.equal(h.scheduler.busy, false);
});
