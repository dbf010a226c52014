/**
 * A target's cfg, as `rustc --print cfg --target T` reports it, with a built-in table of common
 * targets (generated from rustc, see `builtin-targets.ts`) for when rustc cannot be run.
 */
import { execFile } from 'node:child_process';
import { endianness } from 'node:os';
import { findRustc } from '../toolchain.js';
import { BUILTIN_TARGET_CFG } from './builtin-targets.js';
import type { CfgAtom } from './expr.js';

export interface TargetCfg {
  /** The target triple (the host's when none was asked for). */
  triple: string;
  /**
   * The cfg atoms in `rustc --print cfg` order. Includes `debug_assertions` when rustc reports it
   * (it does without `-O`), which is also what Cargo uses for `[target.'cfg(…)'.dependencies]`;
   * `CfgSet.forUnit` sets it from the profile instead.
   */
  atoms: CfgAtom[];
  /** `rustc`: from running rustc; `builtin`: from the built-in table. */
  source: 'rustc' | 'builtin';
  /** When `source` is `builtin` although a rustc was found: why rustc's answer was not used. */
  fallbackReason?: string;
}

export interface TargetCfgOptions {
  /** The rustc to run (default: `findRustc()`); `false` uses the built-in table only. */
  rustc?: string | false;
  /** Directory to run rustc in (a rustup `rust-toolchain.toml` there picks the toolchain). */
  cwd?: string;
  /** Extra rustc flags that change the cfg, as RUSTFLAGS: `-C target-feature=+crt-static`, `--cfg foo`. */
  rustflags?: string[];
  /** Timeout for running rustc, in milliseconds (default 60 s: a rustup proxy may be slow to start). */
  timeoutMs?: number;
}

/** The target's cfg cannot be determined (unknown triple and no usable rustc). */
export class TargetCfgError extends Error {
  constructor(
    readonly triple: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetCfgError';
  }
}

/** Triples of the built-in table. */
/** Targets the built-in table must cover (the documented minimum). */
export const REQUIRED_BUILTIN_TARGETS: readonly string[] = [
  'x86_64-unknown-linux-gnu',
  'aarch64-unknown-linux-gnu',
  'aarch64-apple-darwin',
  'x86_64-apple-darwin',
  'x86_64-pc-windows-msvc',
  'x86_64-pc-windows-gnu',
  'wasm32-unknown-unknown',
  'wasm32-wasip1',
];

export const BUILTIN_TARGETS: readonly string[] = Object.freeze(Object.keys(BUILTIN_TARGET_CFG));

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Parses `rustc --print cfg` output: one `name` or `name="value"` per line. rustc prints names
 * without `r#` and values verbatim (no escapes), so a value may contain `"` or span lines.
 */
export function parsePrintCfg(output: string): CfgAtom[] {
  const atoms: CfgAtom[] = [];
  const lines = output.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const eq = /^([^="\s]+)="/.exec(line);
    if (!eq) {
      atoms.push({ name: line.trim() });
      continue;
    }
    let rest = line.slice(eq[0].length);
    // A value with a newline continues on the next lines, up to one that ends the quote.
    while (!rest.endsWith('"') && i + 1 < lines.length) rest += '\n' + lines[++i]!;
    atoms.push({ name: eq[1]!, value: rest.endsWith('"') ? rest.slice(0, -1) : rest });
  }
  return atoms;
}

function frozen(cfg: TargetCfg): TargetCfg {
  for (const a of cfg.atoms) Object.freeze(a);
  Object.freeze(cfg.atoms);
  return Object.freeze(cfg);
}

/** The built-in cfg of `triple`; throws {@link TargetCfgError} for a triple not in the table. */
export function builtinTargetCfg(triple: string): TargetCfg {
  const lines = Object.prototype.hasOwnProperty.call(BUILTIN_TARGET_CFG, triple) ? BUILTIN_TARGET_CFG[triple] : undefined;
  if (!lines) {
    throw new TargetCfgError(triple, `no built-in cfg for target \`${triple}\` (built-in targets: ${BUILTIN_TARGETS.join(', ')})`);
  }
  return frozen({ triple, atoms: parsePrintCfg(lines.join('\n')), source: 'builtin' });
}

interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** rustc could not be started, or was killed (timeout). */
  spawnFailed: boolean;
  detail: string;
}

function run(exe: string, args: string[], cwd: string | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    try {
      execFile(exe, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
        if (!err) {
          resolve({ ok: true, stdout, stderr, spawnFailed: false, detail: '' });
          return;
        }
        const spawnFailed = typeof err.code === 'string' || err.killed === true || (err.code == null && err.signal != null);
        const detail = err.killed ? `timed out after ${timeoutMs} ms` : typeof err.code === 'string' ? err.code : err.message;
        resolve({ ok: false, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), spawnFailed, detail });
      });
    } catch (err) {
      resolve({ ok: false, stdout: '', stderr: '', spawnFailed: true, detail: (err as Error).message });
    }
  });
}

function firstLines(text: string, n = 3): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.length === 0 ? '(no output)' : lines.slice(0, n).join(' ');
}

let cachedLibc: 'gnu' | 'musl' | undefined;

/** Whether this Node runs on glibc or musl (Linux only). */
function detectLibc(): 'gnu' | 'musl' {
  if (cachedLibc) return cachedLibc;
  try {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    cachedLibc = report?.header?.glibcVersionRuntime ? 'gnu' : 'musl';
  } catch {
    cachedLibc = 'gnu';
  }
  return cachedLibc;
}

const ARCH: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ia32: 'i686',
  arm: 'armv7',
  riscv64: 'riscv64gc',
  s390x: 's390x',
  loong64: 'loongarch64',
  ppc: 'powerpc',
  mips: 'mips',
  mipsel: 'mipsel',
};

/**
 * The host triple guessed from Node's platform and architecture, for when rustc cannot say
 * (`x86_64-unknown-linux-gnu`, `aarch64-apple-darwin`, `x86_64-pc-windows-msvc`, …).
 */
export function fallbackHostTriple(platform: string = process.platform, arch: string = process.arch, libc?: 'gnu' | 'musl'): string {
  const a = arch === 'ppc64' ? (endianness() === 'LE' ? 'powerpc64le' : 'powerpc64') : (ARCH[arch] ?? arch);
  switch (platform) {
    case 'linux': {
      const l = libc ?? detectLibc();
      return a === 'armv7' ? `armv7-unknown-linux-${l}eabihf` : `${a}-unknown-linux-${l}`;
    }
    case 'android':
      return a === 'armv7' ? 'armv7-linux-androideabi' : `${a}-linux-android`;
    case 'darwin':
      return `${a}-apple-darwin`;
    case 'win32':
      return `${a}-pc-windows-msvc`;
    case 'freebsd':
    case 'netbsd':
    case 'openbsd':
      return `${a}-unknown-${platform}`;
    case 'sunos':
      return `${a}-pc-solaris`;
    case 'aix':
      return 'powerpc64-ibm-aix';
    default:
      return `${a}-unknown-${platform}`;
  }
}

const hostCache = new Map<string, Promise<string>>();

/**
 * The host triple: the `host:` line of `rustc -vV`, or {@link fallbackHostTriple} when rustc is
 * not found or fails. Cached per rustc.
 */
export async function hostTriple(rustc?: string | false): Promise<string> {
  const exe = rustc === false ? undefined : (rustc ?? findRustc());
  if (!exe) return fallbackHostTriple();
  let p = hostCache.get(exe);
  if (!p) {
    p = run(exe, ['-vV'], undefined, DEFAULT_TIMEOUT_MS).then((r) => {
      const m = r.ok ? /^host:\s*(\S+)\s*$/m.exec(r.stdout) : null;
      return m ? m[1]! : fallbackHostTriple();
    });
    hostCache.set(exe, p);
  }
  return p;
}

const versionCache = new Map<string, Promise<string | undefined>>();

/**
 * `rustc -vV` of the rustc cargo-units runs (its first line is what `rustc --version` prints),
 * or undefined when no rustc is found or it fails. Cached per rustc. Build scripts that read the
 * compiler's version (`$RUSTC --version`) are decided with it (cfg/build-script-eval).
 */
export async function rustcVersion(rustc?: string | false): Promise<string | undefined> {
  const exe = rustc === false ? undefined : (rustc ?? findRustc());
  if (!exe) return undefined;
  let p = versionCache.get(exe);
  if (!p) {
    p = run(exe, ['-vV'], undefined, DEFAULT_TIMEOUT_MS).then((r) => (r.ok && /^rustc \S+/.test(r.stdout) ? r.stdout : undefined));
    versionCache.set(exe, p);
  }
  return p;
}

const cfgCache = new Map<string, Promise<TargetCfg>>();

/**
 * The cfg of `triple` (the host when undefined): `rustc --print cfg [--target T]` when a rustc is
 * found, cached per rustc, directory, triple and flags; otherwise, or when rustc cannot be run or
 * fails, the built-in table. Throws {@link TargetCfgError} naming the triple when neither knows it.
 * The result is frozen (it is shared between callers).
 */
export async function targetCfg(triple?: string, opts: TargetCfgOptions = {}): Promise<TargetCfg> {
  const exe = opts.rustc === false ? undefined : (opts.rustc ?? findRustc());
  if (!exe) return fromBuiltin(triple ?? fallbackHostTriple(), 'rustc was not found (set RUSTC or put rustc on PATH)', false);
  const key = JSON.stringify([exe, opts.cwd ?? '', triple ?? null, opts.rustflags ?? []]);
  let p = cfgCache.get(key);
  if (!p) {
    p = probe(exe, triple, opts);
    cfgCache.set(key, p);
    p.catch(() => cfgCache.delete(key));
  }
  return p;
}

async function probe(exe: string, triple: string | undefined, opts: TargetCfgOptions): Promise<TargetCfg> {
  const args = ['--print', 'cfg', ...(triple !== undefined ? ['--target', triple] : []), ...(opts.rustflags ?? [])];
  const r = await run(exe, args, opts.cwd, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const resolved = triple ?? (await hostTriple(exe));
  if (r.ok) return frozen({ triple: resolved, atoms: parsePrintCfg(r.stdout), source: 'rustc' });
  const why = r.spawnFailed ? `could not run ${exe}: ${r.detail}` : `\`${exe} ${args.join(' ')}\` failed: ${firstLines(r.stderr)}`;
  return fromBuiltin(resolved, why, true);
}

function fromBuiltin(triple: string, why: string, rustcFound: boolean): TargetCfg {
  if (!Object.prototype.hasOwnProperty.call(BUILTIN_TARGET_CFG, triple)) {
    throw new TargetCfgError(
      triple,
      `cannot determine the cfg of target \`${triple}\`: ${why}, and \`${triple}\` is not a built-in target (${BUILTIN_TARGETS.join(', ')})`,
    );
  }
  const cfg = builtinTargetCfg(triple);
  return rustcFound ? frozen({ ...cfg, atoms: [...cfg.atoms], fallbackReason: why }) : cfg;
}

/**
 * The host's cfg with its triple from one rustc run (`rustc --print host-tuple --print cfg`,
 * rustc ≥ 1.84), instead of two (`--print cfg` and `-vV`); with an older rustc, or any failure,
 * exactly `targetCfg(undefined, opts)`. The answer is shared with targetCfg() and hostTriple().
 */
export async function hostTargetCfg(opts: TargetCfgOptions = {}): Promise<TargetCfg> {
  const exe = opts.rustc === false ? undefined : (opts.rustc ?? findRustc());
  const key = exe && JSON.stringify([exe, opts.cwd ?? '', null, opts.rustflags ?? []]);
  if (!exe || !key || cfgCache.has(key) || hostCache.has(exe)) return targetCfg(undefined, opts);
  const p = run(exe, ['--print', 'host-tuple', '--print', 'cfg', ...(opts.rustflags ?? [])], opts.cwd, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS).then((r) => {
    const nl = r.stdout.indexOf('\n');
    const triple = nl > 0 ? r.stdout.slice(0, nl).trim() : '';
    if (!r.ok || !/^[A-Za-z0-9_.-]+$/.test(triple)) {
      cfgCache.delete(key);
      hostCache.delete(exe);
      return targetCfg(undefined, opts);
    }
    return frozen({ triple, atoms: parsePrintCfg(r.stdout.slice(nl + 1)), source: 'rustc' as const });
  });
  cfgCache.set(key, p);
  hostCache.set(
    exe,
    p.then((c) => c.triple),
  );
  p.catch(() => cfgCache.delete(key));
  return p;
}
