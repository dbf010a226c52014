import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import type { Workspace } from './model.js';
import { expandGlob, findWorkspaceManifest, loadWorkspace } from './workspace.js';
import { inputError } from './testkit.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));
const fx = (...p: string[]) => join(FIXTURES, ...p);

const scratch = mkdtempSync(join(tmpdir(), 'cargo-units-workspace-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;

function tree(files: Record<string, string>): string {
  const dir = join(scratch, String(scratchCount++));
  mkdirSync(dir, { recursive: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const memberDirs = (ws: Workspace) => ws.members.map((m) => `${m.name}=${relative(ws.root, m.dir) || '.'}`);

describe('findWorkspaceManifest', () => {
  test('from a nested file, directory or Cargo.toml of a member: the root manifest', () => {
    const root = fx('nested/Cargo.toml');
    assert.equal(findWorkspaceManifest(fx('nested/member/src/deep/mod.rs')), root);
    assert.equal(findWorkspaceManifest(fx('nested/member/src')), root);
    assert.equal(findWorkspaceManifest(fx('nested/member/Cargo.toml')), root);
    assert.equal(findWorkspaceManifest(fx('nested')), root);
  });

  test('`package.workspace` points to the root', () => {
    assert.equal(findWorkspaceManifest(fx('nested/sub/pointed/src/lib.rs')), fx('nested/Cargo.toml'));
  });

  test('an excluded package inside the root is its own workspace', () => {
    assert.equal(findWorkspaceManifest(fx('nested/excluded/src/lib.rs')), fx('nested/excluded/Cargo.toml'));
  });

  test('a package without [workspace] and no workspace above is its own root', () => {
    assert.equal(findWorkspaceManifest(fx('targets-auto/src/bin/multi')), fx('targets-auto/Cargo.toml'));
  });

  test('a path dependency outside the root that points back belongs to that workspace', () => {
    assert.equal(findWorkspaceManifest(fx('ws-outside/ext-member')), fx('ws-outside/ws/Cargo.toml'));
    assert.equal(findWorkspaceManifest(fx('ws-outside/ext-other')), fx('ws-outside/ext-other/Cargo.toml'));
  });

  test('a package under a workspace that does not list it is an error, as in cargo', () => {
    const e = inputError(() => findWorkspaceManifest(fx('nested/stray/src/lib.rs')));
    assert.equal(e.file, fx('nested/stray/Cargo.toml'));
    assert.equal(e.line, 0);
    assert.match(e.message, /believes it's in a workspace when it's not/);
  });

  test('no Cargo.toml up to the file system root: InputError with line 0', () => {
    const dir = tree({ 'src/lib.rs': '' });
    const e = inputError(() => findWorkspaceManifest(join(dir, 'src/lib.rs')));
    assert.equal(e.line, 0);
    assert.match(e.message, /could not find `Cargo\.toml`/);
    assert.equal(inputError(() => findWorkspaceManifest(join(dir, 'missing.rs'))).line, 0);
  });
});

describe('loadWorkspace', () => {
  test('members: globs with *, ?, [..] and **, exclude, the root package, path dependencies inside the root', () => {
    const { workspace, diagnostics } = loadWorkspace(fx('ws-globs'));
    assert.deepEqual(memberDirs(workspace), [
      'alib=libs/alib',
      'alpha=crates/alpha',
      // Not listed: a path dependency of the root package.
      'auto-member=extra/auto-member',
      'bcore=libs/bcore',
      'beta=crates/beta',
      // `*` matches names starting with a dot, as cargo's glob does.
      'dotted=crates/.dotted',
      // Not listed: a path dependency of alpha.
      'inner=vendor/inner',
      'leaf0=deep/leaf',
      'leaf1=deep/x/leaf',
      'leaf2=deep/x/y/leaf',
      'tool-pkg=tools/tool',
      'ws-root=.',
    ]);
    // crates/excluded is excluded; libs/clib (an unparsable manifest) and tools/toool match no glob and are never read.
    assert.deepEqual(workspace.defaultMembers, ['alpha', 'ws-root']);
    assert.equal(workspace.root, fx('ws-globs'));
    assert.equal(workspace.manifestPath, fx('ws-globs/Cargo.toml'));
    assert.deepEqual(diagnostics, []);
  });

  test('loaded from a member, that member is the default member (as cargo run in its directory)', () => {
    const { workspace } = loadWorkspace(fx('ws-globs/crates/beta/src/lib.rs'));
    assert.equal(workspace.members.length, 12);
    assert.deepEqual(workspace.defaultMembers, ['beta']);
  });

  test('a virtual root without default-members: every member is a default member', () => {
    const { workspace } = loadWorkspace(fx('proc-macro'));
    assert.deepEqual(workspace.defaultMembers, ['macros', 'macros-ct', 'user', 'util']);
  });

  test('path dependencies outside the root are members only when they point back with package.workspace', () => {
    const { workspace, diagnostics } = loadWorkspace(fx('ws-outside/ws'));
    assert.deepEqual(memberDirs(workspace), ['a=a', 'ext-member=../ext-member']);
    const a = workspace.members[0];
    assert.ok(a);
    assert.deepEqual(
      a.dependencies.map((d) => [d.name, d.path]),
      [
        ['ext-member', fx('ws-outside/ext-member')],
        ['ext-other', fx('ws-outside/ext-other')],
      ],
    );
    // Virtual, no resolver key: "1", with cargo's warning since the members are on 2021.
    assert.equal(workspace.resolver, '1');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]?.message ?? '', /virtual workspace defaulting to `resolver = "1"`/);
  });

  test('a package without [workspace] is a workspace of one: its path dependencies are not members', () => {
    const dir = tree({
      'Cargo.toml': '[package]\nname = "solo"\nedition = "2021"\n\n[dependencies]\nhelper = { path = "helper" }\n',
      'src/lib.rs': '',
      'helper/Cargo.toml': '[package]\nname = "helper"\n',
      'helper/src/lib.rs': '',
    });
    const { workspace } = loadWorkspace(dir);
    assert.deepEqual(memberDirs(workspace), ['solo=.']);
    assert.deepEqual(workspace.defaultMembers, ['solo']);
    assert.equal(workspace.resolver, '2');
  });

  test('warnings come from the manifests of the workspace, not from ancestors read while searching for the root', () => {
    const dir = tree({
      'Cargo.toml': '[package]\nname = "outer"\nodd-key = 1\n',
      'inner/Cargo.toml': '[package]\nname = "inner"\nother-key = 1\n',
      'inner/src/lib.rs': '',
    });
    const { workspace, diagnostics } = loadWorkspace(join(dir, 'inner'));
    assert.deepEqual(memberDirs(workspace), ['inner=.']);
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.line, d.message]),
      [[join(dir, 'inner/Cargo.toml'), 3, 'unused manifest key: package.other-key']],
    );
  });

  test('resolver: explicit, else from the root package edition (2015/2018 → 1, 2021 → 2, 2024 → 3)', () => {
    assert.equal(loadWorkspace(fx('proc-macro')).workspace.resolver, '2');
    assert.equal(loadWorkspace(fx('resolver1')).workspace.resolver, '1');
    assert.equal(loadWorkspace(fx('targets-2015')).workspace.resolver, '1');
    assert.equal(loadWorkspace(fx('targets-auto')).workspace.resolver, '2');
    assert.equal(loadWorkspace(fx('targets-noauto')).workspace.resolver, '3');
    const dir = tree({ 'Cargo.toml': '[package]\nname = "p"\nedition = "2024"\nresolver = "1"\n', 'src/lib.rs': '' });
    assert.equal(loadWorkspace(dir).workspace.resolver, '1');
  });

  test('[workspace.package] inheritance, with paths made relative to the member', () => {
    const { workspace } = loadWorkspace(fx('ws-inherit'));
    const app = workspace.members.find((m) => m.name === 'app');
    const tool = workspace.members.find((m) => m.name === 'tool');
    assert.ok(app && tool);
    assert.equal(app.version, '1.2.3');
    assert.equal(app.edition, '2021');
    assert.deepEqual(app.metadata, {
      authors: ['A <a@example.com>'],
      description: 'inherited description',
      homepage: 'https://example.com',
      repository: 'https://example.com/repo',
      license: 'MIT',
      rustVersion: '1.70',
      readme: '../../README.md',
    });
    assert.deepEqual(tool.metadata, { authors: [], licenseFile: '../../LICENSE' });
    assert.equal(tool.version, '1.2.3');
    // The edition reaches the targets too.
    assert.ok(tool.targets.every((t) => t.edition === '2021'));
  });

  test('[workspace.dependencies] inheritance: root-relative paths, additive features, default-features rules, renames', () => {
    const { workspace, diagnostics } = loadWorkspace(fx('ws-inherit'));
    const app = workspace.members.find((m) => m.name === 'app');
    assert.ok(app);
    const deps = app.dependencies.map((d) => ({ ...d, line: undefined }));
    assert.deepEqual(deps, [
      {
        name: 'shared',
        package: 'shared',
        kind: 'normal',
        optional: true,
        defaultFeatures: false,
        features: ['a', 'b'],
        path: fx('ws-inherit/crates/shared'),
        line: undefined,
      },
      {
        name: 'renamed-dep',
        package: 'real-name',
        kind: 'normal',
        optional: false,
        defaultFeatures: true,
        features: [],
        path: fx('ws-inherit/crates/real'),
        line: undefined,
      },
      // default-features = true in the member turns the workspace's `false` back on.
      {
        name: 'shared',
        package: 'shared',
        kind: 'dev',
        optional: false,
        defaultFeatures: true,
        features: ['a'],
        path: fx('ws-inherit/crates/shared'),
        line: undefined,
      },
      // default-features = false in the member is ignored when the workspace entry does not say false.
      {
        name: 'plain',
        package: 'plain',
        kind: 'build',
        optional: false,
        defaultFeatures: true,
        features: [],
        path: fx('ws-inherit/crates/plain'),
        line: undefined,
      },
    ]);
    assert.deepEqual(
      app.dependencies.map((d) => d.line),
      [16, 17, 21, 28],
    );
    assert.deepEqual(
      diagnostics.map((d) => [relative(FIXTURES, d.file), d.line, d.severity]),
      [['ws-inherit/crates/app/Cargo.toml', 28, 'warning']],
    );
  });

  test('members are sorted by name; package data as written', () => {
    const { workspace } = loadWorkspace(fx('features'));
    assert.deepEqual(
      workspace.members.map((m) => m.name),
      ['feat-core', 'feat-user', 'opt-a', 'opt-b', 'opt-c', 'opt-d'],
    );
    const core = workspace.members[0];
    assert.ok(core);
    assert.equal(core.manifestPath, fx('features/feat-core/Cargo.toml'));
    assert.equal(core.dir, fx('features/feat-core'));
    assert.deepEqual(core.features['weak-c'], ['opt-c?/fast']);
  });

  test('errors name the file and line: missing member, undefined inherited key, missing workspace dependency', () => {
    const missing = inputError(() => loadWorkspace(fx('errors/missing-member')));
    assert.deepEqual([missing.file, missing.line], [fx('errors/missing-member/Cargo.toml'), 3]);
    assert.match(missing.message, /workspace member `absent`/);
    const inherit = inputError(() => loadWorkspace(fx('errors/missing-inherit')));
    assert.deepEqual([inherit.file, inherit.line], [fx('errors/missing-inherit/m/Cargo.toml'), 4]);
    assert.match(inherit.message, /`workspace\.package\.version` was not defined/);
    const dep = inputError(() => loadWorkspace(fx('errors/missing-ws-dep')));
    assert.deepEqual([dep.file, dep.line], [fx('errors/missing-ws-dep/m/Cargo.toml'), 7]);
  });

  test('more errors cargo reports: a glob matching a directory without Cargo.toml, duplicate names, bad patterns, missing path dependencies, members of another workspace', () => {
    const noManifest = tree({ 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'crates/a/src/lib.rs': '' });
    const e1 = inputError(() => loadWorkspace(noManifest));
    assert.deepEqual([e1.file, e1.line], [join(noManifest, 'Cargo.toml'), 2]);
    assert.match(e1.message, /matched by `crates\/\*`/);
    const dup = tree({
      'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n',
      'a/Cargo.toml': '[package]\nname = "same"\n',
      'b/Cargo.toml': '[package]\nname = "same"\n',
    });
    assert.match(inputError(() => loadWorkspace(dup)).message, /two packages named `same`/);
    const badGlob = tree({ 'Cargo.toml': '[workspace]\nmembers = ["crates/[ab"]\n', 'crates/x': '' });
    assert.match(inputError(() => loadWorkspace(badGlob)).message, /could not parse pattern/);
    const missingDep = tree({ 'Cargo.toml': '[package]\nname = "p"\n\n[dependencies]\nq = { path = "q" }\n\n[workspace]\n' });
    const e4 = inputError(() => loadWorkspace(missingDep));
    assert.deepEqual([e4.file, e4.line], [join(missingDep, 'Cargo.toml'), 5]);
    assert.match(e4.message, /dependency `q`/);
    const outside = tree({
      'ws/Cargo.toml': '[workspace]\nmembers = ["../ext"]\n',
      'ext/Cargo.toml': '[package]\nname = "ext"\n',
      'ext/src/lib.rs': '',
    });
    assert.match(inputError(() => loadWorkspace(join(outside, 'ws'))).message, /member of the wrong workspace/);
    const nestedRoot = tree({
      'Cargo.toml': '[workspace]\nmembers = ["inner"]\n',
      'inner/Cargo.toml': '[package]\nname = "inner"\n\n[workspace]\n',
      'inner/src/lib.rs': '',
    });
    const e5 = inputError(() => loadWorkspace(nestedRoot));
    assert.deepEqual([e5.file, e5.line], [join(nestedRoot, 'inner/Cargo.toml'), 4]);
    assert.match(e5.message, /multiple workspace roots found in the same workspace/);
    const noName = tree({ 'Cargo.toml': '[package]\nversion = "1.0.0"\n' });
    assert.match(inputError(() => loadWorkspace(noName)).message, /missing field `name`/);
  });
});

describe('expandGlob', () => {
  const dir = tree({
    'a/x/k': '',
    'a/y/k': '',
    'a/.h/k': '',
    'b/x/k': '',
    c1: '',
    c2: '',
    cc: '',
    'd/e/f/g': '',
  });
  const rel = (ps: string[]) => ps.map((p) => relative(dir, p) || '.');

  test('*, ? and character classes match within one component, in sorted order', () => {
    assert.deepEqual(rel(expandGlob(dir, '*/x')), ['a/x', 'b/x']);
    assert.deepEqual(rel(expandGlob(dir, 'a/*')), ['a/.h', 'a/x', 'a/y']);
    assert.deepEqual(rel(expandGlob(dir, 'c?')), ['c1', 'c2', 'cc']);
    assert.deepEqual(rel(expandGlob(dir, 'c[0-9]')), ['c1', 'c2']);
    assert.deepEqual(rel(expandGlob(dir, 'c[!0-9]')), ['cc']);
  });

  test('** matches any number of directories; literals must exist; . and .. are literal', () => {
    assert.deepEqual(rel(expandGlob(dir, 'd/**/g')), ['d/e/f/g']);
    assert.deepEqual(rel(expandGlob(dir, '**/k')), ['a/.h/k', 'a/x/k', 'a/y/k', 'b/x/k']);
    assert.deepEqual(rel(expandGlob(dir, 'a/**')), ['a/.h', 'a/x', 'a/y']);
    assert.deepEqual(expandGlob(dir, 'nope/*'), []);
    assert.deepEqual(rel(expandGlob(join(dir, 'a'), '../b/x')), ['b/x']);
    assert.throws(() => expandGlob(dir, 'a**'));
    assert.throws(() => expandGlob(dir, 'c[0'));
  });
});
