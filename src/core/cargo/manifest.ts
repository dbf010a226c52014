/**
 * Reading one Cargo.toml: TOML parsing, type checking of the keys cargo-units needs, and the
 * location (line/column) of any key, so that errors point at the offending text.
 * Nothing here looks at other files: workspace inheritance and target discovery come later.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { type Diagnostic, InputError } from '../diagnostics.js';
import { featureNameProblem, packageNameProblem } from './names.js';
import type { DependencyKind } from './model.js';
import { type KeyPath, locateKey } from './toml-keys.js';

/** A value written either literally or as `key.workspace = true`. */
export type Inheritable<T> = { inherit: false; value: T } | { inherit: true; line: number; column?: number };

/** One `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]` or `[[bench]]` table. */
export interface ManifestTarget {
  name?: string;
  path?: string;
  test?: boolean;
  doctest?: boolean;
  bench?: boolean;
  doc?: boolean;
  harness?: boolean;
  procMacro?: boolean;
  crateTypes?: string[];
  requiredFeatures?: string[];
  edition?: string;
  /** Line of the table header (or of the key when written inline). */
  line: number;
}

/** One entry of a dependency table, as written. */
export interface ManifestDependency {
  /** The table key. */
  name: string;
  kind: DependencyKind;
  /** The `[target.'…']` key. */
  platform?: string;
  /** `workspace = true`: the rest comes from `[workspace.dependencies]`. */
  workspace: boolean;
  version?: string;
  /** As written, relative to the manifest's directory (or to the workspace root for `[workspace.dependencies]`). */
  path?: string;
  git?: string;
  registry?: string;
  /** The `package` key (a rename). */
  package?: string;
  optional?: boolean;
  defaultFeatures?: boolean;
  features?: string[];
  line: number;
  column?: number;
}

/** The `[package]` keys cargo-units uses. */
export interface ManifestPackage {
  name?: string;
  version?: Inheritable<string>;
  edition?: Inheritable<string>;
  authors?: Inheritable<string[]>;
  description?: Inheritable<string>;
  homepage?: Inheritable<string>;
  documentation?: Inheritable<string>;
  repository?: Inheritable<string>;
  license?: Inheritable<string>;
  licenseFile?: Inheritable<string>;
  rustVersion?: Inheritable<string>;
  readme?: Inheritable<string | boolean>;
  publish?: Inheritable<boolean | string[]>;
  keywords?: Inheritable<string[]>;
  categories?: Inheritable<string[]>;
  build?: string | boolean;
  links?: string;
  /** `package.workspace`: path of the workspace root directory. */
  workspace?: string;
  resolver?: string;
  autolib?: boolean;
  autobins?: boolean;
  autoexamples?: boolean;
  autotests?: boolean;
  autobenches?: boolean;
  line: number;
}

/** `[workspace.package]`: the values members may inherit. */
export interface WorkspacePackageFields {
  version?: string;
  edition?: string;
  authors?: string[];
  description?: string;
  homepage?: string;
  documentation?: string;
  repository?: string;
  license?: string;
  licenseFile?: string;
  rustVersion?: string;
  readme?: string | boolean;
  publish?: boolean | string[];
  keywords?: string[];
  categories?: string[];
}

export interface ManifestWorkspace {
  members?: string[];
  exclude?: string[];
  defaultMembers?: string[];
  resolver?: string;
  package: WorkspacePackageFields;
  dependencies: Map<string, ManifestDependency>;
  /** Line of `[workspace]`. */
  line: number;
  /** Line of `members` (the `[workspace]` line when absent). */
  membersLine: number;
  defaultMembersLine: number;
}

export interface Manifest {
  /** Absolute path of the Cargo.toml. */
  path: string;
  /** Absolute directory holding it. */
  dir: string;
  text: string;
  package?: ManifestPackage;
  workspace?: ManifestWorkspace;
  lib?: ManifestTarget;
  bins?: ManifestTarget[];
  examples?: ManifestTarget[];
  tests?: ManifestTarget[];
  benches?: ManifestTarget[];
  /** Every dependency table, `[target.*]` ones included, in file order. */
  dependencies: ManifestDependency[];
  features?: Record<string, string[]>;
  /** Line of `[features]`, 0 when absent. */
  featuresLine: number;
}

export const EDITIONS = ['2015', '2018', '2021', '2024'] as const;

/** Reads and checks `path` (an absolute Cargo.toml path). Throws InputError when unreadable or malformed. */
export function readManifest(path: string, diagnostics: Diagnostic[] = []): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, 0, undefined, `failed to read manifest: ${(e as Error).message}`);
  }
  return parseManifest(text, path, diagnostics);
}

/** Parses and checks the text of a Cargo.toml at `path`. Throws InputError on bad TOML or bad types. */
export function parseManifest(text: string, path: string, diagnostics: Diagnostic[] = []): Manifest {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const firstLine = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new InputError(path, e.line || 1, e.column || undefined, `invalid TOML: ${firstLine || 'syntax error'}`);
    }
    throw new InputError(path, 1, undefined, `invalid TOML: ${String(e)}`);
  }
  return new ManifestReader(text, path, diagnostics).read(doc);
}

// ---------------------------------------------------------------------------------------------
// Type checking

function describe(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === 'bigint') return `integer \`${v}\``;
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'datetime';
  if (v !== null && typeof v === 'object') return 'table';
  return String(v);
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function keyName(path: KeyPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

const TARGET_KEYS = new Set([
  'name',
  'path',
  'test',
  'doctest',
  'bench',
  'doc',
  'harness',
  'proc-macro',
  'proc_macro',
  'crate-type',
  'crate_type',
  'required-features',
  'edition',
  'plugin',
  'filename',
  'doc-scrape-examples',
]);
const DEP_KEYS = new Set([
  'version',
  'path',
  'git',
  'branch',
  'tag',
  'rev',
  'registry',
  'registry-index',
  'package',
  'features',
  'optional',
  'default-features',
  'default_features',
  'workspace',
  'public',
  'artifact',
  'lib',
  'target',
  'base',
]);
const INHERITED_DEP_KEYS = new Set(['workspace', 'features', 'optional', 'default-features', 'default_features', 'public', 'artifact', 'lib', 'target']);
const PACKAGE_KEYS = new Set([
  'name',
  'version',
  'edition',
  'authors',
  'description',
  'homepage',
  'documentation',
  'repository',
  'license',
  'license-file',
  'rust-version',
  'readme',
  'publish',
  'keywords',
  'categories',
  'build',
  'links',
  'workspace',
  'resolver',
  'autolib',
  'autobins',
  'autoexamples',
  'autotests',
  'autobenches',
  'exclude',
  'include',
  'metadata',
  'default-run',
  'badges',
  'im-a-teapot',
  'forced-target',
  'default-target',
  'metabuild',
]);
const WORKSPACE_KEYS = new Set(['members', 'exclude', 'default-members', 'resolver', 'package', 'dependencies', 'metadata', 'lints']);
const TOP_KEYS = new Set([
  'package',
  'project',
  'workspace',
  'lib',
  'bin',
  'example',
  'test',
  'bench',
  'dependencies',
  'dev-dependencies',
  'dev_dependencies',
  'build-dependencies',
  'build_dependencies',
  'target',
  'features',
  'patch',
  'replace',
  'profile',
  'badges',
  'lints',
  'cargo-features',
  'hints',
]);
const DEP_TABLES: [string, DependencyKind][] = [
  ['dependencies', 'normal'],
  ['dev-dependencies', 'dev'],
  ['dev_dependencies', 'dev'],
  ['build-dependencies', 'build'],
  ['build_dependencies', 'build'],
];

class ManifestReader {
  constructor(
    private readonly text: string,
    private readonly path: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  private where(path: KeyPath): { line: number; column?: number } {
    const loc = locateKey(this.text, path);
    return loc ?? { line: 1 };
  }

  fail(path: KeyPath, message: string): never {
    const { line, column } = this.where(path);
    throw new InputError(this.path, line, column, message);
  }

  private warn(path: KeyPath, message: string): void {
    const { line, column } = this.where(path);
    this.diagnostics.push({ file: this.path, line, column, severity: 'warning', message });
  }

  private expected(path: KeyPath, v: unknown, what: string): never {
    this.fail(path, `invalid type: ${describe(v)}, expected ${what} for key \`${keyName(path)}\``);
  }

  str(v: unknown, path: KeyPath): string {
    if (typeof v !== 'string') this.expected(path, v, 'a string');
    return v;
  }

  bool(v: unknown, path: KeyPath): boolean {
    if (typeof v !== 'boolean') this.expected(path, v, 'a boolean');
    return v;
  }

  strArray(v: unknown, path: KeyPath): string[] {
    if (!Array.isArray(v)) this.expected(path, v, 'an array of strings');
    return v.map((item, i) => this.str(item, [...path, i]));
  }

  table(v: unknown, path: KeyPath): Record<string, unknown> {
    if (!isTable(v)) this.expected(path, v, 'a table');
    return v;
  }

  private optional<T>(t: Record<string, unknown>, key: string, path: KeyPath, f: (v: unknown, p: KeyPath) => T): T | undefined {
    return t[key] === undefined ? undefined : f(t[key], [...path, key]);
  }

  /** Reads `a-b` or its `a_b` spelling; warns when both are present. */
  private dashed<T>(t: Record<string, unknown>, key: string, path: KeyPath, f: (v: unknown, p: KeyPath) => T): T | undefined {
    const alt = key.replace(/-/g, '_');
    if (t[key] !== undefined && t[alt] !== undefined) {
      this.warn([...path, alt], `\`${alt}\` is redundant with \`${key}\`, preferring \`${key}\``);
    }
    if (t[key] !== undefined) return f(t[key], [...path, key]);
    return this.optional(t, alt, path, f);
  }

  private unknownKeys(t: Record<string, unknown>, known: Set<string>, path: KeyPath): void {
    for (const k of Object.keys(t)) {
      if (!known.has(k)) this.warn([...path, k], `unused manifest key: ${keyName([...path, k])}`);
    }
  }

  private edition(v: unknown, path: KeyPath): string {
    const s = this.str(v, path);
    if (!(EDITIONS as readonly string[]).includes(s)) {
      this.fail(path, `supported edition values are \`2015\`, \`2018\`, \`2021\`, or \`2024\`, but \`${s}\` is unknown`);
    }
    return s;
  }

  private inheritable<T>(t: Record<string, unknown>, key: string, path: KeyPath, f: (v: unknown, p: KeyPath) => T): Inheritable<T> | undefined {
    const v = t[key];
    if (v === undefined) return undefined;
    const p = [...path, key];
    if (isTable(v)) {
      if (v.workspace === true && Object.keys(v).length === 1) {
        const { line, column } = this.where([...p, 'workspace']);
        return { inherit: true, line, column };
      }
      if (v.workspace === false) this.fail([...p, 'workspace'], `\`workspace\` cannot be false for key \`${keyName(p)}\``);
      this.expected(p, v, '`{ workspace = true }` or a value');
    }
    return { inherit: false, value: f(v, p) };
  }

  read(doc: Record<string, unknown>): Manifest {
    const m: Manifest = { path: this.path, dir: dirname(this.path), text: this.text, dependencies: [], featuresLine: 0 };
    this.unknownKeys(doc, TOP_KEYS, []);
    const pkgKey = doc.package !== undefined ? 'package' : doc.project !== undefined ? 'project' : undefined;
    if (pkgKey) m.package = this.readPackage(this.table(doc[pkgKey], [pkgKey]), [pkgKey]);
    const nameProblem = m.package?.name !== undefined ? packageNameProblem(m.package.name) : undefined;
    if (nameProblem) this.fail([pkgKey!, 'name'], nameProblem);
    if (doc.workspace !== undefined) m.workspace = this.readWorkspace(this.table(doc.workspace, ['workspace']));
    if (doc.lib !== undefined) m.lib = this.readTarget(doc.lib, ['lib']);
    m.bins = this.readTargets(doc, 'bin');
    m.examples = this.readTargets(doc, 'example');
    m.tests = this.readTargets(doc, 'test');
    m.benches = this.readTargets(doc, 'bench');
    for (const [table, kind] of DEP_TABLES) {
      if (doc[table] !== undefined) m.dependencies.push(...this.readDeps(doc[table], [table], kind, undefined, false));
    }
    if (doc.target !== undefined) {
      const targets = this.table(doc.target, ['target']);
      for (const [platform, spec] of Object.entries(targets)) {
        const t = this.table(spec, ['target', platform]);
        for (const [table, kind] of DEP_TABLES) {
          if (t[table] !== undefined) {
            m.dependencies.push(...this.readDeps(t[table], ['target', platform, table], kind, platform, false));
          }
        }
      }
    }
    if (doc.features !== undefined) {
      const f = this.table(doc.features, ['features']);
      m.features = {};
      for (const [name, values] of Object.entries(f)) {
        const problem = featureNameProblem(name);
        if (problem) this.fail(['features', name], problem);
        m.features[name] = this.strArray(values, ['features', name]);
      }
      m.featuresLine = this.where(['features']).line;
    }
    for (const dep of m.dependencies) {
      if (dep.kind === 'dev' && dep.optional) {
        this.fail(this.depPath(dep), `dev-dependencies are not allowed to be optional: \`${dep.name}\``);
      }
    }
    return m;
  }

  private depPath(dep: ManifestDependency): KeyPath {
    const table = dep.kind === 'normal' ? 'dependencies' : dep.kind === 'dev' ? 'dev-dependencies' : 'build-dependencies';
    return dep.platform ? ['target', dep.platform, table, dep.name] : [table, dep.name];
  }

  private readPackage(t: Record<string, unknown>, path: KeyPath): ManifestPackage {
    this.unknownKeys(t, PACKAGE_KEYS, path);
    const s = (v: unknown, p: KeyPath) => this.str(v, p);
    const arr = (v: unknown, p: KeyPath) => this.strArray(v, p);
    const pkg: ManifestPackage = {
      line: this.where(path).line,
      name: this.optional(t, 'name', path, s),
      version: this.inheritable(t, 'version', path, s),
      edition: this.inheritable(t, 'edition', path, (v, p) => this.edition(v, p)),
      authors: this.inheritable(t, 'authors', path, arr),
      description: this.inheritable(t, 'description', path, s),
      homepage: this.inheritable(t, 'homepage', path, s),
      documentation: this.inheritable(t, 'documentation', path, s),
      repository: this.inheritable(t, 'repository', path, s),
      license: this.inheritable(t, 'license', path, s),
      licenseFile: this.inheritable(t, 'license-file', path, s),
      rustVersion: this.inheritable(t, 'rust-version', path, s),
      readme: this.inheritable(t, 'readme', path, (v, p) => this.strOrBool(v, p)),
      publish: this.inheritable(t, 'publish', path, (v, p) => (typeof v === 'boolean' ? v : this.strArray(v, p))),
      keywords: this.inheritable(t, 'keywords', path, arr),
      categories: this.inheritable(t, 'categories', path, arr),
      build: this.optional(t, 'build', path, (v, p) => this.strOrBool(v, p)),
      links: this.optional(t, 'links', path, s),
      workspace: this.optional(t, 'workspace', path, s),
      resolver: this.optional(t, 'resolver', path, (v, p) => this.resolver(v, p)),
    };
    for (const key of ['autolib', 'autobins', 'autoexamples', 'autotests', 'autobenches'] as const) {
      pkg[key] = this.optional(t, key, path, (v, p) => this.bool(v, p));
    }
    return pkg;
  }

  private strOrBool(v: unknown, p: KeyPath): string | boolean {
    if (typeof v === 'boolean') return v;
    if (typeof v !== 'string') this.expected(p, v, 'a boolean or a string');
    return v;
  }

  private resolver(v: unknown, p: KeyPath): string {
    const s = this.str(v, p);
    if (s !== '1' && s !== '2' && s !== '3') this.fail(p, `\`resolver\` setting \`${s}\` is not valid, valid options are "1", "2" or "3"`);
    return s;
  }

  private readWorkspace(t: Record<string, unknown>): ManifestWorkspace {
    const path: KeyPath = ['workspace'];
    this.unknownKeys(t, WORKSPACE_KEYS, path);
    const line = this.where(path).line;
    const arr = (v: unknown, p: KeyPath) => this.strArray(v, p);
    const ws: ManifestWorkspace = {
      line,
      members: this.optional(t, 'members', path, arr),
      exclude: this.optional(t, 'exclude', path, arr),
      defaultMembers: this.optional(t, 'default-members', path, arr),
      resolver: this.optional(t, 'resolver', path, (v, p) => this.resolver(v, p)),
      package: {},
      dependencies: new Map(),
      membersLine: t.members !== undefined ? this.where([...path, 'members']).line : line,
      defaultMembersLine: t['default-members'] !== undefined ? this.where([...path, 'default-members']).line : line,
    };
    if (t.package !== undefined) {
      const pp: KeyPath = ['workspace', 'package'];
      const p = this.table(t.package, pp);
      const s = (v: unknown, k: KeyPath) => this.str(v, k);
      const wp = ws.package;
      wp.version = this.optional(p, 'version', pp, s);
      wp.edition = this.optional(p, 'edition', pp, (v, k) => this.edition(v, k));
      wp.authors = this.optional(p, 'authors', pp, arr);
      wp.description = this.optional(p, 'description', pp, s);
      wp.homepage = this.optional(p, 'homepage', pp, s);
      wp.documentation = this.optional(p, 'documentation', pp, s);
      wp.repository = this.optional(p, 'repository', pp, s);
      wp.license = this.optional(p, 'license', pp, s);
      wp.licenseFile = this.optional(p, 'license-file', pp, s);
      wp.rustVersion = this.optional(p, 'rust-version', pp, s);
      wp.readme = this.optional(p, 'readme', pp, (v, k) => this.strOrBool(v, k));
      wp.publish = this.optional(p, 'publish', pp, (v, k) => (typeof v === 'boolean' ? v : this.strArray(v, k)));
      wp.keywords = this.optional(p, 'keywords', pp, arr);
      wp.categories = this.optional(p, 'categories', pp, arr);
    }
    if (t.dependencies !== undefined) {
      for (const dep of this.readDeps(t.dependencies, ['workspace', 'dependencies'], 'normal', undefined, true)) {
        if (dep.optional !== undefined) {
          this.fail(['workspace', 'dependencies', dep.name, 'optional'], `${dep.name} is optional, but workspace dependencies cannot be optional`);
        }
        ws.dependencies.set(dep.name, dep);
      }
    }
    return ws;
  }

  private readTargets(doc: Record<string, unknown>, key: string): ManifestTarget[] | undefined {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.expected([key], v, `an array of tables (\`[[${key}]]\`)`);
    return v.map((t, i) => this.readTarget(t, [key, i]));
  }

  private readTarget(v: unknown, path: KeyPath): ManifestTarget {
    const t = this.table(v, path);
    this.unknownKeys(t, TARGET_KEYS, path);
    const s = (x: unknown, p: KeyPath) => this.str(x, p);
    const b = (x: unknown, p: KeyPath) => this.bool(x, p);
    const target: ManifestTarget = {
      line: this.where(path).line,
      name: this.optional(t, 'name', path, s),
      path: this.optional(t, 'path', path, s),
      test: this.optional(t, 'test', path, b),
      doctest: this.optional(t, 'doctest', path, b),
      bench: this.optional(t, 'bench', path, b),
      doc: this.optional(t, 'doc', path, b),
      harness: this.optional(t, 'harness', path, b),
      procMacro: this.dashed(t, 'proc-macro', path, b),
      crateTypes: this.dashed(t, 'crate-type', path, (x, p) => this.strArray(x, p)),
      requiredFeatures: this.optional(t, 'required-features', path, (x, p) => this.strArray(x, p)),
      edition: this.optional(t, 'edition', path, (x, p) => this.edition(x, p)),
    };
    return target;
  }

  private readDeps(v: unknown, path: KeyPath, kind: DependencyKind, platform: string | undefined, inWorkspace: boolean): ManifestDependency[] {
    const table = this.table(v, path);
    const deps: ManifestDependency[] = [];
    for (const [name, spec] of Object.entries(table)) {
      const p = [...path, name];
      const { line, column } = this.where(p);
      const dep: ManifestDependency = { name, kind, platform, workspace: false, line, column };
      if (typeof spec === 'string') {
        dep.version = spec;
      } else if (isTable(spec)) {
        const inherited = spec.workspace !== undefined;
        if (inherited) {
          if (inWorkspace) this.fail([...p, 'workspace'], `\`workspace\` cannot be used in \`[workspace.dependencies]\` (dependency \`${name}\`)`);
          if (spec.workspace !== true) this.fail([...p, 'workspace'], `\`workspace\` cannot be false (dependency \`${name}\`)`);
          dep.workspace = true;
        }
        this.unknownKeys(spec, inherited ? INHERITED_DEP_KEYS : DEP_KEYS, p);
        const s = (x: unknown, q: KeyPath) => this.str(x, q);
        if (!inherited) {
          dep.version = this.optional(spec, 'version', p, s);
          dep.path = this.optional(spec, 'path', p, s);
          dep.git = this.optional(spec, 'git', p, s);
          dep.registry = this.optional(spec, 'registry', p, s);
          dep.package = this.optional(spec, 'package', p, s);
        }
        dep.optional = this.optional(spec, 'optional', p, (x, q) => this.bool(x, q));
        dep.defaultFeatures = this.dashed(spec, 'default-features', p, (x, q) => this.bool(x, q));
        dep.features = this.optional(spec, 'features', p, (x, q) => this.strArray(x, q));
      } else {
        this.expected(p, spec, 'a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }');
      }
      deps.push(dep);
    }
    return deps;
  }
}
