/**
 * Feature resolution within a workspace, following cargo's feature resolver
 * (`core/resolver/features.rs`) with every member selected and dev-dependencies included, as
 * `cargo check --workspace --all-targets` does. Host and target features are unified: one
 * feature set per package.
 */
import { InputError, type Diagnostic } from '../diagnostics.js';
import type { Dependency, FeatureOptions, Package, Tri, Workspace } from './model.js';
import { didYouMean } from '../suggest.js';

export interface ResolvedPackage {
  /** Enabled features, sorted. */
  features: string[];
  /** Active dependencies: non-optional and activated optional ones, without those of inactive platforms. */
  deps: Dependency[];
}

/** One entry of a feature's list: `feat`, `dep:name`, `name/feat` or `name?/feat`. */
export type FeatureValue =
  { kind: 'feature'; feature: string } | { kind: 'dep'; dep: string } | { kind: 'dep-feature'; dep: string; feature: string; weak: boolean };

export function parseFeatureValue(value: string): FeatureValue {
  if (value.startsWith('dep:')) return { kind: 'dep', dep: value.slice(4) };
  const slash = value.indexOf('/');
  if (slash > 0) {
    const left = value.slice(0, slash);
    const weak = left.endsWith('?');
    return { kind: 'dep-feature', dep: weak ? left.slice(0, -1) : left, feature: value.slice(slash + 1), weak };
  }
  return { kind: 'feature', feature: value };
}

/**
 * The package's feature map as cargo builds it: the `[features]` table plus an implicit
 * `name = ["dep:name"]` feature for each optional dependency that no feature names with `dep:`.
 */
export function featureMap(pkg: Package): Map<string, string[]> {
  const map = new Map(Object.entries(pkg.features));
  const explicitDeps = new Set<string>();
  for (const values of map.values()) {
    for (const v of values) {
      const fv = parseFeatureValue(v);
      if (fv.kind === 'dep') explicitDeps.add(fv.dep);
    }
  }
  for (const dep of pkg.dependencies) {
    if (!dep.optional || map.has(dep.name) || explicitDeps.has(dep.name)) continue;
    map.set(dep.name, [`dep:${dep.name}`]);
  }
  return map;
}

/**
 * Resolves the features of every member of `ws` for `opts`. `platform` answers whether a
 * `[target.'…'.dependencies]` key applies; 'unknown' counts as applying. Problems (unknown
 * features, features of missing dependencies) are added to `diagnostics` as warnings.
 */
export function resolveFeatures(
  ws: Workspace,
  opts: FeatureOptions,
  platform: (key: string) => Tri,
  diagnostics: Diagnostic[] = [],
): Map<string, ResolvedPackage> {
  const resolver = new FeatureResolver(ws, platform, diagnostics);
  for (const [pkg, fvs] of requestedFeatures(ws, opts, diagnostics)) resolver.activatePackage(pkg, fvs);
  const out = new Map<string, ResolvedPackage>();
  for (const pkg of ws.members) {
    const activated = resolver.activatedDeps.get(pkg.name) ?? new Set<string>();
    out.set(pkg.name, {
      features: [...(resolver.features.get(pkg.name) ?? [])].sort(),
      deps: pkg.dependencies.filter((d) => platformActive(d, platform, pkg.manifestPath) && (!d.optional || activated.has(d.name))),
    });
  }
  return out;
}

export function platformActive(dep: Dependency, platform: (key: string) => Tri, manifestPath: string): boolean {
  if (dep.platform === undefined) return true;
  try {
    return platform(dep.platform) !== false;
  } catch (err) {
    // A malformed `[target.'cfg(…)']` key: cargo rejects the manifest.
    throw new InputError(manifestPath, dep.line ?? 0, undefined, `invalid target key \`${dep.platform}\`: ${(err as Error).message}`);
  }
}

function splitFeatures(list: string[]): string[] {
  return list.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
}

/** The feature values each member is activated with, from the command-line options (cargo's `members_with_features`). */
export function requestedFeatures(ws: Workspace, opts: FeatureOptions, diagnostics: Diagnostic[]): [Package, FeatureValue[]][] {
  const cli: FeatureValue[] = [];
  for (const s of splitFeatures(opts.features)) {
    const fv = parseFeatureValue(s);
    if (fv.kind === 'dep') {
      report(diagnostics, ws.manifestPath, 0, `feature \`${s}\` is not allowed to use explicit \`dep:\` syntax`, 'error');
    } else {
      cli.push(fv);
    }
  }
  const rootPackage = ws.members.find((m) => m.manifestPath === ws.manifestPath);
  const perMember = rootPackage && ws.resolver === '1' ? oldCliBehavior(ws, rootPackage, cli, opts) : newCliBehavior(ws, cli, opts, diagnostics);
  return perMember.map(([pkg, features, usesDefault, all]) => {
    const map = featureMap(pkg);
    const fvs = [...features];
    if (usesDefault && map.has('default')) fvs.push({ kind: 'feature', feature: 'default' });
    if (all) for (const k of map.keys()) fvs.push({ kind: 'feature', feature: k });
    for (const fv of fvs) {
      if (fv.kind === 'feature' && !map.has(fv.feature)) {
        report(
          diagnostics,
          pkg.manifestPath,
          0,
          `the package \`${pkg.name}\` does not contain this feature: ${fv.feature}${didYouMean(fv.feature, map.keys())}`,
          'error',
        );
      }
    }
    return [pkg, fvs.filter((fv) => fv.kind !== 'feature' || map.has(fv.feature))];
  });
}

type MemberRequest = [Package, FeatureValue[], boolean /* uses default */, boolean /* all features */];

/** Resolver 2+ (or a virtual workspace): each `feat` goes to every member that has it, `pkg/feat` to one. */
function newCliBehavior(ws: Workspace, cli: FeatureValue[], opts: FeatureOptions, diagnostics: Diagnostic[]): MemberRequest[] {
  const found = new Set<number>();
  const out = ws.members.map((m): MemberRequest => {
    const map = featureMap(m);
    const depNames = new Set(m.dependencies.map((d) => d.name));
    const optionalDeps = new Set(m.dependencies.filter((d) => d.optional).map((d) => d.name));
    const has = (f: string) => map.has(f) || optionalDeps.has(f);
    const features: FeatureValue[] = [];
    cli.forEach((fv, i) => {
      if (fv.kind === 'feature' && has(fv.feature)) {
        features.push(fv);
        found.add(i);
      } else if (fv.kind === 'dep-feature') {
        if (depNames.has(fv.dep)) {
          features.push(fv);
          found.add(i);
        } else if (fv.dep === m.name && has(fv.feature)) {
          features.push({ kind: 'feature', feature: fv.feature });
          found.add(i);
        }
      }
    });
    return [m, features, !opts.noDefaultFeatures, opts.allFeatures];
  });
  const missing = cli.filter((_, i) => !found.has(i)).map(showFeatureValue);
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'this feature' : 'these features';
    const known = ws.members.flatMap((m) => [...featureMap(m).keys(), ...m.dependencies.filter((d) => d.optional).map((d) => d.name)]);
    const hint = missing.length === 1 ? didYouMean(missing[0]!, new Set(known)) : '';
    report(diagnostics, ws.manifestPath, 0, `none of the selected packages contains ${what}: ${missing.sort().join(', ')}${hint}`, 'error');
  }
  return out;
}

/**
 * Resolver 1 with a root package: `--features` and `--no-default-features` apply to the root
 * package only; `member/feat` reaches another member.
 */
function oldCliBehavior(ws: Workspace, current: Package, cli: FeatureValue[], opts: FeatureOptions): MemberRequest[] {
  const specific = new Map<string, FeatureValue[]>();
  const cwd: FeatureValue[] = [];
  for (const fv of cli) {
    if (fv.kind === 'dep-feature' && fv.dep !== current.name && ws.members.some((m) => m.name === fv.dep)) {
      const list = specific.get(fv.dep) ?? [];
      list.push({ kind: 'feature', feature: fv.feature });
      specific.set(fv.dep, list);
    } else {
      cwd.push(fv);
    }
  }
  return ws.members.map((m): MemberRequest =>
    m === current ? [m, cwd, !opts.noDefaultFeatures, opts.allFeatures] : [m, specific.get(m.name) ?? [], true, opts.allFeatures],
  );
}

function showFeatureValue(fv: FeatureValue): string {
  if (fv.kind === 'feature') return fv.feature;
  if (fv.kind === 'dep') return `dep:${fv.dep}`;
  return `${fv.dep}${fv.weak ? '?' : ''}/${fv.feature}`;
}

function warn(diagnostics: Diagnostic[], file: string, line: number, message: string): void {
  report(diagnostics, file, line, message, 'warning');
}

/** Features cargo rejects on the command line are errors (the index still resolves without them). */
function report(diagnostics: Diagnostic[], file: string, line: number, message: string, severity: Diagnostic['severity']): void {
  if (diagnostics.some((d) => d.file === file && d.line === line && d.message === message)) return;
  diagnostics.push({ file, line, severity, message });
}

/** A dependency declaration of `pkg`, which asked for features of the package it names. */
interface Via {
  pkg: Package;
  dep: Dependency;
}

/** cargo's `FeatureResolver`, over workspace members (other packages are not followed). */
class FeatureResolver {
  readonly features = new Map<string, Set<string>>();
  readonly activatedDeps = new Map<string, Set<string>>();
  private readonly processed = new Set<string>();
  /** package → dependency name → features waiting for that optional dependency (`dep?/feat`). */
  private readonly deferredWeak = new Map<string, Map<string, Set<string>>>();
  private readonly byDir = new Map<string, Package>();
  private readonly maps = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly ws: Workspace,
    private readonly platform: (key: string) => Tri,
    private readonly diagnostics: Diagnostic[],
  ) {
    for (const m of ws.members) {
      this.byDir.set(m.dir, m);
      this.maps.set(m.name, featureMap(m));
    }
  }

  /** The dependencies that take part in resolution: resolver 2+ ignores those of inactive platforms. */
  private deps(pkg: Package): Dependency[] {
    if (this.ws.resolver === '1') return pkg.dependencies;
    return pkg.dependencies.filter((d) => platformActive(d, this.platform, pkg.manifestPath));
  }

  private member(dep: Dependency): Package | undefined {
    return dep.path === undefined ? undefined : this.byDir.get(dep.path);
  }

  /** `via`: the dependency declaration that asks for `fvs`, for diagnostics. */
  activatePackage(pkg: Package, fvs: FeatureValue[], via?: Via): void {
    if (!this.features.has(pkg.name)) this.features.set(pkg.name, new Set());
    for (const fv of fvs) this.activateValue(pkg, fv, via);
    if (this.processed.has(pkg.name)) return;
    this.processed.add(pkg.name);
    for (const dep of this.deps(pkg)) {
      if (dep.optional) continue;
      const target = this.member(dep);
      if (target) this.activatePackage(target, this.fromDependency(target, dep), { pkg, dep });
    }
  }

  /** What a dependency declaration asks of the package it names: its `features`, and `default`. */
  private fromDependency(target: Package, dep: Dependency): FeatureValue[] {
    const fvs = dep.features.map(parseFeatureValue);
    if (dep.defaultFeatures && this.maps.get(target.name)?.has('default')) fvs.push({ kind: 'feature', feature: 'default' });
    return fvs;
  }

  private activateValue(pkg: Package, fv: FeatureValue, via: Via | undefined): void {
    if (fv.kind === 'feature') this.activateFeature(pkg, fv.feature, via);
    else if (fv.kind === 'dep') this.activateDependency(pkg, fv.dep);
    else this.activateDependencyFeature(pkg, fv.dep, fv.feature, fv.weak);
  }

  private activateFeature(pkg: Package, feature: string, via: Via | undefined): void {
    const enabled = this.features.get(pkg.name) ?? new Set<string>();
    this.features.set(pkg.name, enabled);
    if (enabled.has(feature)) return;
    const values = this.maps.get(pkg.name)?.get(feature);
    if (values === undefined) {
      const file = via ? via.pkg.manifestPath : pkg.manifestPath;
      const line = via?.dep.line ?? 0;
      warn(
        this.diagnostics,
        file,
        line,
        via
          ? `package \`${via.pkg.name}\` depends on \`${pkg.name}\` with feature \`${feature}\` but \`${pkg.name}\` does not have that feature`
          : `package \`${pkg.name}\` has no feature \`${feature}\``,
      );
      return;
    }
    enabled.add(feature);
    for (const v of values) this.activateValue(pkg, parseFeatureValue(v), undefined);
  }

  private activateDependency(pkg: Package, depName: string): void {
    let activated = this.activatedDeps.get(pkg.name);
    if (!activated) this.activatedDeps.set(pkg.name, (activated = new Set()));
    activated.add(depName);
    const waiting = this.deferredWeak.get(pkg.name)?.get(depName);
    this.deferredWeak.get(pkg.name)?.delete(depName);
    for (const dep of this.deps(pkg)) {
      if (dep.name !== depName) continue;
      const target = this.member(dep);
      if (!target) continue;
      for (const f of waiting ?? []) this.activateValue(target, parseFeatureValue(f), { pkg, dep });
      this.activatePackage(target, this.fromDependency(target, dep), { pkg, dep });
    }
  }

  private activateDependencyFeature(pkg: Package, depName: string, feature: string, weak: boolean): void {
    if (!pkg.dependencies.some((d) => d.name === depName)) {
      warn(
        this.diagnostics,
        pkg.manifestPath,
        0,
        `feature \`${depName}/${feature}\` of package \`${pkg.name}\` names \`${depName}\`, which is not a dependency`,
      );
      return;
    }
    for (const dep of this.deps(pkg)) {
      if (dep.name !== depName) continue;
      if (dep.optional) {
        if (weak) {
          if (!this.activatedDeps.get(pkg.name)?.has(depName)) {
            let byDep = this.deferredWeak.get(pkg.name);
            if (!byDep) this.deferredWeak.set(pkg.name, (byDep = new Map()));
            let set = byDep.get(depName);
            if (!set) byDep.set(depName, (set = new Set()));
            set.add(feature);
            continue;
          }
        } else {
          this.activateDependency(pkg, depName);
          // Before `dep:` existed, `dep/feat` also enabled the feature named after the dependency.
          if (this.maps.get(pkg.name)?.has(depName)) this.activateFeature(pkg, depName, undefined);
        }
      }
      const target = this.member(dep);
      if (target) this.activateValue(target, parseFeatureValue(feature), { pkg, dep });
    }
  }
}
