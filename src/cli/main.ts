/** The `cargo-units` executable. */
import { preferBaselineWasm } from '../core/scan/parser.js';
import { runCli } from './run.js';

// One process, one index: WebAssembly's baseline compiler is enough (see preferBaselineWasm).
preferBaselineWasm();

runCli(process.argv.slice(2), {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${String(err)}\n`);
    process.exitCode = 3;
  },
);
