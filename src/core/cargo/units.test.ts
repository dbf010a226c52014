import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { InputError } from '../diagnostics.js';
import { resolveFeatures } from './features.js';
import type { FeatureOptions, Tri } from './model.js';
import { planUnits, type Unit } from './units.js';
import { loadWorkspace } from './workspace.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/cargo/', import.meta.url));

function linux(key: string): Tri {
  if (key === 'cfg(unix)') return true;
  if (key === 'cfg(windows)') return false;
  return 'unknown';
}

function plan(name: string, features: string[] = [], packages?: string[]): Unit[] {
  const { workspace } = loadWorkspace(join(FIXTURES, name));
  const opts: FeatureOptions = { features, allFeatures: false, noDefaultFeatures: false };
  return planUnits(workspace, resolveFeatures(workspace, opts, linux), packages ? { packages } : undefined);
}

/** `id [--test] [host] [features] -> dep=extern(kind) …` per unit. */
function show(units: Unit[]): string[] {
  return units.map((u) => {
    const flags = [u.cfgTest ? ' --test' : '', u.host ? ' host' : '', u.features.length ? ` [${u.features.join(',')}]` : ''].join('');
    return `${u.id}${flags} -> ${u.deps.map((d) => `${d.unitId}=${d.externName}(${d.kind})`).join(' ')}`;
  });
}

const GEN = 'targets-explicit/custom-build/build-script-gen=build_script_gen(build-script)';
const CORE = 'targets-explicit/lib/explicit_core=explicit_core(lib)';

describe('planUnits', () => {
  test('cargo check --all-targets: test modes, skipped targets, required features, build script and own-lib edges', () => {
    assert.deepEqual(show(plan('targets-explicit')), [
      // Benches and tests: one test-mode unit, no suffix; harness = false means no --test.
      `targets-explicit/bench/b -> ${GEN} ${CORE}`,
      `targets-explicit/bench/bench-with-test --test -> ${GEN} ${CORE}`,
      `targets-explicit/bin/extra -> ${GEN} ${CORE}`,
      `targets-explicit/bin/extra[test] --test -> ${GEN} ${CORE}`,
      // needs-x: its required feature is off, so no unit.
      `targets-explicit/bin/no-harness -> ${GEN} ${CORE}`,
      `targets-explicit/bin/no-harness[test] -> ${GEN} ${CORE}`,
      `targets-explicit/bin/renamed-main -> ${GEN} ${CORE}`,
      `targets-explicit/bin/renamed-main[test] --test -> ${GEN} ${CORE}`,
      // test = false, bench = false: no test-mode build.
      `targets-explicit/bin/tool -> ${GEN} ${CORE}`,
      'targets-explicit/custom-build/build-script-gen host -> ',
      `targets-explicit/example/ex-lib -> ${GEN} ${CORE}`,
      `targets-explicit/example/ex-test -> ${GEN} ${CORE}`,
      `targets-explicit/example/ex-test[test] --test -> ${GEN} ${CORE}`,
      `targets-explicit/example/plain -> ${GEN} ${CORE}`,
      // The lib never depends on itself; test = false but bench = true still gives a test-mode build.
      `targets-explicit/lib/explicit_core -> ${GEN}`,
      `targets-explicit/lib/explicit_core[test] --test -> ${GEN}`,
      // test = false, bench = true: built; `skipped` (test = false, bench = false) is not.
      `targets-explicit/test/bench-only --test -> ${GEN} ${CORE}`,
      `targets-explicit/test/it --test -> ${GEN} ${CORE}`,
      `targets-explicit/test/no-harness-test -> ${GEN} ${CORE}`,
    ]);
  });

  test('a target whose required features are on is planned, and every unit carries the package features', () => {
    const units = plan('targets-explicit', ['x']);
    assert.deepEqual(show(units.filter((u) => u.name === 'needs-x')), [
      `targets-explicit/bin/needs-x [x] -> ${GEN} ${CORE}`,
      `targets-explicit/bin/needs-x[test] --test [x] -> ${GEN} ${CORE}`,
    ]);
    assert.ok(units.every((u) => u.features.join() === 'x'));
  });

  test('`dep/feat` in required-features looks at the dependency features', () => {
    const ids = plan('features').map((u) => u.id);
    assert.ok(ids.includes('feat-core/bin/needs-dep-feat'));
    assert.ok(!ids.includes('feat-core/bin/needs-extra'));
    assert.ok(plan('features', ['extra']).some((u) => u.id === 'feat-core/bin/needs-extra'));
  });

  test('dev-dependencies only for test-mode units, tests, examples and benches; renamed extern names; build-dependencies for the build script', () => {
    assert.deepEqual(show(plan('dev-cycle')), [
      'a/lib/a_lib -> ',
      'a/lib/a_lib[test] --test -> b/lib/b=b(dev)',
      'a/test/t --test -> a/lib/a_lib=a_lib(lib) b/lib/b=b(dev)',
      // `alias = { package = "a" }`: the rename is the extern name.
      'b/lib/b -> a/lib/a_lib=alias(normal)',
      'b/lib/b[test] --test -> a/lib/a_lib=alias(normal)',
      'c/bin/c -> b/lib/b=b(normal) c/custom-build/build-script-build=build_script_build(build-script)',
      'c/bin/c[test] --test -> b/lib/b=b(normal) c/custom-build/build-script-build=build_script_build(build-script)',
      // Not renamed: the lib's own name (`[lib] name = "a_lib"`).
      'c/custom-build/build-script-build host -> a/lib/a_lib=a_lib(build)',
    ]);
  });

  test('a build script depends on the build scripts of its normal `links` dependencies', () => {
    assert.deepEqual(show(plan('links')), [
      'build-user/custom-build/build-script-build host -> sys/lib/sys=sys(build)',
      'build-user/lib/build_user -> build-user/custom-build/build-script-build=build_script_build(build-script)',
      'build-user/lib/build_user[test] --test -> build-user/custom-build/build-script-build=build_script_build(build-script)',
      'dev-user/custom-build/build-script-build host -> ',
      'dev-user/lib/dev_user -> dev-user/custom-build/build-script-build=build_script_build(build-script)',
      'dev-user/lib/dev_user[test] --test -> dev-user/custom-build/build-script-build=build_script_build(build-script) sys/lib/sys=sys(dev)',
      'sys/custom-build/build-script-build host -> ',
      'sys/lib/sys -> sys/custom-build/build-script-build=build_script_build(build-script)',
      'sys/lib/sys[test] --test -> sys/custom-build/build-script-build=build_script_build(build-script)',
      'wrapper/custom-build/build-script-build host -> sys/custom-build/build-script-build=build_script_build(build-script)',
      'wrapper/lib/wrapper -> sys/lib/sys=sys(normal) wrapper/custom-build/build-script-build=build_script_build(build-script)',
      'wrapper/lib/wrapper[test] --test -> sys/lib/sys=sys(normal) wrapper/custom-build/build-script-build=build_script_build(build-script)',
    ]);
  });

  test('an optional dependency is an edge only once enabled; normal wins over dev for the same package', () => {
    const app = (features: string[]) => show(plan('ws-inherit', features).filter((u) => u.package.name === 'app'));
    const script = 'app/custom-build/build-script-build=build_script_build(build-script)';
    const real = 'real-name/lib/real_name=renamed_dep(normal)';
    assert.deepEqual(app([]), [
      'app/custom-build/build-script-build host -> plain/lib/plain=plain(build)',
      `app/lib/app -> ${script} ${real}`,
      `app/lib/app[test] --test -> ${script} ${real} shared/lib/shared=shared(dev)`,
    ]);
    assert.deepEqual(app(['with-shared']), [
      'app/custom-build/build-script-build host [shared,with-shared] -> plain/lib/plain=plain(build)',
      `app/lib/app [shared,with-shared] -> ${script} ${real} shared/lib/shared=shared(normal)`,
      `app/lib/app[test] --test [shared,with-shared] -> ${script} ${real} shared/lib/shared=shared(normal)`,
    ]);
  });

  test('proc-macros are host units with [test] builds; dependents link them', () => {
    assert.deepEqual(show(plan('proc-macro')), [
      'macros-ct/proc-macro/macros_ct host -> ',
      'macros-ct/proc-macro/macros_ct[test] --test host -> ',
      'macros-ct/test/t --test -> macros-ct/proc-macro/macros_ct=macros_ct(lib)',
      'macros/proc-macro/macros host -> util/lib/util=util(normal)',
      'macros/proc-macro/macros[test] --test host -> util/lib/util=util(normal)',
      'user/bin/user -> macros-ct/proc-macro/macros_ct=macros_ct(normal) macros/proc-macro/macros=macros(normal) user/lib/user=user(lib) util/lib/util=util(normal)',
      'user/bin/user[test] --test -> macros-ct/proc-macro/macros_ct=macros_ct(normal) macros/proc-macro/macros=macros(normal) user/lib/user=user(lib) util/lib/util=util(normal)',
      'user/lib/user -> macros-ct/proc-macro/macros_ct=macros_ct(normal) macros/proc-macro/macros=macros(normal) util/lib/util=util(normal)',
      'user/lib/user[test] --test -> macros-ct/proc-macro/macros_ct=macros_ct(normal) macros/proc-macro/macros=macros(normal) util/lib/util=util(normal)',
      'util/lib/util -> ',
      'util/lib/util[test] --test -> ',
    ]);
  });

  test('a cdylib-only lib is not linked by its own binaries, but is a dependency of other packages', () => {
    assert.deepEqual(show(plan('cdylib')), [
      'cd/bin/cd -> ',
      'cd/bin/cd[test] --test -> ',
      'cd/lib/cd -> ',
      'cd/lib/cd[test] --test -> ',
      'user/lib/user -> cd/lib/cd=cd(normal)',
      'user/lib/user[test] --test -> cd/lib/cd=cd(normal)',
    ]);
  });

  test('dependencies outside the workspace are not units', () => {
    assert.deepEqual(show(plan('solo')), ['solo/lib/solo -> ', 'solo/lib/solo[test] --test -> ']);
  });

  test('unit fields', () => {
    const [bench] = plan('targets-explicit');
    assert.ok(bench);
    assert.equal(bench.kind, 'bench');
    assert.equal(bench.name, 'b');
    assert.equal(bench.package.name, 'targets-explicit');
    assert.equal(bench.target.path, join(FIXTURES, 'targets-explicit/benches/b.rs'));
    assert.deepEqual([bench.test, bench.cfgTest, bench.host], [true, false, false]);
  });

  test('selected packages: their targets plus the libraries and build scripts they need', () => {
    assert.deepEqual(
      plan('dev-cycle', [], ['c']).map((u) => u.id),
      ['a/lib/a_lib', 'b/lib/b', 'c/bin/c', 'c/bin/c[test]', 'c/custom-build/build-script-build'],
    );
    assert.throws(
      () => plan('dev-cycle', [], ['zzz']),
      (e: unknown) => e instanceof InputError && /`zzz` is not a member/.test(e.message),
    );
  });
});
