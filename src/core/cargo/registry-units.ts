/**
 * The units of registry packages (lib or proc-macro, and the build script) that the workspace's
 * units need, and the edges from the members' units to them. Registry units are for the Nix
 * builder only: the indexer shows members' units alone.
 *
 * Ids: `NAME@VERSION/KIND/TARGET`, plus `[host]` for a copy built for the host that differs from
 * the target copy (resolver 2 resolves build-dependencies and proc-macros separately). Nothing in
 * a registry unit depends on the workspace, so the same crate, version and features give the same
 * unit in every workspace.
 */
import type { ActiveDep, DependencyGraph, GraphNode } from './graph.js';
import type { Target } from './model.js';
import type { Unit, UnitDep } from './units.js';

function libOf(node: GraphNode): Target | undefined {
  return node.pkg.targets.find((t) => t.kind === 'lib' || t.kind === 'proc-macro');
}

function buildScriptOf(node: GraphNode): Target | undefined {
  return node.pkg.targets.find((t) => t.kind === 'custom-build');
}

function byId(a: UnitDep, b: UnitDep): number {
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
}

function externName(d: ActiveDep, lib: Target): string {
  return d.dep.name !== d.dep.package ? d.dep.name.replace(/-/g, '_') : lib.crateName;
}

export class RegistryUnits {
  /** Every registry unit, by id. */
  readonly units = new Map<string, Unit>();
  /** Registry package of each registry unit (by unit id). */
  readonly nodeOf = new Map<string, GraphNode>();
  private readonly libs = new Map<string, string | null>();
  private readonly signatures = new Map<string, string>();

  /**
   * `separateHost`: host units differ from target units (a `--target` other than the host).
   * `hostShares(package)`: whether the profile builds the package alike for host and target
   * (else its host copy is a unit of its own, as cargo's release builds have them).
   */
  constructor(
    private readonly graph: DependencyGraph,
    private readonly separateHost = false,
    private readonly hostShares: (pkg: string) => boolean = () => true,
  ) {}

  /** The registry dependencies a member's unit has (libraries, and `links` build scripts for a build script). */
  depsOf(u: Unit): UnitDep[] {
    const node = this.graph.nodes.get(u.package.name)!;
    const out: UnitDep[] = [];
    const withDev = u.test || u.kind === 'test' || u.kind === 'example' || u.kind === 'bench';
    for (const d of this.graph.activeDeps(node, u.host)) {
      if (d.node.member) continue;
      if (u.kind === 'custom-build') {
        if (d.dep.kind === 'build') this.pushLib(out, d);
        else if (d.dep.kind === 'normal') this.pushLinks(out, d);
      } else if (d.dep.kind === 'normal' || (d.dep.kind === 'dev' && withDev)) {
        this.pushLib(out, d);
      }
    }
    return out.sort(byId);
  }

  private pushLib(out: UnitDep[], d: ActiveDep): void {
    const lib = libOf(d.node);
    const id = this.lib(d.node, d.host);
    if (lib && id && !out.some((x) => x.unitId === id))
      out.push({ unitId: id, externName: externName(d, lib), kind: d.dep.kind === 'dev' ? 'dev' : d.dep.kind === 'build' ? 'build' : 'normal' });
  }

  private pushLinks(out: UnitDep[], d: ActiveDep): void {
    if (d.node.pkg.metadata.links === undefined || !buildScriptOf(d.node)) return;
    const id = this.lib(d.node, d.host);
    const script = id ? this.units.get(id)?.deps.find((x) => x.kind === 'build-script') : undefined;
    if (script && !out.some((x) => x.unitId === script.unitId)) out.push({ unitId: script.unitId, externName: 'build_script_build', kind: 'build-script' });
  }

  /** The lib (or proc-macro) unit of a registry package on a side; null when it has no library. */
  lib(node: GraphNode, host: boolean): string | null {
    const memo = `${node.key}${host ? '#host' : ''}`;
    const known = this.libs.get(memo);
    if (known !== undefined) return known;
    const lib = libOf(node);
    if (!lib) {
      this.libs.set(memo, null);
      return null;
    }
    // The target copy first: the host copy reuses it when it comes out the same.
    const target = host && this.graph.featuresOf(node.key, false) !== undefined ? this.lib(node, false) : undefined;
    const features = this.graph.featuresOf(node.key, host) ?? [];
    const deps: UnitDep[] = [];
    const script = buildScriptOf(node);
    let scriptDeps: UnitDep[] = [];
    for (const d of this.graph.activeDeps(node, host)) {
      if (d.dep.kind === 'normal') this.pushLib(deps, d);
      if (script && d.dep.kind === 'build') this.pushLib(scriptDeps, d);
      if (script && d.dep.kind === 'normal') this.pushLinks(scriptDeps, d);
    }
    scriptDeps = scriptDeps.sort(byId);
    const signature = JSON.stringify([features, deps.map((d) => d.unitId).sort(), scriptDeps.map((d) => d.unitId)]);
    const base = `${node.pkg.name}@${node.pkg.version}`;
    if (target && !this.separateHost && this.signatures.get(target) === signature && this.hostShares(node.pkg.name)) {
      this.libs.set(memo, target);
      return target;
    }
    const suffix = target ? '[host]' : '';
    const id = `${base}/${lib.kind}/${lib.name}${suffix}`;
    const mk = (t: Target, isHost: boolean, unitDeps: UnitDep[], uid: string): Unit => {
      const unit: Unit = {
        id: uid,
        package: node.pkg,
        target: t,
        kind: t.kind,
        name: t.name,
        test: false,
        cfgTest: false,
        host: isHost,
        features,
        deps: unitDeps,
      };
      this.units.set(uid, unit);
      this.nodeOf.set(uid, node);
      return unit;
    };
    if (script) {
      const sid = `${base}/custom-build/${script.name}${suffix}`;
      mk(script, true, scriptDeps, sid);
      deps.push({ unitId: sid, externName: script.crateName, kind: 'build-script' });
    }
    mk(lib, host || lib.kind === 'proc-macro', deps.sort(byId), id);
    this.signatures.set(id, signature);
    this.libs.set(memo, id);
    return id;
  }
}
