/**
 * Replaces the generated files of the Nix directory (default.nix, units.json, lib/, .gitignore)
 * as a whole, so a reader (nix-build, or the next cargo-units run) sees the old complete set or the
 * new one, never a mix, even when the writer is killed midway:
 *
 * - When one generated file changes (the usual case: units.json), its atomic rename is enough.
 * - When several change, the new set is written into `<out>/.next-<pid>/`; everything else in the
 *   directory (caches, GC roots, learned data, the user's overrides.nix) is recreated in it with
 *   hard links (the old directory stays untouched); then `<out>` is renamed to
 *   the sibling `<out>.old-<pid>` and the staged directory renamed to `<out>`. Between those two
 *   renames (two system calls) `<out>` is absent; a process killed there leaves the old directory
 *   as `<out>.old-<pid>`, which the next run renames back before anything else.
 *
 * Killed before the swap, a run leaves the old directory as it was plus a `.next-<pid>/` that the
 * next run deletes (and that .gitignore lists meanwhile).
 *
 * Runs of other processes wait meanwhile (dir-lock.ts), as do their writes into the directory.
 */
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { alive, withNixDirLock } from './dir-lock.js';

/** The top-level names this module owns; everything else in the directory is carried over. */
const GENERATED_TOP = new Set(['default.nix', 'units.json', 'lib', '.gitignore']);
const STAGE_PREFIX = '.next-';

/**
 * Test-only switch: `CARGO_UNITS_TEST_KILL_AT=N` makes the process SIGKILL itself at the N-th step
 * of a staged generation (each file written, each entry carried over, each rename of the swap), so
 * tests can interrupt a real generation at every point. Never set it otherwise.
 */
let steps = 0;
function step(): void {
  const at = Number(process.env.CARGO_UNITS_TEST_KILL_AT);
  if (Number.isInteger(at) && at > 0 && ++steps === at) process.kill(process.pid, 'SIGKILL');
}

function oldName(out: string, pid: number | string): string {
  return join(dirname(out), `${basename(out)}.old-${pid}`);
}

/**
 * Undoes what an interrupted run left: a missing `out` with a `<out>.old-<pid>` sibling is
 * renamed back; stray old siblings and staging directories of dead runs are removed.
 */
export function recoverGenDir(out: string): void {
  if (!existsSync(dirname(out))) return; // nothing generated yet (and no lock to make)
  withNixDirLock(out, () => recover(out));
}

function recover(out: string): void {
  const parent = dirname(out);
  const prefix = `${basename(out)}.old-`;
  const olds = list(parent).filter((n) => n.startsWith(prefix));
  for (const n of olds) {
    const pid = Number(n.slice(prefix.length));
    if (pid !== process.pid && alive(pid)) continue; // another run is mid-swap
    const p = join(parent, n);
    if (!existsSync(out)) renameSync(p, out);
    else rmSync(p, { recursive: true, force: true });
  }
  const names = list(out);
  for (const n of names) {
    if (!n.startsWith(STAGE_PREFIX)) continue;
    const pid = Number(n.slice(STAGE_PREFIX.length));
    if (pid !== process.pid && alive(pid)) continue;
    const stage = join(out, n);
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Recreates `src` at `dst` with hard links to its files and symlinks: no data is copied, and `src` is untouched. */
function linkTree(src: string, dst: string): void {
  if (!lstatSync(src).isDirectory()) return linkSync(src, dst);
  mkdirSync(dst);
  for (const n of readdirSync(src)) linkTree(join(src, n), join(dst, n));
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Makes the generated files of `out` exactly `files` (paths relative to `out`, under the names in
 * GENERATED_TOP; lib/ files not listed are removed). Returns true when anything changed.
 */
export function replaceGenerated(out: string, files: Map<string, string>): boolean {
  return withNixDirLock(out, () => replace(out, files));
}

function replace(out: string, files: Map<string, string>): boolean {
  recover(out);
  mkdirSync(out, { recursive: true });
  const changed = [...files].filter(([rel, text]) => read(join(out, rel)) !== text).map(([rel]) => rel);
  const staleLib = list(join(out, 'lib')).filter((f) => !files.has(`lib/${f}`));
  if (changed.length === 0 && staleLib.length === 0) return false;
  if (changed.length === 1 && staleLib.length === 0 && changed[0] !== undefined) {
    mkdirSync(dirname(join(out, changed[0])), { recursive: true });
    writeFileAtomic(join(out, changed[0]), files.get(changed[0])!);
    return true;
  }
  const stage = join(out, `${STAGE_PREFIX}${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'lib'), { recursive: true });
  for (const [rel, text] of files) {
    writeFileSync(join(stage, rel), text);
    step();
  }
  for (const n of readdirSync(out)) {
    if (GENERATED_TOP.has(n) || n.startsWith(STAGE_PREFIX)) continue;
    linkTree(join(out, n), join(stage, n));
    step();
  }
  const old = oldName(out, process.pid);
  renameSync(out, old);
  step();
  try {
    renameSync(join(old, basename(stage)), out);
  } catch (e) {
    renameSync(old, out); // a failed swap puts the old directory back
    throw e;
  }
  step();
  rmSync(old, { recursive: true, force: true });
  return true;
}
