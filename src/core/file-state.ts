/**
 * A file's state (size, modification and change times, inode) as a stand-in for its content:
 * recorded with the content's hash when the file was read, and trusted later while `stat` reports
 * the same state. Used by the facts cache (scan/sources.ts, scan/proc-macro-deps.ts) and by the
 * CLI's replay of unchanged runs (cli/replay).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync, type BigIntStats } from 'node:fs';
import type { FileStat } from './scan/cache.js';

/**
 * How long before its read a file must have last changed for its state to be recorded: any later
 * edit then gets a later modification or change time, also on file systems whose timestamps have
 * a granularity of one second (git's "racy clean" problem).
 */
export const STAT_TRUST_MS = 2000;

/** The state to record for a file read at `readAt` (ms), or undefined when it changed too recently to be trusted. */
export function fileStat(st: BigIntStats, hash: string, readAt: number): FileStat | undefined {
  const changed = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
  if (changed >= BigInt(readAt - STAT_TRUST_MS) * 1_000_000n) return undefined;
  return { size: String(st.size), mtime: String(st.mtimeNs), ctime: String(st.ctimeNs), ino: String(st.ino), hash };
}

/** Whether `stat` reports the recorded state (the hash aside). */
function sameStat(st: BigIntStats, r: FileStat): boolean {
  return st.isFile() && String(st.size) === r.size && String(st.mtimeNs) === r.mtime && String(st.ctimeNs) === r.ctime && String(st.ino) === r.ino;
}

/** Whether `path` is still in the recorded state (false when it is gone or cannot be stat'ed). */
export function stillInState(path: string, r: FileStat, stat: typeof statSync = statSync): boolean {
  try {
    const st = stat(path, { bigint: true, throwIfNoEntry: false });
    return st !== undefined && sameStat(st, r);
  } catch {
    return false;
  }
}

/**
 * Reads `path` with the SHA-1 of its bytes and the state to record for it (undefined when it
 * changed too recently to be trusted): the state is taken before the read, so that a change
 * during or after the read gives a later one. Throws as readFileSync does.
 */
export function readWithState(path: string): { bytes: Buffer; hash: string; state: FileStat | undefined } {
  const before = Date.now();
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd, { bigint: true });
    const bytes = readFileSync(fd);
    const hash = createHash('sha1').update(bytes).digest('hex');
    return { bytes, hash, state: fileStat(st, hash, before) };
  } finally {
    closeSync(fd);
  }
}
