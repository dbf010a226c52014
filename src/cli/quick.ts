/**
 * What bin/cargo-units runs first (dist/quick.cjs, a small bundle of its own): when an identical
 * run was recorded and nothing it depended on has changed, prints that run's output and exit code
 * (replay/), and the CLI bundle is never loaded. Prints nothing and never throws otherwise.
 */
import { thisRun } from './replay/key.js';
import { findRecord, printOutput, stillHolds } from './replay/replay.js';

/** Replays this run if it can; `bundle` is the CLI bundle (dist/cli.cjs) the record must come from. */
export async function replay(argv: string[], bundle: string): Promise<boolean> {
  try {
    const record = findRecord(thisRun(bundle, argv, process.cwd()));
    if (!record || !(await stillHolds(record))) return false;
    // A reader that went away ends the run quietly, as in the CLI (main.ts).
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
    process.stderr.on('error', () => undefined);
    printOutput(record, [process.stdout, process.stderr]);
    process.exitCode = record.code;
    return true;
  } catch {
    return false;
  }
}
