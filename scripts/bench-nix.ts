/**
 * `npm run bench` (Nix part): real Nix builds of a generated 30-package workspace with an isolated
 * store, written into BENCHMARKS.md between `<!-- bench-nix:start -->` and `<!-- bench-nix:end -->`.
 *
 * - derivations rebuilt after a one-line edit, with each unit's source being exactly its files,
 *   its package directory, or the whole tree (same workspace, same edit, same Nix: the derivations
 *   whose drvPath changed, which for input-addressed derivations is exactly what Nix rebuilds);
 * - the real `cargo-units build` after the edit: what it built and the wall time from edit to finish;
 * - a no-op `cargo-units build` (nothing to do), wall time of the whole CLI process;
 * - edit → built on ripgrep-13 against cargo (scripts/bench-nix-ripgrep.ts), written between
 *   `<!-- bench-nix-ripgrep:start -->` and `<!-- bench-nix-ripgrep:end -->`.
 *
 * `node --import tsx scripts/bench-nix.ts --ripgrep [--write]` runs only the ripgrep part.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateUnits } from '../src/core/nix/runner.js';
import { findExecutable } from '../src/core/toolchain.js';
import { tree, writeGeneratedWorkspace } from '../test/nix/generated-workspace.js';
import { cliBuild, finishedOf, isolatedNixEnv, started } from '../test/nix/nix-env.js';
import { benchRipgrep } from './bench-nix-ripgrep.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = 30;
const NOOP_RUNS = 5;
const log = (s: string) => process.stderr.write(`bench-nix: ${s}\n`);

function wall<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (s: number) => s.toFixed(2);

type Mode = 'unit' | 'package' | 'tree';
const MODES: Mode[] = ['unit', 'package', 'tree'];

async function drvPaths(nixDir: string, rustc: string, env: NodeJS.ProcessEnv, sources: Mode): Promise<Map<string, string>> {
  const m = await evaluateUnits({ nixDir, rustc, env, sources });
  return new Map([...m].map(([id, d]) => [id, d.drv]));
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...b]
    .filter(([id, d]) => a.get(id) !== d)
    .map(([id]) => id)
    .sort();
}

function machineLine(env: NodeJS.ProcessEnv): string {
  return (
    `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `${execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim()}, ${execFileSync('cargo', ['--version'], { encoding: 'utf8' }).trim()}, ${execFileSync('nix-store', ['--version'], { encoding: 'utf8', env }).trim()}`
  );
}

/** Replaces the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in BENCHMARKS.md (appended under `heading` when missing). */
function writeBlock(name: string, heading: string, body: string): void {
  const file = join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const block = `${open}\n${body}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const out = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${heading}\n\n${block}\n`;
  process.stdout.write(body + '\n');
  if (!process.argv.includes('--write')) {
    log(`BENCHMARKS.md left as it is for ${name} (npm run bench -- --write records these figures)`);
    return;
  }
  writeFileSync(file, out);
  log('BENCHMARKS.md updated');
}

function ripgrepPart(): void {
  const load = loadavg()[0]!.toFixed(1);
  const t0 = new Date();
  const body = benchRipgrep();
  if (body === undefined) return;
  const env = isolatedNixEnv();
  writeBlock(
    'bench-nix-ripgrep',
    '## Nix edit → built on ripgrep-13 against cargo (issue 12)',
    [
      `Command: \`npm run bench -- --write\` (\`scripts/bench-nix-ripgrep.ts\`, alone: \`node --import tsx scripts/bench-nix.ts --ripgrep --write\`), ${t0.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      `Machine: ${machineLine(env)}; an isolated Nix store, \`max-jobs = auto\`, no sandbox; cargo's dev profile against the dev profile cargo-units generates (its debuginfo setting is in the notes below the block); ` +
        `load average ${load} at the start, ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared: compare the ratios, measured in the same rounds).`,
      '',
      body,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  if (!findExecutable('nix-store')) {
    log('nix not installed (apt-get install -y nix-bin): skipped');
    return;
  }
  if (process.argv.includes('--ripgrep')) {
    ripgrepPart();
    return;
  }
  const rustc = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const load = loadavg()[0]!.toFixed(1);
  const env = isolatedNixEnv();
  // The facts cache as users have it, in the benchmark's own directory.
  env.CARGO_UNITS_CACHE_DIR = mkdtempSync(join(tmpdir(), 'cargo-units-bench-cache-'));
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-bench-nix-')), 'ws');
  // app (lib + bin) and p1…p29, package i depending on package ⌊i/2⌋ (a binary tree).
  writeGeneratedWorkspace(ws, PACKAGES - 1, tree);
  const nixDir = join(ws, '.cargo-units');

  log('full build');
  const full = wall(() => cliBuild(env, ws, []));
  if (full.value.status !== 0) throw new Error(`full build failed:\n${full.value.stderr}`);
  const units = finishedOf(full.value).built.length;

  log('no-op builds');
  const noops: number[] = [];
  for (let i = 0; i < NOOP_RUNS; i++) {
    const r = wall(() => cliBuild(env, ws, []));
    if (r.value.status !== 0 || started(r.value).length > 0) throw new Error(`no-op build did something:\n${r.value.stderr}`);
    noops.push(r.seconds);
  }

  interface Row {
    edit: string;
    counts: Record<Mode, number>;
    built?: string[];
    seconds?: number;
  }
  const rows: Row[] = [];
  // A leaf package's library (nothing in the tree below it), its integration test, app's bin,
  // and the root library every package depends on.
  const edits: [string, boolean][] = [
    ['p20/src/extra.rs', true],
    ['p20/tests/it.rs', true],
    ['app/src/main.rs', true],
    ['p1/src/extra.rs', false],
  ];
  for (const [edit, build] of edits) {
    const before = Object.fromEntries(await Promise.all(MODES.map(async (m) => [m, await drvPaths(nixDir, rustc, env, m)] as const))) as Record<
      Mode,
      Map<string, string>
    >;
    const file = join(ws, edit);
    const t0 = performance.now();
    const text = readFileSync(file, 'utf8');
    // One line changes: a number in extra.rs, the comparison in it.rs, the format string in main.rs.
    const edited = text
      .replace(/^( {4})(\d+)$/m, (_, sp: string, n: string) => `${sp}${Number(n) + 100}`)
      .replace('> 0)', '>= 1)')
      .replace('"total {} ({})"', '"total: {} ({})"');
    if (edited === text) throw new Error(`no line to edit in ${edit}`);
    writeFileSync(file, edited);
    const row: Row = { edit, counts: { unit: 0, package: 0, tree: 0 } };
    if (build) {
      const b = cliBuild(env, ws, []);
      row.seconds = (performance.now() - t0) / 1000;
      if (b.status !== 0) throw new Error(`build after the edit failed:\n${b.stderr}`);
      row.built = finishedOf(b).built;
    }
    for (const m of MODES) row.counts[m] = changed(before[m], await drvPaths(nixDir, rustc, env, m)).length;
    if (row.built && row.built.length !== row.counts.unit) throw new Error(`built ${row.built.length} but ${row.counts.unit} drvPaths changed`);
    rows.push(row);
  }

  const machine =
    `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `${execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim()}, ${execFileSync('nix-store', ['--version'], { encoding: 'utf8', env }).trim()}`;
  const body = [
    `Command: \`npm run bench\` (\`scripts/bench-nix.ts\`), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `Machine: ${machine}; an isolated Nix store in a temporary directory, \`max-jobs = auto\`, no sandbox; shared with other work (load average ${load} at the start).`,
    '',
    `Workspace: generated, ${PACKAGES} packages — \`app\` (lib + bin) depending on p1…p${PACKAGES - 1}, package i depending on package ⌊i/2⌋; ` +
      `${units} derivations in all (every lib, bin and test-mode unit). Full first build: ${fmt(full.seconds)} s.`,
    '',
    'Derivations whose drvPath changes after a one-line edit (for input-addressed derivations, exactly the ones Nix rebuilds), ' +
      "with each unit's source being exactly its files (cargo-units), its package directory, or the whole workspace tree:",
    '',
    '| edit | per-unit sources | per-package directory | whole tree | `cargo-units build` built | edit → finished build |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.edit} | ${r.counts.unit} | ${r.counts.package} | ${r.counts.tree} | ${r.built ? r.built.length : '—'} | ${r.seconds !== undefined ? `${fmt(r.seconds)} s` : '—'} |`,
    ),
    '',
    ...rows.filter((r) => r.built).map((r) => `- rebuilt after the ${r.edit} edit: ${r.built!.join(', ')}`),
    '',
    `No-op \`cargo-units build\` (nothing to do; the whole CLI process: index, refresh of the Nix directory, the evaluation reused from its cache, one nix-store --realise --dry-run): ` +
      `median ${fmt(median(noops))} s, max ${fmt(Math.max(...noops))} s over ${NOOP_RUNS} runs (target ≤ 1 s).`,
  ].join('\n');
  writeBlock('bench-nix', '## Nix builds (issue 4)', body);
  ripgrepPart();
}

await main();
