/** What every command needs: the parsed arguments, the index, and output helpers. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCfgOption } from '../core/cfg/expr.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostics.js';
import { UnitIndex, type IndexOptions } from '../core/index.js';
import { toRelative } from '../core/paths.js';
import { CACHE_DIR_ENV } from '../core/scan/cache.js';
import { UsageError, type CliArgs } from './args.js';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}

export interface CommandContext {
  args: CliArgs;
  io: Io;
  /** Positionals left after the workspace DIR (if one was given). */
  operands: string[];
  index: UnitIndex;
  rel: (abs: string) => string;
}

/** A positional names the workspace when it is a directory or a Cargo.toml. */
export function splitWorkspaceArg(args: CliArgs, cwd: string): { location: string; operands: string[] } {
  if (args.manifestPath) return { location: resolve(cwd, args.manifestPath), operands: args.positionals };
  const at = args.positionals.findIndex((p) => {
    const abs = resolve(cwd, p);
    return existsSync(abs) && (statSync(abs).isDirectory() || abs.endsWith('Cargo.toml'));
  });
  if (at < 0) return { location: cwd, operands: args.positionals };
  return { location: resolve(cwd, args.positionals[at]!), operands: args.positionals.filter((_, i) => i !== at) };
}

export function indexOptions(args: CliArgs, cwd: string): IndexOptions {
  const cfgs = args.cfgs.map((c) => {
    try {
      return parseCfgOption(c);
    } catch (err) {
      throw new UsageError(`--cfg ${c}: ${(err as Error).message}`);
    }
  });
  return {
    features: { features: args.features, allFeatures: args.allFeatures, noDefaultFeatures: args.noDefaultFeatures },
    target: args.target,
    cfgs,
    buildOutput: args.buildOutput ? resolve(cwd, args.buildOutput) : undefined,
    // Under `node --test` the cache is used only when CARGO_UNITS_CACHE_DIR names a directory,
    // so tests never write into the user's cache.
    cache: !args.noCache && (!process.env.NODE_TEST_CONTEXT || !!process.env[CACHE_DIR_ENV]),
  };
}

export async function openContext(
  args: CliArgs,
  io: Io,
  locationHint?: (operands: string[]) => string | undefined,
  /** Index options a command adds, from its operands (`why`'s tracer). */
  more?: (operands: string[]) => Partial<IndexOptions>,
): Promise<CommandContext> {
  const split = splitWorkspaceArg(args, io.cwd);
  let location = split.location;
  if (location === io.cwd && !args.manifestPath && locationHint) location = locationHint(split.operands) ?? location;
  const index = await UnitIndex.open(location, { ...indexOptions(args, io.cwd), ...more?.(split.operands) });
  const root = index.workspace.root;
  return { args, io, operands: split.operands, index, rel: (abs) => toRelative(root, abs) };
}

export function printDiagnostics(ctx: CommandContext, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) ctx.io.err(formatDiagnostic(d, (f) => toRelative(ctx.io.cwd, f)));
}
