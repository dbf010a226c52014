/** `cargo-units verify [UNIT…]`: our file lists against rustc's dep-info, or with --cargo against cargo check's. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { findExecutable, findRustc } from '../../core/toolchain.js';
import { verify, type UnitVerdict, type VerifyReport } from '../../core/verify.js';
import { verifyWithCargo } from '../../core/verify-cargo.js';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';
import { findUnit } from './find-unit.js';
import { verifySummary } from './verify-summary.js';

export async function verifyCommand(ctx: CommandContext): Promise<number> {
  if (ctx.args.cargo) return verifyCargoCommand(ctx);
  const rustc = findRustc();
  if (!rustc) throw new UsageError('verify needs rustc, and none was found (looked at $RUSTC, PATH and ~/.cargo/bin)');
  const jobs = ctx.args.jobs ?? Math.max(1, availableParallelism());
  if (ctx.args.summary) return verifySummary(ctx, rustc, jobs);
  const entries = ctx.operands.length > 0 ? ctx.operands.map((q) => findUnit(ctx.index, q)) : ctx.index.entries;
  let checked = 0;
  const progress = ctx.args.json ? undefined : ctx.io.progress;
  progress?.update(`verify: 0/${entries.length} units checked`);
  const report = await verify(ctx.index, entries, {
    rustc,
    jobs,
    onUnit: ctx.args.json
      ? undefined
      : (v) => {
          ctx.io.out(line(ctx, v));
          progress?.update(`verify: ${++checked}/${entries.length} units checked`);
        },
  });
  progress?.clear();
  return printReport(ctx, report, 'rustc');
}

/** `verify --cargo`: cargo's own dep-info of every unit, after `cargo check --workspace --all-targets`. */
async function verifyCargoCommand(ctx: CommandContext): Promise<number> {
  const cargo = findExecutable('cargo');
  if (!cargo) throw new UsageError('verify --cargo needs cargo, and none was found (looked at PATH and ~/.cargo/bin)');
  const entries = ctx.operands.length > 0 ? ctx.operands.map((q) => findUnit(ctx.index, q)) : ctx.index.entries;
  if (!ctx.args.json)
    ctx.io.out(`running cargo check --workspace --all-targets in ${ctx.index.workspace.root} (target directory: ${ctx.args.targetDir ?? 'a temporary one'})`);
  const progress = ctx.args.json ? undefined : ctx.io.progress;
  progress?.update('verify --cargo: cargo check --workspace --all-targets');
  const report = await verifyWithCargo(ctx.index, entries, {
    cargo,
    ...(ctx.args.targetDir ? { targetDir: resolve(ctx.args.targetDir) } : {}),
    onUnit: ctx.args.json ? undefined : (v) => ctx.io.out(line(ctx, v)),
  });
  progress?.clear();
  if (report.cargoStatus !== 0 && !ctx.args.json) {
    ctx.io.out(`cargo check exited with status ${report.cargoStatus}${report.cargoErrors.length > 0 ? `: ${report.cargoErrors.join(' | ')}` : ''}`);
  }
  return printReport(ctx, report, 'cargo');
}

function printReport(ctx: CommandContext, report: VerifyReport, truth: 'rustc' | 'cargo'): number {
  if (ctx.args.json) {
    const rel = (fs: string[]) => fs.map(ctx.rel);
    ctx.io.out(
      JSON.stringify(
        {
          workspaceRoot: ctx.index.workspace.root,
          target: ctx.index.targetCfg.triple,
          units: report.units.map((v) => ({
            id: v.id,
            listed: v.listed,
            read: v.read.length,
            missed: rel(v.missed),
            extra: rel(v.extra),
            unexplained: rel(v.unexplained),
            seconds: round(v.seconds),
            ...(v.error ? { error: v.error } : {}),
          })),
          truth: truth === 'cargo' ? 'cargo check dep-info' : 'rustc --emit=dep-info (proc-macros of dependencies not expanded)',
          totals: {
            units: report.units.length,
            missed: report.missed,
            extra: report.extra,
            unexplained: report.unexplained,
            errors: report.errors,
            seconds: round(report.seconds),
          },
        },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(
      `verified ${report.units.length} units in ${report.seconds.toFixed(2)} s: ${report.missed} missed, ${report.extra} extra (${report.unexplained} not explained by an uncertain entry), ${report.errors} not checked`,
    );
    if (truth === 'rustc') {
      ctx.io.out('truth: rustc --emit=dep-info without the dependencies built: it cannot see files read by proc-macros of dependencies (use --cargo)');
    } else {
      ctx.io.out('truth: cargo check --workspace --all-targets (dependencies built, proc-macros and build scripts run)');
    }
  }
  return report.missed > 0 ? 1 : 0;
}

function line(ctx: CommandContext, v: UnitVerdict): string {
  if (v.error) return `? ${v.id}: ${v.error}`;
  const head = `${v.missed.length > 0 ? 'MISSED' : 'ok'} ${v.id}: ${v.read.length} read, ${v.listed} listed`;
  const parts = [head];
  for (const f of v.missed) parts.push(`    missed ${ctx.rel(f)}`);
  for (const f of v.extra) parts.push(`    extra  ${ctx.rel(f)}${v.unexplained.includes(f) ? ' (unexplained)' : ''}`);
  return parts.join('\n');
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
