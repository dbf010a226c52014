/**
 * The units `cargo check --workspace --all-targets` compiles for the workspace members, and the
 * edges between them (cargo's `ops/cargo_compile/unit_generator.rs` and
 * `core/compiler/unit_dependencies.rs`), with check/build modes and host/target copies merged:
 * one unit per target and test-mode.
 */
import { InputError } from '../diagnostics.js';
import type { ResolvedPackage } from './features.js';
import type { Dependency, Package, Target, TargetKind, Workspace } from './model.js';

export interface UnitDep {
  unitId: string;
  /** The name the dependent crate uses for it (`--extern NAME=…`), underscores only. */
  externName: string;
  /**
   * `lib`: the package's own library; `normal`/`dev`/`build`: a dependency of that kind (a
   * dependency that is both normal and dev is `normal`); `build-script`: a build script whose
   * output the unit uses (its own package's, or a `links` dependency's for a build script).
   */
  kind: 'lib' | 'normal' | 'dev' | 'build' | 'build-script';
}

export interface Unit {
  /** `<package>/<kind>/<target name>`, plus `[test]` for the test-mode build of a lib, bin or example. */
  id: string;
  package: Package;
  target: Target;
  kind: TargetKind;
  name: string;
  /** The unit is a test-mode build (cargo's CompileMode test). */
  test: boolean;
  /** rustc gets `--test` (test && target.harness). */
  cfgTest: boolean;
  /** Compiled for the host: build scripts and proc-macros. */
  host: boolean;
  /** Sorted enabled features of its package. */
  features: string[];
  /** Sorted by unitId. */
  deps: UnitDep[];
}

/**
 * Plans the units of `cargo check --workspace --all-targets` (or `-p` for each of
 * `opts.packages`: their targets, plus the libraries and build scripts of the members they
 * depend on). Units are sorted by id. Throws InputError for a package name that is not a member.
 */
export function planUnits(ws: Workspace, resolved: Map<string, ResolvedPackage>, opts: { packages?: string[] } = {}): Unit[] {
  return new UnitPlanner(ws, resolved).plan(opts.packages);
}

const HAS_NON_TEST_BUILD: ReadonlySet<TargetKind> = new Set<TargetKind>(['lib', 'proc-macro', 'bin', 'example']);

export function unitId(pkg: Package, target: Target, test: boolean): string {
  return `${pkg.name}/${target.kind}/${target.name}${test && HAS_NON_TEST_BUILD.has(target.kind) ? '[test]' : ''}`;
}

function libOf(pkg: Package): Target | undefined {
  return pkg.targets.find((t) => t.kind === 'lib' || t.kind === 'proc-macro');
}

function buildScriptOf(pkg: Package): Target | undefined {
  return pkg.targets.find((t) => t.kind === 'custom-build');
}

/** A library other crates of its package can link (cargo's `is_linkable`). */
function isLinkable(t: Target | undefined): t is Target {
  return t !== undefined && t.crateTypes.some((c) => c === 'lib' || c === 'rlib' || c === 'dylib' || c === 'proc-macro');
}

class UnitPlanner {
  private readonly byDir = new Map<string, Package>();
  private readonly units = new Map<string, Unit>();

  constructor(
    private readonly ws: Workspace,
    private readonly resolved: Map<string, ResolvedPackage>,
  ) {
    for (const m of ws.members) this.byDir.set(m.dir, m);
  }

  plan(packages: string[] | undefined): Unit[] {
    const roots =
      packages === undefined
        ? this.ws.members
        : packages.map((name) => {
            const pkg = this.ws.members.find((m) => m.name === name);
            if (!pkg) throw new InputError(this.ws.manifestPath, 0, undefined, `package \`${name}\` is not a member of the workspace`);
            return pkg;
          });
    for (const pkg of roots) {
      for (const [target, test] of this.rootTargets(pkg)) this.unit(pkg, target, test);
    }
    return [...this.units.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private features(pkg: Package): string[] {
    return [...(this.resolved.get(pkg.name)?.features ?? [])].sort();
  }

  private activeDeps(pkg: Package): Dependency[] {
    return this.resolved.get(pkg.name)?.deps ?? [];
  }

  private member(dep: Dependency): Package | undefined {
    return dep.path === undefined ? undefined : this.byDir.get(dep.path);
  }

  /** `required-features`: `feat` of the package, or `dep/feat` of one of its dependencies. */
  private requiredFeaturesMet(pkg: Package, target: Target): boolean {
    const own = new Set(this.features(pkg));
    return target.requiredFeatures.every((f) => {
      const slash = f.indexOf('/');
      if (slash < 0) return own.has(f);
      const depName = f.slice(0, slash);
      const feature = f.slice(slash + 1);
      return this.activeDeps(pkg).some((d) => {
        if (d.name !== depName) return false;
        const target = this.member(d);
        // Outside the workspace only what the declaration itself asks for is known.
        if (!target) return d.features.includes(feature) || (feature === 'default' && d.defaultFeatures);
        return this.features(target).includes(feature);
      });
    });
  }

  /** What `--all-targets` selects in a package: `[target, test mode]`. */
  private rootTargets(pkg: Package): [Target, boolean][] {
    const out: [Target, boolean][] = [];
    for (const t of pkg.targets) {
      if (t.kind === 'custom-build') continue;
      if (t.kind !== 'lib' && t.kind !== 'proc-macro' && !this.requiredFeaturesMet(pkg, t)) continue;
      const testMode = t.test || t.bench;
      if (HAS_NON_TEST_BUILD.has(t.kind)) out.push([t, false]);
      if (testMode) out.push([t, true]);
    }
    return out;
  }

  private unit(pkg: Package, target: Target, test: boolean): Unit {
    const id = unitId(pkg, target, test);
    const existing = this.units.get(id);
    if (existing) return existing;
    const unit: Unit = {
      id,
      package: pkg,
      target,
      kind: target.kind,
      name: target.name,
      test,
      cfgTest: test && target.harness,
      host: target.kind === 'custom-build' || target.kind === 'proc-macro',
      features: this.features(pkg),
      deps: [],
    };
    this.units.set(id, unit);
    const deps = target.kind === 'custom-build' ? this.buildScriptDeps(pkg) : this.compileDeps(pkg, target, test);
    unit.deps = [...deps.values()].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
    return unit;
  }

  /** The extern name cargo gives `to`'s library in `from`: a rename when the declaration has one, else the lib's crate name. */
  private externName(from: Package, to: Package, lib: Target): string {
    const renamed = from.dependencies.find((d) => this.member(d) === to && d.name !== d.package);
    return renamed ? renamed.name.replace(/-/g, '_') : lib.crateName;
  }

  private depOnLib(into: Map<string, UnitDep>, from: Package, to: Package, kind: 'normal' | 'dev' | 'build'): void {
    const lib = libOf(to);
    if (!lib) return; // cargo ignores a dependency without a library (with a warning)
    const dep = this.unit(to, lib, false);
    const prev = into.get(dep.id);
    if (prev && (prev.kind === 'normal' || kind === 'dev')) return;
    into.set(dep.id, { unitId: dep.id, externName: this.externName(from, to, lib), kind });
  }

  private depOnBuildScript(into: Map<string, UnitDep>, pkg: Package): void {
    const script = buildScriptOf(pkg);
    if (!script) return;
    const dep = this.unit(pkg, script, false);
    into.set(dep.id, { unitId: dep.id, externName: script.crateName, kind: 'build-script' });
  }

  /** A lib, bin, example, test or bench: its dependencies' libraries, its build script, its own library. */
  private compileDeps(pkg: Package, target: Target, test: boolean): Map<string, UnitDep> {
    const out = new Map<string, UnitDep>();
    const withDev = test || target.kind === 'test' || target.kind === 'example' || target.kind === 'bench';
    for (const d of this.activeDeps(pkg)) {
      if (d.kind === 'build' || (d.kind === 'dev' && !withDev)) continue;
      const to = this.member(d);
      if (to) this.depOnLib(out, pkg, to, d.kind);
    }
    this.depOnBuildScript(out, pkg);
    if (target.kind !== 'lib' && target.kind !== 'proc-macro') {
      const lib = libOf(pkg);
      if (isLinkable(lib)) {
        const dep = this.unit(pkg, lib, false);
        out.set(dep.id, { unitId: dep.id, externName: lib.crateName, kind: 'lib' });
      }
    }
    return out;
  }

  /**
   * A build script: its build-dependencies' libraries, and (to run it) the build scripts of the
   * normal dependencies that declare `links`, whose metadata it receives as `DEP_*` variables.
   */
  private buildScriptDeps(pkg: Package): Map<string, UnitDep> {
    const out = new Map<string, UnitDep>();
    for (const d of this.activeDeps(pkg)) {
      const to = this.member(d);
      if (!to) continue;
      if (d.kind === 'build') this.depOnLib(out, pkg, to, 'build');
      else if (d.kind === 'normal' && to !== pkg && to.metadata.links !== undefined && isLinkable(libOf(to))) {
        this.depOnBuildScript(out, to);
      }
    }
    return out;
  }
}
