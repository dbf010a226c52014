/** The `cargo-units` executable. */
import { preferBaselineWasm } from '../core/scan/parser.js';
import { Progress } from './progress.js';
import { reportError, runCli } from './run.js';
import type { Io } from './context.js';

// One process, one index: WebAssembly's baseline compiler is enough (see preferBaselineWasm; the
// flag is set when the first WebAssembly module is compiled).
preferBaselineWasm();

// A reader that went away (`cargo-units units --files | head`) ends the run quietly, as with git.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.stderr.on('error', () => undefined);

let cwd: string;
try {
  cwd = process.cwd();
} catch {
  process.stderr.write('error: the current directory no longer exists\n');
  process.exit(2);
}

// CARGO_UNITS_PROGRESS_DELAY_MS: after how long a slow step shows its status line (default 500;
// tests set 0, so that the line shows whatever the machine's speed).
const delay = Number(process.env.CARGO_UNITS_PROGRESS_DELAY_MS || NaN);
const progress = process.stderr.isTTY ? new Progress(process.stderr, Number.isFinite(delay) && delay >= 0 ? delay : undefined) : undefined;
const io: Io = {
  out: (l) => (progress ? progress.print(process.stdout, l) : process.stdout.write(`${l}\n`)),
  err: (l) => (progress ? progress.print(process.stderr, l) : process.stderr.write(`${l}\n`)),
  cwd,
  progress,
};

// Whatever escapes (a bug) is one line and exit 70, never a stack trace.
const crash = (err: unknown) => {
  progress?.clear();
  process.exitCode = reportError(err, { ...io, progress: undefined });
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

runCli(process.argv.slice(2), io).then((code) => {
  progress?.clear();
  process.exitCode = code;
}, crash);
