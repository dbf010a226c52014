import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import type { Diagnostic } from '../diagnostics.js';
import { featureMap, parseFeatureValue, type ResolvedPackage, resolveFeatures } from './features.js';
import type { FeatureOptions, Tri, Workspace } from './model.js';
import { loadWorkspace } from './workspace.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));
const load = (name: string): Workspace => loadWorkspace(join(FIXTURES, name)).workspace;

function linux(key: string): Tri {
  if (key === 'cfg(unix)') return true;
  if (key === 'cfg(windows)') return false;
  return 'unknown';
}

const options = (o: Partial<FeatureOptions> = {}): FeatureOptions => ({ features: [], allFeatures: false, noDefaultFeatures: false, ...o });

/** package → its features joined, for compact comparisons. */
function features(resolved: Map<string, ResolvedPackage>): Record<string, string> {
  return Object.fromEntries([...resolved].map(([name, r]) => [name, r.features.join(' ')]));
}

function deps(resolved: Map<string, ResolvedPackage>, pkg: string): string[] {
  return (resolved.get(pkg)?.deps ?? []).map((d) => `${d.kind}:${d.name}`);
}

describe('parseFeatureValue and featureMap', () => {
  test('the four forms of a feature value', () => {
    assert.deepEqual(parseFeatureValue('std'), { kind: 'feature', feature: 'std' });
    assert.deepEqual(parseFeatureValue('dep:serde'), { kind: 'dep', dep: 'serde' });
    assert.deepEqual(parseFeatureValue('serde/std'), { kind: 'dep-feature', dep: 'serde', feature: 'std', weak: false });
    assert.deepEqual(parseFeatureValue('serde?/std'), { kind: 'dep-feature', dep: 'serde', feature: 'std', weak: true });
  });

  test('optional dependencies are implicit features unless some feature names them with dep:', () => {
    const core = load('features').members.find((m) => m.name === 'feat-core');
    assert.ok(core);
    const map = featureMap(core);
    // opt-a (`hidden-a = ["dep:opt-a"]`) and opt-c (`use-c = ["dep:opt-c"]`) have no implicit feature.
    assert.deepEqual([...map.keys()].sort(), ['default', 'extra', 'fast-b', 'hidden-a', 'opt-b', 'opt-d', 'std', 'use-c', 'via-d', 'weak-c']);
    assert.deepEqual(map.get('opt-b'), ['dep:opt-b']);
    assert.deepEqual(map.get('weak-c'), ['opt-c?/fast']);
  });
});

describe('resolveFeatures (resolver 2)', () => {
  const ws = load('features');

  test('defaults of every member, features asked by dependents, `x/feat` enabling the optional x', () => {
    const r = resolveFeatures(ws, options(), linux);
    assert.deepEqual(features(r), {
      'feat-core': 'default fast-b opt-b std',
      'feat-user': '',
      'opt-a': 'base default',
      'opt-b': 'base default fast',
      'opt-c': 'base default',
      // From feat-user's dev-dependency: dev-dependencies take part.
      'opt-d': 'base default fast',
    });
    assert.deepEqual(deps(r, 'feat-core'), ['normal:opt-b']);
    assert.deepEqual(deps(r, 'feat-user'), ['normal:feat-core', 'dev:opt-d']);
  });

  test('--no-default-features applies to the members, not to what dependencies ask', () => {
    assert.deepEqual(features(resolveFeatures(ws, options({ noDefaultFeatures: true }), linux)), {
      'feat-core': 'fast-b opt-b',
      'feat-user': '',
      'opt-a': '',
      'opt-b': 'fast',
      'opt-c': '',
      'opt-d': 'base default fast',
    });
  });

  test('--all-features enables every feature, implicit ones included, and so every optional dependency', () => {
    const r = resolveFeatures(ws, options({ allFeatures: true }), linux);
    assert.equal(features(r)['feat-core'], 'default extra fast-b hidden-a opt-b opt-d std use-c via-d weak-c');
    assert.equal(features(r)['opt-c'], 'base default fast');
    assert.deepEqual(deps(r, 'feat-core'), ['normal:opt-a', 'normal:opt-b', 'normal:opt-c', 'normal:opt-d']);
  });

  test('a weak `x?/feat` waits for x to be enabled by something else, in either order', () => {
    const alone = resolveFeatures(ws, options({ features: ['extra', 'weak-c'] }), linux);
    assert.equal(features(alone)['feat-core'], 'default extra fast-b opt-b std weak-c');
    assert.equal(features(alone)['opt-c'], 'base default');
    assert.deepEqual(deps(alone, 'feat-core'), ['normal:opt-b']);
    for (const order of [['weak-c', 'use-c'], ['use-c', 'weak-c'], ['weak-c,use-c']]) {
      const r = resolveFeatures(ws, options({ features: order }), linux);
      assert.equal(features(r)['opt-c'], 'base default fast', order.join());
      assert.deepEqual(deps(r, 'feat-core'), ['normal:opt-b', 'normal:opt-c']);
      // `dep:opt-c` does not enable an `opt-c` feature.
      assert.equal(features(r)['feat-core'], 'default fast-b opt-b std use-c weak-c');
    }
  });

  test('`dep:x` enables x without a feature named x', () => {
    const r = resolveFeatures(ws, options({ features: ['hidden-a'], noDefaultFeatures: true }), linux);
    assert.equal(features(r)['feat-core'], 'fast-b hidden-a opt-b');
    assert.deepEqual(deps(r, 'feat-core'), ['normal:opt-a', 'normal:opt-b']);
  });

  test('`pkg/feat` on the command line targets one member; `feat` every member defining it', () => {
    const one = resolveFeatures(ws, options({ features: ['feat-core/via-d'] }), linux);
    assert.equal(features(one)['feat-core'], 'default fast-b opt-b opt-d std via-d');
    assert.deepEqual(deps(one, 'feat-core'), ['normal:opt-b', 'normal:opt-d']);
    const every = resolveFeatures(ws, options({ features: ['fast'] }), linux);
    assert.deepEqual(features(every), {
      'feat-core': 'default fast-b opt-b std',
      'feat-user': '',
      'opt-a': 'base default fast',
      'opt-b': 'base default fast',
      'opt-c': 'base default fast',
      'opt-d': 'base default fast',
    });
  });

  test('unknown features on the command line are errors, and resolution goes on without them', () => {
    const diagnostics: Diagnostic[] = [];
    const r = resolveFeatures(ws, options({ features: ['nope', 'opt-b/fast', 'dep:opt-a'] }), linux, diagnostics);
    assert.equal(features(r)['opt-b'], 'base default fast');
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.file, d.message]),
      [
        ['error', ws.manifestPath, 'feature `dep:opt-a` is not allowed to use explicit `dep:` syntax'],
        ['error', ws.manifestPath, 'none of the selected packages contains this feature: nope'],
      ],
    );
  });

  test('resolver 2 ignores the dependencies of inactive platforms; `unknown` counts as active', () => {
    const v2 = load('platform-v2');
    const linuxResolved = resolveFeatures(v2, options(), linux);
    assert.deepEqual(features(linuxResolved), { app: '', 'unix-only': 'u', 'win-only': '' });
    assert.deepEqual(deps(linuxResolved, 'app'), ['normal:unix-only']);
    const unknown = resolveFeatures(v2, options(), () => 'unknown');
    assert.deepEqual(features(unknown), { app: '', 'unix-only': 'u', 'win-only': 'w' });
    assert.deepEqual(deps(unknown, 'app'), ['normal:win-only', 'normal:unix-only']);
  });
});

describe('resolveFeatures (resolver 1, root package)', () => {
  const ws = load('resolver1');

  test('features asked through inactive-platform dependencies still count; the dependency itself is inactive', () => {
    const r = resolveFeatures(ws, options(), linux);
    assert.deepEqual(features(r), { r1: 'd default', 'r1-member': 'default h', 'unix-only': 'u', 'win-only': 'w' });
    assert.deepEqual(deps(r, 'r1'), ['normal:r1-member', 'normal:unix-only']);
  });

  test('--features and --no-default-features apply to the root package only; `member/feat` reaches a member', () => {
    assert.equal(features(resolveFeatures(ws, options({ features: ['f'] }), linux)).r1, 'd default f');
    assert.deepEqual(features(resolveFeatures(ws, options({ noDefaultFeatures: true }), linux)), {
      r1: '',
      'r1-member': 'default h',
      'unix-only': 'u',
      'win-only': 'w',
    });
    assert.equal(features(resolveFeatures(ws, options({ features: ['r1-member/g'] }), linux))['r1-member'], 'default g h');
    assert.deepEqual(features(resolveFeatures(ws, options({ allFeatures: true }), linux)), {
      r1: 'd default f',
      'r1-member': 'default g h',
      'unix-only': 'u',
      'win-only': 'w',
    });
  });

  test('an unknown feature for the root package is an error, with the nearest feature as a hint', () => {
    const diagnostics: Diagnostic[] = [];
    resolveFeatures(ws, options({ features: ['zzz', 'dd'] }), linux, diagnostics);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.message]),
      [
        ['error', 'the package `r1` does not contain this feature: zzz'],
        ['error', 'the package `r1` does not contain this feature: dd; did you mean `d`?'],
      ],
    );
  });
});

describe('resolveFeatures: features asked by a dependency declaration', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cargo-units-features-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n',
    'a/Cargo.toml': '[package]\nname = "a"\nedition = "2021"\n\n[dependencies]\nb = { path = "../b", features = ["missing", "real"] }\n',
    'a/src/lib.rs': '',
    'b/Cargo.toml': '[package]\nname = "b"\nedition = "2021"\n\n[features]\nreal = []\n',
    'b/src/lib.rs': '',
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(scratch, p)), { recursive: true });
    writeFileSync(join(scratch, p), text);
  }

  test('an unknown one is a warning at the declaration; the known ones are enabled', () => {
    const diagnostics: Diagnostic[] = [];
    const r = resolveFeatures(loadWorkspace(scratch).workspace, options(), linux, diagnostics);
    assert.equal(features(r).b, 'real');
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.line, d.message]),
      [[join(scratch, 'a/Cargo.toml'), 6, 'package `a` depends on `b` with feature `missing` but `b` does not have that feature']],
    );
  });
});
