import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tri } from '../cargo/model.js';
import { CfgSyntaxError, parseCfg, type CfgExpr } from './expr.js';
import { CfgSet, WELL_KNOWN_CFG_NAMES } from './set.js';
import { builtinTargetCfg, type TargetCfg } from './target.js';

const linux = builtinTargetCfg('x86_64-unknown-linux-gnu');
const windows = builtinTargetCfg('x86_64-pc-windows-msvc');
const wasm = builtinTargetCfg('wasm32-unknown-unknown');

function unit(overrides: Partial<Parameters<typeof CfgSet.forUnit>[0]> = {}): CfgSet {
  return CfgSet.forUnit({ target: linux, features: [], test: false, procMacro: false, buildScriptMaySet: false, ...overrides });
}

const ev = (set: CfgSet, text: string) => set.evaluate(parseCfg(text));
const val = (set: CfgSet, text: string): Tri => ev(set, text).value;

describe('three-valued logic', () => {
  // `t` is set, `f` is a well-known name that is not set (false even with a build script),
  // `u` and `v` are custom names a build script may set.
  const set = new CfgSet({ atoms: [{ name: 't' }], customNamesUnknown: true });
  const operand = { T: 't', F: 'test', U: 'u' } as const;
  type V = keyof typeof operand;
  const tri: Record<V, Tri> = { T: true, F: false, U: 'unknown' };
  // Kleene's strong three-valued logic.
  const AND: Record<V, Record<V, V>> = { T: { T: 'T', F: 'F', U: 'U' }, F: { T: 'F', F: 'F', U: 'F' }, U: { T: 'U', F: 'F', U: 'U' } };
  const OR: Record<V, Record<V, V>> = { T: { T: 'T', F: 'T', U: 'T' }, F: { T: 'T', F: 'F', U: 'U' }, U: { T: 'T', F: 'U', U: 'U' } };
  const NOT: Record<V, V> = { T: 'F', F: 'T', U: 'U' };
  const vs: V[] = ['T', 'F', 'U'];

  test('operands', () => {
    for (const v of vs) assert.equal(val(set, operand[v]), tri[v], v);
  });
  test('not', () => {
    for (const a of vs) assert.equal(val(set, `not(${operand[a]})`), tri[NOT[a]], `not ${a}`);
  });
  test('all / any of two', () => {
    for (const a of vs) {
      for (const b of vs) {
        assert.equal(val(set, `all(${operand[a]}, ${operand[b]})`), tri[AND[a][b]], `${a} and ${b}`);
        assert.equal(val(set, `any(${operand[a]}, ${operand[b]})`), tri[OR[a][b]], `${a} or ${b}`);
      }
    }
  });
  test('empty all() is true, empty any() is false', () => {
    assert.equal(val(set, 'all()'), true);
    assert.equal(val(set, 'any()'), false);
    assert.equal(val(set, 'not(any())'), true);
  });
  test('boolean literals', () => {
    assert.equal(val(set, 'true'), true);
    assert.equal(val(set, 'false'), false);
    assert.equal(val(set, 'all(true, u)'), 'unknown');
    assert.equal(val(set, 'any(false, u)'), 'unknown');
  });

  test('unknown lists the names that made it unknown, deduplicated, only when unknown', () => {
    assert.deepEqual(ev(set, 'all(u, any(v, u), t)'), { value: 'unknown', unknown: ['u', 'v'] });
    assert.deepEqual(ev(set, 'not(all(foo = "x", u))'), { value: 'unknown', unknown: ['foo', 'u'] });
    assert.deepEqual(ev(set, 'any(t, u)'), { value: true, unknown: [] });
    assert.deepEqual(ev(set, 'all(test, u)'), { value: false, unknown: [] });
    assert.deepEqual(ev(set, 'any(all(u, test), v)'), { value: 'unknown', unknown: ['v'] });
  });

  test('version(...) is unknown and names the predicate', () => {
    assert.deepEqual(ev(new CfgSet(), 'version("1.80")'), { value: 'unknown', unknown: ['version("1.80")'] });
    assert.deepEqual(ev(new CfgSet(), 'any(true, version("1.80"))'), { value: true, unknown: [] });
  });
});

describe('build scripts and unknown names', () => {
  test('with a build script, custom names are unknown; well-known ones are decided', () => {
    const set = unit({ buildScriptMaySet: true, features: ['std'] });
    assert.deepEqual(ev(set, 'has_foo'), { value: 'unknown', unknown: ['has_foo'] });
    assert.deepEqual(ev(set, 'foo = "bar"'), { value: 'unknown', unknown: ['foo'] });
    assert.equal(val(set, 'unix'), true);
    assert.equal(val(set, 'windows'), false);
    assert.equal(val(set, 'target_os = "windows"'), false);
    assert.equal(val(set, 'feature = "std"'), true);
    assert.equal(val(set, 'feature = "serde"'), false);
    assert.equal(val(set, 'test'), false);
    assert.equal(val(set, 'doc'), false);
    assert.equal(val(set, 'miri'), false);
    assert.equal(val(set, 'target_thread_local'), false);
    assert.equal(val(set, 'all(unix, not(has_foo))'), 'unknown');
    assert.equal(val(set, 'all(windows, not(has_foo))'), false);
    assert.equal(val(set, 'any(unix, has_foo)'), true);
    assert.equal(set.unknownReason('has_foo'), "the package's build script may set cfg `has_foo`");
    assert.equal(set.unknownReason('unix'), undefined);
  });

  test('every well-known name is decided even with a build script', () => {
    const set = unit({ buildScriptMaySet: true });
    for (const n of WELL_KNOWN_CFG_NAMES) {
      assert.notEqual(val(set, n), 'unknown', n);
      assert.notEqual(val(set, `${n} = "x"`), 'unknown', n);
    }
  });

  test('without a build script, custom names are false', () => {
    const set = unit();
    assert.deepEqual(ev(set, 'has_foo'), { value: false, unknown: [] });
    assert.equal(val(set, 'not(has_foo)'), true);
    assert.equal(set.isUnknownName('has_foo'), false);
  });

  test('explicit unknown names, well-known or not', () => {
    const set = unit({ unknownNames: ['loom', 'target_feature'] });
    assert.deepEqual(ev(set, 'loom'), { value: 'unknown', unknown: ['loom'] });
    assert.equal(val(set, 'other'), false);
    assert.deepEqual(ev(set, 'target_feature = "avx2"'), { value: 'unknown', unknown: ['target_feature'] });
    assert.equal(val(set, 'target_feature = "sse2"'), true, 'a pair that is set stays true');
    assert.equal(set.unknownReason('loom'), 'cfg `loom` is marked as unknown');
  });

  test('set names are true even when the name could be set by a build script', () => {
    const set = unit({ buildScriptMaySet: true, extra: [{ name: 'has_foo' }] });
    assert.equal(val(set, 'has_foo'), true);
    assert.equal(val(set, 'has_foo = "x"'), 'unknown', 'the pair is not set and a build script may set it');
  });
});

describe('CfgSet.forUnit', () => {
  test('target atoms', () => {
    assert.equal(val(unit(), 'all(unix, target_os = "linux", target_pointer_width = "64", target_arch = "x86_64")'), true);
    const w = unit({ target: windows });
    assert.equal(val(w, 'all(windows, target_env = "msvc", not(unix))'), true);
    assert.equal(val(w, 'target_os = "linux"'), false);
    const m = unit({ target: wasm });
    assert.equal(val(m, 'all(target_family = "wasm", target_pointer_width = "32", not(unix), not(windows), panic = "abort")'), true);
  });

  test('features become feature="…" pairs', () => {
    const set = unit({ features: ['std', 'serde'] });
    assert.deepEqual(set.values('feature'), ['serde', 'std']);
    assert.equal(val(set, 'all(feature = "std", feature = "serde", not(feature = "alloc"))'), true);
    assert.equal(val(set, 'feature'), false, 'the bare name is not set');
  });

  test('test and proc_macro', () => {
    assert.equal(val(unit(), 'any(test, proc_macro)'), false);
    assert.equal(val(unit({ test: true }), 'all(test, not(proc_macro))'), true);
    assert.equal(val(unit({ procMacro: true }), 'all(proc_macro, not(test))'), true);
  });

  test('debug_assertions comes from the profile, not from rustc --print cfg', () => {
    assert.ok(
      linux.atoms.some((a) => a.name === 'debug_assertions'),
      'rustc --print cfg reports it',
    );
    assert.equal(val(unit(), 'debug_assertions'), true, 'dev profile by default');
    assert.equal(val(unit({ debugAssertions: false }), 'debug_assertions'), false);
    const without: TargetCfg = { ...linux, atoms: linux.atoms.filter((a) => a.name !== 'debug_assertions') };
    assert.equal(val(unit({ target: without }), 'debug_assertions'), true);
    assert.equal(val(unit({ target: without, debugAssertions: false }), 'debug_assertions'), false);
  });

  test('extra cfgs (RUSTFLAGS --cfg) are set', () => {
    const set = unit({ extra: [{ name: 'loom' }, { name: 'foo', value: 'bar' }] });
    assert.equal(val(set, 'loom'), true);
    assert.equal(val(set, 'foo = "bar"'), true);
    assert.equal(val(set, 'foo = "baz"'), false);
    assert.equal(val(set, 'foo'), false, '--cfg foo="bar" does not set the name foo');
    assert.equal(set.has('foo', 'bar'), true);
    assert.equal(set.has('foo'), false);
  });

  test('atoms() lists what is set, sorted', () => {
    const set = unit({
      target: { triple: 't', atoms: [{ name: 'unix' }, { name: 'target_os', value: 'linux' }], source: 'builtin' },
      features: ['b', 'a'],
      test: true,
    });
    assert.deepEqual(set.atoms(), [
      { name: 'debug_assertions' },
      { name: 'feature', value: 'a' },
      { name: 'feature', value: 'b' },
      { name: 'target_os', value: 'linux' },
      { name: 'test' },
      { name: 'unix' },
    ]);
  });

  test('programmatic expressions evaluate too', () => {
    const expr: CfgExpr = {
      type: 'any',
      items: [
        { type: 'not', item: { type: 'name', name: 'unix' } },
        { type: 'kv', name: 'target_os', value: 'linux' },
      ],
    };
    assert.equal(unit().evaluate(expr).value, true);
  });
});

describe('evaluatePlatform (Cargo [target.KEY] tables)', () => {
  const set = unit();
  test('cfg keys', () => {
    assert.equal(set.evaluatePlatform('cfg(unix)'), true);
    assert.equal(set.evaluatePlatform('cfg(windows)'), false);
    assert.equal(set.evaluatePlatform('cfg(all(target_os = "linux", target_arch = "x86_64"))'), true);
    assert.equal(unit({ buildScriptMaySet: true }).evaluatePlatform('cfg(has_foo)'), 'unknown');
  });
  test('target names match the triple', () => {
    assert.equal(set.evaluatePlatform('x86_64-unknown-linux-gnu'), true);
    assert.equal(set.evaluatePlatform('x86_64-pc-windows-msvc'), false);
    assert.equal(new CfgSet().evaluatePlatform('x86_64-unknown-linux-gnu'), false, 'no triple known');
  });
  test('malformed keys throw', () => {
    assert.throws(() => set.evaluatePlatform('cfg(unix'), CfgSyntaxError);
    assert.throws(() => set.evaluatePlatform('cfg(a, b)'), /multiple cfg predicates/);
    assert.throws(() => set.evaluatePlatform('cfg (unix)'), /invalid target platform/);
    assert.throws(() => set.evaluatePlatform(''), /invalid target platform/);
  });
});
