/**
 * Records a run of a read-only command (`units`, `files`, …) so that the next identical run can
 * print the same output without loading the index (replay.ts, started by bin/cargo-units before
 * the bundle loads).
 *
 * While the command runs, node:fs and node:child_process are wrapped: every file read, stat,
 * existence test, directory listing, realpath, access and readlink outside the cache directory and
 * the cargo-units build becomes a check (checks.ts), asked before the command's own call so that a
 * change racing with the run can only make the record fail later, never make it lie. `execFile`
 * runs (rustc's answers) are recorded with their output. Anything else that could bring in an input
 * or leave a trace (asynchronous fs calls, other ways of running programs, writes outside the
 * cache directory) taints the run: it is not recorded. Only runs that exit 0 are recorded.
 */
import cp, { type ExecFileException } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { isInside } from '../../core/paths.js';
import type { Io } from '../context.js';
import { ask, contentCheck, errorAnswer, sha1, type Check, type CheckKind, type FsFunctions } from './checks.js';
import { defaultCacheDir, writeAtomically } from '../../core/scan/cache.js';
import { recordFile, replayEnabled, runKey, runsDir, thisRun, type RunContext } from './key.js';
import { compilerChecks } from './compiler.js';
import { commandAnswer, RECORD_FORMAT, type PinnedCompiler, type RecordedCommand, type RunRecord } from './record-format.js';

/** Runs kept in the runs directory; the oldest beyond this are removed when a run is saved. */
const KEEP_RUNS = 32;

type Fn = (...args: unknown[]) => unknown;
const FS_READS = ['statSync', 'lstatSync', 'existsSync', 'readdirSync', 'realpathSync', 'accessSync', 'readlinkSync'] as const;
const FS_TAINTS = [
  'readFile',
  'stat',
  'lstat',
  'readdir',
  'access',
  'open',
  'realpath',
  'readlink',
  'exists',
  'opendir',
  'opendirSync',
  'createReadStream',
  'watch',
  'watchFile',
] as const;
const FS_WRITES = [
  'writeFileSync',
  'appendFileSync',
  'mkdirSync',
  'rmSync',
  'rmdirSync',
  'unlinkSync',
  'mkdtempSync',
  'utimesSync',
  'chmodSync',
  'truncateSync',
  'writeFile',
  'appendFile',
  'mkdir',
  'rm',
  'rmdir',
  'unlink',
  'mkdtemp',
  'utimes',
  'chmod',
  'truncate',
  'createWriteStream',
] as const;
/** Writes with two paths (source, destination): both must lie in the cache directory. */
const FS_WRITES2 = ['renameSync', 'copyFileSync', 'cpSync', 'symlinkSync', 'linkSync', 'rename', 'copyFile', 'cp', 'symlink', 'link'] as const;
const CP_TAINTS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFileSync', 'fork'] as const;

const KIND: Record<(typeof FS_READS)[number], CheckKind> = {
  statSync: 's',
  lstatSync: 'l',
  existsSync: 'e',
  readdirSync: 'd',
  realpathSync: 'p',
  accessSync: 'a',
  readlinkSync: 'k',
};

/** A path argument as an absolute path, or undefined for what is not a path (an fd, a URL object). */
function pathOf(p: unknown): string | undefined {
  if (typeof p === 'string') return resolve(p);
  if (Buffer.isBuffer(p)) return resolve(p.toString());
  return undefined;
}

/** readdirSync's options as a check's argument (what shapes the listing). */
function listingArg(opts: unknown): string {
  const o = (typeof opts === 'string' ? { encoding: opts } : (opts ?? {})) as { withFileTypes?: boolean; recursive?: boolean; encoding?: string };
  return JSON.stringify({ withFileTypes: !!o.withFileTypes, recursive: !!o.recursive, ...(o.encoding ? { encoding: o.encoding } : {}) });
}

const isReadOnlyFlag = (flags: unknown): boolean => flags === undefined || flags === 'r' || flags === 'rs' || flags === fs.constants.O_RDONLY;

export class RunRecorder {
  private readonly checks = new Map<string, Check>();
  private readonly commands: RecordedCommand[] = [];
  private readonly compilers = new Map<string, PinnedCompiler | undefined>();
  private readonly output: [0 | 1, string][] = [];
  private readonly fdPaths = new Map<number, string>();
  private readonly undo: (() => void)[] = [];
  private readonly real: FsFunctions;
  private depth = 0;
  /** Why the run cannot be recorded, once something made it so. */
  tainted: string | undefined;

  /**
   * `outside`: directories whose files are not inputs (the cache directory, where the run
   * writes, and the cargo-units build itself, which the key stands for).
   */
  constructor(
    private readonly ctx: RunContext,
    private readonly key: string,
    private readonly outside: string[],
  ) {
    this.real = {
      readFileSync: fs.readFileSync,
      statSync: fs.statSync,
      lstatSync: fs.lstatSync,
      existsSync: fs.existsSync,
      readdirSync: fs.readdirSync,
      realpathSync: fs.realpathSync,
      accessSync: fs.accessSync,
      readlinkSync: fs.readlinkSync,
    };
  }

  /** A recorder for a run in `ctx`, or undefined when the run cannot be keyed. */
  static for(ctx: RunContext, cacheDir: string): RunRecorder | undefined {
    const key = runKey(ctx);
    return key === undefined ? undefined : new RunRecorder(ctx, key, [cacheDir, dirname(ctx.bundle)]);
  }

  /** `io` with every line it prints kept for the record. */
  capture(io: Io): Io {
    return {
      ...io,
      out: (l) => {
        this.output.push([0, l]);
        io.out(l);
      },
      err: (l) => {
        this.output.push([1, l]);
        io.err(l);
      },
    };
  }

  private isOutside(abs: string): boolean {
    return this.outside.some((d) => isInside(d, abs));
  }

  private taint(why: string): void {
    this.tainted ??= why;
  }

  private note(check: Check): void {
    const id = `${check[0]}\0${check[1]}\0${check[2]}`;
    const known = this.checks.get(id);
    if (known === undefined) this.checks.set(id, check);
    // The same question answered differently within one run: something changed meanwhile.
    else if (known[3] !== check[3]) this.taint(`${check[1]} changed during the run`);
  }

  /** Records the content of `abs` as the run read it (`read` reads it; `st`, its state just before). */
  private noteRead(abs: string, read: () => Buffer | string, stateBefore: () => fs.BigIntStats | undefined): Buffer | string {
    const before = Date.now();
    let st: fs.BigIntStats | undefined;
    try {
      st = stateBefore();
    } catch {
      st = undefined;
    }
    let data: Buffer | string;
    try {
      data = read();
    } catch (err) {
      this.note(['r', abs, '', errorAnswer(err)]);
      throw err;
    }
    this.note(contentCheck(abs, sha1(data), st, before));
    return data;
  }

  private patch<T extends object>(target: T, name: string, wrap: (orig: Fn) => Fn): void {
    const t = target as Record<string, unknown>;
    const orig = t[name];
    if (typeof orig !== 'function') return;
    const inner = wrap(orig as Fn);
    // node:fs calls its own exports (readFileSync calls openSync, readSync, closeSync): only the
    // outermost call is the command's.
    const wrapped = (...args: unknown[]) => {
      if (this.depth > 0) return (orig as Fn)(...args);
      this.depth++;
      try {
        return inner(...args);
      } finally {
        this.depth--;
      }
    };
    for (const k of Object.keys(orig)) (wrapped as unknown as Record<string, unknown>)[k] = (orig as unknown as Record<string, unknown>)[k];
    t[name] = wrapped;
    this.undo.push(() => {
      t[name] = orig;
    });
  }

  /** Wraps node:fs and node:child_process until stop(). */
  start(): void {
    const real = this.real;
    this.patch(fs, 'readFileSync', (orig) => (p: unknown, opts?: unknown) => {
      const o = (typeof opts === 'string' ? { encoding: opts } : (opts ?? {})) as { encoding?: BufferEncoding | null; flag?: string };
      if (o.flag !== undefined && !isReadOnlyFlag(o.flag)) this.taint(`readFileSync with flag ${o.flag}`);
      if (typeof p === 'number') {
        const abs = this.fdPaths.get(p);
        if (abs === undefined) return orig(p, opts);
        const data = this.noteRead(
          abs,
          () => orig(p) as Buffer,
          () => fs.fstatSync(p, { bigint: true }),
        );
        return o.encoding ? (data as Buffer).toString(o.encoding) : data;
      }
      const abs = pathOf(p);
      if (abs === undefined) this.taint('readFileSync of a URL');
      if (abs === undefined || this.isOutside(abs)) return orig(p, opts);
      const data = this.noteRead(
        abs,
        () => orig(p) as Buffer,
        () => real.statSync(abs, { bigint: true, throwIfNoEntry: false }),
      );
      return o.encoding ? (data as Buffer).toString(o.encoding) : data;
    });
    this.patch(fs, 'openSync', (orig) => (p: unknown, flags?: unknown, mode?: unknown) => {
      const abs = pathOf(p);
      if (abs === undefined) this.taint('openSync of a URL');
      else if (!isReadOnlyFlag(flags)) {
        if (!this.isOutside(abs)) this.taint(`${abs} opened for writing`);
      } else if (!this.isOutside(abs)) {
        let fd: number;
        try {
          fd = orig(p, flags, mode) as number;
        } catch (err) {
          this.note(['r', abs, '', errorAnswer(err)]);
          throw err;
        }
        this.fdPaths.set(fd, abs);
        return fd;
      }
      return orig(p, flags, mode);
    });
    this.patch(fs, 'closeSync', (orig) => (fd: unknown) => {
      this.fdPaths.delete(fd as number);
      return orig(fd);
    });
    this.patch(fs, 'readSync', (orig) => (fd: unknown, ...rest: unknown[]) => {
      const abs = this.fdPaths.get(fd as number);
      // Part of a file: the whole of it is the input, noted once.
      if (abs !== undefined) {
        this.fdPaths.delete(fd as number);
        this.noteRead(
          abs,
          () => real.readFileSync(abs),
          () => real.statSync(abs, { bigint: true, throwIfNoEntry: false }),
        );
      }
      return orig(fd, ...rest);
    });
    for (const name of FS_READS) {
      const kind = KIND[name];
      this.patch(fs, name, (orig) => (p: unknown, opt?: unknown, ...rest: unknown[]) => {
        const abs = pathOf(p);
        if (abs === undefined) this.taint(`${name} of a URL`);
        else if (!this.isOutside(abs)) {
          const arg = kind === 'd' ? listingArg(opt) : kind === 'a' ? String(opt ?? fs.constants.F_OK) : kind === 'p' ? 'j' : '';
          this.note([kind, abs, arg, ask(real, kind, abs, arg)]);
        }
        return orig(p, opt, ...rest);
      });
    }
    // realpathSync.native: a property of realpathSync, wrapped on the new function.
    const rp = fs.realpathSync as unknown as Record<string, unknown>;
    this.patch(rp, 'native', (orig) => (p: unknown, ...rest: unknown[]) => {
      const abs = pathOf(p);
      if (abs === undefined) this.taint('realpathSync.native of a URL');
      else if (!this.isOutside(abs)) this.note(['p', abs, 'n', ask(real, 'p', abs, 'n')]);
      return orig(p, ...rest);
    });
    const guard = (names: readonly string[], paths: (args: unknown[]) => unknown[], what: string) => {
      for (const name of names) {
        this.patch(fs, name, (orig) => (...args: unknown[]) => {
          for (const p of paths(args)) {
            const abs = pathOf(p);
            if (abs === undefined || !this.isOutside(abs)) this.taint(`${name}${abs ? ` ${abs}` : ''} (${what})`);
          }
          return orig(...args);
        });
      }
    };
    guard(FS_TAINTS, (a) => [a[0]], 'not recorded');
    guard(FS_WRITES, (a) => [a[0]], 'a write outside the cache');
    guard(FS_WRITES2, (a) => [a[0], a[1]], 'a write outside the cache');
    for (const name of CP_TAINTS) {
      this.patch(cp, name, (orig) => (...args: unknown[]) => {
        this.taint(`${name} ${String(args[0])}`);
        return orig(...args);
      });
    }
    this.patch(cp, 'execFile', (orig) => (...args: unknown[]) => {
      const file = String(args[0]);
      const argv = Array.isArray(args[1]) ? (args[1] as unknown[]).map(String) : [];
      const at = args.findIndex((a) => typeof a === 'function');
      const options = args.find((a, i) => i > 0 && a !== null && typeof a === 'object' && !Array.isArray(a)) as { cwd?: string; env?: unknown } | undefined;
      if (at < 0 || options?.env !== undefined) {
        this.taint(`execFile ${file} (no callback, or its own environment)`);
        return orig(...args);
      }
      const callback = args[at] as Fn;
      const command = { file, args: argv, cwd: resolve(options?.cwd ?? '.') };
      // The files its answers come from, as they are before it runs.
      const id = `${command.file}\0${command.cwd}`;
      if (!this.compilers.has(id)) {
        const checks = compilerChecks(real, command.file, command.cwd, this.ctx.env);
        this.compilers.set(id, checks && { file: command.file, cwd: command.cwd, checks });
      }
      args[at] = (err: ExecFileException | null, stdout: unknown, stderr: unknown) => {
        if (err?.killed) this.taint(`${file} was killed`);
        else this.commands.push({ ...command, answer: commandAnswer(err, stdout, stderr) });
        return callback(err, stdout, stderr);
      };
      return orig(...args);
    });
    syncBuiltinESMExports();
  }

  /** Puts node:fs and node:child_process back as they were. */
  stop(): void {
    for (const u of this.undo.reverse()) u();
    this.undo.length = 0;
    syncBuiltinESMExports();
  }

  /** Writes the record if the run may be replayed; never throws (a record only saves time). */
  save(code: number): void {
    if (code !== 0 || this.tainted !== undefined) return;
    const record: RunRecord = {
      format: RECORD_FORMAT,
      key: this.key,
      checks: [...this.checks.values()],
      commands: this.commands,
      compilers: [...this.compilers.values()].filter((c) => c !== undefined),
      output: this.output,
      code,
    };
    try {
      const dir = runsDir(this.ctx.env);
      fs.mkdirSync(dir, { recursive: true });
      writeAtomically(recordFile(this.ctx.env, this.key), JSON.stringify(record));
      prune(dir);
    } catch {
      // an unwritable cache: the next run is simply not replayed
    }
  }
}

/** Removes the oldest records beyond KEEP_RUNS. */
function prune(dir: string): void {
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP_RUNS) return;
  const aged = names.map((n) => ({ n, t: fs.statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { n } of aged.slice(KEEP_RUNS)) fs.rmSync(join(dir, n), { force: true });
}

/** Commands whose output depends only on what the checks and commands capture. */
const REPLAYABLE = new Set(['units', 'files', 'owners', 'affected', 'orphans']);

/**
 * A recorder for this run of `command`, when it may be replayed: a read-only command, the cache
 * in use, and running from the bundle (whose identity the key holds).
 */
export function recorderFor(command: string, noCache: boolean, argv: string[], cwd: string): RunRecorder | undefined {
  if (!REPLAYABLE.has(command) || noCache || !replayEnabled(process.env)) return undefined;
  if (process.env.CARGO_UNITS_BUNDLED !== '1' || typeof __filename !== 'string') return undefined;
  return RunRecorder.for(thisRun(__filename, argv, cwd), defaultCacheDir(process.env));
}
