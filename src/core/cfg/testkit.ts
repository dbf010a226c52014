/**
 * Test helpers: a seeded PRNG (also for the fuzz targets and the bench), and asking the real rustc what it makes of cfg
 * predicates. Temporary files go under `os.tmpdir()` and are removed afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRustc } from '../toolchain.js';

export const RUSTC: string | undefined = findRustc();

/** Why a test that needs rustc is skipped, or false when rustc is there. */
export const NO_RUSTC: string | false = RUSTC ? false : 'rustc not found';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRustc(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  if (!RUSTC) throw new Error('rustc not found');
  return new Promise((resolve) => {
    execFile(RUSTC, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function withTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cargo-units-cfg-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether rustc accepts `#[cfg(PRED)]` (compiling a library to dep-info only). */
export function rustcAcceptsCfg(pred: string, edition: string): Promise<{ ok: boolean; stderr: string }> {
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'lib.rs'), `#[cfg(${pred})]\nfn f() {}\n`);
    const r = await runRustc(['--edition', edition, '--crate-type', 'lib', '--emit=dep-info=out.d', '--cap-lints', 'allow', 'lib.rs'], { cwd: dir });
    return { ok: r.code === 0, stderr: r.stderr };
  });
}

export interface ReadsOptions {
  /** Extra rustc arguments (`--test`, `--cfg x`, `--target T`, `-C debug-assertions=off`). */
  args: string[];
  /** `lib` (default) or `proc-macro`; ignored with `--test`. */
  crateType?: string;
  /**
   * A `#![no_core]` crate, compiled with `RUSTC_BOOTSTRAP=1`: needs no standard library, so
   * targets whose std is not installed can be checked too.
   */
  noCore?: boolean;
}

/**
 * For each predicate, whether rustc reads the module file behind `#[cfg(PRED)] #[path = "pN.rs"] mod pN;`,
 * i.e. whether rustc evaluates PRED as true. Throws when rustc fails.
 */
export function rustcReads(preds: string[], opts: ReadsOptions): Promise<boolean[]> {
  return withTempDir(async (dir) => {
    let src = opts.noCore ? '#![feature(no_core)]\n#![no_core]\n' : '';
    for (const [i, p] of preds.entries()) {
      src += `#[cfg(${p})]\n#[path = "p${i}.rs"]\nmod p${i};\n`;
      await writeFile(join(dir, `p${i}.rs`), '');
    }
    await writeFile(join(dir, 'lib.rs'), src);
    const args = ['--edition', '2021', '--emit=dep-info=out.d', '--cap-lints', 'allow', ...opts.args];
    if (!opts.args.includes('--test')) args.push('--crate-type', opts.crateType ?? 'lib');
    args.push('lib.rs');
    const env = opts.noCore ? { ...process.env, RUSTC_BOOTSTRAP: '1' } : process.env;
    const r = await runRustc(args, { cwd: dir, env });
    if (r.code !== 0) throw new Error(`rustc ${args.join(' ')} failed:\n${r.stderr}`);
    const depInfo = await readFile(join(dir, 'out.d'), 'utf8');
    const read = new Set([...depInfo.matchAll(/\bp(\d+)\.rs\b/g)].map((m) => Number(m[1])));
    return preds.map((_, i) => read.has(i));
  });
}

/** A small deterministic PRNG (mulberry32), so that "random" tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}
