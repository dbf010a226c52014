/**
 * Prints the corpus accuracy tables (markdown) for BENCHMARKS.md:
 *   node --import tsx scripts/corpus-table.ts [--truth rustc|cargo|both]
 * Truth `rustc` (bare `rustc --emit=dep-info` per unit, dependencies not built): each row is
 * verified twice, without build-script output (custom cfgs decided by interpreting the build
 * script, or unknown with both sides listed; rustc is given the script's real output) and with
 * the real output of `cargo check` of the crate (test/corpus/cargo-build.ts).
 * Truth `cargo` (verify --cargo): cargo's own dep-info after `cargo check --workspace --all-targets`
 * of a copy with its dev-dependencies (test/corpus/cargo-truth.ts); proc-macros of dependencies expand.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { score, type Score } from '../src/core/verify.js';
import { cargoBuild } from '../test/corpus/cargo-build.js';
import { cargoTruthCopy } from '../test/corpus/cargo-truth.js';
import { CORPUS, modeFeatures, requireCrate, verifyCrate } from '../test/corpus/corpus.js';

const truthArg = process.argv.indexOf('--truth');
const truth = truthArg >= 0 ? (process.argv[truthArg + 1] ?? 'both') : 'both';
const rows: string[] = [];
rows.push(
  '| crate | features | units | listed | read | missed | extra | recall | precision | build output | listed | read | missed | extra | recall | precision | verify s |',
);
rows.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
const totals = { without: [] as Score[], with: [] as Score[] };
const cells = (s: Score) => `${s.listed} | ${s.read} | ${s.missed} | ${s.extra} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)}`;
const started = performance.now();
for (const name of truth === 'cargo' ? [] : Object.keys(CORPUS)) {
  const dir = requireCrate(name);
  const build = existsSync(join(dir, 'build.rs')) ? await cargoBuild(dir, [undefined, await modeFeatures(name, 'all')]) : undefined;
  for (const mode of ['default', 'all'] as const) {
    // Without build output, cargo-units decides the build script's cfgs itself; rustc (the truth)
    // is given the script's real output.
    const plain = await verifyCrate(name, mode, 2, undefined, build?.targetDir);
    const withOut = build ? await verifyCrate(name, mode, 2, build.targetDir) : plain;
    const a = score(plain.report.units);
    const b = score(withOut.report.units);
    totals.without.push(a);
    totals.with.push(b);
    const label = mode === 'default' ? 'default' : `all but nightly (${plain.features.length})`;
    const used = build ? `used by ${withOut.withOutput.length} units` : 'no build script';
    rows.push(
      `| ${basename(dir)} | ${label} | ${plain.units} | ${cells(a)} | ${used} | ${cells(b)} | ${(plain.report.seconds + (build ? withOut.report.seconds : 0)).toFixed(2)} |`,
    );
  }
  if (build) rmSync(build.dir, { recursive: true, force: true });
}
const total = (xs: Score[]): Score => {
  const t = score([]);
  for (const s of xs) {
    t.units += s.units;
    t.read += s.read;
    t.listed += s.listed;
    t.missed += s.missed;
    t.extra += s.extra;
  }
  t.recall = t.read === 0 ? 1 : (t.read - t.missed) / t.read;
  t.precision = t.listed === 0 ? 1 : (t.listed - t.extra) / t.listed;
  return t;
};
if (truth !== 'cargo') {
  const tw = total(totals.without);
  const tb = total(totals.with);
  rows.push(`| **total** | | ${tw.units} | ${cells(tw)} | | ${cells(tb)} | |`);
  console.log('Truth: bare `rustc --emit=dep-info` per unit (dependencies not built; proc-macros of dependencies not expanded).\n');
  console.log(rows.join('\n'));
  console.log(
    `\nAcceptance (issue 3): with build output, recall **${tb.recall.toFixed(3)}**, precision **${tb.precision.toFixed(3)}**` +
      ` (without: recall ${tw.recall.toFixed(3)}, precision ${tw.precision.toFixed(3)}). Total ${((performance.now() - started) / 1000).toFixed(1)} s wall, cargo builds included.`,
  );
}

if (truth !== 'rustc') {
  const cargoStarted = performance.now();
  const out: string[] = [
    '| crate | features | units | checked | listed | read | missed | extra | recall | precision | dev-deps dropped | cargo s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  const all: Score[] = [];
  for (const name of Object.keys(CORPUS)) {
    const copy = cargoTruthCopy(name);
    try {
      for (const mode of ['default', 'all'] as const) {
        const r = await copy.check(mode);
        const s = score(r.report.units);
        all.push(s);
        const label = mode === 'default' ? 'default' : `all but nightly (${r.features.length})`;
        const dropped = [...copy.dropped, ...copy.droppedTargets].join(', ') || 'none';
        out.push(
          `| ${basename(copy.dir)} | ${label} | ${r.units} | ${s.units} | ${s.listed} | ${s.read} | ${s.missed} | ${s.extra} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)} | ${dropped} | ${r.report.seconds.toFixed(1)} |`,
        );
      }
    } finally {
      copy.dispose();
    }
  }
  const t = total(all);
  out.push(`| **total** | | | ${t.units} | ${t.listed} | ${t.read} | ${t.missed} | ${t.extra} | ${t.recall.toFixed(3)} | ${t.precision.toFixed(3)} | | |`);
  console.log("\nTruth: `verify --cargo`, cargo's own dep-info after `cargo check --workspace --all-targets` with dev-dependencies (proc-macros expanded).\n");
  console.log(out.join('\n'));
  console.log(
    `\nrecall **${t.recall.toFixed(3)}** over ${t.units} checked units; ${((performance.now() - cargoStarted) / 1000).toFixed(1)} s wall, cargo checks included.`,
  );
}
