/** `cargo-units verify [UNIT…]`: our file lists against rustc's dep-info. */
import { availableParallelism } from 'node:os';
import { findRustc } from '../../core/toolchain.js';
import { verify, type UnitVerdict } from '../../core/verify.js';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';
import { findUnit } from './find-unit.js';
import { verifySummary } from './verify-summary.js';

export async function verifyCommand(ctx: CommandContext): Promise<number> {
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
