/** `cargo-units verify --summary`: recall and precision of every unit over several feature sets. */
import { UnitIndex } from '../../core/index.js';
import type { FeatureOptions } from '../../core/cargo/model.js';
import { score, verify, type Score } from '../../core/verify.js';
import type { CommandContext } from '../context.js';
import { findUnit } from './find-unit.js';

export function featureSetOptions(spec: string): FeatureOptions {
  switch (spec) {
    case 'default':
      return { features: [], allFeatures: false, noDefaultFeatures: false };
    case 'all':
      return { features: [], allFeatures: true, noDefaultFeatures: false };
    case 'none':
      return { features: [], allFeatures: false, noDefaultFeatures: true };
    default:
      return { features: spec.split(/[\s,]+/).filter(Boolean), allFeatures: false, noDefaultFeatures: false };
  }
}

export async function verifySummary(ctx: CommandContext, rustc: string, jobs: number): Promise<number> {
  const specs = ctx.args.featureSets.length > 0 ? ctx.args.featureSets : ['default', 'all'];
  const rows: { featureSet: string; score: Score; buildOutputUnits: number }[] = [];
  for (const spec of specs) {
    const index = await UnitIndex.open(ctx.index.workspace.manifestPath, { ...ctx.index.options, features: featureSetOptions(spec) });
    const entries = ctx.operands.length > 0 ? ctx.operands.map((q) => findUnit(index, q)) : index.entries;
    const progress = ctx.args.json ? undefined : ctx.io.progress;
    let checked = 0;
    progress?.update(`verify --summary, ${spec}: 0/${entries.length} units checked`);
    const report = await verify(index, entries, {
      rustc,
      jobs,
      onUnit: progress && (() => progress.update(`verify --summary, ${spec}: ${++checked}/${entries.length} units checked`)),
    });
    progress?.clear();
    // Each feature set uses the build-script output cargo produced for exactly those features, if any.
    const buildOutputUnits = entries.filter((e) => index.buildScriptOutput(e.unit)).length;
    rows.push({ featureSet: spec, score: score(report.units), buildOutputUnits });
  }
  const total = score([]);
  for (const r of rows) {
    total.units += r.score.units;
    total.read += r.score.read;
    total.listed += r.score.listed;
    total.missed += r.score.missed;
    total.extra += r.score.extra;
    total.errors += r.score.errors;
    total.unitsWithMisses.push(...r.score.unitsWithMisses.map((u) => `${u} (${r.featureSet})`));
  }
  total.recall = total.read === 0 ? 1 : (total.read - total.missed) / total.read;
  total.precision = total.listed === 0 ? 1 : (total.listed - total.extra) / total.listed;
  if (ctx.args.json) {
    ctx.io.out(JSON.stringify({ workspaceRoot: ctx.index.workspace.root, featureSets: rows, total }, null, 2));
  } else {
    ctx.io.out('feature set   units   read  listed  missed  extra  recall  precision');
    const line = (name: string, s: Score) =>
      `${name.padEnd(12)} ${String(s.units).padStart(6)} ${String(s.read).padStart(6)} ${String(s.listed).padStart(7)} ${String(s.missed).padStart(7)} ${String(s.extra).padStart(6)}  ${s.recall.toFixed(3)}  ${s.precision.toFixed(3)}`;
    for (const r of rows) ctx.io.out(line(r.featureSet, r.score));
    ctx.io.out(line('total', total));
    if (ctx.index.options.buildOutput) {
      ctx.io.out(`build-script output used: ${rows.map((r) => `${r.featureSet} ${r.buildOutputUnits} units`).join(', ')}`);
    }
    if (total.errors > 0) ctx.io.out(`${total.errors} units could not be checked (rustc wrote no dep-info)`);
    for (const u of total.unitsWithMisses) ctx.io.out(`missed files in ${u}`);
  }
  return total.missed > 0 ? 1 : 0;
}
