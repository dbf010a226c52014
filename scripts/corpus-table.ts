/**
 * Prints the corpus accuracy table (markdown) for BENCHMARKS.md:
 *   node --import tsx scripts/corpus-table.ts
 */
import { CORPUS, crateDir, verifyCrate } from '../test/corpus/corpus.js';
import { basename } from 'node:path';

const rows: string[] = [];
rows.push('| crate | features | units | files listed (sum over units) | files rustc read (sum) | missed | extra | extra explained by `uncertain` | index s | verify s |');
rows.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of Object.keys(CORPUS)) {
  for (const mode of ['default', 'all'] as const) {
    const r = await verifyCrate(name, mode, 2);
    const read = r.report.units.reduce((n, v) => n + v.read.length, 0);
    const listed = r.report.units.reduce((n, v) => n + v.listed, 0);
    const label = mode === 'default' ? 'default' : `all but nightly (${r.features.length})`;
    rows.push(
      `| ${basename(crateDir(name)!)} | ${label} | ${r.units} | ${listed} | ${read} | ${r.report.missed} | ${r.report.extra} | ${r.report.extra - r.report.unexplained} | ${r.indexSeconds.toFixed(2)} | ${r.report.seconds.toFixed(2)} |`,
    );
  }
}
console.log(rows.join('\n'));
