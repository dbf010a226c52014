/**
 * What a run learnt from outside, as checks: the question (a kind, a path, an argument) and the
 * answer the run got. A recorded run may be replayed only when every check gets the same answer
 * again. One definition of each question serves both the recorder (record.ts) and the replay
 * (replay.ts), so that the two always ask alike.
 */
import * as fs from 'node:fs';
import type { BigIntStats } from 'node:fs';
import type { FileStat } from '../../core/scan/cache.js';
import { fileStat, stillInState } from '../../core/file-state.js';
import { lazyCrypto } from './builtins.js';

/**
 * - `r` the content of a file (answer: its SHA-1, or `!CODE`), with the file's state when it was
 *   trustworthy (file-state.ts): an unchanged state then stands for the content;
 * - `s` / `l` stat / lstat (kind, size, times, inode);
 * - `e` whether a path exists;
 * - `d` a directory listing (argument: the options): the names (and kinds) in order, or their SHA-1
 *   when long;
 * - `p` realpath (argument: `n` native, `j` JavaScript);
 * - `a` access (argument: the mode);
 * - `k` readlink.
 */
export type CheckKind = 'r' | 's' | 'l' | 'e' | 'd' | 'p' | 'a' | 'k';
export type Check = [kind: CheckKind, path: string, arg: string, answer: string, state?: FileStat];

/** The functions of node:fs the checks use (the originals while the recorder has patched node:fs). */
export type FsFunctions = Pick<
  typeof fs,
  'readFileSync' | 'statSync' | 'lstatSync' | 'existsSync' | 'readdirSync' | 'realpathSync' | 'accessSync' | 'readlinkSync'
>;

export const sha1 = (data: string | Uint8Array): string => lazyCrypto().createHash('sha1').update(data).digest('hex');

/**
 * A short name for a long string (a run's key), without node:crypto: FNV-1a over the UTF-16 code
 * units in two 32-bit lanes, as 16 hex digits. Not collision-proof: what it names must hold the
 * string itself, to compare.
 */
export function shortName(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export const errorAnswer = (err: unknown): string => `!${(err as NodeJS.ErrnoException)?.code ?? 'ERROR'}`;

/** The kind of a stat or a directory entry, as one letter. */
const kindOf = (e: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): string =>
  e.isFile() ? 'f' : e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'o';

/** A stat as an answer: kind, size, modification and change times, inode. */
export function statAnswer(st: BigIntStats | undefined): string {
  if (st === undefined) return '!ENOENT';
  return `${kindOf(st)}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/** A directory listing as an answer; `withFileTypes` listings keep each entry's kind. */
/** Listings up to this many characters are answered by their names, longer ones by a hash. */
const LISTING_KEPT = 65_536;

function listingAnswer(entries: (string | Buffer | fs.Dirent)[]): string {
  const names = entries.map((e) => (typeof e === 'string' || Buffer.isBuffer(e) ? String(e) : `${e.name}/${kindOf(e)}`)).join('\0');
  // Short listings as they are (no hashing, the common case); long ones by their SHA-1.
  return names.length <= LISTING_KEPT ? `=${names}` : sha1(names);
}

/** Asks the question of `kind` about `path` again (for a read: the content's hash). */
export function ask(f: FsFunctions, kind: CheckKind, path: string, arg: string): string {
  try {
    switch (kind) {
      case 'r':
        return sha1(f.readFileSync(path));
      case 's':
        return statAnswer(f.statSync(path, { bigint: true, throwIfNoEntry: false }));
      case 'l':
        return statAnswer(f.lstatSync(path, { bigint: true, throwIfNoEntry: false }));
      case 'e':
        return f.existsSync(path) ? '1' : '0';
      case 'd':
        return listingAnswer(f.readdirSync(path, JSON.parse(arg) as { withFileTypes?: false }));
      case 'p':
        return arg === 'n' ? f.realpathSync.native(path) : f.realpathSync(path);
      case 'a':
        f.accessSync(path, Number(arg));
        return '';
      case 'k':
        return f.readlinkSync(path);
    }
  } catch (err) {
    return errorAnswer(err);
  }
}

/** Whether `check` still gets its recorded answer (a read whose trusted state is unchanged is not read). */
/**
 * The check for a file's content read at `readAt` (ms) with `answer` (its SHA-1, or `!CODE`), with
 * the state `st` it had just before the read when that state can be trusted (file-state.ts).
 */
export function contentCheck(path: string, answer: string, st: BigIntStats | undefined, readAt: number): Check {
  const state = st && !answer.startsWith('!') ? fileStat(st, answer, readAt) : undefined;
  return state ? ['r', path, '', answer, state] : ['r', path, '', answer];
}

export function holds(f: FsFunctions, check: Check): boolean {
  const [kind, path, arg, answer, state] = check;
  if (kind === 'r' && state && stillInState(path, state, f.statSync)) return true;
  return ask(f, kind, path, arg) === answer;
}
