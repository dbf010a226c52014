/**
 * `cargo-units build [--dry-run] [--json] [--unit ID]… [FILE]… [-- NIX ARGS]`: refreshes the Nix
 * directory, works out the units to build (affected by FILEs, or --unit, or all) and builds them
 * with Nix (core/nix/runner.ts), printing events as JSON lines or as progress and a summary.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildEvent } from '../../core/nix/events.js';
import { buildWorkspace, rustcSysroot } from '../../core/nix/build.js';
import { findRustc } from '../../core/toolchain.js';
import { UsageError, type CliArgs } from '../args.js';
import { openContext, printDiagnostics, type CommandContext, type Io } from '../context.js';
import { noSuchUnit } from './find-unit.js';
import { nixOutDir, registryOptions } from './nix.js';
import { fileOperands } from './owners.js';

/** Exit codes when Nix cannot build at all (1 is a failed unit, 2 a usage or manifest error, 70 internal). */
export const NIX_EXIT = { 'nix-missing': 4, 'nix-config': 5, nix: 6 } as const;

function selectUnits(ctx: CommandContext): string[] {
  const { index, args, io } = ctx;
  const ids = new Set<string>();
  for (const id of args.units) {
    if (!index.unit(id)) throw noSuchUnit(index, id);
    ids.add(id);
  }
  const files = fileOperands(ctx, 'build', false);
  for (const f of files) if (index.unitsOf(f).length === 0) io.err(`note: no unit reads ${ctx.rel(f)}`);
  for (const id of index.affected(files)) ids.add(id);
  if (args.units.length === 0 && files.length === 0) for (const e of index.entries) ids.add(e.unit.id);
  return [...ids].sort();
}

function human(ctx: CommandContext, dryRun: boolean): (e: BuildEvent) => void {
  const { io } = ctx;
  // Build-script runs may run twice the first time (rerun.ts), so units are counted once.
  const planned = new Set<string>();
  const finished = new Set<string>();
  const withDiagnostics = new Set<string>();
  const running = new Set<string>();
  const progress = () => `[${finished.size}/${planned.size}]`;
  // The live status line (terminals only): how far, and what Nix is building now.
  const status = () => io.progress?.update(`${progress()} building ${[...running].join(', ') || '…'}`);
  return (e) => {
    if (e.type === 'start') running.add(e.unit);
    if (e.type === 'done' || e.type === 'failed') running.delete(e.unit ?? '');
    if (e.type === 'finished') io.progress?.clear();
    else if (e.type === 'start' || e.type === 'done' || e.type === 'failed') status();
    switch (e.type) {
      case 'plan':
        for (const id of e.build) planned.add(id);
        if (dryRun) {
          io.out(`${e.build.length} to build${e.build.length ? ':' : ''}`);
          for (const id of e.build) io.out(`  ${id}`);
          io.out(`${e.substitute.length} to fetch from a binary cache${e.substitute.length ? ':' : ''}`);
          for (const id of e.substitute) io.out(`  ${id}`);
          io.out(`${e.cached.length} already built${e.cached.length ? ':' : ''}`);
          for (const id of e.cached) io.out(`  ${id}`);
        } else io.err(`${e.build.length} to build, ${e.substitute.length} to fetch, ${e.cached.length} already built`);
        break;
      case 'start':
        planned.add(e.unit);
        io.err(`${progress()} building ${e.unit}`);
        break;
      case 'diagnostic':
        withDiagnostics.add(e.unit);
        io.err(e.rendered.trimEnd());
        break;
      case 'done':
        finished.add(e.unit);
        io.err(`${progress()} built ${e.unit} (${e.seconds.toFixed(1)} s)`);
        break;
      case 'substituted':
        finished.add(e.unit);
        io.err(`${progress()} fetched ${e.unit}`);
        break;
      case 'skipped':
        finished.add(e.unit);
        io.err(`error: ${e.message}`);
        break;
      case 'failed':
        if (e.unit === null && e.reason !== undefined && e.reason !== 'cancelled') {
          io.err(`error: ${e.message}`);
          break;
        }
        if (e.unit !== null) finished.add(e.unit);
        // The message repeats the unit's log; its diagnostics were printed already.
        io.err(`error: ${e.unit !== null && withDiagnostics.has(e.unit) ? e.message.split('\n')[0]!.replace(/:$/, '') : e.message}`);
        break;
      case 'log':
        // Nix's own lines, and build scripts' cargo:warning= lines.
        if (e.unit === null) io.err(e.line);
        else if (e.line.startsWith('warning: ')) io.err(`warning: ${e.unit}: ${e.line.slice(9)}`);
        break;
      case 'finished':
        // Each requested unit's output path, then the counts.
        for (const [id, out] of Object.entries(e.outs)) io.out(`${id} ${out}`);
        io.out(
          `built ${e.built.length}, fetched ${e.substituted.length}, already built ${e.cached.length}, failed ${e.failed.length}${e.skipped.length ? `, not built ${e.skipped.length}` : ''} in ${e.seconds.toFixed(1)} s`,
        );
        break;
      case 'phase':
        break;
    }
  };
}

export async function buildCommand(args: CliArgs, io: Io, locationHint: (operands: string[]) => string | undefined): Promise<number> {
  const rustc = findRustc() ?? 'rustc';
  const sysroot = rustcSysroot(rustc).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  sysroot.catch(() => undefined); // awaited below; not unhandled while the index opens
  const ctx = await openContext(args, io, locationHint);
  const { index } = ctx;
  printDiagnostics(
    ctx,
    index.diagnostics().filter((d) => d.severity === 'error'),
  );
  const toolchain = await sysroot;
  const nixDir = nixOutDir(ctx);
  const units = selectUnits(ctx);
  // With --json, why Nix could not build at all is also said on stderr.
  const json = (e: BuildEvent) => {
    io.out(JSON.stringify(e));
    if (e.type === 'failed' && e.unit === null && e.reason !== undefined && e.reason !== 'cancelled') io.err(`error: ${e.message}`);
  };
  const onEvent = args.json ? json : human(ctx, args.dryRun);
  const abort = new AbortController();
  let signal: NodeJS.Signals | undefined;
  const stop = (s: NodeJS.Signals) => {
    signal ??= s;
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // --substituters / --builders are Nix settings of those names, for the dry run and the build.
    const nixArgs = [
      ...(args.substituters !== undefined ? ['--substituters', args.substituters] : []),
      ...(args.builders !== undefined ? ['--builders', args.builders] : []),
      ...args.nixArgs,
    ];
    const outLink = args.outLink !== undefined ? resolve(io.cwd, args.outLink) : undefined;
    const incremental = args.incremental ? join(nixDir, 'incremental') : undefined;
    if (incremental) mkdirSync(incremental, { recursive: true });
    const r = await buildWorkspace(index, {
      nixDir,
      rustc: toolchain,
      contentAddressed: args.contentAddressed,
      units,
      registry: registryOptions(ctx),
      dryRun: args.dryRun,
      nixArgs,
      gcRoots: !args.noGcRoots,
      outLink,
      incremental,
      signal: abort.signal,
      onEvent,
    });
    if (r.error) return NIX_EXIT[r.error];
    if (r.cancelled) return signal === 'SIGTERM' ? 143 : 130;
    return r.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
