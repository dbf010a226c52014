/**
 * `npm run bench [-- --write]` (last part), or alone: `node --import tsx scripts/bench-why.ts [--write]`.
 * Speed of `why` (core/why.ts) on an open index, and of `cargo-units why` end to end against
 * `cargo-units owners` in the same run; with --write, the figures go into BENCHMARKS.md between
 * `<!-- bench-why:start -->` and `<!-- bench-why:end -->`.
 *
 * Workspaces: a generated one of 2,000 .rs files (scripts/bench-gen.ts) and, when present, a
 * copy of ripgrep 13 (/work/shared/workspaces/ripgrep-13). Everything lives in a temporary directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, UnitIndex } from '../src/core/index.js';
import { WhyIndex } from '../src/core/why.js';
import { generateWorkspace, mulberry32 } from './bench-gen.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const RIPGREP = '/work/shared/workspaces/ripgrep-13';
const QUERIES = 1000;
const CLI_RUNS = 20;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const stats = (xs: number[]) => `${ms(percentile(xs, 50))} / ${ms(percentile(xs, 95))} / ${ms(Math.max(...xs))}`;

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'target') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (e.isFile() && (e.name.endsWith('.rs') || e.name.endsWith('.txt') || e.name.endsWith('.md'))) out.push(p);
  }
  return out;
}

interface Row {
  name: string;
  units: number;
  files: number;
  /** First query of each file with a fresh WhyIndex per file: its units are walked with the tracer. */
  cold: number[];
  /** Queries on a WhyIndex that has traced every unit once (as an editor session after the first asks). */
  warm: number[];
  /** The tooltip's shortest chain per unit of a file (warm). */
  chain: number[];
  cliWhy: number[];
  cliOwners: number[];
  /** CPU time (user + system) of the same processes: less at the mercy of other load than wall time. */
  cpuWhy: number[];
  cpuOwners: number[];
}

async function measure(name: string, dir: string, sample: string): Promise<Row> {
  const index = await UnitIndex.open(dir, { ...DEFAULT_OPTIONS, cache: false });
  const all = files(dir);
  const rand = mulberry32(16);
  const pick = () => all[Math.floor(rand() * all.length)]!;
  const cold: number[] = [];
  for (let i = 0; i < 200; i++) {
    const f = pick();
    const w = new WhyIndex(index);
    const t = performance.now();
    w.explain(f);
    cold.push(performance.now() - t);
  }
  const why = new WhyIndex(index);
  for (const f of all) why.explain(f); // every trace once
  const warm: number[] = [];
  const chain: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const f = pick();
    let t = performance.now();
    why.explain(f);
    warm.push(performance.now() - t);
    t = performance.now();
    for (const e of index.unitsOf(f)) why.chainOf(f, e.unit.id);
    chain.push(performance.now() - t);
  }
  // End to end: fresh processes, alternating, same file, same (warm, private) facts cache.
  const cache = mkdtempSync(join(tmpdir(), 'bench-why-cache-'));
  const env = { ...process.env, CARGO_UNITS_CACHE_DIR: cache };
  // A preload that reports the process's CPU time at exit (on stderr, which the CLI leaves empty here).
  const preload = join(cache, 'cpu.cjs');
  writeFileSync(preload, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('CPU ' + (u.user + u.system) / 1000 + '\\n'); });\n");
  const run = (cmd: string): [number, number] => {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--require', preload, join(REPO, 'dist', 'cli.cjs'), cmd, sample], { cwd: dir, env, encoding: 'utf8' });
    const wall = performance.now() - t;
    if (r.status !== 0) throw new Error(`cargo-units ${cmd} failed: ${r.stderr}`);
    return [wall, Number(/CPU ([\d.]+)/.exec(r.stderr)?.[1])];
  };
  run('owners');
  run('why');
  const cliWhy: number[] = [];
  const cliOwners: number[] = [];
  const cpuWhy: number[] = [];
  const cpuOwners: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    // Taking turns to go first, so that neither always runs right after the other.
    for (const cmd of i % 2 === 0 ? ['owners', 'why'] : ['why', 'owners']) {
      const [wall, cpu] = run(cmd);
      (cmd === 'why' ? cliWhy : cliOwners).push(wall);
      (cmd === 'why' ? cpuWhy : cpuOwners).push(cpu);
    }
  }
  rmSync(cache, { recursive: true, force: true });
  return { name, units: index.entries.length, files: all.length, cold, warm, chain, cliWhy, cliOwners, cpuWhy, cpuOwners };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-why-'));
  try {
    if (!existsSync(join(REPO, 'dist', 'cli.cjs'))) execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    const rows: Row[] = [];
    const gen = join(tmp, 'gen2000');
    generateWorkspace(gen, 2000, 20, 7);
    rows.push(await measure('generated, 2,000 .rs files', gen, join(gen, 'crates', 'gen3', 'src', 'lib.rs')));
    if (existsSync(join(RIPGREP, 'Cargo.toml'))) {
      const rg = join(tmp, 'ripgrep');
      cpSync(RIPGREP, rg, { recursive: true, filter: (s) => !s.includes('/target') && !s.includes('/.git') });
      rows.push(await measure('ripgrep 13', rg, join(rg, 'crates', 'searcher', 'src', 'searcher', 'glue.rs')));
    }
    const load = loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    const lines = [
      `Command: \`node --import tsx scripts/bench-why.ts\` (also the last part of \`npm run bench\`). Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average at the end ${load}.`,
      '',
      `Times in ms, p50 / p95 / max. *cold*: the first \`why\` of a file, its units walked with the tracer (200 files, a fresh WhyIndex each). *warm*: ${QUERIES} random files once every unit has been traced. *tooltip*: the shortest chain of each unit of a file. CLI: \`cargo-units why FILE\` against \`cargo-units owners FILE\`, ${CLI_RUNS} runs each in fresh processes, taking turns to go first, same warm facts cache; wall time and the process's CPU time (user + system).`,
      '',
      '| workspace | units | files | why, cold | why, warm (target p95 ≤ 5) | tooltip chains |',
      '|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.units} | ${r.files} | ${stats(r.cold)} | ${stats(r.warm)} | ${stats(r.chain)} |`),
      '',
      '| workspace | CLI why, wall | CLI owners, wall | CLI why, CPU | CLI owners, CPU |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${stats(r.cliWhy)} | ${stats(r.cliOwners)} | ${stats(r.cpuWhy)} | ${stats(r.cpuOwners)} |`),
    ];
    const body = lines.join('\n');
    process.stdout.write(`${body}\n`);
    if (process.argv.includes('--write')) writeSection(body);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function writeSection(body: string): void {
  const file = join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const block = `<!-- bench-why:start -->\n${body}\n<!-- bench-why:end -->`;
  const start = text.indexOf('<!-- bench-why:start -->');
  const end = text.indexOf('<!-- bench-why:end -->');
  const out =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + '<!-- bench-why:end -->'.length)
      : `${text.trimEnd()}\n\n## \`why\`\n\n${block}\n`;
  writeFileSync(file, out);
}

await main();
