/**
 * The workspace as cargo sees it (cargo's `core/workspace.rs`): finding the root manifest,
 * expanding `members` globs, `exclude`, `default-members`, path dependencies that become members,
 * `[workspace.package]` / `[workspace.dependencies]` inheritance, and the resolver version.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type Diagnostic, InputError } from '../diagnostics.js';
import { isInside } from '../paths.js';
import { cargoHome } from '../toolchain.js';
import { type Inheritable, type Manifest, type ManifestDependency, readManifest, type WorkspacePackageFields } from './manifest.js';
import type { Dependency, Package, PackageMetadata, Workspace } from './model.js';
import { discoverTargets } from './targets.js';

/**
 * The absolute path of the root Cargo.toml of the workspace that `start` (any file or directory)
 * belongs to: the nearest Cargo.toml going up, then its workspace root as cargo finds it.
 * Throws InputError when there is no Cargo.toml, or when the package is inside a workspace that
 * does not list it (cargo's "current package believes it's in a workspace when it's not").
 */
export function findWorkspaceManifest(start: string): string {
  return locateWorkspace(start, new ManifestCache()).rootPath;
}

/** Loads the workspace containing `manifestPathOrDir` (a Cargo.toml, or any file or directory inside a package). */
export function loadWorkspace(manifestPathOrDir: string): { workspace: Workspace; diagnostics: Diagnostic[] } {
  const cache = new ManifestCache();
  const { rootPath, scan } = locateWorkspace(manifestPathOrDir, cache);
  const root = cache.get(rootPath);
  const inheritFrom = root.workspace ? root : undefined;
  // Warnings of the manifests that make the workspace only (not of ancestors read while searching).
  const diagnostics: Diagnostic[] = scan.members.includes(rootPath) ? [] : [...cache.diagnosticsOf(rootPath)];
  const members = scan.members.map((p) => {
    diagnostics.push(...cache.diagnosticsOf(p));
    return buildPackage(cache.get(p), inheritFrom, diagnostics);
  });
  const byName = new Map<string, Package>();
  for (const pkg of members) {
    const other = byName.get(pkg.name);
    if (other) {
      throw new InputError(
        rootPath,
        root.workspace?.membersLine ?? 0,
        undefined,
        `two packages named \`${pkg.name}\` in this workspace:\n- ${other.manifestPath}\n- ${pkg.manifestPath}`,
      );
    }
    byName.set(pkg.name, pkg);
  }
  members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nameOf = (manifestPath: string) => members.find((m) => m.manifestPath === manifestPath)?.name;
  const defaultMembers = scan.defaultMembers
    .map(nameOf)
    .filter((n): n is string => n !== undefined)
    .sort();
  const rootPackage = root.package ? members.find((m) => m.manifestPath === rootPath) : undefined;
  const workspace: Workspace = {
    root: dirname(rootPath),
    manifestPath: rootPath,
    members,
    defaultMembers,
    resolver: resolverOf(root, rootPackage, members, diagnostics),
  };
  return { workspace, diagnostics };
}

// ---------------------------------------------------------------------------------------------

/** Reads each manifest once, keeping the warnings of each. */
class ManifestCache {
  private readonly manifests = new Map<string, { manifest: Manifest; diagnostics: Diagnostic[] }>();

  get(path: string): Manifest {
    let entry = this.manifests.get(path);
    if (!entry) {
      const diagnostics: Diagnostic[] = [];
      entry = { manifest: readManifest(path, diagnostics), diagnostics };
      this.manifests.set(path, entry);
    }
    return entry.manifest;
  }

  /** The warnings found while parsing `path`. */
  diagnosticsOf(path: string): Diagnostic[] {
    return this.manifests.get(path)?.diagnostics ?? [];
  }
}

interface MemberScan {
  /** Member manifest paths in discovery order. */
  members: string[];
  defaultMembers: string[];
}

function locateWorkspace(start: string, cache: ManifestCache): { rootPath: string; scan: MemberScan } {
  const manifestPath = nearestManifest(start);
  const rootPath = locateRoot(manifestPath, cache);
  const root = loadRoot(rootPath, manifestPath, cache);
  const scan = scanMembers(root, cache);
  if (rootPath === manifestPath) return { rootPath, scan };
  // As with cargo run from a member's directory, that member is the default.
  if (scan.members.includes(manifestPath)) return { rootPath, scan: { ...scan, defaultMembers: [manifestPath] } };
  const rel = relative(dirname(rootPath), dirname(manifestPath));
  throw new InputError(
    manifestPath,
    0,
    undefined,
    `current package believes it's in a workspace when it's not:\ncurrent:   ${manifestPath}\nworkspace: ${rootPath}\n\n` +
      `this may be fixable by adding \`${rel}\` to the \`workspace.members\` array of the manifest located at: ${rootPath}\n` +
      'Alternatively, to keep it out of the workspace, add the package to the `workspace.exclude` array, ' +
      "or add an empty `[workspace]` table to the package's manifest.",
  );
}

function loadRoot(rootPath: string, from: string, cache: ManifestCache): Manifest {
  if (rootPath !== from && !existsSync(rootPath)) {
    const m = cache.get(from);
    throw new InputError(from, m.package?.line ?? 0, undefined, `failed to find the workspace root: \`${rootPath}\` does not exist`);
  }
  const root = cache.get(rootPath);
  if (rootPath !== from && !root.workspace) {
    throw new InputError(from, cache.get(from).package?.line ?? 0, undefined, `root of a workspace inferred but wasn't a root: ${rootPath}`);
  }
  if (!root.workspace && !root.package) {
    throw new InputError(rootPath, 0, undefined, 'manifest is missing either a `[package]` or a `[workspace]`');
  }
  return root;
}

/** The Cargo.toml `start` is or the nearest one in `start`'s directory or above. */
function nearestManifest(start: string): string {
  const abs = resolve(start);
  let dir = abs;
  try {
    if (statSync(abs).isFile()) {
      if (basename(abs) === 'Cargo.toml') return abs;
      dir = dirname(abs);
    }
  } catch {
    throw new InputError(abs, 0, undefined, `no such file or directory: \`${abs}\``);
  }
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'Cargo.toml');
    if (isFile(candidate)) return candidate;
    if (dirname(d) === d) break;
  }
  throw new InputError(abs, 0, undefined, `could not find \`Cargo.toml\` in \`${dir}\` or any parent directory`);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The Cargo.toml a `package.workspace` value points to. */
function rootPointer(m: Manifest, pointer: string): string {
  return resolve(m.dir, pointer, 'Cargo.toml');
}

/** cargo's `find_root`: the root manifest of the workspace `manifestPath` belongs to (itself when none). */
function locateRoot(manifestPath: string, cache: ManifestCache): string {
  const m = cache.get(manifestPath);
  if (m.package?.workspace !== undefined) return rootPointer(m, m.package.workspace);
  if (m.workspace) return manifestPath;
  for (const ancestor of ancestorManifests(manifestPath)) {
    const am = cache.get(ancestor);
    if (am.workspace) {
      if (!isExcluded(am, manifestPath)) return ancestor;
    } else if (am.package?.workspace !== undefined) {
      return rootPointer(am, am.package.workspace);
    }
  }
  return manifestPath;
}

/** Existing Cargo.toml files in the ancestors of a manifest's directory, nearest first, as cargo walks them. */
function ancestorManifests(manifestPath: string): string[] {
  const home = resolve(cargoHome());
  const out: string[] = [];
  let last: string | undefined;
  for (let d = dirname(dirname(manifestPath)); ; d = dirname(d)) {
    if (d.endsWith(`${sep}target${sep}package`)) break;
    if (last === home) break;
    const candidate = join(d, 'Cargo.toml');
    if (isFile(candidate)) out.push(candidate);
    last = d;
    if (dirname(d) === d) break;
  }
  return out;
}

/** cargo's `WorkspaceRootConfig::is_excluded`. */
function isExcluded(root: Manifest, manifestPath: string): boolean {
  const ws = root.workspace;
  if (!ws) return false;
  const excluded = (ws.exclude ?? []).some((ex) => isInside(resolve(root.dir, ex), manifestPath));
  const explicit = (ws.members ?? []).some((mem) => isInside(resolve(root.dir, mem), manifestPath));
  return !explicit && excluded;
}

// ---------------------------------------------------------------------------------------------
// Members

/** cargo's `find_members`: explicit members (globs expanded), the root package, and path dependencies inside the root. */
function scanMembers(root: Manifest, cache: ManifestCache): MemberScan {
  const ws = root.workspace;
  if (!ws) {
    // Not a workspace: the package's path dependencies are not members, but cargo still needs them.
    for (const dep of root.dependencies) {
      const path = dependencyPath(root, dep, undefined);
      const mp = path === undefined ? undefined : join(path, 'Cargo.toml');
      if (mp !== undefined && !isFile(mp)) throw loadError({ file: root.path, line: dep.line, what: `dependency \`${dep.name}\`` }, mp);
    }
    return { members: [root.path], defaultMembers: [root.path] };
  }
  const members: string[] = [];

  type Site = { file: string; line: number; what: string };
  const visit = (manifestPath: string, site: Site | undefined, isPathDep: boolean): void => {
    const mp = resolve(manifestPath);
    if (members.includes(mp)) return;
    if (isPathDep) {
      if (!isFile(mp)) throw loadError(site, mp);
      // A path dependency outside the root is a member only when it points back here.
      if (!isInside(root.dir, dirname(mp)) && locateRoot(mp, cache) !== root.path) return;
    }
    if (isExcluded(root, mp)) return;
    if (!isFile(mp)) throw loadError(site, mp);
    const m = cache.get(mp);
    if (mp !== root.path) {
      // cargo's `validate_members`: the member's own root search must come back here.
      const itsRoot = locateRoot(mp, cache);
      if (itsRoot !== root.path) {
        throw new InputError(
          mp,
          m.workspace?.line ?? m.package?.line ?? 0,
          undefined,
          m.workspace
            ? `multiple workspace roots found in the same workspace:\n  ${dirname(mp)}\n  ${root.dir}`
            : `package \`${mp}\` is a member of the wrong workspace\nexpected: ${root.path}\nfound:    ${itsRoot}`,
        );
      }
    }
    if (!m.package) {
      if (mp === root.path) return; // a virtual root is not a member
      throw new InputError(mp, 0, undefined, `found a virtual manifest at \`${mp}\` instead of a package manifest`);
    }
    members.push(mp);
    for (const dep of m.dependencies) {
      const path = dependencyPath(m, dep, root);
      if (path !== undefined) visit(join(path, 'Cargo.toml'), { file: mp, line: dep.line, what: `dependency \`${dep.name}\`` }, true);
    }
  };

  for (const [dir, glob] of membersPaths(root, ws.members ?? [], ws.membersLine)) {
    visit(
      join(dir, 'Cargo.toml'),
      {
        file: root.path,
        line: ws.membersLine,
        what: `workspace member \`${relative(root.dir, dir) || '.'}\`${glob ? ` (matched by \`${glob}\`)` : ''}`,
      },
      false,
    );
  }
  visit(root.path, undefined, false);

  let defaultMembers: string[];
  if (ws.defaultMembers) {
    defaultMembers = [];
    const explicitDirs = membersPaths(root, ws.members ?? [], ws.membersLine).map(([d]) => d);
    for (const [dir] of membersPaths(root, ws.defaultMembers, ws.defaultMembersLine)) {
      const mp = join(dir, 'Cargo.toml');
      if (!members.includes(mp)) {
        if (explicitDirs.includes(dir) && isExcluded(root, dir)) continue;
        throw new InputError(
          root.path,
          ws.defaultMembersLine,
          undefined,
          `package \`${dir}\` is listed in default-members but is not a member\nfor workspace at \`${root.path}\`.`,
        );
      }
      defaultMembers.push(mp);
    }
  } else {
    defaultMembers = root.package ? [root.path] : [...members];
  }
  return { members, defaultMembers };
}

function loadError(site: { file: string; line: number; what: string } | undefined, manifestPath: string): InputError {
  const what = site?.what ?? 'workspace root';
  return new InputError(site?.file ?? manifestPath, site?.line ?? 0, undefined, `failed to load manifest for ${what}: \`${manifestPath}\` does not exist`);
}

/** cargo's `members_paths`: each `members` entry expanded as a glob; an entry matching nothing stays as written. */
function membersPaths(root: Manifest, globs: string[], line: number): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const glob of globs) {
    const literal = resolve(root.dir, glob);
    let expanded: string[];
    try {
      expanded = expandGlob(root.dir, glob);
    } catch (e) {
      throw new InputError(root.path, line, undefined, `could not parse pattern \`${glob}\`: ${(e as Error).message}`);
    }
    if (expanded.length === 0) {
      out.push([literal, undefined]);
      continue;
    }
    const usedGlob = expanded.length > 1 || expanded[0] !== literal ? glob : undefined;
    for (const p of expanded) if (isDir(p)) out.push([p, usedGlob]);
  }
  return out;
}

/**
 * The paths matching `pattern` (relative to `base` unless absolute), like the `glob` crate cargo
 * uses: `*`, `?`, `[...]`/`[!...]` within one component, `**` for any number of directories
 * (at the end: the directories below, not the directory itself).
 * Entries of each directory are visited in sorted order; `*` also matches names starting with a dot.
 */
export function expandGlob(base: string, pattern: string): string[] {
  const components = pattern.split('/').filter((c) => c !== '');
  let current = [isAbsolute(pattern) ? sep : base];
  components.forEach((comp, i) => {
    const last = i === components.length - 1;
    const next: string[] = [];
    if (comp === '**') {
      // Zero or more directories; a trailing `**` matches the directories below only.
      for (const d of current) {
        if (!isDir(d)) continue;
        if (!last) next.push(d);
        next.push(...subdirectories(d));
      }
    } else if (/[*?[]/.test(comp)) {
      if (comp.includes('**')) throw new Error('wildcards are either regular `*` or recursive `**`');
      const re = componentRegExp(comp);
      for (const d of current) {
        let names: string[];
        try {
          names = readdirSync(d).sort();
        } catch {
          continue;
        }
        for (const n of names) {
          const p = join(d, n);
          if (re.test(n) && (last || isDir(p))) next.push(p);
        }
      }
    } else {
      for (const d of current) {
        const p = join(d, comp);
        if (last ? existsSync(p) : isDir(p)) next.push(p);
      }
    }
    current = [...new Set(next)];
  });
  return components.length === 0 ? current.filter(existsSync) : current;
}

function subdirectories(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    out.push(p, ...subdirectories(p));
  }
  return out;
}

/** A glob component (`*`, `?`, `[a-z]`, `[!x]`) as an anchored regular expression. */
function componentRegExp(comp: string): RegExp {
  let re = '';
  for (let i = 0; i < comp.length; i++) {
    const c = comp.charAt(i);
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = comp.indexOf(']', i + 2);
      if (close < 0) throw new Error('invalid range pattern');
      let body = comp.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

// ---------------------------------------------------------------------------------------------
// Packages

/** The directory of a path dependency, after `workspace = true` inheritance; undefined for other sources. */
function dependencyPath(m: Manifest, dep: ManifestDependency, root: Manifest | undefined): string | undefined {
  if (!dep.workspace) return dep.path === undefined ? undefined : resolve(m.dir, dep.path);
  const wsDep = inheritedDependency(m, dep, root);
  return wsDep.path === undefined ? undefined : resolve(wsDep.rootDir, wsDep.path);
}

function inheritedDependency(m: Manifest, dep: ManifestDependency, root: Manifest | undefined): ManifestDependency & { rootDir: string } {
  if (!root?.workspace) {
    throw new InputError(
      m.path,
      dep.line,
      dep.column,
      `error inheriting \`${dep.name}\` from workspace root manifest's \`workspace.dependencies.${dep.name}\`: failed to find a workspace root`,
    );
  }
  const wsDep = root.workspace.dependencies.get(dep.name);
  if (!wsDep) {
    throw new InputError(
      m.path,
      dep.line,
      dep.column,
      `error inheriting \`${dep.name}\` from workspace root manifest's \`workspace.dependencies.${dep.name}\`: ` +
        `\`dependency.${dep.name}\` was not found in \`workspace.dependencies\``,
    );
  }
  return { ...wsDep, rootDir: root.dir };
}

function resolveDependency(m: Manifest, dep: ManifestDependency, root: Manifest | undefined, edition: string, diagnostics: Diagnostic[]): Dependency {
  let source: ManifestDependency = dep;
  let path: string | undefined;
  let defaultFeatures = dep.defaultFeatures ?? true;
  let features = dep.features ?? [];
  if (dep.workspace) {
    const wsDep = inheritedDependency(m, dep, root);
    source = wsDep;
    path = wsDep.path === undefined ? undefined : resolve(wsDep.rootDir, wsDep.path);
    features = [...(wsDep.features ?? []), ...(dep.features ?? [])];
    // cargo's `inner_dependency_inherit`: a member can turn default features on, never off.
    defaultFeatures = wsDep.defaultFeatures ?? true;
    if (dep.defaultFeatures === true && wsDep.defaultFeatures === false) defaultFeatures = true;
    if (dep.defaultFeatures === false && wsDep.defaultFeatures !== false) {
      const message =
        `\`default-features\` is ignored for ${dep.name}, since \`default-features\` was ` +
        `${wsDep.defaultFeatures === undefined ? 'not specified' : 'true'} for \`workspace.dependencies.${dep.name}\``;
      if (edition === '2024') throw new InputError(m.path, dep.line, dep.column, message);
      diagnostics.push({ file: m.path, line: dep.line, column: dep.column, severity: 'warning', message });
    }
  } else if (dep.path !== undefined) {
    path = resolve(m.dir, dep.path);
  }
  const out: Dependency = {
    name: dep.name,
    package: source.package ?? dep.name,
    kind: dep.kind,
    optional: dep.optional ?? false,
    defaultFeatures,
    features,
    line: dep.line,
  };
  if (path !== undefined) out.path = path;
  if (source.version !== undefined) out.version = source.version;
  if (dep.platform !== undefined) out.platform = dep.platform;
  return out;
}

/** A package outside any workspace (a registry crate's normalized manifest): no inheritance. */
export function loadPackage(manifestPath: string, diagnostics: Diagnostic[] = []): Package {
  return buildPackage(new ManifestCache().get(manifestPath), undefined, diagnostics);
}

/** Builds the Package of a member manifest, inheriting from `root` (the workspace root manifest, when there is one). */
function buildPackage(m: Manifest, root: Manifest | undefined, diagnostics: Diagnostic[]): Package {
  const p = m.package;
  if (!p) throw new InputError(m.path, 0, undefined, 'manifest is missing `[package]`');
  if (p.name === undefined) throw new InputError(m.path, p.line || 1, undefined, 'missing field `name` in `[package]`');
  const wsPackage = root?.workspace?.package;

  function inherit<K extends keyof WorkspacePackageFields>(
    field: Inheritable<NonNullable<WorkspacePackageFields[K]>> | undefined,
    key: K,
    tomlKey: string,
  ): WorkspacePackageFields[K] | undefined {
    if (!field) return undefined;
    if (!field.inherit) return field.value;
    const context = `error inheriting \`${tomlKey}\` from workspace root manifest's \`workspace.package.${tomlKey}\``;
    if (!wsPackage) throw new InputError(m.path, field.line, field.column, `${context}: failed to find a workspace root`);
    const v = wsPackage[key];
    if (v === undefined) throw new InputError(m.path, field.line, field.column, `${context}: \`workspace.package.${tomlKey}\` was not defined`);
    return v;
  }
  /** Paths inherited from the root are made relative to this package, as cargo does. */
  function inheritPath(field: Inheritable<string> | undefined, key: 'licenseFile', tomlKey: string): string | undefined {
    const v = inherit(field, key, tomlKey);
    if (v === undefined || !field?.inherit || !root) return v;
    return relative(m.dir, resolve(root.dir, v)) || '.';
  }

  const edition = inherit(p.edition, 'edition', 'edition') ?? '2015';
  let readme: string | undefined;
  const readmeValue = inherit(p.readme, 'readme', 'readme');
  if (readmeValue === undefined) readme = ['README.md', 'README.txt', 'README'].find((f) => isFile(join(m.dir, f)));
  else if (readmeValue === true) readme = 'README.md';
  else if (typeof readmeValue === 'string') readme = p.readme?.inherit && root ? relative(m.dir, resolve(root.dir, readmeValue)) : readmeValue;

  const metadata: PackageMetadata = { authors: inherit(p.authors, 'authors', 'authors') ?? [] };
  const strings: ['description' | 'homepage' | 'repository' | 'license' | 'rustVersion', string][] = [
    ['description', 'description'],
    ['homepage', 'homepage'],
    ['repository', 'repository'],
    ['license', 'license'],
    ['rustVersion', 'rust-version'],
  ];
  for (const [key, tomlKey] of strings) {
    const v = inherit(p[key], key, tomlKey);
    if (typeof v === 'string') metadata[key] = v;
  }
  const licenseFile = inheritPath(p.licenseFile, 'licenseFile', 'license-file');
  if (licenseFile !== undefined) metadata.licenseFile = licenseFile;
  if (readme !== undefined) metadata.readme = readme;
  if (p.links !== undefined) metadata.links = p.links;
  // Checked for their errors only: cargo refuses a manifest inheriting an undefined key.
  inherit(p.documentation, 'documentation', 'documentation');
  inherit(p.publish, 'publish', 'publish');
  inherit(p.keywords, 'keywords', 'keywords');
  inherit(p.categories, 'categories', 'categories');

  return {
    name: p.name,
    version: inherit(p.version, 'version', 'version') ?? '0.0.0',
    manifestPath: m.path,
    dir: m.dir,
    edition,
    targets: discoverTargets(m, p.name, edition, diagnostics),
    dependencies: m.dependencies.map((d) => resolveDependency(m, d, root, edition, diagnostics)),
    features: Object.fromEntries(Object.entries(m.features ?? {}).map(([k, v]) => [k, [...v]])),
    metadata,
  };
}

/** `workspace.resolver`, else the root package's `resolver`, else the root package edition's default. */
function resolverOf(root: Manifest, rootPackage: Package | undefined, members: Package[], diagnostics: Diagnostic[]): Workspace['resolver'] {
  const explicit = root.workspace?.resolver ?? root.package?.resolver;
  if (explicit === '1' || explicit === '2' || explicit === '3') return explicit;
  if (rootPackage) return rootPackage.edition === '2024' ? '3' : rootPackage.edition === '2021' ? '2' : '1';
  const newer = members.find((m) => m.edition === '2021' || m.edition === '2024');
  if (newer) {
    diagnostics.push({
      file: root.path,
      line: root.workspace?.line ?? 0,
      severity: 'warning',
      message: `virtual workspace defaulting to \`resolver = "1"\` despite one or more workspace members being on edition ${newer.edition} which implies \`resolver = "${newer.edition === '2024' ? '3' : '2'}"\``,
    });
  }
  return '1';
}
