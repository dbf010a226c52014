/**
 * The whole dependency graph of a workspace: its members plus the registry packages Cargo.lock
 * locks, with cargo's feature resolution across all of it (`core/resolver/features.rs`).
 *
 * - Resolver 2+: features per (package, for-host); build-dependencies and proc-macros (and all
 *   below them) are resolved for the host separately; dependencies of inactive platforms are ignored.
 * - Resolver 1 (or `unified`): one feature set per package, every platform's dependencies count.
 * - dev-dependencies take part for workspace members only, as in `cargo build --all-targets`.
 */
import { type Diagnostic, InputError } from '../diagnostics.js';
import { featureMap, parseFeatureValue, platformActive, requestedFeatures, type FeatureValue } from './features.js';
import { crateKey, isGitSource, isRegistrySource, lockedDependency, type Lockfile, type LockedPackage } from './lockfile.js';
import type { Dependency, FeatureOptions, Package, Tri, Workspace } from './model.js';
import { satisfies } from './semver.js';
import { loadPackage } from './workspace.js';

export interface GraphNode {
  /** A member's name, or `NAME-VERSION` for a registry package. */
  key: string;
  pkg: Package;
  locked: LockedPackage | undefined;
  member: boolean;
}

export interface GraphOptions {
  features: FeatureOptions;
  /** Whether a `[target.…]` key applies to the target, and to the host. */
  platform: (key: string) => Tri;
  hostPlatform: (key: string) => Tri;
  /** Overrides the workspace's resolver: '1' unifies everything (what `cargo metadata` reports). */
  resolver?: '1' | '2';
  /**
   * Resolve as cargo's dependency resolver does for Cargo.lock and `cargo metadata`: there a weak
   * `dep?/feat` also pulls the optional dependency in. Builds (the feature resolver) never do that.
   */
  lockView?: boolean;
  /** The directory holding each registry package's source, by `NAME-VERSION`. */
  crateDir: (p: LockedPackage) => string;
}

export interface ActiveDep {
  dep: Dependency;
  node: GraphNode;
  /** Resolved for the host. */
  host: boolean;
}

const sideKey = (key: string, host: boolean) => `${key}${host ? '#host' : ''}`;

export class DependencyGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly diagnostics: Diagnostic[] = [];
  readonly resolver: '1' | '2';
  private readonly byDir = new Map<string, GraphNode>();
  private readonly features = new Map<string, Set<string>>();
  private readonly activated = new Map<string, Set<string>>();
  private readonly processed = new Set<string>();
  private readonly deferred = new Map<string, Map<string, Set<string>>>();
  private readonly maps = new Map<string, Map<string, string[]>>();

  constructor(
    readonly ws: Workspace,
    readonly lock: Lockfile,
    private readonly opts: GraphOptions,
  ) {
    this.resolver = opts.resolver ?? (ws.resolver === '1' ? '1' : '2');
    for (const m of ws.members) {
      const locked = lock.packages.find((p) => p.name === m.name && p.version === m.version && p.source === undefined);
      const node: GraphNode = { key: m.name, pkg: m, locked, member: true };
      this.nodes.set(m.name, node);
      this.byDir.set(m.dir, node);
    }
    for (const [pkg, fvs] of requestedFeatures(ws, opts.features, this.diagnostics)) this.activatePackage(this.nodes.get(pkg.name)!, false, fvs);
  }

  private get tracksHost(): boolean {
    return this.resolver !== '1';
  }

  /** The features of a package on one side (sorted); resolver 1 has only one side. */
  featuresOf(key: string, host: boolean): string[] | undefined {
    const f = this.features.get(sideKey(key, host && this.tracksHost));
    return f ? [...f].sort() : undefined;
  }

  /** Every (package, side) reached: `[node, host]`. */
  reached(): [GraphNode, boolean][] {
    return [...this.features.keys()].map((k) => {
      const host = k.endsWith('#host');
      return [this.nodes.get(host ? k.slice(0, -5) : k)!, host];
    });
  }

  private map(node: GraphNode): Map<string, string[]> {
    let m = this.maps.get(node.key);
    if (!m) this.maps.set(node.key, (m = featureMap(node.pkg)));
    return m;
  }

  /** The dependencies that take part in feature resolution on a side. */
  private resolutionDeps(node: GraphNode, host: boolean): Dependency[] {
    return node.pkg.dependencies.filter(
      (d) =>
        (d.kind !== 'dev' || node.member) && (!this.tracksHost || platformActive(d, host ? this.opts.hostPlatform : this.opts.platform, node.pkg.manifestPath)),
    );
  }

  /** The package a dependency declaration resolves to, loading registry packages on first use. */
  target(from: GraphNode, dep: Dependency): GraphNode {
    if (dep.path !== undefined) {
      const n = this.byDir.get(dep.path);
      if (n) return n;
      throw new InputError(from.pkg.manifestPath, dep.line ?? 0, undefined, `path dependency \`${dep.name}\` (${dep.path}) is not a member of the workspace`);
    }
    const where = from.locked ? `${this.lock.path}:${from.locked.line}` : this.lock.path;
    if (!from.locked)
      throw new InputError(
        this.lock.path,
        0,
        undefined,
        `package \`${from.pkg.name} v${from.pkg.version}\` is missing from Cargo.lock (run \`cargo generate-lockfile\`)`,
      );
    const locked = lockedDependency(this.lock, from.locked, dep.package, (p) => satisfies(p.version, dep.version));
    if (!locked) {
      throw new InputError(
        this.lock.path,
        from.locked.line,
        undefined,
        `Cargo.lock does not lock \`${dep.package}${dep.version ? ` ${dep.version}` : ''}\`, a dependency of \`${from.pkg.name} v${from.pkg.version}\` (${where}); run \`cargo generate-lockfile\``,
      );
    }
    if (!isRegistrySource(locked.source) && !isGitSource(locked.source)) {
      throw new InputError(
        this.lock.path,
        locked.line,
        undefined,
        `\`${locked.name} v${locked.version}\` has no registry source in Cargo.lock (${locked.source ?? 'none'})`,
      );
    }
    const key = crateKey(locked);
    let node = this.nodes.get(key);
    if (!node) {
      const pkg = loadPackage(`${this.opts.crateDir(locked)}/Cargo.toml`, this.diagnostics);
      node = { key, pkg, locked, member: false };
      this.nodes.set(key, node);
    }
    return node;
  }

  private isProcMacro(node: GraphNode): boolean {
    return node.pkg.targets.some((t) => t.kind === 'proc-macro');
  }

  /** The side a dependency is resolved on. */
  depHost(host: boolean, dep: Dependency, to: GraphNode): boolean {
    return this.tracksHost && (host || dep.kind === 'build' || this.isProcMacro(to));
  }

  private activatePackage(node: GraphNode, host: boolean, fvs: FeatureValue[]): void {
    const k = sideKey(node.key, host);
    if (!this.features.has(k)) this.features.set(k, new Set());
    for (const fv of fvs) this.activateValue(node, host, fv);
    if (this.processed.has(k)) return;
    this.processed.add(k);
    for (const dep of this.resolutionDeps(node, host)) {
      if (dep.optional) continue;
      const to = this.target(node, dep);
      this.activatePackage(to, this.depHost(host, dep, to), this.fromDependency(to, dep));
    }
  }

  private fromDependency(to: GraphNode, dep: Dependency): FeatureValue[] {
    const fvs = dep.features.map(parseFeatureValue);
    if (dep.defaultFeatures && this.map(to).has('default')) fvs.push({ kind: 'feature', feature: 'default' });
    return fvs;
  }

  private activateValue(node: GraphNode, host: boolean, fv: FeatureValue): void {
    if (fv.kind === 'feature') this.activateFeature(node, host, fv.feature);
    else if (fv.kind === 'dep') this.activateDependency(node, host, fv.dep);
    else this.activateDepFeature(node, host, fv.dep, fv.feature, fv.weak);
  }

  private activateFeature(node: GraphNode, host: boolean, feature: string): void {
    const enabled = this.features.get(sideKey(node.key, host))!;
    if (enabled.has(feature)) return;
    const values = this.map(node).get(feature);
    if (values === undefined) {
      this.diagnostics.push({
        file: node.pkg.manifestPath,
        line: 0,
        severity: 'warning',
        message: `package \`${node.pkg.name}\` has no feature \`${feature}\``,
      });
      return;
    }
    enabled.add(feature);
    for (const v of values) this.activateValue(node, host, parseFeatureValue(v));
  }

  private activateDependency(node: GraphNode, host: boolean, depName: string): void {
    const k = sideKey(node.key, host);
    let set = this.activated.get(k);
    if (!set) this.activated.set(k, (set = new Set()));
    set.add(depName);
    const waiting = this.deferred.get(k)?.get(depName);
    this.deferred.get(k)?.delete(depName);
    for (const dep of this.resolutionDeps(node, host)) {
      if (dep.name !== depName) continue;
      const to = this.target(node, dep);
      const toHost = this.depHost(host, dep, to);
      this.activatePackage(to, toHost, this.fromDependency(to, dep));
      for (const f of waiting ?? []) this.activateValue(to, toHost, parseFeatureValue(f));
    }
  }

  private activateDepFeature(node: GraphNode, host: boolean, depName: string, feature: string, weak: boolean): void {
    const k = sideKey(node.key, host);
    for (const dep of this.resolutionDeps(node, host)) {
      if (dep.name !== depName) continue;
      if (dep.optional) {
        if (weak && this.opts.lockView) {
          this.activateDependency(node, host, depName);
        } else if (weak) {
          if (!this.activated.get(k)?.has(depName)) {
            let byDep = this.deferred.get(k);
            if (!byDep) this.deferred.set(k, (byDep = new Map()));
            let set = byDep.get(depName);
            if (!set) byDep.set(depName, (set = new Set()));
            set.add(feature);
            continue;
          }
        } else {
          this.activateDependency(node, host, depName);
          if (this.map(node).has(depName)) this.activateFeature(node, host, depName);
        }
      }
      const to = this.target(node, dep);
      const toHost = this.depHost(host, dep, to);
      this.activatePackage(to, toHost, []);
      this.activateValue(to, toHost, parseFeatureValue(feature));
    }
  }

  /**
   * The dependencies of a package on a side that its units use: non-optional or activated, of an
   * active platform (whatever the resolver), dev-dependencies of members included.
   */
  activeDeps(node: GraphNode, host: boolean): ActiveDep[] {
    const side = host && this.tracksHost;
    const activated = this.activated.get(sideKey(node.key, side)) ?? new Set<string>();
    return node.pkg.dependencies
      .filter(
        (d) =>
          (d.kind !== 'dev' || node.member) &&
          platformActive(d, host ? this.opts.hostPlatform : this.opts.platform, node.pkg.manifestPath) &&
          (!d.optional || activated.has(d.name)),
      )
      .map((dep) => {
        const to = this.target(node, dep);
        return { dep, node: to, host: dep.kind === 'build' || this.isProcMacro(to) || host };
      });
  }
}
