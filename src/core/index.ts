/**
 * The unit index of one Cargo workspace: unit → files, file → units, the unit graph,
 * orphans, and "affected by these files". Updating one file re-resolves only the units that
 * read (or looked for) it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { resolveFeatures } from './cargo/features.js';
import type { FeatureOptions, Workspace } from './cargo/model.js';
import { planUnits, type Unit } from './cargo/units.js';
import { loadWorkspace } from './cargo/workspace.js';
import { findBuildOutputs, type FoundOutput } from './cargo/build-output.js';
import type { CfgAtom } from './cfg/expr.js';
import { CfgSet, type UnitCfgOptions } from './cfg/set.js';
import { buildDepsMayPrint, buildScriptCfgs, type BuildScriptCfgs } from './cfg/build-script-cfgs.js';
import { rustflagsCfgs } from './cfg/rustflags.js';
import type { Package } from './cargo/model.js';
import { hostTargetCfg, rustcVersion, targetCfg, type TargetCfg } from './cfg/target.js';
import { evaluateBuildScript, type ScriptDecisions } from './cfg/build-script-eval/evaluate.js';
import { ScriptEnv } from './cfg/build-script-eval/env.js';
import { findRustc } from './toolchain.js';
import type { Diagnostic } from './diagnostics.js';
import { loadRuntime, runtimeLoaded, rustParserSync } from './scan/parser.js';
import { resolveCrate, type CrateFiles, type CrateInput } from './scan/resolve.js';
import { FactsCache } from './scan/cache.js';
import { SourceStore } from './scan/sources.js';
import { prefetchWhile } from './scan/prefetch.js';
import { ProbeStates, recordUnit, restoreUnit } from './scan/unit-cache.js';
import { ProcMacroCrates } from './scan/proc-macro-deps.js';
import type { WalkTracer } from './scan/trace.js';

export interface IndexOptions {
  features: FeatureOptions;
  /** `--target` triple; the host when undefined. */
  target?: string;
  /** Extra cfgs, as with RUSTFLAGS `--cfg`. */
  cfgs: { name: string; value?: string }[];
  /**
   * Environment whose `CARGO_ENCODED_RUSTFLAGS` / `RUSTFLAGS` add `--cfg`s (else the workspace's
   * `.cargo/config.toml` rustflags do, as cargo chooses: cfg/rustflags.ts). Default: process.env.
   */
  env?: Record<string, string | undefined>;
  /** rustc to ask for target cfgs (found on PATH / ~/.cargo/bin when undefined); `false` runs no rustc and uses the built-in target table. */
  rustc?: string | false;
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
  /** The cargo profile Nix builds use (`dev` when undefined): `[profile.*]` of the root Cargo.toml. */
  profile?: string;
  /**
   * The proc-macro rules (scan/proc-macros.ts): on unless false. A test and debug switch, also
   * set by the environment variable CARGO_UNITS_NO_PROC_MACRO_RULES=1: with it off, files read
   * through proc-macros are missed (verify --cargo shows them).
   */
  procMacroRules?: boolean;
  /**
   * While the index opens: units given a tracer are walked with it (never restored from the
   * cache), so that `why` (core/why.ts) need not walk them again.
   */
  tracer?: (unit: Unit) => WalkTracer | undefined;
  /**
   * The index is not updated after it opens (the CLI): the tree-sitter runtime is loaded only if
   * opening has a file to parse, so that a warm open loads no WebAssembly. Without a parser of its
   * own, an index opened so cannot parse in updateFile (it throws).
   */
  oneShot?: boolean;
}

/** Bump when build-script-eval decides differently: cached decisions of older versions are not used. */
const SCRIPT_EVAL_VERSION = 1;
/** Bump when buildScriptCfgs (cfg/build-script-cfgs.ts) reads a build script differently: cached analyses of older versions are not used. */
const SCRIPT_ANALYSIS_VERSION = 1;

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
  /** Directories whose listing the files depend on (proc-macros that read a directory). */
  listedDirs: Set<string>;
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
  /** True while the constructor resolves every unit (cached resolutions may be used). */
  private opening = true;
  /** While opening: path states looked up to check cached resolutions, shared by every unit. */
  private probeStates: ProbeStates | undefined;
  /** What each build script (by unit id) can print: only those custom cfgs are unknown for its package. */
  private readonly scriptCfgs = new Map<string, BuildScriptCfgs>();
  /** What each build script prints for a unit, by script id, features and host/target (build-script-eval). */
  private readonly scriptDecisionMemo = new Map<string, ScriptDecisions>();
  /** `--cfg`s from rustflags (env or the workspace's config), added to `options.cfgs`. */
  private readonly flagCfgs: { name: string; value?: string }[];
  /** Which dependencies give proc-macros (undefined: the proc-macro rules are off). */
  private readonly procMacroCrates: ProcMacroCrates | undefined;
  /** Each package's custom-build unit (the first, as `units.find` would give it). */
  private readonly scriptUnits = new Map<Package, Unit>();

  private constructor(
    readonly workspace: Workspace,
    readonly options: IndexOptions,
    readonly targetCfg: TargetCfg,
    readonly hostCfg: TargetCfg,
    readonly store: SourceStore,
    readonly units: Unit[],
    readonly manifestDiagnostics: Diagnostic[],
    flagCfgs: { name: string; value?: string }[] = [],
    /** `rustc -vV` of the rustc used (build scripts reading `$RUSTC --version` are decided with it). */
    readonly rustcVersion: string | undefined = undefined,
    /** A rustflag that may change the target cfg (build scripts' `CARGO_CFG_*` are then unknown). */
    private readonly targetFlag: string | undefined = undefined,
  ) {
    this.flagCfgs = flagCfgs;
    for (const u of units) if (u.kind === 'custom-build' && !this.scriptUnits.has(u.package)) this.scriptUnits.set(u.package, u);
    const procRules = options.procMacroRules ?? process.env.CARGO_UNITS_NO_PROC_MACRO_RULES !== '1';
    this.procMacroCrates = procRules ? new ProcMacroCrates(workspace, store.cache) : undefined;
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
          { rustc: options.rustc === false ? undefined : (options.rustc ?? findRustc()) },
        )
      : new Map();
    // Build scripts first: whether their output is current decides the cfgs of their packages.
    for (const u of units) if (u.kind === 'custom-build') this.resolve(u);
    for (const name of this.outputs.keys()) if (this.outputIsFresh(name)) this.freshOutputs.add(name);
    for (const u of units) if (u.kind !== 'custom-build') this.resolve(u);
    this.opening = false;
    this.probeStates = undefined;
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

  /**
   * Loads the workspace containing `manifestOrDir` and indexes every unit. rustc is asked for the
   * target's cfg first; while it runs, the manifests are loaded and the likely sources are read
   * (and parsed when not cached): see scan/prefetch.ts.
   */
  static async open(manifestOrDir: string, options: IndexOptions = DEFAULT_OPTIONS, parser?: Parser): Promise<UnitIndex> {
    let rustcDone = false;
    const cfgs = toolchainCfgs(options).finally(() => {
      rustcDone = true;
    });
    // Awaited below; an unknown --target must not reject unhandled while the sources are read.
    cfgs.catch(() => undefined);
    // The tree-sitter runtime initialises meanwhile (one-shot: only if a file must be parsed); the
    // grammar loads only when a file must be parsed.
    let runtime = parser || options.oneShot ? undefined : loadRuntime();
    const needRuntime = (): Promise<void> | undefined => (runtime ??= parser ? undefined : loadRuntime());
    let loaded: ReturnType<typeof loadWorkspace>;
    try {
      loaded = loadWorkspace(manifestOrDir);
    } catch (err) {
      cfgs.catch(() => undefined);
      runtime?.catch(() => undefined);
      throw err;
    }
    const { workspace, diagnostics } = loaded;
    const cache = options.cache ? FactsCache.load(workspace.root, typeof options.cache === 'string' ? options.cache : undefined) : undefined;
    const store = new SourceStore(workspace.root, parser ?? parserIfReady, cache);
    let guessed: UnitIndex | undefined;
    try {
      // Warm: the cache remembers rustc's last answer. Index with it while rustc runs, and keep
      // the result only if rustc now says the same.
      const guess = cache?.toolchain(toolchainKey(options));
      if (guess) {
        // The tree-sitter runtime is awaited only if some file has to be parsed.
        guessed = await withRuntime(needRuntime, () =>
          UnitIndex.build(workspace, options, guess.target, guess.host, store, diagnostics, guess.version ?? undefined),
        );
      } else {
        await needRuntime();
        const roots = workspace.members.flatMap((m) => m.targets.map((t) => t.path));
        await prefetchWhile(store, roots, cache?.recordedFiles ?? [], () => rustcDone);
      }
    } catch (err) {
      cfgs.catch(() => undefined);
      throw err;
    }
    if (guessed) {
      const [target, host, version] = await cfgs;
      if (JSON.stringify([target, host, version ?? null]) === JSON.stringify([guessed.targetCfg, guessed.hostCfg, guessed.rustcVersion ?? null])) {
        await runtime; // so that updates can parse (one-shot: only if opening parsed)
        cache?.save(store.readFiles(), [toolchainKey(options), { target, host, version: version ?? null }], store.fileStats());
        return guessed;
      }
    }
    const [target, host, version] = await cfgs;
    if (!options.oneShot) await runtime;
    const index = await withRuntime(needRuntime, () => UnitIndex.build(workspace, options, target, host, store, diagnostics, version));
    cache?.save(store.readFiles(), [toolchainKey(options), { target, host, version: version ?? null }], store.fileStats());
    return index;
  }

  /** Plans the units under the target's cfg and resolves them all. */
  private static build(
    workspace: Workspace,
    options: IndexOptions,
    target: TargetCfg,
    host: TargetCfg,
    store: SourceStore,
    manifestDiagnostics: Diagnostic[],
    version?: string,
  ): UnitIndex {
    const diagnostics = [...manifestDiagnostics];
    // Cargo evaluates `[target.'cfg(…)'.dependencies]` with the target's cfg plus RUSTFLAGS cfgs.
    const flags = rustflagsCfgs(workspace.root, options.env ?? process.env, (key) =>
      CfgSet.forUnit({ target, features: [], test: false, procMacro: false, buildScriptMaySet: false, extra: options.cfgs }).evaluatePlatform(key),
    );
    diagnostics.push(...flags.diagnostics);
    const extra = [...options.cfgs, ...flags.cfgs];
    const platformCfg = CfgSet.forUnit({ target, features: [], test: false, procMacro: false, buildScriptMaySet: false, extra });
    const resolved = resolveFeatures(workspace, options.features, (key) => platformCfg.evaluatePlatform(key), diagnostics);
    const units = planUnits(workspace, resolved);
    return new UnitIndex(workspace, options, target, host, store, units, diagnostics, flags.cfgs, version, flags.targetFlag);
  }

  /** The cfg set rustc would use for a unit. */
  cfgOf(unit: Unit): CfgSet {
    return CfgSet.forUnit(this.cfgOptions(unit));
  }

  private cfgOptions(unit: Unit): UnitCfgOptions {
    const hasBuildScript = this.scriptUnits.has(unit.package) || unit.package.targets.some((t) => t.kind === 'custom-build');
    const known = unit.kind !== 'custom-build' && this.freshOutputs.has(unit.package.name);
    const maySet = hasBuildScript && unit.kind !== 'custom-build' && !known;
    const script = maySet ? this.buildScriptAnalysis(unit.package) : undefined;
    const decisions = maySet ? this.scriptDecisions(unit) : undefined;
    return {
      target: unit.host ? this.hostCfg : this.targetCfg,
      features: unit.features,
      test: unit.cfgTest,
      procMacro: unit.kind === 'proc-macro',
      buildScriptMaySet: maySet,
      ...(script ? { buildScript: script } : {}),
      ...(decisions ? { scriptDecisions: decisions } : {}),
      extra: [...this.extraCfgs, ...this.buildScriptCfgs(unit)],
    };
  }

  /**
   * The cfgs cargo-units decided the package's build script prints for `unit` (on every run),
   * when its output is not known: what rustc is given for it by `verify`.
   */
  decidedScriptCfgs(unit: Unit): CfgAtom[] {
    const d = this.cfgOptions(unit).scriptDecisions;
    return d?.kind === 'decided' ? d.set.map((s) => s.atom) : [];
  }

  /** Every extra `--cfg` of the build: `options.cfgs`, then those from rustflags (env or config). */
  get extraCfgs(): { name: string; value?: string }[] {
    return [...this.options.cfgs, ...this.flagCfgs];
  }

  /** The custom-build unit of a package. */
  private scriptUnit(pkg: Package): Unit | undefined {
    return this.scriptUnits.get(pkg);
  }

  /**
   * What the package's build script can print, read from the files its unit reads (resolved
   * before every other unit). Undefined when it has no resolved build script.
   */
  private buildScriptAnalysis(pkg: Package): BuildScriptCfgs | undefined {
    const script = this.scriptUnit(pkg);
    const entry = script && this.byId.get(script.id);
    if (!script || !entry) return undefined;
    const memo = this.scriptCfgs.get(script.id);
    if (memo) return memo;
    let r: BuildScriptCfgs;
    // By content hash (a warm start knows it from the file's recorded state, without reading it).
    const unreadable = entry.files.find((f) => f.endsWith('.rs') && this.store.hashOf(f) === undefined);
    if (unreadable) r = { kind: 'any', reason: `the build script's file ${relative(pkg.dir, unreadable)} cannot be read` };
    else if (entry.external.length > 0) r = { kind: 'any', reason: `the build script includes ${entry.external[0]}, which cargo-units does not read` };
    else if (entry.uncertain.length > 0) r = { kind: 'any', reason: `which files the build script reads is uncertain (${entry.uncertain[0]!.reason})` };
    else {
      const rs = entry.files.filter((f) => f.endsWith('.rs'));
      const deps = pkg.dependencies.filter((d) => d.kind === 'build').map((d) => d.package);
      // The facts cache keeps analyses by everything they depend on: a warm start reads no build script.
      const key = createHash('sha1')
        .update(JSON.stringify([SCRIPT_ANALYSIS_VERSION, rs.map((f) => [relative(pkg.dir, f), this.store.hashOf(f)]), deps]))
        .digest('hex');
      const cached = this.store.cache?.scriptAnalysis(key);
      if (cached) r = cached;
      else {
        r = buildScriptCfgs(
          rs.map((f) => ({ name: relative(pkg.dir, f), text: this.store.read(f)!.text })),
          deps,
        );
        this.store.cache?.setScriptAnalysis(key, r);
      }
    }
    this.scriptCfgs.set(script.id, r);
    return r;
  }

  /**
   * What the package's build script prints for this unit, found by running it abstractly with the
   * environment cargo would give it (features, target cfg, `$RUSTC --version`): undefined when
   * it cannot be read, or its build-dependencies may print cfgs themselves. Memoised per script,
   * features and host/target.
   */
  private scriptDecisions(unit: Unit): ScriptDecisions | undefined {
    const pkg = unit.package;
    const script = this.scriptUnit(pkg);
    const entry = script && this.byId.get(script.id);
    if (!script || !entry || entry.external.length > 0 || entry.uncertain.length > 0) return undefined;
    if (buildDepsMayPrint(pkg.dependencies.filter((d) => d.kind === 'build').map((d) => d.package))) return undefined;
    const key = JSON.stringify([script.id, unit.features, unit.host]);
    const memo = this.scriptDecisionMemo.get(key);
    if (memo) return memo;
    const rs = entry.files.filter((f) => f.endsWith('.rs'));
    // By content hash (a warm start knows it from the file's recorded state, without reading it).
    const hashes = rs.map((f) => this.store.hashOf(f));
    if (hashes.some((h) => h === undefined)) return undefined;
    const target = unit.host ? this.hostCfg : this.targetCfg;
    const envInput = {
      cfg: target.source === 'rustc' && this.targetFlag === undefined ? [...target.atoms, ...this.extraCfgs] : undefined,
      cfgUnknown:
        this.targetFlag !== undefined
          ? `rustflags have \`${this.targetFlag}\`, which may change the target cfg cargo gives build scripts`
          : `the cfg of ${target.triple} comes from cargo-units' built-in table, not from rustc`,
      features: unit.features,
      target: target.triple,
      host: this.hostCfg.triple,
      pkgName: pkg.name,
      pkgVersion: pkg.version,
      rustcVersion: this.rustcVersion,
    };
    const names = rs.map((f) => relative(pkg.dir, f));
    // The facts cache keeps decisions by everything they depend on: a warm start reads no build script.
    const cacheKey = createHash('sha1')
      .update(JSON.stringify([SCRIPT_EVAL_VERSION, names.map((name, i) => ({ name, hash: hashes[i] })), envInput]))
      .digest('hex');
    const cache = this.store.cache;
    let d = cache?.scriptDecisions(cacheKey);
    if (!d) {
      const texts = rs.map((f) => this.store.read(f)?.text);
      if (texts.some((t) => t === undefined)) return undefined;
      const files = names.map((name, i) => ({ name, text: texts[i]! }));
      d = evaluateBuildScript(files, new ScriptEnv(envInput), this.store.parserNow());
      cache?.setScriptDecisions(cacheKey, d);
    }
    this.scriptDecisionMemo.set(key, d);
    return d;
  }

  /**
   * Whether some unit's file list depends on a build script decided with this rustc's answers
   * (`$RUSTC --version` or the target cfg): those lists hold only for builds with the same rustc.
   */
  decidedWithRustc(): boolean {
    for (const e of this.entries) {
      const d = this.cfgOptions(e.unit).scriptDecisions;
      if (d?.kind === 'decided' && (d.usesRustcVersion || d.usesTargetCfg)) return true;
    }
    return false;
  }

  /** Forgets what a build script was found to print (its files changed). */
  private forgetScript(id: string): void {
    this.scriptCfgs.delete(id);
    for (const k of [...this.scriptDecisionMemo.keys()]) if ((JSON.parse(k) as unknown[])[0] === id) this.scriptDecisionMemo.delete(k);
  }

  /** What a build script prints, for comparing before and after an edit: its analysis and every decision made so far. */
  private scriptSignature(u: Unit): string {
    const keys = [...this.scriptDecisionMemo.keys()].filter((k) => (JSON.parse(k) as unknown[])[0] === u.id).sort();
    return JSON.stringify([this.scriptCfgs.get(u.id) ?? null, keys.map((k) => this.scriptDecisionMemo.get(k))]);
  }

  /** Recomputes the signature after forgetScript: the analysis and the same decisions, anew. */
  private scriptSignatureAgain(u: Unit, keys: string[]): string {
    const analysis = this.buildScriptAnalysis(u.package) ?? null;
    const decisions = keys.map((k) => {
      const [, features, host] = JSON.parse(k) as [string, string[], boolean];
      const user = this.units.find(
        (x) => x.package === u.package && x.kind !== 'custom-build' && JSON.stringify(x.features) === JSON.stringify(features) && x.host === host,
      );
      return user ? this.scriptDecisions(user) : undefined;
    });
    return JSON.stringify([analysis, decisions]);
  }

  /**
   * Resolves a unit. While the index opens, a resolution kept in the on-disk cache is used when
   * everything it depends on is unchanged (scan/unit-cache.ts); updates always resolve anew.
   */
  /** What a crate walk of `u` starts from (also for `why`'s traced walks). */
  crateInput(u: Unit): CrateInput {
    const procMacros = this.procMacroCrates?.forUnit(u);
    return { root: u.target.path, packageDir: u.package.dir, cfg: CfgSet.forUnit(this.cfgOptions(u)), ...(procMacros ? { procMacros } : {}) };
  }

  private resolveFiles(u: Unit): CrateFiles {
    const cfg = this.cfgOptions(u);
    const input = this.crateInput(u);
    const tracer = this.opening ? this.options.tracer?.(u) : undefined;
    if (tracer) return resolveCrate(input, this.store, tracer);
    const cache = this.opening ? this.store.cache : undefined;
    if (!cache) return resolveCrate(input, this.store);
    const procMacros = input.procMacros;
    const procKey = procMacros && { ...procMacros, providers: procMacros.providers === 'unknown' ? 'unknown' : [...procMacros.providers].sort() };
    const key = JSON.stringify([input.root, input.packageDir, cfg, procKey ?? null]);
    const cached = cache.unit(key);
    const restored = cached && restoreUnit(this.store, cached, (this.probeStates ??= new ProbeStates(this.store)));
    if (restored) {
      cache.setUnit(key, cached, false);
      for (const f of restored.files) {
        const hash = this.store.hasRead(f) || this.store.hasHash(f) ? this.store.hashOf(f) : undefined;
        if (hash) cache.keep(hash);
      }
      return restored;
    }
    const r = resolveCrate(input, this.store);
    const entry = recordUnit(this.store, r);
    if (entry) cache.setUnit(key, entry, true);
    return r;
  }

  private resolve(u: Unit): void {
    const old = this.byId.get(u.id);
    if (old) for (const f of old.files) this.readers.get(f)?.delete(u.id);
    const r = this.resolveFiles(u);
    const entry: IndexedUnit = {
      unit: u,
      files: [...r.files].sort(),
      external: [...r.external].sort(),
      uncertain: [...r.uncertain].map(([file, reason]) => ({ file, reason })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
      diagnostics: r.diagnostics,
      probed: r.probed,
      listedDirs: r.listedDirs ?? new Set(),
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

  /** What resolution can see of `abs` (see updateFile). */
  private seenAs(abs: string, withCalls: boolean): string {
    const inside = this.store.isInWorkspace(abs);
    const file = inside && this.store.isFile(abs);
    // A file whose macro calls some walk read (a local macro there declares modules): its calls count too.
    const facts = file ? (withCalls ? this.store.factsWithCalls(abs) : this.store.facts(abs)) : undefined;
    return `${inside}|${file}|${file ? JSON.stringify(facts ?? null) : ''}`;
  }

  /**
   * A file's text changed (unsaved editor text, or `undefined` to fall back to disk), or the
   * file was created or deleted on disk. Re-resolves only the units that read or looked for it.
   * Returns the ids of units whose file lists changed.
   */
  updateFile(abs: string, text?: string | undefined, overlay = false): string[] {
    // A resolution sees a file only through the store: inside the workspace or not, a file or
    // not, and its facts. When none of that changes (an edit inside a function body), no unit can.
    const readers = this.entries.filter((e) => e.probed.has(abs) || e.listedDirs.has(dirname(abs)));
    // A file whose hash came from its recorded stat (hashOf) was never read: what the resolutions
    // saw of it is not in memory (reading it now may give an edit's text), so it counts as changed.
    const statOnly = this.store.knownByStatOnly(abs);
    const withCalls = this.store.parsedWithCalls(abs);
    const seenBefore = readers.length > 0 && !statOnly ? this.seenAs(abs, withCalls) : undefined;
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
    const unchanged = seenBefore !== undefined && seenBefore === this.seenAs(abs, withCalls);
    const entries = [...this.entries].sort((a, b) => Number(b.unit.kind === 'custom-build') - Number(a.unit.kind === 'custom-build'));
    for (const e of entries) {
      const listed = e.listedDirs.has(dirname(abs)) || e.listedDirs.has(abs);
      // A build script's file changed (even where its facts did not): what it can print may have
      // changed, and with it the cfgs of its package's other units (which come after it).
      const isScript = e.unit.kind === 'custom-build' && e.probed.has(abs);
      const keys = isScript ? [...this.scriptDecisionMemo.keys()].filter((k) => (JSON.parse(k) as unknown[])[0] === e.unit.id) : [];
      const script = isScript ? this.scriptSignature(e.unit) : undefined;
      if (script !== undefined) this.forgetScript(e.unit.id);
      if ((unchanged || !e.probed.has(abs)) && !listed && !stalePackages.has(e.unit.package.name)) {
        if (script !== undefined && this.scriptSignatureAgain(e.unit, keys) !== script) stalePackages.add(e.unit.package.name);
        continue;
      }
      const before = e.files.join('\n') + '\0' + e.external.join('\n') + '\0' + e.uncertain.map((u) => u.file).join('\n');
      this.resolve(e.unit);
      if (script !== undefined && this.scriptSignatureAgain(e.unit, keys) !== script) stalePackages.add(e.unit.package.name);
      const after = this.byId.get(e.unit.id)!;
      const now = after.files.join('\n') + '\0' + after.external.join('\n') + '\0' + after.uncertain.map((u) => u.file).join('\n');
      if (before !== now) changed.push(e.unit.id);
    }
    return changed;
  }
}

/**
 * The target's cfg and the host's, from as few rustc runs as possible, all at once: without
 * `--target`, the target is the host (`rustc --print cfg`, whose triple comes from `rustc -vV`).
 */
function toolchainCfgs(options: IndexOptions): Promise<[TargetCfg, TargetCfg, string | undefined]> {
  const host = hostTargetCfg({ rustc: options.rustc });
  const target = options.target === undefined ? host : targetCfg(options.target, { rustc: options.rustc });
  return Promise.all([target, host, rustcVersion(options.rustc)]);
}

/** What rustc's answer depends on besides the toolchain itself (which rustc checks when it answers). */
function toolchainKey(options: IndexOptions): string {
  return JSON.stringify([options.rustc ?? findRustc() ?? null, options.target ?? null]);
}

/** Thrown by the store's parser getter while the tree-sitter runtime is still initialising. */
class RuntimeNotReady extends Error {}

function parserIfReady(): Parser {
  if (!runtimeLoaded()) throw new RuntimeNotReady('tree-sitter runtime not initialised yet');
  return rustParserSync();
}

/** Runs `f`; if it needed the parser before the runtime was ready, waits for it (loading it if need be) and runs `f` again. */
async function withRuntime<T>(runtime: () => Promise<void> | undefined, f: () => T): Promise<T> {
  try {
    return f();
  } catch (err) {
    const loading = err instanceof RuntimeNotReady ? runtime() : undefined;
    if (!loading) throw err;
    await loading;
    return f();
  }
}
