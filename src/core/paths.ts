/** Path helpers. Every path inside the core is absolute and uses the platform separator. */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** True when `abs` is `root` itself or lies inside it (lexically, after normalisation). */
export function isInside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `abs` relative to `root`, with `/` separators (`.` for the root itself). */
export function toRelative(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (rel === '') return '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Resolves `p` (absolute, or relative to `base`) and normalises `.` and `..`. */
export function resolveFrom(base: string, p: string): string {
  return resolve(base, p);
}
