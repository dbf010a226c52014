/**
 * Garbage-collector roots for built units, so that `nix-collect-garbage` / `nix-store --gc` keeps
 * what the next build needs:
 *
 * - `<nixDir>/gcroots/`: one indirect root per unit in the closure of the requested units (their
 *   dependencies and build-script runs too: that is the incremental state), pointing at the
 *   unit's latest output. `gcroots/index.json` says which link is which unit's. Links are
 *   registered with Nix once, all new ones in one `nix-store --realise --add-root gcroots/rN`
 *   (which names them rN, rN-2, rN-3…, and records each under the store's gcroots/auto); later
 *   builds only point a link at the unit's new output (an atomic rename), which Nix follows.
 * - `--out-link PATH` as nix-build has it: PATH for the first requested unit (in unit-id order),
 *   PATH-2, PATH-3… for the others, each an indirect root too.
 */
import { execa } from 'execa';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { NixUnitsJson } from './units-json.js';
import { runId } from './events.js';
import { writeFileAtomic } from './atomic.js';
import { withNixDirLock } from './dir-lock.js';
import { NixError, nixCommandError } from './runner.js';

export const GC_ROOTS_DIR = 'gcroots';
const INDEX = 'index.json';

/** The requested units and everything building them again needs: dependencies, build scripts and their runs. */
export function unitClosure(json: NixUnitsJson, ids: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const u = json.units[id];
    if (!u) continue;
    for (const d of u.deps) queue.push(d.id);
    if (u.buildScript) queue.push(u.buildScript, runId(u.buildScript));
    for (const d of u.run?.linksDeps ?? []) queue.push(d.id, runId(d.id));
  }
  return [...seen].sort();
}

function currentTarget(link: string): string | undefined {
  try {
    if (!lstatSync(link).isSymbolicLink()) return undefined;
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}

/** Store paths among `paths` that are valid (present and registered) in the store. */
async function validPaths(paths: string[], env: NodeJS.ProcessEnv): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await execa('nix-store', ['--check-validity', '--print-invalid', ...paths], { env, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw nixCommandError('nix-store --check-validity', r);
  const invalid = new Set(String(r.stdout).split('\n').filter(Boolean));
  return new Set(paths.filter((p) => !invalid.has(p)));
}

/** Unit id → link name in gcroots/; a link without an entry is not ours to keep. */
function readIndex(dir: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(join(dir, INDEX), 'utf8')) as unknown;
    if (v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'string' && /^r\d+(-\d+)?$/.test(x))) return v as Record<string, string>;
  } catch { /* none yet, or unreadable: start over */ }
  return {};
}

/**
 * Points each unit's link under `<nixDir>/gcroots` at its output (outputs not valid in the store
 * are left out). Returns the number of links created or changed.
 */
export async function updateGcRoots(nixDir: string, outs: Map<string, string>, env: NodeJS.ProcessEnv): Promise<number> {
  const dir = join(nixDir, GC_ROOTS_DIR);
  const index = readIndex(dir);
  const changed = [...outs].filter(([id, out]) => !index[id] || currentTarget(join(dir, index[id]!)) !== out).sort(([a], [b]) => (a < b ? -1 : 1));
  if (changed.length === 0) return 0;
  mkdirSync(dir, { recursive: true });
  if (Object.keys(index).length === 0) {
    // Links no index names (a lost index) would root old outputs forever.
    for (const f of readdirSync(dir)) if (/^r\d+/.test(f)) rmSync(join(dir, f), { force: true });
  }
  const valid = await validPaths([...new Set(changed.map(([, out]) => out))], env);
  const register: [string, string][] = [];
  for (const [id, out] of changed) {
    if (!valid.has(out)) continue;
    const name = index[id];
    if (name === undefined || currentTarget(join(dir, name)) === undefined) {
      register.push([id, out]);
      continue;
    }
    // Registered before: Nix's root names the link, so pointing the link elsewhere moves the root.
    const link = join(dir, name);
    const tmp = `${link}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(out, tmp);
    renameSync(tmp, link);
  }
  if (register.length > 0) {
    const used = new Set(Object.values(index).map((n) => Number(/^r(\d+)/.exec(n)![1])));
    // Names another build made since the index was read are taken too.
    for (const f of readdirSync(dir)) if (/^r\d+/.test(f)) used.add(Number(/^r(\d+)/.exec(f)![1]));
    let n = 1;
    while (used.has(n)) n++;
    const names = await addRoots(join(dir, `r${n}`), register.map(([, out]) => out), env);
    for (const [i, [id]] of register.entries()) index[id] = names[i]!.slice(dir.length + 1);
  }
  // Written over what the index holds now: the entries of a concurrent build are kept.
  withNixDirLock(nixDir, () => {
    const now = readIndex(dir);
    for (const [id] of changed) if (index[id] !== undefined) now[id] = index[id];
    writeFileAtomic(join(dir, INDEX), JSON.stringify(now, null, 1));
  });
  return changed.length;
}

/** Registers `base`, `base-2`, … as GC roots of `paths` (in order) in one nix-store call, as nix-build names its result links. */
async function addRoots(base: string, paths: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await execa('nix-store', ['--realise', '--add-root', base, ...paths], { env, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw nixCommandError('nix-store --add-root', r);
  const links = outLinkNames(base, paths.length);
  for (const [i, link] of links.entries()) {
    if (currentTarget(link) !== paths[i]) throw new NixError(`GC root ${link} does not point at ${paths[i]}`);
  }
  return links;
}

/** nix-build's `--out-link`: `base` for the first output, `base-2`, `base-3`… for the next ones. */
export function outLinkNames(base: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? base : `${base}-${i + 1}`));
}

/** Creates the `--out-link` roots for the requested units' outputs, in unit-id order. */
export async function writeOutLinks(base: string, outs: [string, string][], env: NodeJS.ProcessEnv): Promise<string[]> {
  const sorted = [...outs].sort(([a], [b]) => (a < b ? -1 : 1));
  if (sorted.length === 0) return [];
  return addRoots(base, sorted.map(([, out]) => out), env);
}
