// A real build-like program for the scheduler and process tests: prints `cargo-units build --json`
// events for the units named on its command line, one unit every STEP_MS, and keeps a
// grandchild (`sleep`) in its process group. Appends "start <pid> <grandchild pid> <args>" and
// "end <pid>" lines to LOG.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const log = process.env.LOG;
const step = Number(process.env.STEP_MS ?? 50);
const units = process.argv.slice(2);
const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
if (log) appendFileSync(log, `start ${process.pid} ${sleeper.pid} ${units.join(',')}\n`);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
// EARLY_ERROR: stop before planning, as the CLI does when it cannot find crate sources.
if (process.env.EARLY_ERROR) {
  sleeper.kill();
  console.error(process.env.EARLY_ERROR);
  process.exit(2);
}
out({ type: 'plan', build: units.filter((u) => !u.startsWith('cached:')), substitute: [], cached: units.filter((u) => u.startsWith('cached:')) });
// BAD_LINE: a stdout line that breaks the event contract.
if (process.env.BAD_LINE) console.log(process.env.BAD_LINE);
console.error('stderr line');
const t0 = Date.now();
let failed = 0;
for (const u of units.filter((u) => !u.startsWith('cached:'))) {
  out({ type: 'start', unit: u });
  await new Promise((r) => setTimeout(r, step));
  if (u.startsWith('fail:')) {
    failed++;
    const span = {
      file_name: 'src/lib.rs',
      line_start: 2,
      line_end: 2,
      column_start: 5,
      column_end: 9,
      is_primary: true,
      label: null,
      suggested_replacement: null,
      suggestion_applicability: null,
    };
    const rendered = 'error[E0308]: mismatched types\n';
    out({
      type: 'diagnostic',
      unit: u,
      level: 'error',
      message: 'mismatched types',
      code: 'E0308',
      file: 'src/lib.rs',
      range: { line: 2, column: 5, endLine: 2, endColumn: 9 },
      rendered,
      diagnostic: { message: 'mismatched types', level: 'error', code: { code: 'E0308' }, spans: [span], children: [], rendered },
    });
    out({ type: 'failed', unit: u, message: 'rustc failed' });
  } else out({ type: 'done', unit: u, seconds: step / 1000, out: `/nix/store/x-${u}` });
}
const built = units.filter((u) => !u.startsWith('cached:') && !u.startsWith('fail:'));
out({
  type: 'finished',
  built,
  cached: [],
  substituted: [],
  failed: units.filter((u) => u.startsWith('fail:')),
  skipped: [],
  seconds: (Date.now() - t0) / 1000,
  outs: Object.fromEntries(built.map((u) => [u, `/nix/store/x-${u}`])),
});
sleeper.kill();
if (log) appendFileSync(log, `end ${process.pid}\n`);
process.exit(failed ? 1 : 0);
