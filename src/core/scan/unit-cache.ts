/**
 * A unit's resolution, kept in the facts cache so that a warm start need not walk it again.
 *
 * A resolution (resolve.ts) depends only on its inputs (crate root, package directory, cfg) and on
 * what the store says about each path in `probed`: whether it is inside the workspace, whether it
 * is a file and, for the files it read, their content. So the entry records that state for every
 * probed path, and is used only when all of it is still true: every file read is read and hashed
 * again, every path looked for is looked up again. Any difference, and the unit is resolved anew.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { isInside } from '../paths.js';
import type { CrateFiles } from './resolve.js';
import type { SourceStore } from './sources.js';

export interface CachedUnit {
  /** Probed paths, relative to the workspace root when inside it. */
  probed: string[];
  /** Per probed path: `x` outside the workspace, `n` no file, `f` a file not read, else the content hash. */
  states: string[];
  /** Indexes into `probed`. */
  files: number[];
  external: string[];
  uncertain: [number, string][];
  diagnostics: Diagnostic[];
}

/** What the store says about `abs` now; `read` says whether the content counts. */
function stateOf(store: SourceStore, abs: string, read: boolean): string {
  if (!store.isInWorkspace(abs)) return 'x';
  if (!store.isFile(abs)) return 'n';
  if (!read) return 'f';
  return store.hashOf(abs) ?? 'n';
}

/**
 * Path states already looked up while checking cached resolutions, shared by the units of one
 * open (units of a crate probe the same paths; the store does not change meanwhile).
 */
export class ProbeStates {
  private readonly states = new Map<string, string>();
  private readonly paths = new Map<string, string>();

  constructor(private readonly store: SourceStore) {}

  /** The absolute path of a recorded (relative or absolute) probed path. */
  path(p: string): string {
    let a = this.paths.get(p);
    if (a === undefined) this.paths.set(p, (a = abs(this.store.root, p)));
    return a;
  }

  state(p: string, read: boolean): string {
    const key = read ? `r${p}` : `s${p}`;
    let st = this.states.get(key);
    if (st === undefined) this.states.set(key, (st = stateOf(this.store, this.path(p), read)));
    return st;
  }
}

function rel(root: string, abs: string): string {
  return abs !== root && isInside(root, abs) ? relative(root, abs) : abs;
}

function abs(root: string, p: string): string {
  if (isAbsolute(p)) return p;
  // `p` came from relative() of a path inside the root: already normalised.
  return p.startsWith('..') ? join(root, p) : root + sep + p;
}

/** The cache entry of a resolution that was just made (so the store's state is what it used). */
export function recordUnit(store: SourceStore, r: CrateFiles): CachedUnit | undefined {
  // A directory's listing is not recorded: such a unit is resolved anew each time.
  if (r.listedDirs && r.listedDirs.size > 0) return undefined;
  const probed = [...r.probed];
  const index = new Map(probed.map((p, i) => [p, i]));
  const files: number[] = [];
  for (const f of r.files) {
    const i = index.get(f);
    if (i === undefined) return undefined; // not expected: then the unit is simply not cached
    files.push(i);
  }
  const uncertain: [number, string][] = [];
  for (const [f, why] of r.uncertain) {
    const i = index.get(f);
    if (i === undefined) return undefined;
    uncertain.push([i, why]);
  }
  return {
    probed: probed.map((p) => rel(store.root, p)),
    // A file whose content the store has read, or knows by its recorded state, counts by content
    // (stricter than needed when only another unit read it: that can only make the entry
    // unusable, never wrong).
    states: probed.map((p) => stateOf(store, p, store.hasRead(p) || store.hasHash(p))),
    files,
    external: [...r.external],
    uncertain,
    diagnostics: r.diagnostics,
  };
}

/** The resolution of a cache entry when everything it depends on is unchanged, else undefined. */
export function restoreUnit(store: SourceStore, c: CachedUnit, states: ProbeStates = new ProbeStates(store)): CrateFiles | undefined {
  if (!isCachedUnit(c)) return undefined;
  for (let i = 0; i < c.probed.length; i++) {
    const want = c.states[i]!;
    if (states.state(c.probed[i]!, want.length > 1) !== want) return undefined;
  }
  const probed = c.probed.map((p) => states.path(p));
  const files = new Set<string>();
  for (const i of c.files) files.add(probed[i]!);
  return {
    files,
    external: new Set(c.external),
    uncertain: new Map(c.uncertain.map(([i, why]) => [probed[i]!, why])),
    diagnostics: c.diagnostics,
    probed: new Set(probed),
  };
}

function isCachedUnit(c: unknown): c is CachedUnit {
  if (!c || typeof c !== 'object') return false;
  const u = c as Partial<CachedUnit>;
  if (!Array.isArray(u.probed) || !Array.isArray(u.states) || u.probed.length !== u.states.length) return false;
  if (!u.probed.every((p) => typeof p === 'string') || !u.states.every((s) => typeof s === 'string')) return false;
  const n = u.probed.length;
  const okIndex = (i: unknown) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < n;
  return (
    Array.isArray(u.files) &&
    u.files.every(okIndex) &&
    Array.isArray(u.external) &&
    u.external.every((e) => typeof e === 'string') &&
    Array.isArray(u.uncertain) &&
    u.uncertain.every((x) => Array.isArray(x) && okIndex(x[0]) && typeof x[1] === 'string') &&
    Array.isArray(u.diagnostics) &&
    u.diagnostics.every((d) => d && typeof d === 'object' && typeof d.file === 'string' && typeof d.line === 'number' && typeof d.message === 'string')
  );
}
