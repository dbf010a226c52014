/** Runs one `cargo-units` invocation; returns the exit code. Never throws. */
import { dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../core/diagnostics.js';
import { InputError } from '../core/diagnostics.js';
import { toRelative } from '../core/paths.js';
import { parseArgs, USAGE, UsageError } from './args.js';
import { openContext, type Io } from './context.js';
import { filesCommand } from './commands/files.js';
import { orphansCommand } from './commands/orphans.js';
import { affectedCommand, ownersCommand } from './commands/owners.js';
import { unitsCommand } from './commands/units.js';
import { verifyCommand } from './commands/verify.js';
import { nixCommand } from './commands/nix.js';
import { buildCommand } from './commands/build.js';
import { whyCommand } from './commands/why.js';

export const VERSION = '0.1.0';

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.version) {
      io.out(`cargo-units ${VERSION}`);
      return 0;
    }
    if (args.help || !args.command || args.command === 'help') {
      io.out(USAGE);
      return args.command || args.help ? 0 : 2;
    }
    // owners/affected find the workspace from their first FILE when no DIR or manifest is given.
    const fromFirstFile = (operands: string[]) => (operands[0] ? dirname(resolve(io.cwd, operands[0])) : undefined);
    switch (args.command) {
      case 'units':
        return unitsCommand(await openContext(args, io));
      case 'files':
        return filesCommand(await openContext(args, io));
      case 'owners':
        return ownersCommand(await openContext(args, io, fromFirstFile));
      case 'affected':
        return affectedCommand(await openContext(args, io, fromFirstFile));
      case 'why':
        return await whyCommand(args, io, fromFirstFile);
      case 'orphans':
        return orphansCommand(await openContext(args, io));
      case 'verify':
        return await verifyCommand(await openContext(args, io));
      case 'nix':
        return nixCommand(await openContext(args, io));
      case 'build':
        return await buildCommand(args, io, fromFirstFile);
      default:
        throw new UsageError(`unknown command \`${args.command}\` (try --help)`);
    }
  } catch (err) {
    if (err instanceof InputError) {
      io.err(formatDiagnostic(err.toDiagnostic(), (f) => toRelative(io.cwd, f)));
      return 2;
    }
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}`);
      return 2;
    }
    io.err(`internal error: ${(err as Error).stack ?? String(err)}`);
    return 3;
  }
}
