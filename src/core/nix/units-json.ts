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
import { includeExclude, packageFiles } from '../cargo/package-files.js';
import type { Package } from '../cargo/model.js';
import { buildScriptProfileEnv, Profiles, rustcProfileFlags, type LtoRole, type UnitProfile } from '../cargo/profiles.js';
import { InputError } from '../diagnostics.js';
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
  /**
   * Without learned `rerun-if-changed` paths: the package's own files as cargo lists them
   * (package-files.ts: git-tracked and not ignored, include/exclude, nested packages left out),
   * workspace-relative, minus `exclude`. Null for registry crates (their source is the crate).
   */
  packageFiles: string[] | null;
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
  /** `-C metadata=`: distinguishes crates of the same name (and the same crate built with other profile flags). */
  metadata: string;
  /** The profile's rustc flags for this unit (`-C opt-level=…`, `-C debuginfo=…`, …; profiles.ts). */
  profileArgs: string[];
  /** Sorted, relative to the workspace root. */
  files: string[];
  deps: NixUnitDep[];
  env: Record<string, string>;
  /** The id of the package's build-script unit whose run output this unit uses. */
  buildScript: string | null;
  /** The executable's file name for units that link one, else null. */
  binName: string | null;
  /**
   * For units that link (executables, cdylibs): which of the build script's `rustc-link-arg*`
   * lines they take (`all`, `bins`, `bin=NAME`, `tests`, `examples`, `benches`, `cdylib`;
   * `build-script` takes none); empty for units that link nothing.
   */
  linkKinds: string[];
  /** Takes the build script's `rustc-link-lib`: the package's library, or every unit of a package without one (as cargo). */
  linkLibs: boolean;
  run: NixRun | null;
}

export interface NixUnitsJson {
  version: 3;
  /** The cargo profile the units are built with (`dev`, `release`, or a `[profile.NAME]`). */
  profile: string;
  target: string;
  host: string;
  /** `rustc -vV` at generation time: part of every derivation. */
  toolchain: string;
  /**
   * True when some file list depends on build-script cfgs decided with this rustc (its version or
   * target cfg): the Nix library then refuses another rustc it can check (`pkgs.rustc`).
   */
  rustcDecided: boolean;
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

/** The `rustc-link-arg*` kinds a unit takes, as cargo matches them on its target kind; [] when it links nothing. */
function linkKinds(u: Unit, types: string[], linksExecutable: boolean): string[] {
  // A build script links too (against its build-dependencies' native libraries), but no directive targets it.
  if (u.kind === 'custom-build') return ['build-script'];
  const cdylib = types.includes('cdylib');
  if (!linksExecutable && !cdylib) return [];
  const kinds = ['all'];
  if (u.kind === 'bin') kinds.push('bins', `bin=${u.name}`);
  else if (u.kind === 'test') kinds.push('tests');
  else if (u.kind === 'example') kinds.push('examples');
  else if (u.kind === 'bench') kinds.push('benches');
  if (cdylib) kinds.push('cdylib');
  return kinds;
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
  let ownFiles: string[] | null = null;
  if (!registry && !learned) {
    const ex = exclude.map((e) => (dir ? e.slice(dir.length + 1) : e));
    ownFiles = packageFiles(p.dir, includeExclude(p.manifestPath, index.workspace.manifestPath))
      .filter((f) => !ex.some((x) => f === x || f.startsWith(x + '/')))
      .map((f) => (dir ? `${dir}/${f}` : f));
  }
  return { dir, exclude, files: registry ? null : (learned ?? null), packageFiles: ownFiles, env: sortedRecord(env), linksDeps };
}

export interface NixUnitOptions {
  /** The absolute Nix output directory (left out of build-script sources). */
  outDir?: string;
  /** Learned `rerun-if-changed` paths by build-script unit id (rerun.ts). */
  learned?: Record<string, string[]>;
  /** Registry dependencies (registry.ts). */
  registry?: RegistryContext;
  /** The profiles and the one asked for (default: the workspace's, and `index.options.profile` or dev). */
  profile?: ProfileContext;
}

export interface ProfileContext {
  profiles: Profiles;
  requested: string;
}

/** The workspace's profiles (root Cargo.toml) and the one its options ask for; an unknown profile is an error. */
export function profileContext(index: UnitIndex): ProfileContext {
  const manifest = index.workspace.manifestPath;
  const profiles = Profiles.read(manifest);
  const requested = index.options.profile ?? 'dev';
  if (!profiles.has(requested)) throw new InputError(manifest, 1, undefined, `profile \`${requested}\` is not defined: add [profile.${requested}] (with \`inherits\`) to ${manifest}`);
  return { profiles, requested };
}

/** The unit's profile: registry units are outside the workspace, test and bench units use `test`/`bench`. */
export function profileOf(ctx: ProfileContext, u: Unit, member: boolean): UnitProfile {
  const test = u.test || u.cfgTest || u.kind === 'test' || u.kind === 'bench';
  return ctx.profiles.unitProfile(ctx.requested, { package: u.package.name, member, host: u.host, test });
}

function ltoRole(u: Unit, types: string[]): LtoRole {
  if (u.host) return 'host';
  return u.cfgTest || types.some((t) => t === 'bin' || t === 'cdylib' || t === 'staticlib' || t === 'dylib') ? 'link' : 'lib';
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
  const profileArgs = rustcProfileFlags(profileOf(opts.profile ?? profileContext(index), u, !registry), ltoRole(u, types));
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
    cfgs: index.extraCfgs.map((c) => (c.value === undefined ? c.name : `${c.name}="${c.value}"`)),
    checkCfgs: checkCfgs(u),
    target: !u.host && index.options.target ? index.targetCfg.triple : null,
    // Registry units: their id, features and dependencies, nothing of the workspace.
    metadata: createHash('sha256').update(JSON.stringify(registry ? [u.id, u.features, u.deps.map((d) => d.unitId), profileArgs] : [u.id, profileArgs])).digest('hex').slice(0, 16),
    profileArgs,
    files: registry ? [] : files.map(rel).sort(),
    deps: allDeps
      .filter((d) => d.kind !== 'build-script')
      .map((d) => ({ id: d.unitId, externName: d.externName, kind: d.kind, file: artifactFile(lookup(d.unitId)) })),
    env,
    buildScript: bs ? bs.unitId : null,
    binName: linksExecutable ? u.name : null,
    linkKinds: linkKinds(u, types, linksExecutable),
    linkLibs: u.target.kind === 'lib' || u.target.kind === 'proc-macro' || !u.package.targets.some((t) => t.kind === 'lib' || t.kind === 'proc-macro'),
    run: u.kind === 'custom-build' ? runOf(index, { ...u, deps: allDeps }, lookup, registry, opts.outDir, opts.learned?.[u.id]) : null,
  };
}

export function nixUnitsJson(index: UnitIndex, toolchain: NixToolchain, opts: NixUnitOptions = {}): NixUnitsJson {
  const units: Record<string, NixUnit> = {};
  const reg = opts.registry;
  const profile = opts.profile ?? profileContext(index);
  opts = { ...opts, profile };
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
  // PROFILE, OPT_LEVEL and DEBUG of a run: the profile of the units that use its output (the library's first).
  const users = Object.values(units).filter((u) => u.buildScript !== null).sort((a, b) => Number(b.kind === 'lib' || b.kind === 'proc-macro') - Number(a.kind === 'lib' || a.kind === 'proc-macro'));
  const given = new Set<string>();
  for (const u of users) {
    if (given.has(u.buildScript!)) continue;
    given.add(u.buildScript!);
    const run = units[u.buildScript!]?.run;
    if (run) Object.assign(run.env, buildScriptProfileEnv(profileOf(profile, lookup(u.id), u.crate === null)));
  }
  const packages: Record<string, NixPackageSource> = {};
  for (const m of index.workspace.members) packages[m.name] = packageSource(index, m, opts.outDir);
  const root = index.workspace.root;
  const treeExclude = ['target', '.git', ...(opts.outDir && opts.outDir !== root && isInside(root, opts.outDir) ? [toRelative(root, opts.outDir)] : [])].sort();
  // Build-script cfgs decided with the index's rustc hold only for derivations built with the same one.
  const rustcDecided = index.decidedWithRustc();
  if (rustcDecided && index.rustcVersion !== undefined && toolchain.version.trim() !== index.rustcVersion.trim()) {
    throw new Error(
      `the unit file lists depend on build-script cfgs decided with ${index.rustcVersion.split('\n')[0]}, but the Nix builds use ${toolchain.version.split('\n')[0]}: index with that rustc (set RUSTC)`,
    );
  }
  return { version: 3, profile: profile.requested, target: index.targetCfg.triple, host, toolchain: toolchain.version, rustcDecided, cfgEnv: cfgEnv(toolchain.cfg), units, crates: reg?.crates ?? {}, packages, treeExclude };
}
