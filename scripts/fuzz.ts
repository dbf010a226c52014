/**
 * `npm run fuzz [-- --seconds N] [-- --seed S]`: the longer fuzz run. Each target (cfg parser,
 * manifest reader + Cargo model, scanner through the index) gets N seconds (default 120) of
 * mutated real inputs. Failing inputs are saved under test/fuzz/regressions/<target>/, where
 * `npm test` replays them; the figures go into BENCHMARKS.md between `<!-- fuzz:start -->` and
 * `<!-- fuzz:end -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../test/helpers.js';
import { fuzz, regressions, type FuzzStats } from '../test/fuzz/run.js';
import { cfgTarget, loadSeeds, manifestTarget, scannerTarget } from '../test/fuzz/targets.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = flag('--seconds', 120);
const seed = flag('--seed', Date.now() % 2 ** 31);
const seeds = loadSeeds(REPO);
const only = process.argv.includes('--target') ? process.argv[process.argv.indexOf('--target') + 1] : undefined;
const targets = [cfgTarget(seeds.cfgs), manifestTarget(seeds.manifests), await scannerTarget(seeds.rust)].filter((t) => !only || t.name === only);
/** The input being run: if a hang gets this process killed, it is here (outside the repository). */
const current = join(tmpdir(), 'cargo-units-fuzz-current');

const rows: string[] = [];
let failed = 0;
for (const t of targets) {
  const before = regressions(t).length;
  const stats: FuzzStats = await fuzz(t, { seed, maxInputs: Number.MAX_SAFE_INTEGER, maxSeconds: seconds, save: true, currentFile: `${current}.${t.name}` });
  failed += stats.failures.length;
  const distinct = new Set(stats.failures.map((f) => f.file)).size;
  console.log(
    `${t.name}: ${stats.inputs} inputs in ${stats.seconds.toFixed(0)} s, ${stats.failures.length} failing (${distinct} saved), slowest input ${stats.slowestMs.toFixed(0)} ms`,
  );
  for (const f of stats.failures.slice(0, 5)) console.log(`  ${f.file}: ${f.message.split('\n')[0]}`);
  rows.push(
    `| ${t.name} | ${t.seeds.length} | ${stats.inputs} | ${stats.seconds.toFixed(0)} | ${stats.failures.length} | ${before} | ${stats.slowestMs.toFixed(0)} |`,
  );
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const body = [
  `Command: \`npm run fuzz -- --seconds ${seconds} --seed ${seed}\` (\`scripts/fuzz.ts\`), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  `Machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  '',
  'Seeds are real inputs: the sources, manifests and cfg predicates of the development crates (Debian\'s registry) and of this repository\'s fixtures. Each input is 1–4 stacked mutations (deleted, duplicated or swapped spans, dictionary fragments such as `#[path = "`, `cfg_if!`, `r#"`, lone surrogates, NULs and BOMs, splices of two seeds, and nesting up to 300 deep). A failure is any exception other than the typed, located error the target may give (`CfgSyntaxError` with an offset inside the input, `InputError` with a line inside the manifest), a diagnostic whose line lies outside its file, a listed file outside the workspace, or unsorted file lists. `npm test` runs the same targets with a fixed seed for 400 inputs each and replays every saved case.',
  '',
  '| target | seeds | inputs tried | seconds | failing inputs | saved regression cases before this run | slowest input ms |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');

const file = join(REPO, 'BENCHMARKS.md');
const text = readFileSync(file, 'utf8');
const block = `<!-- fuzz:start -->\n${body}\n<!-- fuzz:end -->`;
const start = text.indexOf('<!-- fuzz:start -->');
const end = text.indexOf('<!-- fuzz:end -->');
writeFileSync(
  file,
  start >= 0 && end > start
    ? text.slice(0, start) + block + text.slice(end + '<!-- fuzz:end -->'.length)
    : `${text.trimEnd()}\n\n## Fuzzing (issue 7)\n\n${block}\n`,
);
console.log('BENCHMARKS.md updated');
process.exitCode = failed > 0 ? 1 : 0;
