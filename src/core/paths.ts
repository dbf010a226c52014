/** Path helpers. Every path inside the core is absolute and uses the platform separator. */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A `.` or `..` segment, which only a path that is not normalised has. */
const DOT_SEGMENT = sep === '/' ? /(^|\/)\.\.?(\/|$)/ : /(^|[\\/])\.\.?([\\/]|$)/;

/** True when `abs` is `root` itself or lies inside it (lexically, after normalisation). */
export function isInside(root: string, abs: string): boolean {
  // Fast path for the common case: `abs` spelled as `root` + separator + a normalised rest.
  if (abs.length > root.length && abs.startsWith(root) && abs[root.length] === sep && !root.endsWith(sep) && !DOT_SEGMENT.test(abs)) {
    return true;
  }
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** True when the `/`-separated relative path `rel` is `dir` itself or lies inside it (`dir` '' is the root). */
export function isInsideRelative(dir: string, rel: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * How to show `abs` to a user whose current directory is `cwd`: relative when it lies below
 * `cwd`, else absolute. Never `.` or `..`, which would not say which file or directory is meant.
 */
export function displayPath(cwd: string, abs: string): string {
  return abs !== cwd && isInside(cwd, abs) ? toRelative(cwd, abs) : abs;
}

/** `abs` relative to `root`, with `/` separators (`.` for the root itself). */
export function toRelative(root: string, abs: string): string {
  // A normalised path below a normalised root (every path of the index): its tail. (A JSON answer
  // turns thousands of paths relative; path.relative resolves and splits both each time.)
  if (
    sep === '/' &&
    abs.length > root.length + 1 &&
    abs.charCodeAt(root.length) === 47 &&
    abs.startsWith(root) &&
    isNormalAbsolute(root) &&
    isNormalAbsolute(abs)
  ) {
    return abs.slice(root.length + 1);
  }
  const rel = relative(root, abs);
  if (rel === '') return '.';
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Resolves `p` (absolute, or relative to `base`) and normalises `.` and `..`. */
export function resolveFrom(base: string, p: string): string {
  return resolve(base, p);
}

/**
 * `join(dir, ...names)` for a normalised absolute `dir` and plain names (no separator, not `.` or
 * `..`), without normalising again; anything else goes through `join`.
 */
export function childPath(dir: string, name: string, name2?: string): string {
  if (!plainName(name) || (name2 !== undefined && !plainName(name2))) return name2 === undefined ? join(dir, name) : join(dir, name, name2);
  const base = dir.endsWith(sep) ? dir : dir + sep;
  return name2 === undefined ? base + name : base + name + sep + name2;
}

function plainName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes(sep);
}

/** A POSIX absolute path that path.normalize leaves as it is, other than `/`: no empty, `.` or `..` segment, no trailing `/`. */
function isNormalAbsolute(p: string): boolean {
  return (
    p.length > 1 &&
    p.charCodeAt(0) === 47 &&
    !p.endsWith('/') &&
    !p.includes('//') &&
    !p.includes('/./') &&
    !p.includes('/../') &&
    !p.endsWith('/.') &&
    !p.endsWith('/..')
  );
}
