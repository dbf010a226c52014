/** What every command needs: the parsed arguments, the index, and output helpers. */
import { existsSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { parseCfgOption } from '../core/cfg/expr.js';
import { formatDiagnostic, InputError, type Diagnostic } from '../core/diagnostics.js';
import { UnitIndex, type IndexOptions } from '../core/index.js';
import { displayPath, toRelative } from '../core/paths.js';
import { CACHE_DIR_ENV } from '../core/scan/cache.js';
import { UsageError, type CliArgs } from './args.js';
import type { Progress } from './progress.js';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
  /** A live status line on a terminal (stderr); absent when output is not a terminal. */
  progress?: Progress;
}

export interface CommandContext {
  args: CliArgs;
  io: Io;
  /** Positionals left after the workspace DIR (if one was given). */
  operands: string[];
  index: UnitIndex;
  rel: (abs: string) => string;
}

/** Errors in Cargo.toml files that cargo would refuse to go on with (e.g. unknown features): printed, exit 2. */
export class ManifestErrors extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
  }
}

/** Commands whose only positional is the workspace DIR. */
const DIR_ONLY = new Set(['units', 'orphans', 'nix']);

/** Typed like a path rather than a unit id or a file name: `/x`, `./x`, `../x`, `~/x`. */
const looksLikePath = (p: string) => /^(\/|\.\.?(\/|$)|~)/.test(p);

/** A positional names the workspace when it is a directory or a Cargo.toml. */
export function splitWorkspaceArg(args: CliArgs, cwd: string): { location: string; operands: string[] } {
  if (args.manifestPath !== undefined) {
    const abs = resolve(cwd, args.manifestPath);
    if (!existsSync(abs)) throw new UsageError(`manifest path \`${args.manifestPath}\` does not exist`);
    if (statSync(abs).isDirectory())
      throw new UsageError(`the manifest path \`${args.manifestPath}\` is a directory; it must be the path to a Cargo.toml file`);
    return { location: abs, operands: args.positionals };
  }
  const isWorkspaceArg = (p: string) => {
    const abs = resolve(cwd, p);
    return existsSync(abs) && (statSync(abs).isDirectory() || basename(abs) === 'Cargo.toml');
  };
  if (DIR_ONLY.has(args.command)) {
    if (args.positionals.length > 1)
      throw new UsageError(`\`${args.command}\` takes at most one DIR, got ${args.positionals.map((p) => `\`${p}\``).join(', ')}`);
    const dir = args.positionals[0];
    if (dir === undefined) return { location: cwd, operands: [] };
    if (!existsSync(resolve(cwd, dir))) throw new UsageError(`no such directory: \`${dir}\``);
    if (!isWorkspaceArg(dir)) throw new UsageError(`\`${dir}\` is neither a directory nor a Cargo.toml`);
    return { location: resolve(cwd, dir), operands: [] };
  }
  const at = args.positionals.findIndex(isWorkspaceArg);
  if (at < 0) {
    // files/verify take unit ids: a missing path there was meant as the workspace.
    const missing = args.command === 'files' || args.command === 'verify' ? args.positionals.find(looksLikePath) : undefined;
    if (missing !== undefined) throw new UsageError(`no such directory: \`${missing}\``);
    return { location: cwd, operands: args.positionals };
  }
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
  if (args.buildOutput !== undefined && !existsSync(resolve(cwd, args.buildOutput)))
    throw new UsageError(`--build-output: no such directory: \`${args.buildOutput}\``);
  return {
    features: { features: args.features, allFeatures: args.allFeatures, noDefaultFeatures: args.noDefaultFeatures },
    target: args.target,
    cfgs,
    buildOutput: args.buildOutput ? resolve(cwd, args.buildOutput) : undefined,
    ...(args.profile !== undefined ? { profile: args.profile } : {}),
    // Under `node --test` the cache is used only when CARGO_UNITS_CACHE_DIR names a directory,
    // so tests never write into the user's cache.
    cache: !args.noCache && (!process.env.NODE_TEST_CONTEXT || !!process.env[CACHE_DIR_ENV]),
    // A command opens the index and prints: a warm start loads no parser.
    oneShot: true,
  };
}

/**
 * Opens the index of the workspace named on the command line (or found from the current
 * directory, or from `locationHint` for commands that take files). Manifest errors cargo would
 * stop at are thrown: a crate root that does not exist, unknown features.
 */
export async function openContext(
  args: CliArgs,
  io: Io,
  locationHint?: (operands: string[]) => string | undefined,
  /** Index options a command adds, from its operands (`why`'s tracer). */
  more?: (operands: string[]) => Partial<IndexOptions>,
): Promise<CommandContext> {
  const split = splitWorkspaceArg(args, io.cwd);
  let location = split.location;
  const hinted = location === io.cwd && args.manifestPath === undefined && locationHint ? locationHint(split.operands) : undefined;
  if (hinted !== undefined) location = hinted;
  const options = { ...indexOptions(args, io.cwd), ...more?.(split.operands) };
  const slow = args.json ? undefined : io.progress?.after('indexing…');
  let index: UnitIndex;
  try {
    index = await UnitIndex.open(location, options);
  } catch (err) {
    // No workspace around the FILE the user gave: say so about the file.
    if (hinted !== undefined && err instanceof InputError && err.file === hinted) {
      throw new UsageError(`\`${split.operands[0]}\` is not in a Cargo workspace (${err.message})`);
    }
    throw err;
  } finally {
    slow?.done();
  }
  checkCrateRoots(index);
  const errors = index.diagnostics().filter((d) => d.severity === 'error' && basename(d.file) === 'Cargo.toml');
  if (errors.length > 0) throw new ManifestErrors(errors);
  const root = index.workspace.root;
  return { args, io, operands: split.operands, index, rel: (abs) => toRelative(root, abs) };
}

/** A target whose crate root does not exist: cargo's "can't find lib `x` at path `…`". */
function checkCrateRoots(index: UnitIndex): void {
  for (const pkg of index.workspace.members) {
    for (const t of pkg.targets) {
      if (existsSync(t.path)) continue;
      throw new InputError(pkg.manifestPath, 0, undefined, `can't find ${t.kind} \`${t.name}\` at path \`${relative(pkg.dir, t.path)}\``);
    }
  }
}

export function printDiagnostics(ctx: CommandContext, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) ctx.io.err(formatDiagnostic(d, (f) => displayPath(ctx.io.cwd, f)));
}
