/**
 * Which of a unit's dependencies can give it proc-macros: a dependency that is a proc-macro crate,
 * or that depends on one (a facade such as `rust-embed` re-exports its derive), from the
 * dependency graph where it is known.
 *
 * - Workspace members: their own targets (a `proc-macro` lib) and their dependencies.
 * - Registry packages: the manifest of the locked version (Cargo.lock), else of any version found,
 *   in the configured vendor directory, Debian's registry or `$CARGO_HOME/registry/src`. Only
 *   `Cargo.toml` files are read there, never sources.
 * - A dependency whose manifest cannot be found may give proc-macros (the conservative answer).
 *
 * What a registry manifest says is kept in the facts cache with the manifest's state (cache.ts
 * DerivedEntry): a warm start only `stat`s the manifests it read before.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { featureMap } from '../cargo/features.js';
import { crateKey, readLockfile, type Lockfile, type LockedPackage } from '../cargo/lockfile.js';
import type { Package, Workspace } from '../cargo/model.js';
import type { Unit } from '../cargo/units.js';
import { configuredVendorDir } from '../nix/registry.js';
import { cargoHome } from '../toolchain.js';
import type { ProcMacroDeps } from './proc-macros.js';
import type { FactsCache } from './cache.js';
import { readWithState, stillInState } from '../file-state.js';

const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

interface ManifestInfo {
  procMacro: boolean;
  /** Package names of its normal and build dependencies. */
  deps: string[];
}

export class ProcMacroCrates {
  private readonly lock: Lockfile | undefined;
  private readonly sourceDirs: string[];
  private readonly manifests = new Map<string, ManifestInfo | null>();
  private readonly provides = new Map<string, boolean>();
  private readonly members: Map<string, Package>;
  /** forUnit's provider sets, by package and dependency kinds. */
  private readonly providerSets = new Map<Package, Map<string, Set<string>>>();
  /** Whether a package has a proc-macro lib. */
  private readonly procMacroLibs = new Map<Package, boolean>();
  /** Entries of each source directory, listed once (a registry holds hundreds of packages). */
  private readonly listings = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly ws: Workspace,
    /** Where what registry manifests say is kept between runs. */
    private readonly cache?: FactsCache,
  ) {
    this.members = new Map(ws.members.map((m) => [m.name, m]));
    const lockPath = join(ws.root, 'Cargo.lock');
    try {
      this.lock = existsSync(lockPath) ? readLockfile(lockPath) : undefined;
    } catch {
      this.lock = undefined;
    }
    const dirs: string[] = [];
    const vendor = configuredVendorDir(ws.root);
    if (vendor) dirs.push(vendor);
    dirs.push(DEBIAN_REGISTRY);
    try {
      const src = join(cargoHome(), 'registry', 'src');
      for (const i of readdirSync(src)) dirs.push(join(src, i));
    } catch {
      // no cargo registry cache
    }
    this.sourceDirs = dirs.filter((d) => existsSync(d));
  }

  /** What a unit can call: its package's dependencies of the kinds the unit is built with. */
  forUnit(unit: Unit): ProcMacroDeps {
    const kinds = unit.kind === 'custom-build' ? ['build'] : unit.test || ['test', 'bench', 'example'].includes(unit.kind) ? ['normal', 'dev'] : ['normal'];
    // The same for every unit of the package built with the same kinds (a package has many units).
    let byKinds = this.providerSets.get(unit.package);
    if (!byKinds) this.providerSets.set(unit.package, (byKinds = new Map()));
    let procMacroLib = this.procMacroLibs.get(unit.package);
    if (procMacroLib === undefined) this.procMacroLibs.set(unit.package, (procMacroLib = unit.package.targets.some((t) => t.kind === 'proc-macro')));
    // A package's own proc-macro lib is a dependency of its tests, benches and examples.
    const own = unit.kind !== 'proc-macro' && unit.kind !== 'custom-build' && procMacroLib;
    const key = `${kinds.join()}${own ? '+own' : ''}`;
    let providers = byKinds.get(key);
    if (!providers) {
      providers = new Set<string>();
      for (const d of unit.package.dependencies) {
        if (!kinds.includes(d.kind)) continue;
        if (this.provider(d.package, new Set())) providers.add(d.name.replace(/-/g, '_'));
      }
      if (own) providers.add(unit.package.name.replace(/-/g, '_'));
      byKinds.set(key, providers);
    }
    // Shared between units: never modified.
    return { providers, rustEmbedDebugEmbed: debugEmbed(unit) };
  }

  /** Whether package `name` is a proc-macro crate or depends on one. */
  private provider(name: string, stack: Set<string>): boolean {
    const known = this.provides.get(name);
    if (known !== undefined) return known;
    if (stack.has(name) || stack.size > 64) return false;
    stack.add(name);
    let result: boolean;
    const member = this.members.get(name);
    if (member) {
      result = member.targets.some((t) => t.kind === 'proc-macro') || member.dependencies.some((d) => d.kind !== 'dev' && this.provider(d.package, stack));
    } else {
      const info = this.manifest(name);
      result = info === null ? true : info.procMacro || info.deps.some((d) => this.provider(d, stack));
    }
    stack.delete(name);
    this.provides.set(name, result);
    return result;
  }

  /** The manifest of a registry package: the locked version's, else any version's; null when none is found. */
  private manifest(name: string): ManifestInfo | null {
    const cached = this.manifests.get(name);
    if (cached !== undefined) return cached;
    const locked: LockedPackage[] = this.lock?.packages.filter((p) => p.name === name) ?? [];
    const keys = locked.map((p) => crateKey(p));
    let info: ManifestInfo | null = null;
    for (const dir of this.sourceDirs) {
      const candidates = keys.length > 0 ? keys.flatMap((k) => [k, name]) : this.versionsIn(dir, name);
      for (const c of candidates) {
        info = readInfo(join(dir, c, 'Cargo.toml'), this.cache);
        if (info) break;
      }
      if (info) break;
    }
    this.manifests.set(name, info);
    return info;
  }

  /** The entries of `dir` named `name` or `name-<digit>…` (a package and its versions), in listing order. */
  private versionsIn(dir: string, name: string): string[] {
    let byName = this.listings.get(dir);
    if (byName === undefined) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        entries = [];
      }
      // Each entry under every name it can be a version of: itself, and what comes before each `-<digit>`.
      byName = new Map();
      const add = (n: string, e: string) => {
        const list = byName!.get(n);
        if (list) list.push(e);
        else byName!.set(n, [e]);
      };
      for (const e of entries) {
        add(e, e);
        for (let i = e.indexOf('-'); i >= 0; i = e.indexOf('-', i + 1)) {
          const c = e.charCodeAt(i + 1);
          if (c >= 48 && c <= 57) add(e.slice(0, i), e);
        }
      }
      this.listings.set(dir, byName);
    }
    return byName.get(name) ?? [];
  }
}

/** The cache key of what readInfo found in `file` (the number changes with what ManifestInfo holds). */
const infoKey = (file: string) => `proc-macro-deps/1\0${file}`;

function readInfo(file: string, cache?: FactsCache): ManifestInfo | null {
  const key = infoKey(file);
  const known = cache?.derived(key);
  // Gone: the read below says so.
  if (known && isManifestInfo(known.value) && stillInState(file, known.state)) {
    cache!.setDerived(key, known, false);
    return known.value;
  }
  let read: ReturnType<typeof readWithState>;
  try {
    read = readWithState(file);
  } catch {
    return null;
  }
  const { bytes, state } = read;
  const info = parseInfo(bytes.toString('utf8'));
  if (info && state) cache?.setDerived(key, { state, value: info }, true);
  return info;
}

function isManifestInfo(x: unknown): x is ManifestInfo {
  const i = x as Partial<ManifestInfo> | null;
  return !!i && typeof i === 'object' && typeof i.procMacro === 'boolean' && Array.isArray(i.deps) && i.deps.every((d) => typeof d === 'string');
}

function parseInfo(text: string): ManifestInfo | null {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const lib = (doc.lib ?? {}) as Record<string, unknown>;
  const procMacro = lib['proc-macro'] === true || lib['proc_macro'] === true;
  const deps: string[] = [];
  const collect = (table: unknown) => {
    if (!table || typeof table !== 'object') return;
    for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
      const pkg = v && typeof v === 'object' && typeof (v as { package?: unknown }).package === 'string' ? (v as { package: string }).package : k;
      deps.push(pkg);
    }
  };
  collect(doc.dependencies);
  collect(doc['build-dependencies']);
  for (const t of Object.values((doc.target ?? {}) as Record<string, Record<string, unknown>>)) {
    collect(t.dependencies);
    collect(t['build-dependencies']);
  }
  return { procMacro, deps };
}

/** Whether the unit's package turns on rust-embed's `debug-embed` (declared, or through an enabled feature). */
function debugEmbed(unit: Unit): boolean {
  const pkg = unit.package;
  const deps = pkg.dependencies.filter((d) => d.package === 'rust-embed');
  if (deps.length === 0) return false;
  if (deps.some((d) => d.features.includes('debug-embed'))) return true;
  const map = featureMap(pkg);
  for (const f of unit.features) {
    for (const v of map.get(f) ?? []) {
      if (deps.some((d) => v === `${d.name}/debug-embed` || v === `${d.name}?/debug-embed`)) return true;
    }
  }
  return false;
}
