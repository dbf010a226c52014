/**
 * Issue 14's speed target: the cold CLI end to end (`cargo-units units --json --all-features
 * --no-cache`, Node start-up included) on tokio with its tests (~120 units, ~380 files), as a
 * ratio of the time rustc takes to write dep-info for tokio's lib alone, run exactly as cargo runs
 * it (command and environment from `cargo check -vv`, dependencies built, `--emit=dep-info` only);
 * and the same with a warm cache, twice: right after an edit of one module file (the facts cache
 * and unit resolutions; that run is recorded), and with nothing changed since (the recorded run is
 * replayed, src/cli/replay/). All are interleaved in one run, so that they see the same load on a
 * shared machine. Standalone: `node --import tsx scripts/bench-ratio.ts [--write]
 * [--baseline OTHER/bin/cargo-units]` (--write records the figures in BENCHMARKS.md between
 * `<!-- bench-ratio:start -->` and `<!-- bench-ratio:end -->`; --baseline also runs another build of
 * the CLI, cold and warm, in the same rounds, for before/after figures); `npm run bench` runs it too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable, findRustc } from '../src/core/toolchain.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY = '/usr/share/cargo/registry';
export const RATIO_CRATE = 'tokio-1.24.2';
const REPEATS = 7;

export interface RatioResult {
  units: number;
  files: number;
  rustcMs: number;
  coldMs: number;
  warmMs: number;
  /** Warm, right after one module file was edited. */
  editMs: number;
  coldRatio: number;
  warmRatio: number;
  editRatio: number;
  /** Medians of the per-round ratios (each round: rustc, cold, edited, warm back to back). */
  pairedCold: number;
  pairedWarm: number;
  pairedEdit: number;
  /** The floor under every CLI run: `node -e 0`, and `cargo-units --version` (Node and the bundle loaded, nothing scanned). */
  nodeMs: number;
  loadMs: number;
  pairedNode: number;
  pairedLoad: number;
  coldRssMb: number;
  rustcCmd: string;
  /** With a baseline CLI (`--baseline`): its cold, edited and warm medians and paired ratios, measured in the same rounds. */
  baseline?: {
    bin: string;
    coldMs: number;
    editMs: number;
    warmMs: number;
    pairedCold: number;
    pairedEdit: number;
    pairedWarm: number;
    newOverOldCold: number;
    newOverOldEdit: number;
    newOverOldWarm: number;
  };
}

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansions). */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, j < 0 ? s.length : j);
      i = j < 0 ? s.length : j;
      has = true;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        cur += s[i];
        i++;
      }
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function measureRatio(tmp: string, log: (s: string) => void, baselineBin?: string): RatioResult {
  const rustc = findRustc();
  const cargo = findExecutable('cargo');
  if (!rustc || !cargo) throw new Error('the ratio bench needs rustc and cargo');
  const src = join(REGISTRY, RATIO_CRATE);
  if (!existsSync(src)) throw new Error(`missing ${src} (apt-get install librust-tokio-dev)`);
  // The index input: the crate as shipped, tests and all.
  const crate = join(tmp, 'tokio');
  cpSync(src, crate, { recursive: true });
  // The rustc anchor: a copy without dev-dependencies (not all are packaged), built offline.
  const build = join(tmp, 'tokio-build');
  cpSync(src, build, { recursive: true });
  const manifest = readFileSync(join(build, 'Cargo.toml'), 'utf8').split('\n');
  let skip = false;
  writeFileSync(join(build, 'Cargo.toml'), manifest.filter((l) => (l.startsWith('[') ? !(skip = l.includes('dev-dependencies')) : !skip)).join('\n'));
  mkdirSync(join(build, '.cargo'));
  writeFileSync(
    join(build, '.cargo', 'config.toml'),
    `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${REGISTRY}"\n[net]\noffline = true\n`,
  );
  const env = { ...process.env, CARGO_TARGET_DIR: join(tmp, 'target') };
  log('building tokio and its dependencies (cargo check --all-features --lib)');
  execFileSync(cargo, ['check', '--all-features', '--lib', '--offline', '--quiet'], { cwd: build, env, stdio: 'ignore' });
  const later = new Date(Date.now() + 1000);
  utimesSync(join(build, 'src', 'lib.rs'), later, later);
  const verbose = spawnSync(cargo, ['check', '-vv', '--all-features', '--lib', '--offline'], { cwd: build, env, encoding: 'utf8' });
  // The command may span lines: env values such as CARGO_PKG_DESCRIPTION hold newlines.
  const m = /Running `([^`]*--crate-name tokio [^`]*)`/.exec(verbose.stderr);
  if (!m) throw new Error(`cargo check -vv showed no rustc command for tokio:\n${verbose.stderr.slice(0, 2000)}`);
  const words = shellWords(m[1]!);
  const cmdEnv: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const w = words.shift()!;
    cmdEnv[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  const [exe, ...args] = words;
  const depFile = join(tmp, 'tokio.d');
  const rustcArgs = args.map((a) => (a.startsWith('--emit=') ? `--emit=dep-info=${depFile}` : a));
  const runRustc = (): number => {
    rmSync(depFile, { force: true });
    const t = timeMs(() => spawnSync(exe!, rustcArgs, { cwd: build, env: { ...process.env, ...cmdEnv }, stdio: 'ignore' }));
    if (!existsSync(depFile)) throw new Error('rustc wrote no dep-info for tokio');
    return t;
  };
  const cli = join(REPO, 'bin', 'cargo-units');
  const cacheDir = join(tmp, 'cache');
  let units = 0;
  let files = 0;
  let coldRssMb = 0;
  const runCli = (cache: boolean, bin = cli): number => {
    const argv = ['units', '--json', '--all-features', ...(cache ? [] : ['--no-cache']), crate];
    let out = '';
    const t = timeMs(() => {
      const r = spawnSync(process.execPath, [bin, ...argv], {
        encoding: 'utf8',
        env: { ...process.env, CARGO_UNITS_CACHE_DIR: bin === cli ? cacheDir : `${cacheDir}-baseline` },
        maxBuffer: 1 << 28,
      });
      if (r.status !== 0) throw new Error(`cargo-units failed: ${r.stderr}`);
      out = r.stdout;
    });
    const j = JSON.parse(out) as { units: { files: string[] }[] };
    units = j.units.length;
    files = new Set(j.units.flatMap((u) => u.files)).size;
    return t;
  };
  const time = findExecutable('time') ?? (existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined);
  if (time) {
    const r = spawnSync(time, ['-f', '%M', process.execPath, cli, 'units', '--json', '--all-features', '--no-cache', crate], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    coldRssMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
  }
  runCli(true); // fills the cache
  if (baselineBin) runCli(true, baselineBin);
  runRustc(); // warms the page cache for rustc too
  // The edited file: a module of tokio's lib (and of every test that builds it), a comment appended.
  const edited = join(crate, 'src', 'sync', 'mutex.rs');
  const original = readFileSync(edited, 'utf8');
  const rustcTimes: number[] = [];
  const cold: number[] = [];
  const edit: number[] = [];
  const warm: number[] = [];
  const oldCold: number[] = [];
  const oldEdit: number[] = [];
  const oldWarm: number[] = [];
  const spawnMs = (args: string[]): number =>
    timeMs(() => {
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    });
  const node: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    rustcTimes.push(runRustc());
    node.push(spawnMs(['-e', '0']));
    load.push(spawnMs([cli, '--version']));
    cold.push(runCli(false));
    writeFileSync(edited, `${original}\n// bench round ${i}\n`);
    edit.push(runCli(true));
    warm.push(runCli(true));
    if (baselineBin) {
      oldCold.push(runCli(false, baselineBin));
      // Its own cache directory: its first run after the edit is its edited run.
      oldEdit.push(runCli(true, baselineBin));
      oldWarm.push(runCli(true, baselineBin));
    }
    const old = baselineBin ? `; baseline cold ${oldCold[i]!.toFixed(0)} ms, edited ${oldEdit[i]!.toFixed(0)} ms, warm ${oldWarm[i]!.toFixed(0)} ms` : '';
    log(
      `round ${i + 1}: rustc ${rustcTimes[i]!.toFixed(0)} ms, node -e 0 ${node[i]!.toFixed(0)} ms, --version ${load[i]!.toFixed(0)} ms, cold ${cold[i]!.toFixed(0)} ms, edited ${edit[i]!.toFixed(0)} ms, warm ${warm[i]!.toFixed(0)} ms${old}`,
    );
  }
  const rustcMs = median(rustcTimes);
  const baseline = baselineBin
    ? {
        bin: baselineBin,
        coldMs: median(oldCold),
        editMs: median(oldEdit),
        warmMs: median(oldWarm),
        pairedCold: median(oldCold.map((c, i) => c / rustcTimes[i]!)),
        pairedEdit: median(oldEdit.map((e, i) => e / rustcTimes[i]!)),
        pairedWarm: median(oldWarm.map((w, i) => w / rustcTimes[i]!)),
        newOverOldCold: median(cold.map((c, i) => c / oldCold[i]!)),
        newOverOldEdit: median(edit.map((e, i) => e / oldEdit[i]!)),
        newOverOldWarm: median(warm.map((w, i) => w / oldWarm[i]!)),
      }
    : undefined;
  return {
    ...(baseline ? { baseline } : {}),
    units,
    files,
    rustcMs,
    coldMs: median(cold),
    warmMs: median(warm),
    editMs: median(edit),
    coldRatio: median(cold) / rustcMs,
    warmRatio: median(warm) / rustcMs,
    editRatio: median(edit) / rustcMs,
    pairedCold: median(cold.map((c, i) => c / rustcTimes[i]!)),
    pairedWarm: median(warm.map((w, i) => w / rustcTimes[i]!)),
    pairedEdit: median(edit.map((w, i) => w / rustcTimes[i]!)),
    nodeMs: median(node),
    loadMs: median(load),
    pairedNode: median(node.map((x, i) => x / rustcTimes[i]!)),
    pairedLoad: median(load.map((x, i) => x / rustcTimes[i]!)),
    coldRssMb,
    rustcCmd: `${Object.entries(cmdEnv).length} cargo env vars + ${exe} ${rustcArgs
      .map((a) => a.replace(tmp, '$TMP'))
      .map((a) => (/[\s"']/.test(a) ? `'${a}'` : a))
      .join(' ')}`,
  };
}

export function ratioMarkdown(r: RatioResult, machine: string): string {
  const ms = (x: number) => x.toFixed(0);
  const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
  return [
    `Command: \`node --import tsx scripts/bench-ratio.ts --write${r.baseline ? ' --baseline BASE/bin/cargo-units' : ''}\` (also part of \`npm run bench\`). ${machine}`,
    '',
    `Input: ${RATIO_CRATE} from \`${REGISTRY}\`, tests included: **${r.units} units, ${r.files} files** listed with \`--all-features\`. ` +
      `Anchor: rustc writing dep-info for tokio's lib alone, with every dependency built (\`cargo check --all-features --lib\` offline from Debian's registry, dev-dependencies stripped from a copy), ` +
      `run with the command and environment \`cargo check -vv\` shows, \`--emit=dep-info\` only. ${REPEATS} rounds, each rustc, \`node -e 0\`, \`cargo-units --version\`, cold CLI, an edit of src/sync/mutex.rs (a comment appended) and the CLI with its cache, the CLI again with nothing changed${r.baseline ? ', baseline cold, baseline after the edit, baseline warm' : ''} back to back; medians.`,
    '',
    `| | ms (median) | × rustc | median of paired ratios | target | |`,
    `|---|---:|---:|---:|---|---|`,
    `| rustc dep-info, tokio lib | ${ms(r.rustcMs)} | 1.00 | | | |`,
    `| floor: \`node -e 0\` (Node start-up alone) | ${ms(r.nodeMs)} | ${(r.nodeMs / r.rustcMs).toFixed(2)} | ${r.pairedNode.toFixed(2)} | | |`,
    `| floor: \`cargo-units --version\` (Node and the CLI bundle loaded, nothing scanned) | ${ms(r.loadMs)} | ${(r.loadMs / r.rustcMs).toFixed(2)} | ${r.pairedLoad.toFixed(2)} | | |`,
    `| \`cargo-units units --json --all-features --no-cache\` (cold, Node start-up included) | ${ms(r.coldMs)} | ${r.coldRatio.toFixed(2)} | ${r.pairedCold.toFixed(2)} | ≤ 0.5× | ${met(r.coldRatio <= 0.5)} |`,
    `| warm, one module file edited since the last run (facts cache and unit resolutions) | ${ms(r.editMs)} | ${r.editRatio.toFixed(2)} | ${r.pairedEdit.toFixed(2)} | | |`,
    `| warm, nothing changed since the last run (the recorded run is checked and replayed) | ${ms(r.warmMs)} | ${r.warmRatio.toFixed(2)} | ${r.pairedWarm.toFixed(2)} | ≤ 0.25× | ${met(r.warmRatio <= 0.25)} |`,
    ...(r.baseline
      ? [
          '',
          `Baseline in the same rounds (\`${r.baseline.bin}\`): cold ${ms(r.baseline.coldMs)} ms (${r.baseline.pairedCold.toFixed(2)}× rustc, median of paired ratios), ` +
            `edited ${ms(r.baseline.editMs)} ms (${r.baseline.pairedEdit.toFixed(2)}×), warm ${ms(r.baseline.warmMs)} ms (${r.baseline.pairedWarm.toFixed(2)}×); ` +
            `this version over the baseline, median of the per-round ratios: ` +
            `cold ${r.baseline.newOverOldCold.toFixed(2)}, edited ${r.baseline.newOverOldEdit.toFixed(2)}, warm ${r.baseline.newOverOldWarm.toFixed(2)}.`,
        ]
      : []),
    '',
    `Peak RSS of the cold CLI: ${r.coldRssMb ? `${r.coldRssMb.toFixed(0)} MB` : 'not measured (no /usr/bin/time)'} (target ≤ 300 MB). rustc command: \`${r.rustcCmd.slice(0, 400)}${r.rustcCmd.length > 400 ? ' …' : ''}\``,
  ].join('\n');
}

export function machineLine(): string {
  const rustc = findRustc();
  const v = rustc ? execFileSync(rustc, ['--version'], { encoding: 'utf8' }).trim() : 'no rustc';
  return `Machine: ${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${v}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; shared with other jobs: load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} at the start.`;
}

export function writeRatioBlock(body: string): void {
  const file = join(REPO, 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const block = `<!-- bench-ratio:start -->\n${body}\n<!-- bench-ratio:end -->`;
  const start = text.indexOf('<!-- bench-ratio:start -->');
  const end = text.indexOf('<!-- bench-ratio:end -->');
  const out =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + '<!-- bench-ratio:end -->'.length)
      : `${text.trimEnd()}\n\n### Cold and warm CLI against rustc's dep-info (issue 14)\n\n${block}\n`;
  writeFileSync(file, out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-ratio-'));
  try {
    const machine = machineLine();
    const at = process.argv.indexOf('--baseline');
    const baseline = at >= 0 ? process.argv[at + 1] : undefined;
    const r = measureRatio(tmp, (s) => console.error(`[bench-ratio] ${s}`), baseline);
    const body = ratioMarkdown(r, machine);
    console.log(body);
    if (process.argv.includes('--write')) writeRatioBlock(body);
    else console.error('[bench-ratio] BENCHMARKS.md left as it is (--write records these figures)');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
