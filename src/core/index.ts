/**
 * The unit index of one Cargo workspace: unit → files, file → units, the unit graph,
 * orphans, and "affected by these files". Updating one file re-resolves only the units that
 * read (or looked for) it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { resolveFeatures } from './cargo/features.js';
import type { FeatureOptions, Workspace } from './cargo/model.js';
import { planUnits, type Unit } from './cargo/units.js';
import { loadWorkspace } from './cargo/workspace.js';
import { findBuildOutputs, type FoundOutput } from './cargo/build-output.js';
import type { CfgAtom } from './cfg/expr.js';
import { CfgSet } from './cfg/set.js';
import { targetCfg, hostTriple, type TargetCfg } from './cfg/target.js';
import type { Diagnostic } from './diagnostics.js';
import { rustParser } from './scan/parser.js';
import { resolveCrate, type CrateFiles } from './scan/resolve.js';
import { FactsCache } from './scan/cache.js';
import { SourceStore } from './scan/sources.js';
import { findRustc } from './toolchain.js';

export interface IndexOptions {
  features: FeatureOptions;
  /** `--target` triple; the host when undefined. */
  target?: string;
  /** Extra cfgs, as with RUSTFLAGS `--cfg`. */
  cfgs: { name: string; value?: string }[];
  /** rustc to ask for target cfgs (found on PATH / ~/.cargo/bin when undefined). */
  rustc?: string;
  /**
   * A cargo target directory whose build-script outputs say which custom cfgs each build script
   * sets. Used per package only while that build script's sources are older than its output.
   */
  buildOutput?: string;
  /**
   * On-disk facts cache (scan/cache.ts): true for the default directory, a string for another
   * directory; off when undefined or false.
   */
  cache?: boolean | string;
}

export const DEFAULT_OPTIONS: IndexOptions = {
  features: { features: [], allFeatures: false, noDefaultFeatures: false },
  cfgs: [],
};

export interface IndexedUnit {
  unit: Unit;
  /** Absolute paths, sorted. */
  files: string[];
  external: string[];
  uncertain: { file: string; reason: string }[];
  diagnostics: Diagnostic[];
  probed: Set<string>;
}

export class UnitIndex {
  private readonly byId = new Map<string, IndexedUnit>();
  private readonly readers = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();
  /** Build-script outputs found under `options.buildOutput`, by package name. */
  private readonly outputs: Map<string, FoundOutput>;
  /** Packages whose build-script output is current (its build script's sources are older). */
  private readonly freshOutputs = new Set<string>();
  /** Files that have unsaved editor text. */
  private readonly overlaid = new Set<string>();

  private constructor(
    readonly workspace: Workspace,
    readonly options: IndexOptions,
    readonly targetCfg: TargetCfg,
    readonly hostCfg: TargetCfg,
    readonly store: SourceStore,
    readonly units: Unit[],
    readonly manifestDiagnostics: Diagnostic[],
  ) {
    for (const u of units) {
      for (const d of u.deps) {
        let set = this.dependents.get(d.unitId);
        if (!set) this.dependents.set(d.unitId, (set = new Set()));
        set.add(u.id);
      }
    }
    this.outputs = options.buildOutput
      ? findBuildOutputs(
          options.buildOutput,
          workspace.members.map((m) => ({ name: m.name, dir: m.dir, features: units.find((u) => u.package === m)?.features ?? [] })),
          options.target,
          { rustc: options.rustc ?? findRustc() },
        )
      : new Map();
    // Build scripts first: whether their output is current decides the cfgs of their packages.
    for (const u of units) if (u.kind === 'custom-build') this.resolve(u);
    for (const name of this.outputs.keys()) if (this.outputIsFresh(name)) this.freshOutputs.add(name);
    for (const u of units) if (u.kind !== 'custom-build') this.resolve(u);
  }

  /** True when every file of the package's build script is older than its recorded output, and none is being edited. */
  private outputIsFresh(pkg: string): boolean {
    const found = this.outputs.get(pkg);
    const script = this.units.find((u) => u.package.name === pkg && u.kind === 'custom-build');
    if (!found || !script) return false;
    return (this.byId.get(script.id)?.files ?? []).every((f) => {
      if (this.overlaid.has(f)) return false;
      try {
        return statSync(f).mtimeMs <= found.mtimeMs;
      } catch {
        return false;
      }
    });
  }

  /** The package's build-script output that applies to `unit` (undefined when unknown or stale). */
  buildScriptOutput(unit: Unit): FoundOutput | undefined {
    if (unit.kind === 'custom-build' || !this.freshOutputs.has(unit.package.name)) return undefined;
    return this.outputs.get(unit.package.name);
  }

  /** Custom cfgs known from the package's build-script output (empty when unknown or stale). */
  buildScriptCfgs(unit: Unit): CfgAtom[] {
    if (unit.kind === 'custom-build' || !this.freshOutputs.has(unit.package.name)) return [];
    return this.outputs.get(unit.package.name)?.output.cfgs ?? [];
  }

  /** Loads the workspace containing `manifestOrDir` and indexes every unit. */
  static async open(manifestOrDir: string, options: IndexOptions = DEFAULT_OPTIONS, parser?: Parser): Promise<UnitIndex> {
    const { workspace, diagnostics } = loadWorkspace(manifestOrDir);
    const [target, host] = await Promise.all([
      targetCfg(options.target, { rustc: options.rustc }),
      hostTriple(options.rustc).then((h) => targetCfg(h, { rustc: options.rustc })),
    ]);
    // Cargo evaluates `[target.'cfg(…)'.dependencies]` with the target's cfg plus RUSTFLAGS cfgs.
    const platformCfg = CfgSet.forUnit({ target, features: [], test: false, procMacro: false, buildScriptMaySet: false, extra: options.cfgs });
    const resolved = resolveFeatures(workspace, options.features, (key) => platformCfg.evaluatePlatform(key), diagnostics);
    const units = planUnits(workspace, resolved);
    const cache = options.cache ? FactsCache.load(workspace.root, typeof options.cache === 'string' ? options.cache : undefined) : undefined;
    const store = new SourceStore(workspace.root, parser ?? (await rustParser()), cache);
    const index = new UnitIndex(workspace, options, target, host, store, units, diagnostics);
    cache?.save();
    return index;
  }

  /** The cfg set rustc would use for a unit. */
  cfgOf(unit: Unit): CfgSet {
    const hasBuildScript = unit.package.targets.some((t) => t.kind === 'custom-build');
    const known = unit.kind !== 'custom-build' && this.freshOutputs.has(unit.package.name);
    return CfgSet.forUnit({
      target: unit.host ? this.hostCfg : this.targetCfg,
      features: unit.features,
      test: unit.cfgTest,
      procMacro: unit.kind === 'proc-macro',
      buildScriptMaySet: hasBuildScript && unit.kind !== 'custom-build' && !known,
      extra: [...this.options.cfgs, ...this.buildScriptCfgs(unit)],
    });
  }

  private resolve(u: Unit): void {
    const old = this.byId.get(u.id);
    if (old) for (const f of old.files) this.readers.get(f)?.delete(u.id);
    const r: CrateFiles = resolveCrate({ root: u.target.path, packageDir: u.package.dir, cfg: this.cfgOf(u) }, this.store);
    const entry: IndexedUnit = {
      unit: u,
      files: [...r.files].sort(),
      external: [...r.external].sort(),
      uncertain: [...r.uncertain].map(([file, reason]) => ({ file, reason })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
      diagnostics: r.diagnostics,
      probed: r.probed,
    };
    this.byId.set(u.id, entry);
    for (const f of entry.files) {
      let set = this.readers.get(f);
      if (!set) this.readers.set(f, (set = new Set()));
      set.add(u.id);
    }
  }

  get entries(): IndexedUnit[] {
    return this.units.map((u) => this.byId.get(u.id)!);
  }

  unit(id: string): IndexedUnit | undefined {
    return this.byId.get(id);
  }

  /** Units that read `abs`, sorted by id. */
  unitsOf(abs: string): IndexedUnit[] {
    return [...(this.readers.get(abs) ?? [])].sort().map((id) => this.byId.get(id)!);
  }

  /** Units that read any of `files`, plus every unit that depends on those, transitively. Sorted. */
  affected(files: string[]): string[] {
    const out = new Set<string>();
    const queue: string[] = [];
    for (const f of files) for (const id of this.readers.get(f) ?? []) queue.push(id);
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      for (const d of this.dependents.get(id) ?? []) queue.push(d);
    }
    return [...out].sort();
  }

  /** `.rs` files in the workspace that no unit reads, sorted. */
  orphans(): string[] {
    const memberDirs = new Set(this.workspace.members.map((m) => m.dir));
    const out: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (depth > 64) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const hasManifest = entries.some((e) => e.isFile() && e.name === 'Cargo.toml');
      // A nested package that is not a member belongs to another workspace.
      if (hasManifest && dir !== this.workspace.root && !memberDirs.has(dir)) return;
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name.startsWith('.') || e.name === 'target' || e.name === 'node_modules') continue;
          walk(p, depth + 1);
        } else if (e.isFile() && e.name.endsWith('.rs') && !this.readers.get(p)?.size) {
          out.push(p);
        }
      }
    };
    walk(this.workspace.root, 0);
    return out.sort();
  }

  /** All diagnostics: manifests first, then each unit's (deduplicated). */
  diagnostics(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const d of [...this.manifestDiagnostics, ...this.entries.flatMap((e) => e.diagnostics)]) {
      const key = `${d.file}:${d.line}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
    return out;
  }

  /**
   * A file's text changed (unsaved editor text, or `undefined` to fall back to disk), or the
   * file was created or deleted on disk. Re-resolves only the units that read or looked for it.
   * Returns the ids of units whose file lists changed.
   */
  updateFile(abs: string, text?: string | undefined, overlay = false): string[] {
    if (overlay || text !== undefined) {
      this.store.setOverlay(abs, text);
      if (text === undefined) this.overlaid.delete(abs);
      else this.overlaid.add(abs);
    } else this.store.invalidate(abs);
    const changed: string[] = [];
    // An edit to a build script's sources makes its recorded output stale: its package's custom cfgs become unknown again.
    const stalePackages = new Set<string>();
    for (const name of this.freshOutputs) {
      if (!this.outputIsFresh(name)) {
        this.freshOutputs.delete(name);
        stalePackages.add(name);
      }
    }
    const entries = [...this.entries].sort((a, b) => Number(b.unit.kind === 'custom-build') - Number(a.unit.kind === 'custom-build'));
    for (const e of entries) {
      if (!e.probed.has(abs) && !stalePackages.has(e.unit.package.name)) continue;
      const before = e.files.join('\n') + '\0' + e.external.join('\n') + '\0' + e.uncertain.map((u) => u.file).join('\n');
      this.resolve(e.unit);
      const after = this.byId.get(e.unit.id)!;
      const now = after.files.join('\n') + '\0' + after.external.join('\n') + '\0' + after.uncertain.map((u) => u.file).join('\n');
      if (before !== now) changed.push(e.unit.id);
    }
    return changed;
  }
}
