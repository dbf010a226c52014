/** The live status line: only on a terminal, only for slow steps, cleared before other output and at the end. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Progress } from '../../src/cli/progress.js';
import { findExecutable } from '../../src/core/toolchain.js';
import { EXAMPLE, REPO } from '../helpers.js';

const CLEAR = '\r\x1b[K';

function recorder(columns = 40) {
  const writes: string[] = [];
  return { writes, stream: { columns, write: (s: string) => writes.push(s) } };
}

test('a step shorter than the delay shows nothing; a longer one shows, redraws around output lines, and is cleared', async () => {
  const fast = recorder();
  const p = new Progress(fast.stream, 50);
  p.after('indexing…').done();
  await sleep(80);
  assert.deepEqual(fast.writes, []);

  const slow = recorder(20);
  const q = new Progress(slow.stream, 20);
  q.update('verify: 0/3 units checked');
  await sleep(50);
  assert.deepEqual(slow.writes, [`${CLEAR}verify: 0/3 units c…`], 'drawn once, cut to the terminal width');
  const out = recorder();
  q.print(out.stream, 'ok a/lib/a');
  assert.deepEqual(out.writes, ['ok a/lib/a\n']);
  assert.deepEqual(slow.writes.slice(1), [CLEAR, `${CLEAR}verify: 0/3 units c…`], 'cleared before the line, drawn again after it');
  q.clear();
  assert.equal(slow.writes.at(-1), CLEAR);
});

const script = findExecutable('script');

test('the CLI draws it on a terminal, never when piped or with --json', { skip: script ? false : 'script(1) not found' }, () => {
  const bin = join(REPO, 'bin', 'cargo-units');
  // script(1) gives the CLI a pseudo-terminal for stderr; stdout goes to /dev/null.
  // The line shows at once (no 500 ms delay): a fast machine verifies the example in less.
  const env = { ...process.env, CARGO_UNITS_PROGRESS_DELAY_MS: '0' };
  const onTty = (args: string) =>
    spawnSync(script!, ['-qec', `"${process.execPath}" "${bin}" ${args} 2>&1 >/dev/null`, '/dev/null'], { encoding: 'utf8', env });
  const tty = onTty(`verify "${EXAMPLE}"`);
  assert.equal(tty.status, 0, tty.stdout);
  assert.match(tty.stdout, new RegExp(`${CLEAR.replace('[', '\\[')}verify: \\d+/16 units checked`));
  assert.ok(tty.stdout.endsWith(CLEAR), 'cleared at the end');
  const json = onTty(`verify --json "${EXAMPLE}"`);
  assert.equal(json.status, 0, json.stdout);
  assert.ok(!json.stdout.includes('\x1b[K'), 'nothing with --json');
  const piped = spawnSync(process.execPath, [bin, 'verify', EXAMPLE], { encoding: 'utf8' });
  assert.equal(piped.status, 0, piped.stderr);
  assert.ok(!piped.stderr.includes('\x1b[K'), 'nothing when stderr is not a terminal');
});
