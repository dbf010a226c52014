/**
 * Skips the Nix evaluation when nothing it depends on changed: the generated directory's files,
 * the arguments, and the size, mode and modification/change times of every file in every unit's
 * and build-script run's source. The drvPaths are then taken from the last evaluation; whether
 * their outputs exist is still asked of the store (a missing .drv falls back to evaluating).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NixUnitsJson } from './units-json.js';
import { writeFileAtomic } from './atomic.js';
import { withNixDirLock } from './dir-lock.js';
import { isInsideRelative } from '../paths.js';

export const EVAL_CACHE_FILE = '.eval-cache.json';

/** Every path below `rel` (a file or directory relative to root), skipping `exclude`. */
function walk(root: string, rel: string, exclude: string[], out: string[]): void {
  if (exclude.some((x) => isInsideRelative(x, rel) && rel !== '')) return;
  let st;
  try {
    st = statSync(rel === '' ? root : join(root, rel));
  } catch {
    out.push(`${rel}\0missing`);
    return;
  }
  out.push(`${rel}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}`);
  if (!st.isDirectory()) return;
  for (const name of readdirSync(rel === '' ? root : join(root, rel)).sort()) walk(root, rel === '' ? name : `${rel}/${name}`, exclude, out);
}

/** The cache key, or undefined when the sources are not per-unit (then there is no cache). */
export function evalKey(nixDir: string, root: string, json: NixUnitsJson, args: string[]): string | undefined {
  const h = createHash('sha256');
  for (const a of args) h.update(a).update('\0');
  for (const f of ['default.nix', 'units.json', 'rerun-if-changed.json', 'overrides.nix']) {
    const p = join(nixDir, f);
    h.update(f).update('\0').update(existsSync(p) ? readFileSync(p) : 'none').update('\0');
  }
  const lib = join(nixDir, 'lib');
  for (const f of readdirSync(lib).sort()) h.update(f).update('\0').update(readFileSync(join(lib, f))).update('\0');
  const entries: string[] = [];
  const files = new Set<string>();
  for (const u of Object.values(json.units)) {
    for (const f of u.files) files.add(f);
    // A registry unit's source is its crate (vendored or fetched), which the lock's checksum pins.
    if (u.run && u.crate === null) {
      if (u.run.files) for (const f of u.run.files) walk(root, f, [], entries);
      else walk(root, u.run.dir, u.run.exclude, entries);
    }
  }
  for (const f of [...files].sort()) walk(root, f, [], entries);
  for (const e of entries) h.update(e).update('\n');
  return h.digest('hex');
}

export function readEvalCache<T>(nixDir: string, key: string): T | undefined {
  try {
    const v = JSON.parse(readFileSync(join(nixDir, EVAL_CACHE_FILE), 'utf8')) as { key: string; value: T };
    return v.key === key ? v.value : undefined;
  } catch {
    return undefined;
  }
}

export function writeEvalCache<T>(nixDir: string, key: string, value: T): void {
  withNixDirLock(nixDir, () => writeFileAtomic(join(nixDir, EVAL_CACHE_FILE), JSON.stringify({ key, value })));
}
