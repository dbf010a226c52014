/**
 * Checks the Cargo model against real cargo: `cargo metadata` for members, targets, features
 * and dependencies; `cargo check --unit-graph` for the unit list, features and edges; and
 * `cargo check -v` for which units rustc gets `--test`. Fixtures are copied to a temporary
 * directory first so that cargo leaves no Cargo.lock or target/ behind. Skipped only when
 * cargo is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { InputError } from '../diagnostics.js';
import { featureMap, resolveFeatures } from './features.js';
import type { FeatureOptions, Package, Target, Tri, Workspace } from './model.js';
import { planUnits, type Unit } from './units.js';
import { loadWorkspace } from './workspace.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));
const REGISTRY = '/usr/share/cargo/registry';

function findCargo(): string | undefined {
  const candidates = [process.env.CARGO, 'cargo', join(homedir(), '.cargo', 'bin', 'cargo')];
  return candidates.find((c) => c !== undefined && spawnSync(c, ['--version']).status === 0);
}
const CARGO = findCargo();
const skip = CARGO === undefined ? 'cargo is not installed' : false;

const work = mkdtempSync(join(tmpdir(), 'cargo-units-crosscheck-'));
const copies = join(work, 'fixtures');
const targetDir = join(work, 'target');
cpSync(FIXTURES, copies, { recursive: true });
after(() => rmSync(work, { recursive: true, force: true }));

function cargo(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(CARGO ?? 'cargo', args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, RUSTC_BOOTSTRAP: '1', CARGO_TARGET_DIR: targetDir, CARGO_TERM_COLOR: 'never' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cargoJson<T>(args: string[]): T {
  const r = cargo(args);
  assert.equal(r.status, 0, `cargo ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The platform evaluator of a Linux host, enough for the fixtures' `[target.…]` keys. */
function linux(key: string): Tri {
  if (key === 'cfg(unix)') return true;
  if (key === 'cfg(windows)') return false;
  return 'unknown';
}

const NO_FEATURES: FeatureOptions = { features: [], allFeatures: false, noDefaultFeatures: false };

// ---------------------------------------------------------------------------------------------
// cargo metadata

interface MetaTarget {
  kind: string[];
  crate_types: string[];
  name: string;
  src_path: string;
  edition: string;
  'required-features'?: string[];
  doctest: boolean;
  test: boolean;
}
interface MetaDependency {
  name: string;
  kind: 'dev' | 'build' | null;
  rename: string | null;
  optional: boolean;
  uses_default_features: boolean;
  features: string[];
  target: string | null;
  path?: string;
}
interface MetaPackage {
  name: string;
  version: string;
  id: string;
  manifest_path: string;
  edition: string;
  targets: MetaTarget[];
  dependencies: MetaDependency[];
  features: Record<string, string[]>;
  authors: string[];
  description: string | null;
  homepage: string | null;
  repository: string | null;
  license: string | null;
  license_file: string | null;
  readme: string | null;
  rust_version: string | null;
  links: string | null;
}
interface Metadata {
  packages: MetaPackage[];
  workspace_members: string[];
  workspace_default_members: string[];
  workspace_root: string;
}

function metadata(manifestPath: string): Metadata {
  return cargoJson<Metadata>(['metadata', '--no-deps', '--offline', '--format-version', '1', '--manifest-path', manifestPath]);
}

const LIB_KINDS = new Set(['lib', 'rlib', 'dylib', 'cdylib', 'staticlib']);

function kindOf(kinds: string[]): string {
  if (kinds.includes('proc-macro')) return 'proc-macro';
  if (kinds.every((k) => LIB_KINDS.has(k))) return 'lib';
  return kinds[0] ?? '?';
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

function targetView(t: MetaTarget | Target) {
  if ('src_path' in t) {
    return {
      kind: kindOf(t.kind),
      name: t.name,
      path: t.src_path,
      edition: t.edition,
      crateTypes: t.crate_types,
      requiredFeatures: t['required-features'] ?? [],
      test: t.test,
      doctest: t.doctest,
    };
  }
  return {
    kind: t.kind,
    name: t.name,
    path: t.path,
    edition: t.edition,
    crateTypes: t.crateTypes,
    requiredFeatures: t.requiredFeatures,
    test: t.test,
    doctest: t.doctest ?? false,
  };
}

function dependencyViews(pkg: Package, meta: MetaPackage) {
  const ours = pkg.dependencies.map((d) => ({
    package: d.package,
    rename: d.name !== d.package ? d.name : null,
    kind: d.kind === 'normal' ? null : d.kind,
    optional: d.optional,
    defaultFeatures: d.defaultFeatures,
    features: [...d.features].sort(),
    platform: d.platform?.replace(/\s+/g, '') ?? null,
    path: d.path ?? null,
  }));
  const theirs = meta.dependencies.map((d) => ({
    package: d.name,
    rename: d.rename,
    kind: d.kind,
    optional: d.optional,
    defaultFeatures: d.uses_default_features,
    features: [...d.features].sort(),
    platform: d.target?.replace(/\s+/g, '') ?? null,
    path: d.path ?? null,
  }));
  const key = (d: (typeof ours)[number]) => JSON.stringify(d);
  return { ours: ours.sort(byKey(key)), theirs: theirs.sort(byKey(key)) };
}

/** Everything `cargo metadata` says about a package that the model also holds. */
function assertPackageMatches(pkg: Package, meta: MetaPackage): void {
  const where = `package ${pkg.name}`;
  assert.equal(pkg.version, meta.version, `${where}: version`);
  assert.equal(pkg.edition, meta.edition, `${where}: edition`);
  assert.equal(pkg.manifestPath, meta.manifest_path, `${where}: manifest path`);
  const ourTargets = pkg.targets.map(targetView).sort(byKey((t) => `${t.kind}/${t.name}`));
  const theirTargets = meta.targets.map(targetView).sort(byKey((t) => `${t.kind}/${t.name}`));
  assert.deepEqual(ourTargets, theirTargets, `${where}: targets`);
  assert.deepEqual(Object.fromEntries(featureMap(pkg)), meta.features, `${where}: features`);
  const deps = dependencyViews(pkg, meta);
  assert.deepEqual(deps.ours, deps.theirs, `${where}: dependencies`);
  const md = pkg.metadata;
  assert.deepEqual(
    [
      md.authors,
      md.description ?? null,
      md.homepage ?? null,
      md.repository ?? null,
      md.license ?? null,
      md.licenseFile ?? null,
      md.readme ?? null,
      md.rustVersion ?? null,
      md.links ?? null,
    ],
    [meta.authors, meta.description, meta.homepage, meta.repository, meta.license, meta.license_file, meta.readme, meta.rust_version, meta.links],
    `${where}: package metadata`,
  );
}

function assertWorkspaceMatches(ws: Workspace, meta: Metadata): void {
  assert.equal(ws.root, meta.workspace_root);
  const nameOfId = (id: string) => meta.packages.find((p) => p.id === id)?.name ?? `?${id}`;
  assert.deepEqual(
    ws.members.map((m) => m.name),
    meta.workspace_members.map(nameOfId).sort(),
    'members',
  );
  assert.deepEqual(ws.defaultMembers, meta.workspace_default_members.map(nameOfId).sort(), 'default members');
  for (const pkg of ws.members) {
    const m = meta.packages.find((p) => p.manifest_path === pkg.manifestPath);
    assert.ok(m, `cargo metadata lists ${pkg.name}`);
    assertPackageMatches(pkg, m);
  }
}

/** Fixture workspaces cargo accepts, by the path of their root manifest's directory. */
const VALID = [
  'targets-auto',
  'targets-explicit',
  'targets-2015',
  'targets-noauto',
  'proc-macro',
  'ws-globs',
  'ws-outside/ws',
  'ws-inherit',
  'features',
  'resolver1',
  'platform-v2',
  'links',
  'dev-cycle',
  'nested',
  'nested/excluded',
  'warnings',
  'cdylib',
  'solo',
];

describe('cargo metadata agrees on members, targets, features and dependencies', { skip }, () => {
  for (const name of VALID) {
    test(name, () => {
      const dir = join(copies, name);
      const { workspace } = loadWorkspace(dir);
      assertWorkspaceMatches(workspace, metadata(join(dir, 'Cargo.toml')));
    });
  }

  test('a member found from one of its nested files gives the same workspace', () => {
    const { workspace } = loadWorkspace(join(copies, 'nested/member/src/deep/mod.rs'));
    assertWorkspaceMatches(workspace, metadata(join(copies, 'nested/member/Cargo.toml')));
  });
});

describe('cargo refuses the manifests the model refuses', { skip }, () => {
  const broken = readdirSync(join(FIXTURES, 'errors')).map((n) => `errors/${n}`);
  broken.push('nested/stray');
  for (const name of broken) {
    test(name, () => {
      const dir = join(copies, name);
      assert.throws(() => loadWorkspace(dir), InputError);
      const r = cargo(['metadata', '--no-deps', '--offline', '--format-version', '1', '--manifest-path', join(dir, 'Cargo.toml')]);
      assert.notEqual(r.status, 0, `cargo accepted ${name}`);
    });
  }
});

const registryCrates = ['serde-1.', 'serde_json-1.', 'regex-1.', 'regex-syntax-0.6.', 'syn-1.', 'anyhow-1.', 'memchr-2.', 'libc-0.2.'];
const installed = existsSync(REGISTRY) ? readdirSync(REGISTRY) : [];

describe('cargo metadata agrees on the crates installed under /usr/share/cargo/registry', { skip }, () => {
  for (const prefix of registryCrates) {
    const dirs = installed.filter((d) => d.startsWith(prefix) && /^\d/.test(d.slice(prefix.length - 1).replace(/^[-.]/, '')));
    test(prefix.replace(/[-.]+$/, ''), { skip: dirs.length === 0 ? `no ${prefix}* under ${REGISTRY}` : false }, () => {
      for (const d of dirs) {
        const dir = join(REGISTRY, d);
        const hadLock = existsSync(join(dir, 'Cargo.lock'));
        const { workspace } = loadWorkspace(dir);
        const meta = metadata(join(dir, 'Cargo.toml'));
        assert.equal(workspace.members.length, 1);
        assertWorkspaceMatches(workspace, meta);
        assert.equal(existsSync(join(dir, 'Cargo.lock')), hadLock, 'no Cargo.lock left behind');
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// cargo check --unit-graph

interface GraphUnit {
  pkg_id: string;
  target: { kind: string[]; name: string; src_path: string };
  mode: string;
  features: string[];
  dependencies: { index: number; extern_crate_name: string }[];
}
interface UnitGraph {
  units: GraphUnit[];
  roots: number[];
}

function packageDir(pkgId: string): string {
  return decodeURIComponent(pkgId.replace(/^path\+file:\/\//, '').replace(/#.*$/, ''));
}

function signature(key: string, features: string[], deps: string[]): string {
  return JSON.stringify([key, [...features].sort(), [...new Set(deps)].sort()]);
}

/**
 * cargo's unit graph in the model's terms: check and build copies of a target merged, the
 * compile and run units of a build script merged, units of non-members dropped. Returns one
 * signature (target, features, dependencies) per unit, sorted.
 */
function cargoUnits(graph: UnitGraph, ws: Workspace): string[] {
  const nameByDir = new Map(ws.members.map((m) => [m.dir, m.name]));
  const key = (u: GraphUnit): string | undefined => {
    const pkg = nameByDir.get(packageDir(u.pkg_id));
    return pkg === undefined ? undefined : `${pkg}/${kindOf(u.target.kind)}/${u.target.name}`;
  };
  const depsOf = (u: GraphUnit, skipIndex?: number): string[] =>
    u.dependencies.flatMap((d) => {
      const k = d.index === skipIndex ? undefined : key(graph.units[d.index]!);
      return k === undefined ? [] : [`${k}:${d.extern_crate_name}`];
    });
  const isScript = (u: GraphUnit) => u.target.kind.includes('custom-build');
  const roots = graph.roots.map((i) => graph.units[i]!).filter((u) => key(u) !== undefined);
  const rootSigs = roots.map((u) => signature(key(u) ?? '', u.features, depsOf(u)));
  const extra = new Set<string>();
  graph.units.forEach((u, i) => {
    const k = key(u);
    if (k === undefined || graph.roots.includes(i)) return;
    if (u.mode === 'run-custom-build') {
      const compile = u.dependencies.find((d) => graph.units[d.index]!.mode !== 'run-custom-build' && isScript(graph.units[d.index]!));
      assert.ok(compile, `the run of ${k} depends on its compilation`);
      extra.add(signature(k, u.features, [...depsOf(graph.units[compile.index]!), ...depsOf(u, compile.index)]));
    } else if (!isScript(u)) {
      const sig = signature(k, u.features, depsOf(u));
      if (!rootSigs.includes(sig)) extra.add(sig);
    }
  });
  return [...rootSigs, ...extra].sort();
}

function ourUnits(units: Unit[]): string[] {
  return units
    .map((u) =>
      signature(
        u.id.replace(/\[test\]$/, ''),
        u.features,
        u.deps.map((d) => `${d.unitId}:${d.externName}`),
      ),
    )
    .sort();
}

function cliFlags(opts: FeatureOptions): string[] {
  const flags: string[] = [];
  if (opts.features.length > 0) flags.push('--features', opts.features.join(','));
  if (opts.allFeatures) flags.push('--all-features');
  if (opts.noDefaultFeatures) flags.push('--no-default-features');
  return flags;
}

function assertUnitGraphMatches(name: string, opts: FeatureOptions, packages?: string[]): Unit[] {
  const dir = join(copies, name);
  const { workspace } = loadWorkspace(dir);
  const resolved = resolveFeatures(workspace, opts, linux);
  const units = planUnits(workspace, resolved, packages ? { packages } : {});
  const select = packages ? packages.flatMap((p) => ['-p', p]) : ['--workspace'];
  const graph = cargoJson<UnitGraph>([
    'check',
    ...select,
    '--all-targets',
    '--offline',
    '--unit-graph',
    '-Z',
    'unstable-options',
    '--manifest-path',
    join(dir, 'Cargo.toml'),
    ...cliFlags(opts),
  ]);
  assert.deepEqual(ourUnits(units), cargoUnits(graph, workspace));
  return units;
}

const opts = (o: Partial<FeatureOptions>): FeatureOptions => ({ ...NO_FEATURES, ...o });

/** Fixture → the feature options to compare under. */
const GRAPH_CASES: [string, FeatureOptions[]][] = [
  ['targets-auto', [NO_FEATURES]],
  ['targets-explicit', [NO_FEATURES, opts({ features: ['x'] })]],
  ['targets-2015', [NO_FEATURES]],
  ['targets-noauto', [NO_FEATURES]],
  ['proc-macro', [NO_FEATURES]],
  ['ws-globs', [NO_FEATURES]],
  ['ws-outside/ws', [NO_FEATURES]],
  ['ws-inherit', [NO_FEATURES, opts({ features: ['with-shared'] }), opts({ allFeatures: true })]],
  [
    'features',
    [
      NO_FEATURES,
      opts({ noDefaultFeatures: true }),
      opts({ allFeatures: true }),
      opts({ features: ['extra', 'weak-c'] }),
      opts({ features: ['weak-c', 'use-c'] }),
      opts({ features: ['feat-core/via-d'] }),
      opts({ features: ['fast'] }),
      opts({ features: ['hidden-a'], noDefaultFeatures: true }),
    ],
  ],
  ['resolver1', [NO_FEATURES, opts({ features: ['f'] }), opts({ noDefaultFeatures: true }), opts({ features: ['r1-member/g'] }), opts({ allFeatures: true })]],
  ['platform-v2', [NO_FEATURES, opts({ features: ['unix-only/u', 'win-only/w'] })]],
  ['links', [NO_FEATURES]],
  ['dev-cycle', [NO_FEATURES]],
  ['nested', [NO_FEATURES]],
  ['cdylib', [NO_FEATURES]],
  ['solo', [NO_FEATURES]],
];

describe('cargo check --unit-graph agrees on units, features and edges', { skip }, () => {
  for (const [name, cases] of GRAPH_CASES) {
    for (const o of cases) {
      test(`${name} ${cliFlags(o).join(' ') || '(default features)'}`, () => {
        assertUnitGraphMatches(name, o);
      });
    }
  }

  test('selected packages (-p) plan their targets plus what they depend on', () => {
    const units = assertUnitGraphMatches('dev-cycle', NO_FEATURES, ['c']);
    assert.ok(units.some((u) => u.id === 'a/lib/a_lib') && !units.some((u) => u.id === 'a/test/t'));
    assertUnitGraphMatches('links', NO_FEATURES, ['wrapper', 'build-user']);
  });

  test('cargo rejects the unknown feature the model reports as an error', () => {
    const dir = join(copies, 'features');
    const r = cargo([
      'check',
      '--workspace',
      '--all-targets',
      '--offline',
      '--unit-graph',
      '-Z',
      'unstable-options',
      '--manifest-path',
      join(dir, 'Cargo.toml'),
      '--features',
      'nope',
    ]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /none of the selected packages contains (this feature|these features): nope/);
    const diagnostics: import('../diagnostics.js').Diagnostic[] = [];
    resolveFeatures(loadWorkspace(dir).workspace, opts({ features: ['nope'] }), linux, diagnostics);
    assert.match(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => d.message)
        .join('\n'),
      /none of the selected packages contains this feature: nope/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// cargo check -v: which rustc invocations get --test

/** `crate name|source path|--test?` for every rustc invocation of `cargo check -v`. */
function rustcInvocations(dir: string, wsRoot: string): string[] {
  const r = cargo(['check', '--workspace', '--all-targets', '--offline', '-v', '--manifest-path', join(dir, 'Cargo.toml')]);
  assert.equal(r.status, 0, r.stderr);
  const out = new Set<string>();
  for (const line of r.stderr.split('\n')) {
    const m = /Running `.*?--crate-name (\S+) --edition=\S+ (\S+) (.*)`$/.exec(line);
    if (!m) continue;
    out.add(`${m[1]}|${resolve(wsRoot, m[2]!)}|${/ --test( |$)/.test(m[3]!)}`);
  }
  return [...out].sort();
}

describe('cargo check -v passes --test exactly to the units with cfgTest', { skip }, () => {
  for (const name of ['targets-explicit', 'proc-macro', 'links']) {
    test(name, () => {
      const dir = join(copies, name);
      const { workspace } = loadWorkspace(dir);
      const units = planUnits(workspace, resolveFeatures(workspace, NO_FEATURES, linux));
      const ours = [...new Set(units.map((u) => `${u.target.crateName}|${u.target.path}|${u.cfgTest}`))].sort();
      assert.deepEqual(ours, rustcInvocations(dir, workspace.root));
    });
  }
});
