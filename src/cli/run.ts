/** Runs one `cargo-units` invocation; returns the exit code. Never throws. */
import { statSync } from 'node:fs';
import { BUILTIN_TARGETS, TargetCfgError } from '../core/cfg/target.js';
import { formatDiagnostic, InputError } from '../core/diagnostics.js';
import { displayPath } from '../core/paths.js';
import { didYouMean } from '../core/suggest.js';
import { VERSION } from '../core/version.js';
import { COMMANDS, parseArgs, UsageError, type CliArgs } from './args.js';
import { COMMAND_HELP, commandHelp, USAGE } from './help.js';
import { ManifestErrors, openContext, type Io } from './context.js';
import { filesCommand } from './commands/files.js';
import { orphansCommand } from './commands/orphans.js';
import { affectedCommand, ownersCommand, workspaceOfFiles } from './commands/owners.js';
import { unitsCommand } from './commands/units.js';
import { verifyCommand } from './commands/verify.js';
import { whyCommand } from './commands/why.js';
import { recorderFor } from './replay/record.js';

/** Exit code of an unexpected exception (EX_SOFTWARE): a bug in cargo-units, not the user's input. */
export const EXIT_INTERNAL = 70;

export async function runCli(argv: string[], given: Io): Promise<number> {
  let io = given;
  try {
    const args = parseArgs(argv);
    // Machine-readable output gets no status line.
    if (args.json) io = { ...given, progress: undefined };
    if (args.version) {
      io.out(`cargo-units ${VERSION}`);
      return 0;
    }
    if (args.command === 'help') {
      const topic = args.positionals[0];
      if (topic === undefined) io.out(USAGE);
      else if (COMMAND_HELP[topic]) io.out(commandHelp(topic));
      else throw new UsageError(`no help for \`${topic}\`: not a command${didYouMean(topic, COMMANDS)}`);
      return 0;
    }
    if (args.command && !(COMMANDS as readonly string[]).includes(args.command)) {
      throw new UsageError(`unknown command \`${args.command}\`${didYouMean(args.command, COMMANDS)} (see \`cargo-units --help\`)`);
    }
    if (args.help || !args.command) {
      io.out(args.command ? commandHelp(args.command) : USAGE);
      return args.help ? 0 : 2;
    }
    const recorder = recorderFor(args.command, args.noCache, argv, io.cwd);
    if (!recorder) return await runCommand(args, io);
    // A read-only command: what it reads is recorded, so that the same run can be replayed (replay/).
    recorder.start();
    let code: number;
    try {
      code = await runCommand(args, recorder.capture(io));
    } finally {
      recorder.stop();
    }
    recorder.save(code);
    return code;
  } catch (err) {
    return reportError(err, io);
  }
}

async function runCommand(args: CliArgs, io: Io): Promise<number> {
  switch (args.command) {
    case 'units':
      return unitsCommand(await openContext(args, io));
    case 'files':
      return filesCommand(await openContext(args, io));
    case 'owners':
      return ownersCommand(await openContext(args, io, workspaceOfFiles(io.cwd)));
    case 'affected':
      return affectedCommand(await openContext(args, io, workspaceOfFiles(io.cwd)));
    case 'orphans':
      return orphansCommand(await openContext(args, io));
    case 'why':
      return await whyCommand(args, io, workspaceOfFiles(io.cwd));
    case 'verify':
      return await verifyCommand(await openContext(args, io));
    // Loaded only for these commands: Nix builds bring execa, whose set-up alone costs a few ms.
    case 'nix':
      return (await import('./commands/nix.js')).nixCommand(await openContext(args, io));
    default:
      return await (await import('./commands/build.js')).buildCommand(args, io, workspaceOfFiles(io.cwd));
  }
}

/** Prints an error as one `file:line:col: error: …` or `error: …` line; never a stack trace. */
export function reportError(err: unknown, io: Io): number {
  if (err instanceof ManifestErrors) {
    for (const d of err.diagnostics) io.err(formatDiagnostic(d, (f) => displayPath(io.cwd, f)));
    return 2;
  }
  if (err instanceof InputError && err.line === 0 && isDirectory(err.file)) {
    // "could not find `Cargo.toml` in `DIR` or any parent directory": the message names DIR.
    io.err(`error: ${err.message}`);
    return 2;
  }
  if (err instanceof InputError) {
    io.err(formatDiagnostic(err.toDiagnostic(), (f) => displayPath(io.cwd, f)));
    return 2;
  }
  if (err instanceof TargetCfgError) {
    // The message ends with the built-in table's targets: a suggestion says more.
    io.err(`error: ${err.message.replace(/ \([^()]*\)$/, '')}${didYouMean(err.triple, BUILTIN_TARGETS)}`);
    return 2;
  }
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}`);
    return 2;
  }
  const e = err as Error;
  const where = e?.stack
    ?.split('\n')
    .find((l) => l.trimStart().startsWith('at '))
    ?.trim();
  io.err(`error: internal error in cargo-units: ${e?.message ?? String(err)}${where ? ` (${where})` : ''}; please report this bug, with the command you ran`);
  return EXIT_INTERNAL;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
