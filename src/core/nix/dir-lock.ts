/**
 * One writer at a time in a generated Nix directory: `cargo-units nix`, `cargo-units build` and the
 * editor's builds may run at once on one workspace, and a generation swaps the whole directory
 * (gen-dir.ts), so a file another process wrote meanwhile into the old directory would be lost
 * with it. Every write into the directory by cargo-units happens inside withNixDirLock.
 *
 * The lock is the file `<dir>.lock` beside the directory (not inside: the directory itself is
 * renamed during a swap), created exclusively and holding the owner's pid. A lock whose owner is
 * no longer running (killed mid-write) is taken over. Locked sections are short and synchronous;
 * a waiting process polls.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../diagnostics.js';

/** How long a writer waits for another before giving up with an error. */
export const LOCK_WAIT_MS = 60_000;
/** A lock file with no pid in it yet for this long was left by a writer killed while creating it. */
const UNREADABLE_STALE_MS = 5_000;
const POLL_MS = 10;

/** Locks this process holds, with their nesting depth (sections are synchronous: only nesting re-enters). */
const held = new Map<string, number>();

export function lockFileOf(nixDir: string): string {
  return `${nixDir.replace(/[/\\]+$/, '')}.lock`;
}

/** Runs `fn` holding the lock of `nixDir`; throws an error naming the lock file when it cannot be had in `waitMs`. */
export function withNixDirLock<T>(nixDir: string, fn: () => T, waitMs = LOCK_WAIT_MS): T {
  const lock = lockFileOf(nixDir);
  const depth = held.get(lock) ?? 0;
  if (depth === 0) acquire(nixDir, lock, waitMs);
  held.set(lock, depth + 1);
  try {
    return fn();
  } finally {
    if (depth === 0) {
      held.delete(lock);
      release(lock);
    } else held.set(lock, depth);
  }
}

function acquire(nixDir: string, lock: string, waitMs: number): void {
  const start = Date.now();
  let unreadableSince: number | undefined;
  for (;;) {
    if (tryCreate(lock, nixDir)) return;
    const owner = ownerOf(lock);
    if (owner === 'gone') continue;
    if (owner === undefined) {
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > UNREADABLE_STALE_MS) takeOver(lock, undefined);
    } else if (owner === process.pid || !alive(owner)) {
      // Our own pid while this process does not hold the lock: left by an earlier process that had it.
      takeOver(lock, owner);
      continue;
    }
    if (Date.now() - start > waitMs) {
      const who = owner === undefined ? 'another cargo-units' : `cargo-units process ${owner}`;
      throw new Error(`${lock}: ${who} has been writing this Nix directory for over ${Math.round(waitMs / 1000)} s; if none is running, delete ${lock}`);
    }
    sleep(POLL_MS);
  }
}

function tryCreate(lock: string, nixDir: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    try {
      if (code !== 'ENOENT') throw e;
      // A directory to be made (`cargo-units nix --out new/dir`): its parent first.
      mkdirSync(dirname(lock), { recursive: true });
      fd = openSync(lock, 'wx');
    } catch (err) {
      // The first write of every writer: where the directory cannot be written (a file on the
      // way, no permission, a read-only file system), the user is told which.
      throw new InputError(nixDir, 0, undefined, `cannot write this Nix directory: ${(err as Error).message}`);
    }
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The pid in the lock file; undefined while it holds none yet; 'gone' when there is no lock file. */
function ownerOf(lock: string): number | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && text.endsWith('\n') ? pid : undefined;
}

/**
 * Removes a stale lock. It is first renamed to a name of this process's own, so that of two
 * processes finding the same stale lock only one removes it; should the renamed file turn out to
 * be a live owner's (it took over in between), it is put back.
 */
function takeOver(lock: string, stale: number | undefined): void {
  const mine = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, mine);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const owner = ownerOf(mine);
  if (owner !== 'gone' && owner !== stale && owner !== undefined && alive(owner)) {
    try {
      linkSync(mine, lock);
    } catch {
      // a third process holds a new lock meanwhile: the live owner's file cannot go back
    }
  }
  rmSync(mine, { force: true });
}

function release(lock: string): void {
  // Only our own lock: one taken over (we were presumed dead) is not ours to remove.
  if (ownerOf(lock) === process.pid) rmSync(lock, { force: true });
}

/** Whether process `pid` is running (on this machine). */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
