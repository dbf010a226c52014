/**
 * `npm run bench`: speed and memory of indexing, with rustc/cargo/I-O anchors measured in the
 * same run, written into BENCHMARKS.md between `<!-- bench:start -->` and `<!-- bench:end -->`.
 *
 * Everything it indexes is copied or generated (deterministically) into a temporary directory:
 * the development crates from /usr/share/cargo/registry as one virtual workspace, and generated
 * workspaces of 1,000 and 2,000 .rs files. Timed index runs happen in fresh child processes
 * (`bench.ts --child …`) so that one measurement's caches do not help the next.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OPTIONS, UnitIndex, type IndexOptions } from '../src/core/index.js';
import { rustcInvocation } from '../src/core/rustc-args.js';
import { grammarLoaded, grammarLoadMs, preferBaselineWasm } from '../src/core/scan/parser.js';
import { findExecutable, findRustc } from '../src/core/toolchain.js';
import { generateWorkspace, mulberry32 } from './bench-gen.js';
import { machineLine, measureRatio, ratioMarkdown, writeRatioBlock } from './bench-ratio.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const REGISTRY = '/usr/share/cargo/registry';
const DEV_CRATES = ['serde-1.0.152', 'serde_json-1.0.87', 'regex-1.7.1', 'regex-syntax-0.6.27', 'syn-1.0.107', 'anyhow-1.0.69', 'memchr-2.5.0', 'libc-0.2.139'];
const REPEATS = 5;
const EDITS = 200;

// ---------------------------------------------------------------------------------------------
// Child mode: one timed UnitIndex.open in a fresh process.

interface ChildResult {
  /** Time the tree-sitter grammar took to load inside the timed open (0 when it was not needed). */
  parserMs: number;
  /** Whether the grammar was loaded at all. */
  grammar: boolean;
  openMs: number;
  /** CPU time of the whole process (all threads) during the open. */
  openCpuMs: number;
  /** A second open in the same process (fresh index object; rustc's target cfg already known). */
  reopenMs: number;
  units: number;
  files: number;
  parsed: number;
  maxRssMb: number;
  allFiles: string[];
}

async function child(dir: string, allFeatures: boolean, cache: string | false): Promise<void> {
  const opts: IndexOptions = { ...DEFAULT_OPTIONS, features: { ...DEFAULT_OPTIONS.features, allFeatures }, cache };
  // As the CLI does at start-up (src/cli/main.ts).
  preferBaselineWasm();
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  const index = await UnitIndex.open(dir, opts);
  const t2 = performance.now();
  const cpu = process.cpuUsage(c1);
  const parsed = index.store.parsedCount;
  const grammar = grammarLoaded();
  const parserMs = grammarLoadMs();
  const all = new Set<string>();
  for (const e of index.entries) for (const f of e.files) all.add(f);
  const t3 = performance.now();
  await UnitIndex.open(dir, { ...opts, cache: cache === false ? false : cache });
  const t4 = performance.now();
  const result: ChildResult = {
    parserMs,
    grammar,
    openMs: t2 - t1,
    openCpuMs: (cpu.user + cpu.system) / 1000,
    reopenMs: t4 - t3,
    units: index.entries.length,
    files: all.size,
    parsed,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    allFiles: [...all].sort(),
  };
  process.stdout.write(JSON.stringify(result));
}

function runChild(dir: string, allFeatures: boolean, cache: string | false): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', dir, String(allFeatures), cache === false ? '-' : cache], {
    cwd: REPO,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as ChildResult;
}

/** The development crates as members of one generated virtual workspace. */
function devWorkspace(root: string): void {
  mkdirSync(root, { recursive: true });
  for (const c of DEV_CRATES) cpSync(join(REGISTRY, c), join(root, c), { recursive: true });
  writeFileSync(join(root, 'Cargo.toml'), `[workspace]\nmembers = [${DEV_CRATES.map((c) => `"${c}"`).join(', ')}]\nresolver = "2"\n`);
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers.

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function tool(name: string): string | undefined {
  return (
    findExecutable(name) ?? (existsSync(join(process.env.HOME ?? '', '.cargo', 'bin', name)) ? join(process.env.HOME ?? '', '.cargo', 'bin', name) : undefined)
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rustc = findRustc();
  const cargo = tool('cargo');
  if (!rustc || !cargo) throw new Error('bench needs rustc and cargo');
  for (const c of DEV_CRATES) if (!existsSync(join(REGISTRY, c))) throw new Error(`missing ${REGISTRY}/${c} (run .ci/run or apt-get install librust-*-dev)`);
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-bench-'));
  const log = (s: string): void => console.error(`[bench] ${s}`);
  try {
    const machine = {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      rustc: execFileSync(rustc, ['--version'], { encoding: 'utf8' }).trim(),
      cargo: execFileSync(cargo, ['--version'], { encoding: 'utf8' }).trim(),
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      loadBefore: loadavg()
        .map((x) => x.toFixed(1))
        .join(', '),
    };
    log(JSON.stringify(machine));

    // Inputs.
    const dev = join(tmp, 'dev');
    devWorkspace(dev);
    const synOnly = join(tmp, 'syn');
    cpSync(join(REGISTRY, 'syn-1.0.107'), synOnly, { recursive: true });
    const gen2k = join(tmp, 'gen2000');
    const gen1k = join(tmp, 'gen1000');
    const n2k = generateWorkspace(gen2k, 2000, 8, 2000);
    const n1k = generateWorkspace(gen1k, 1000, 4, 1000);
    log(`generated ${n2k} and ${n1k} .rs files`);

    // Cold full index, no cache, fresh processes.
    const cold = (dir: string, all: boolean): ChildResult[] => Array.from({ length: REPEATS }, () => runChild(dir, all, false));
    const coldDev = cold(dev, false);
    log(`cold dev ${median(coldDev.map((r) => r.openMs))} ms`);
    const coldDevAll = cold(dev, true);
    // syn against its anchor, interleaved (index, rustc, CLI, index, rustc, CLI, …) so that both see the same machine load.
    const synIndex = await UnitIndex.open(synOnly, { ...DEFAULT_OPTIONS, features: { ...DEFAULT_OPTIONS.features, allFeatures: true } });
    const synLib = synIndex.entries.find((e) => e.unit.kind === 'lib' && !e.unit.cfgTest)!;
    const rustcDir = join(tmp, 'rustc');
    mkdirSync(join(rustcDir, 'out'), { recursive: true });
    const inv = rustcInvocation(synLib.unit, { cfgs: [], outDir: join(rustcDir, 'out'), targetTmpDir: join(rustcDir, 'tmp') });
    const depFile = join(rustcDir, 'syn.d');
    const rustcArgs = [...inv.args, '--cap-lints', 'allow', '--error-format=short', `--emit=dep-info=${depFile}`, synLib.unit.target.path];
    const runRustc = (): number => {
      rmSync(depFile, { force: true });
      const t = timeMs(() => spawnSync(rustc, rustcArgs, { cwd: synOnly, env: { ...process.env, ...inv.env }, encoding: 'utf8' }));
      if (!existsSync(depFile)) throw new Error('rustc wrote no dep-info for syn');
      return t;
    };
    const rustcCmd = `rustc ${rustcArgs
      .map((a) => a.replace(tmp, '$TMP'))
      .map((a) => (/[\s"]/.test(a) ? `'${a}'` : a))
      .join(' ')}`;
    // The CLI end to end (Node start-up and bundle load included), as a user runs it.
    const runCliOnce = (): number =>
      timeMs(() => {
        const r = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'units', '--all-features', '--no-cache', synOnly], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`cargo-units units failed: ${r.stderr}`);
      });
    const coldSyn: ChildResult[] = [];
    const rustcTimes: number[] = [];
    const cliTimes: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      coldSyn.push(runChild(synOnly, true, false));
      rustcTimes.push(runRustc());
      cliTimes.push(runCliOnce());
    }
    log(`cold syn ${median(coldSyn.map((r) => r.openMs))} ms`);
    const cold2k = cold(gen2k, false);
    log(`cold 2k ${median(cold2k.map((r) => r.openMs))} ms`);
    const cold1k = cold(gen1k, false);

    // I/O floor: read the files the cold index lists, no parsing.
    const ioFloor = (files: string[]): number =>
      median(
        Array.from({ length: REPEATS }, () =>
          timeMs(() => {
            for (const f of files) readFileSync(f);
          }),
        ),
      );
    const io2k = ioFloor(cold2k[0]!.allFiles);
    const ioDev = ioFloor(coldDev[0]!.allFiles);
    const ioSyn = ioFloor(coldSyn[0]!.allFiles);

    // Warm start from the on-disk cache: fill it once, then fresh processes.
    const cacheDir = join(tmp, 'cache');
    const warm = (dir: string): ChildResult[] => {
      runChild(dir, false, cacheDir);
      return Array.from({ length: REPEATS }, () => runChild(dir, false, cacheDir));
    };
    const warm2k = warm(gen2k);
    const warm1k = warm(gen1k);
    for (const r of [...warm2k, ...warm1k])
      if (r.parsed !== 0 || r.grammar) throw new Error(`warm start parsed ${r.parsed} files (grammar loaded: ${r.grammar})`);
    log(`warm 1k ${median(warm1k.map((r) => r.openMs))} ms`);

    // Re-index after one edit (overlay text), 200 random edits with a fixed seed.
    const index = await UnitIndex.open(gen2k, DEFAULT_OPTIONS);
    const rsFiles = cold2k[0]!.allFiles.filter((f) => f.endsWith('.rs'));
    const rand = mulberry32(42);
    const edits: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const f = rsFiles[Math.floor(rand() * rsFiles.length)]!;
      const text = readFileSync(f, 'utf8');
      const kind = rand();
      // A body edit, a new (missing) module declaration, or a cfg'd module declaration.
      const edited =
        kind < 0.6
          ? `${text}\npub fn edited_${i}() -> u32 { ${i} }\n`
          : kind < 0.8
            ? `mod added_${i};\n${text}`
            : `#[cfg(feature = "extra")]\nmod gated_${i};\n${text}`;
      edits.push(timeMs(() => index.updateFile(f, edited, true)));
      index.updateFile(f, undefined, true);
    }
    log(`re-index p95 ${percentile(edits, 95)} ms`);

    const metaTimes = Array.from({ length: REPEATS }, () =>
      timeMs(() => {
        const r = spawnSync(cargo, ['metadata', '--no-deps', '--offline', '--format-version', '1'], { cwd: synOnly, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`cargo metadata failed: ${r.stderr}`);
      }),
    );

    // Figures.
    const med = (rs: ChildResult[], k: keyof ChildResult): number => median(rs.map((r) => r[k] as number));
    const rustcMs = median(rustcTimes);
    const synMs = med(coldSyn, 'openMs');
    const ratio = synMs / rustcMs;
    const pairRatio = median(coldSyn.map((r, i) => r.openMs / rustcTimes[i]!));
    const cliMs = median(cliTimes);
    const p50 = percentile(edits, 50);
    const p95 = percentile(edits, 95);
    const max = Math.max(...edits);
    const warm1kMs = med(warm1k, 'openMs');
    const peak = Math.max(...cold2k.map((r) => r.maxRssMb));
    const met = (ok: boolean): string => (ok ? '**met**' : '**not met**');
    const row = (name: string, rs: ChildResult[], io?: number): string =>
      `| ${name} | ${rs[0]!.units} | ${rs[0]!.files} | ${ms(med(rs, 'openMs'))} | ${ms(Math.min(...rs.map((r) => r.openMs)))} | ${ms(med(rs, 'reopenMs'))} | ${ms(med(rs, 'parserMs'))} | ${io === undefined ? '' : ms(io)} | ${med(rs, 'maxRssMb').toFixed(0)} |`;

    const body = [
      `Command: \`npm run bench\` (\`scripts/bench.ts\`), ${machine.date}.`,
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.rustc}, ${machine.cargo}. ` +
        `The machine is shared: load average (1, 5, 15 min) ${machine.loadBefore} when the run started, ${loadavg()
          .map((x) => x.toFixed(1))
          .join(', ')} when it ended.`,
      '',
      `Inputs, copied or generated into a temporary directory: **dev crates** = the 8 development crates from ` +
        `\`${REGISTRY}\` (${DEV_CRATES.join(', ')}) as members of one virtual workspace; **syn** = syn-1.0.107 alone; ` +
        `**gen-2000** / **gen-1000** = generated workspaces of ${n2k} / ${n1k} .rs files (8 / 4 crates, nested \`name.rs\` and \`name/mod.rs\` ` +
        `modules, modules under \`cfg(feature)\`/\`cfg(test)\`/\`cfg(unix)\`, \`include_str!\` data files, a bin and a test per crate; fixed seed). ` +
        `Their "files listed" (union over units) is below the generated count because some modules sit behind a feature that stays off.`,
      '',
      `Each index time is \`UnitIndex.open\` wall time (load manifests, plan units, ask rustc for the target cfg, scan and resolve every unit) ` +
        `in a fresh process started with the V8 setting the CLI uses (\`preferBaselineWasm()\`: WebAssembly on the baseline compiler only), median of ${REPEATS}. ` +
        `It includes running rustc for the target cfg, initialising the tree-sitter runtime and, when some file has to be parsed, loading the grammar ` +
        `("grammar load ms" shows that part); it excludes Node's start-up and module loading. ` +
        `"re-open" is a second \`UnitIndex.open\` in the same process (new index object and source store, so no-cache rows parse everything again; ` +
        `rustc's target cfg already known, JIT warm). The index runs from the TypeScript sources through tsx, not from the esbuild bundle. ` +
        `I/O floor: \`readFileSync\` of every file the index lists, nothing else (page cache warm).`,
      '',
      '### Cold full index (no cache, `--no-cache`), every unit',
      '',
      '| workspace | units | files listed | open ms (median) | open ms (min) | re-open ms | of which grammar load ms | I/O floor ms | peak RSS MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      row('dev crates, default features', coldDev, ioDev),
      row('dev crates, all features', coldDevAll),
      row('syn, all features', coldSyn, ioSyn),
      row('gen-2000, default features', cold2k, io2k),
      row('gen-1000, default features', cold1k),
      '',
      '### Warm start from the on-disk facts cache',
      '',
      'The cache (one file per workspace) was filled by one earlier run; each measured run is a fresh process that parsed 0 files and never loaded the grammar, ' +
        'but still read and hashed every file it lists (the cache is keyed by content hash) and ran rustc for the target cfg.',
      '',
      '| workspace | units | files listed | open ms (median) | open ms (min) | open CPU ms (median) | re-open ms | peak RSS MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...[
        ['gen-2000', warm2k],
        ['gen-1000', warm1k],
      ].map(([name, rs]) => {
        const r = rs as ChildResult[];
        return `| ${name as string} | ${r[0]!.units} | ${r[0]!.files} | ${ms(med(r, 'openMs'))} | ${ms(Math.min(...r.map((x) => x.openMs)))} | ${ms(med(r, 'openCpuMs'))} | ${ms(med(r, 'reopenMs'))} | ${med(r, 'maxRssMb').toFixed(0)} |`;
      }),
      '',
      '### Re-index after one file changes',
      '',
      `\`index.updateFile(path, newText, true)\` on gen-2000, ${EDITS} edits of random listed .rs files (seed 42; 60% add a function, ` +
        `20% add a \`mod\` declaration of a missing file, 20% add a \`cfg(feature)\` module), each undone before the next; ` +
        `timed in the bench's own long-lived process (default V8 settings, as in an editor), on an index opened without cache:`,
      `p50 **${ms(p50)} ms**, p95 **${ms(p95)} ms**, max ${ms(max)} ms.`,
      '',
      '### Anchors (same run)',
      '',
      `- \`rustc --emit=dep-info\` of syn's lib with all features (${synLib.files.length} files), median of ${REPEATS}: **${ms(rustcMs)} ms** ` +
        `(min ${ms(Math.min(...rustcTimes))}). Command, with the environment cargo sets: \`${rustcCmd}\`.`,
      `- \`cargo metadata --no-deps --offline --format-version 1\` on syn: ${ms(median(metaTimes))} ms.`,
      `- The CLI end to end, \`node bin/cargo-units units --all-features --no-cache\` on syn in a fresh process (Node start-up, bundle load, index, output), median of ${REPEATS}: ` +
        `${ms(cliMs)} ms = ${(cliMs / rustcMs).toFixed(2)}× rustc's dep-info time.`,
      `- Full index of all ${coldSyn[0]!.units} syn units (all features): ${ms(synMs)} ms = **${ratio.toFixed(2)}×** rustc's dep-info time of its largest unit ` +
        `(median of the ${REPEATS} paired ratios: ${pairRatio.toFixed(2)}×; the index, rustc and the CLI runs were interleaved) ` +
        `(grammar load included: ${ms(med(coldSyn, 'parserMs'))} ms). Both rustc figures include rustc's own process start (through the rustup proxy when that is the \`rustc\` on PATH).`,
      '',
      '### Targets (issue 3)',
      '',
      `| target | measured | |`,
      `|---|---|---|`,
      `| full index ≤ 1.0× rustc dep-info of the crate's largest unit (syn) | ${ratio.toFixed(2)}× (\`UnitIndex.open\`, grammar load included; the CLI end to end: ${(cliMs / rustcMs).toFixed(2)}×) | ${met(ratio <= 1)} |`,
      `| re-index p95 ≤ 20 ms | ${ms(p95)} ms | ${met(p95 <= 20)} |`,
      `| warm start of 1,000 files ≤ 150 ms | ${ms(warm1kMs)} ms (fresh process; CPU ${ms(med(warm1k, 'openCpuMs'))} ms) | ${met(warm1kMs <= 150)} |`,
      `| peak memory ≤ 300 MB on 2,000 files | ${peak.toFixed(0)} MB (max RSS of the cold-index process, whole Node process) | ${met(peak <= 300)} |`,
    ].join('\n');

    console.log(body);
    if (process.argv.includes('--write')) {
      writeBenchmarks(body);
    } else log('BENCHMARKS.md left as it is (npm run bench -- --write records these figures)');
    // Issue 14: the CLI cold and warm against rustc's dep-info of tokio's lib (scripts/bench-ratio.ts).
    const ratioDir = join(tmp, 'ratio');
    mkdirSync(ratioDir);
    const ratioMachine = machineLine();
    const ratioBody = ratioMarkdown(measureRatio(ratioDir, log), ratioMachine);
    console.log(ratioBody);
    if (process.argv.includes('--write')) {
      writeRatioBlock(ratioBody);
      log('BENCHMARKS.md updated');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function writeBenchmarks(body: string): void {
  const file = join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const block = `<!-- bench:start -->\n${body}\n<!-- bench:end -->`;
  let out: string;
  const start = text.indexOf('<!-- bench:start -->');
  const end = text.indexOf('<!-- bench:end -->');
  if (start >= 0 && end > start) {
    out = text.slice(0, start) + block + text.slice(end + '<!-- bench:end -->'.length);
  } else {
    const at = text.indexOf('\n## Speed\n');
    if (at < 0) out = `${text.trimEnd()}\n\n## Speed\n\n${block}\n`;
    else {
      const bodyStart = at + '\n## Speed\n'.length;
      const next = text.indexOf('\n## ', bodyStart);
      out = text.slice(0, bodyStart) + '\n' + block + '\n' + (next >= 0 ? text.slice(next) : '');
    }
  }
  writeFileSync(file, out);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4] === 'true', process.argv[5] === '-' ? false : process.argv[5]!);
} else {
  await main();
}
