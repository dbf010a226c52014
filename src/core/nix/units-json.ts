/**
 * The machine-independent unit description that the Nix library (`nix/default.nix`) reads with
 * `builtins.fromJSON`: per unit its files (relative to the workspace root), what rustc needs,
 * deps with extern names and artifact files, and the cargo environment with absolute paths
 * replaced by placeholders.
 *
 * Placeholders: `@src@` is the unit's filtered source in the store (the workspace root inside it),
 * `@out_dir@` the build-script run's output. The Nix side substitutes them.
 */
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { featureMap } from '../cargo/features.js';
import type { Package } from '../cargo/model.js';
import type { Unit } from '../cargo/units.js';
import type { UnitIndex } from '../index.js';
import { isInside, toRelative } from '../paths.js';
import { cargoEnv, crateTypes, packageEnv } from '../rustc-args.js';
import type { NixCrate, RegistryContext } from './registry.js';

export interface NixUnitDep {
  id: string;
  /** `--extern NAME=…`: the name the dependent's code uses (renames included). */
  externName: string;
  kind: string;
  /** The artifact in the dependency's output: `libNAME.rlib`, or `libNAME.so` for a proc-macro. */
  file: string;
}

/** How a build script is run (custom-build units only). */
export interface NixRun {
  /** The package directory (relative to the root; `""` for the root), the run's source. */
  dir: string;
  /** Relative paths inside `dir` left out of the run's source: target/, nested packages, the Nix directory. */
  exclude: string[];
  /**
   * The paths its last run printed as `rerun-if-changed` (workspace-relative, learned by
   * `cargo-units build`): when set, the run's source is exactly these instead of `dir`.
   */
  files: string[] | null;
  /** Cargo's build-script environment, without CARGO_CFG_* (top-level `cfgEnv`) and OUT_DIR. */
  env: Record<string, string>;
  /** Build scripts of dependencies with `links`: their metadata becomes `<prefix>KEY`. */
  linksDeps: { id: string; prefix: string }[];
}

export interface NixUnit {
  id: string;
  /** A store-path-safe name derived from the id. */
  drvName: string;
  package: string;
  packageDir: string;
  /** A registry unit's crate (key of `crates`): its src is the crate's source, not workspace files. */
  crate: string | null;
  /** `--cap-lints`: `allow` for registry crates, as cargo does for non-local packages. */
  capLints: string | null;
  kind: string;
  name: string;
  crateName: string;
  crateTypes: string[];
  /** Test-mode unit (`cargo test` builds it). */
  test: boolean;
  /** Compiled with `--test` (a libtest harness binary). */
  cfgTest: boolean;
  host: boolean;
  edition: string;
  crateRoot: string;
  features: string[];
  /** Extra `--cfg` values (`name` or `name="value"`). */
  cfgs: string[];
  /** `--check-cfg` values cargo passes (features, docsrs, test). */
  checkCfgs: string[];
  /** `--target` for units compiled for a `--target` other than the host; null otherwise. */
  target: string | null;
  /** `-C metadata=`: distinguishes crates of the same name. */
  metadata: string;
  /** Sorted, relative to the workspace root. */
  files: string[];
  deps: NixUnitDep[];
  env: Record<string, string>;
  /** The id of the package's build-script unit whose run output this unit uses. */
  buildScript: string | null;
  /** The executable's file name for units that link one, else null. */
  binName: string | null;
  run: NixRun | null;
}

export interface NixUnitsJson {
  version: 3;
  target: string;
  host: string;
  /** `rustc -vV` at generation time: part of every derivation. */
  toolchain: string;
  /** CARGO_CFG_* for build scripts, from `rustc --print cfg`. */
  cfgEnv: Record<string, string>;
  units: Record<string, NixUnit>;
  /** Registry crates by `NAME-VERSION`: fetched (url, sha256) or vendored. */
  crates: Record<string, NixCrate>;
  /** Package directories as sources, by package name (for `sources = "package"`). */
  packages: Record<string, NixPackageSource>;
  /** Left out of the whole tree (for `sources = "tree"`): target/, .git, the Nix directory. */
  treeExclude: string[];
}

export interface NixToolchain {
  /** `rustc -vV` output. */
  version: string;
  /** `rustc --print cfg` output. */
  cfg: string;
}

/** Replaces absolute workspace paths in an env value by `@src@/relative`. */
function placeholder(root: string, v: string): string {
  if (v === root) return '@src@';
  if (isAbsolute(v) && isInside(root, v)) return '@src@/' + toRelative(root, v);
  return v;
}

function sortedRecord(raw: Record<string, string>, map: (v: string) => string = (v) => v): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(raw).sort()) out[k] = map(raw[k]!);
  return out;
}

/** Characters Nix allows in a store path name; anything else becomes `-`. */
export function storeName(id: string): string {
  const s = id.replace(/\[test\]$/, '-test').replace(/[^A-Za-z0-9+._?=-]/g, '-').replace(/^\.+/, '');
  return s.slice(0, 180);
}

/** CARGO_CFG_* from `rustc --print cfg` lines (`name` or `name="value"`), values joined by commas as cargo does. */
export function cfgEnv(printCfg: string): Record<string, string> {
  const values = new Map<string, string[]>();
  for (const line of printCfg.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:="(.*)")?$/.exec(line.trim());
    if (!m) continue;
    const key = `CARGO_CFG_${m[1]!.toUpperCase()}`;
    const list = values.get(key) ?? [];
    if (m[2] !== undefined) list.push(m[2]);
    values.set(key, list);
  }
  const out: Record<string, string> = {};
  for (const k of [...values.keys()].sort()) out[k] = values.get(k)!.join(',');
  return out;
}

function artifactFile(u: Unit): string {
  const types = crateTypes(u);
  if (u.kind === 'proc-macro' || (!types.includes('lib') && !types.includes('rlib') && types.includes('dylib'))) return `lib${u.target.crateName}.so`;
  return `lib${u.target.crateName}.rlib`;
}

function checkCfgs(u: Unit): string[] {
  const names = [...featureMap(u.package).keys()].sort();
  return ['cfg(docsrs,test)', `cfg(feature, values(${names.map((n) => JSON.stringify(n)).join(', ')}))`];
}

/** A package directory as a source: relative to the root (`""` for the root), minus target/, .git, nested members and the Nix directory. */
export interface NixPackageSource {
  dir: string;
  exclude: string[];
}

export function packageSource(index: UnitIndex, p: Package, outDir: string | undefined): NixPackageSource {
  const root = index.workspace.root;
  const dir = toRelative(root, p.dir) === '.' ? '' : toRelative(root, p.dir);
  const exclude = new Set<string>();
  const add = (abs: string) => {
    if (abs !== p.dir && isInside(p.dir, abs)) exclude.add(toRelative(root, abs));
  };
  add(`${p.dir}/target`);
  add(`${p.dir}/.git`);
  add(`${root}/target`);
  if (outDir) add(outDir);
  for (const m of index.workspace.members) if (m !== p) add(m.dir);
  return { dir, exclude: [...exclude].sort() };
}

function runOf(index: UnitIndex, u: Unit, lookup: (id: string) => Unit, registry: boolean, outDir: string | undefined, learned: string[] | undefined): NixRun {
  const p = u.package;
  // A registry crate's source is the crate alone: it is its own root.
  const root = registry ? p.dir : index.workspace.root;
  const { dir, exclude } = registry ? { dir: '', exclude: [] } : packageSource(index, p, outDir);
  const env: Record<string, string> = {
    ...packageEnv(p),
    CARGO_MANIFEST_DIR: '@src@' + (dir ? `/${dir}` : ''),
    CARGO_MANIFEST_PATH: '@src@/' + toRelative(root, p.manifestPath),
    TARGET: index.targetCfg.triple,
    HOST: index.targetCfg.triple,
    PROFILE: 'debug',
    OPT_LEVEL: '0',
    DEBUG: 'true',
    NUM_JOBS: '1',
    CARGO_ENCODED_RUSTFLAGS: '',
  };
  if (p.metadata.links !== undefined) env.CARGO_MANIFEST_LINKS = p.metadata.links;
  for (const f of u.features) env[`CARGO_FEATURE_${f.toUpperCase().replace(/-/g, '_')}`] = '1';
  const linksDeps = u.deps
    .filter((d) => d.kind === 'build-script')
    .map((d) => {
      const links = lookup(d.unitId).package.metadata.links ?? '';
      return { id: d.unitId, prefix: `DEP_${links.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_` };
    });
  return { dir, exclude, files: registry ? null : (learned ?? null), env: sortedRecord(env), linksDeps };
}

export interface NixUnitOptions {
  /** The absolute Nix output directory (left out of build-script sources). */
  outDir?: string;
  /** Learned `rerun-if-changed` paths by build-script unit id (rerun.ts). */
  learned?: Record<string, string[]>;
  /** Registry dependencies (registry.ts). */
  registry?: RegistryContext;
}

/**
 * One unit. `files` are a workspace unit's files (absolute); null for a registry unit, whose
 * source is its crate and whose description mentions nothing of the workspace.
 */
export function nixUnit(index: UnitIndex, u: Unit, files: string[] | null, lookup: (id: string) => Unit, opts: NixUnitOptions = {}): NixUnit {
  const registry = files === null;
  const root = registry ? u.package.dir : index.workspace.root;
  const rel = (p: string) => toRelative(root, p) === '.' ? '' : toRelative(root, p);
  const raw = cargoEnv(u, { cfgs: [], outDir: '@out_dir@', targetTmpDir: '/tmp' });
  if (registry) delete raw.CARGO_PRIMARY_PACKAGE;
  const env = sortedRecord(raw, (v) => placeholder(root, v));
  const allDeps = registry || !opts.registry ? u.deps : [...u.deps, ...opts.registry.units.depsOf(u)];
  const bs = allDeps.find((d) => d.kind === 'build-script' && u.kind !== 'custom-build');
  const types = crateTypes(u);
  const linksExecutable = u.cfgTest || (types.length === 1 && types[0] === 'bin');
  return {
    id: u.id,
    drvName: storeName(u.id),
    package: u.package.name,
    packageDir: rel(u.package.dir),
    crate: registry ? `${u.package.name}-${u.package.version}` : null,
    capLints: registry ? 'allow' : null,
    kind: u.kind,
    name: u.name,
    crateName: u.target.crateName,
    crateTypes: types,
    test: u.test,
    cfgTest: u.cfgTest,
    host: u.host,
    edition: u.target.edition,
    crateRoot: rel(u.target.path),
    features: u.features,
    cfgs: index.options.cfgs.map((c) => (c.value === undefined ? c.name : `${c.name}="${c.value}"`)),
    checkCfgs: checkCfgs(u),
    target: !u.host && index.options.target ? index.targetCfg.triple : null,
    // Registry units: their id, features and dependencies, nothing of the workspace.
    metadata: createHash('sha256').update(registry ? JSON.stringify([u.id, u.features, u.deps.map((d) => d.unitId)]) : u.id).digest('hex').slice(0, 16),
    files: registry ? [] : files.map(rel).sort(),
    deps: allDeps
      .filter((d) => d.kind !== 'build-script')
      .map((d) => ({ id: d.unitId, externName: d.externName, kind: d.kind, file: artifactFile(lookup(d.unitId)) })),
    env,
    buildScript: bs ? bs.unitId : null,
    binName: linksExecutable ? u.name : null,
    run: u.kind === 'custom-build' ? runOf(index, { ...u, deps: allDeps }, lookup, registry, opts.outDir, opts.learned?.[u.id]) : null,
  };
}

export function nixUnitsJson(index: UnitIndex, toolchain: NixToolchain, opts: NixUnitOptions = {}): NixUnitsJson {
  const units: Record<string, NixUnit> = {};
  const reg = opts.registry;
  const lookup = (id: string): Unit => {
    const u = index.unit(id)?.unit ?? reg?.units.units.get(id);
    if (!u) throw new Error(`internal: unknown unit ${id}`);
    return u;
  };
  for (const e of index.entries) units[e.unit.id] = nixUnit(index, e.unit, e.files, lookup, opts);
  for (const u of reg?.units.units.values() ?? []) units[u.id] = nixUnit(index, u, null, lookup, opts);
  const host = /^host: (.+)$/m.exec(toolchain.version)?.[1] ?? index.targetCfg.triple;
  // Build scripts run on the host rustc reports.
  for (const u of Object.values(units)) if (u.run) u.run.env.HOST = host;
  const packages: Record<string, NixPackageSource> = {};
  for (const m of index.workspace.members) packages[m.name] = packageSource(index, m, opts.outDir);
  const root = index.workspace.root;
  const treeExclude = ['target', '.git', ...(opts.outDir && opts.outDir !== root && isInside(root, opts.outDir) ? [toRelative(root, opts.outDir)] : [])].sort();
  return { version: 3, target: index.targetCfg.triple, host, toolchain: toolchain.version, cfgEnv: cfgEnv(toolchain.cfg), units, crates: reg?.crates ?? {}, packages, treeExclude };
}
