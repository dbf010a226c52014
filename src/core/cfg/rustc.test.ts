/**
 * Checks against the real rustc: that the parser accepts what rustc accepts, and that evaluation
 * gives what rustc decides, seen through the files rustc reads (`--emit=dep-info`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cfgToString, parseCfg, parseCfgOption, type CfgAtom, type CfgExpr } from './expr.js';
import { CfgSet, type UnitCfgOptions } from './set.js';
import { parsePrintCfg, targetCfg, type TargetCfg } from './target.js';
import { NO_RUSTC, pick, prng, rustcAcceptsCfg, rustcReads, runRustc } from './testkit.js';

/** Runs `f` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const ATOMS = [
  'unix',
  'windows',
  'test',
  'proc_macro',
  'debug_assertions',
  'doc',
  'doctest',
  'miri',
  'target_os = "linux"',
  'target_os = "windows"',
  'target_os = "macos"',
  'target_os = "unknown"',
  'target_os = "wasi"',
  'target_family = "unix"',
  'target_family = "windows"',
  'target_family = "wasm"',
  'target_arch = "x86_64"',
  'target_arch = "aarch64"',
  'target_arch = "wasm32"',
  'target_pointer_width = "64"',
  'target_pointer_width = "32"',
  'target_env = "gnu"',
  'target_env = "msvc"',
  'target_env = ""',
  'target_abi = ""',
  'target_vendor = "unknown"',
  'target_vendor = "pc"',
  'target_vendor = "apple"',
  'target_endian = "little"',
  'target_endian = "big"',
  'target_feature = "sse2"',
  'target_feature = "avx2"',
  'target_feature = "neon"',
  'target_feature = "bulk-memory"',
  'target_has_atomic = "64"',
  'target_has_atomic = "128"',
  'target_has_atomic = "ptr"',
  'panic = "unwind"',
  'panic = "abort"',
  'feature = "std"',
  'feature = "serde"',
  'feature',
  'loom',
  'foo = "bar"',
  'foo = "baz"',
  'foo',
  'r#fn',
  'r#true',
  'has_foo',
  'true',
  'false',
  'target_os',
  'unix = "x"',
];

/** Hand-written compound predicates, then random ones from a fixed seed. */
function predicates(): string[] {
  const out = [
    ...ATOMS,
    'all()',
    'any()',
    'not(all())',
    'not(any())',
    'all(unix, not(windows))',
    'any(windows, target_os = "linux")',
    'not(not(unix))',
    'all(unix, target_pointer_width = "64", not(target_env = "musl"))',
    'any(all(windows, target_env = "msvc"), all(unix, not(target_os = "macos")))',
    'all(debug_assertions, not(test))',
    'any(test, feature = "std")',
    'all(feature = "std", feature = "serde")',
    'not(any(loom, foo = "bar"))',
    'all(target_family = "wasm", not(target_os = "wasi"))',
    'cfg_probe_never_set',
    'all(true, unix,)',
    'any(false, r#true)',
  ];
  const rand = prng(42);
  const gen = (depth: number): string => {
    const r = rand();
    if (depth === 0 || r < 0.3) return pick(rand, ATOMS);
    if (r < 0.45) return `not(${gen(depth - 1)})`;
    const n = Math.floor(rand() * 4);
    const items = Array.from({ length: n }, () => gen(depth - 1));
    return `${r < 0.75 ? 'all' : 'any'}(${items.join(', ')})`;
  };
  for (let i = 0; i < 120; i++) out.push(gen(3));
  // Also check the canonical printing: rustc must agree on the printed form.
  return [...out, ...out.slice(-40).map((p) => cfgToString(parseCfg(p)))];
}

async function check(preds: string[], set: CfgSet, rustcArgs: Parameters<typeof rustcReads>[1]): Promise<void> {
  const reads = await rustcReads(preds, rustcArgs);
  const mismatches: string[] = [];
  preds.forEach((p, i) => {
    const r = set.evaluate(parseCfg(p, { edition: '2021' }));
    assert.notEqual(r.value, 'unknown', `${p} should be decided (no build script)`);
    if (r.value !== reads[i]) mismatches.push(`${p}: cargo-units says ${r.value}, rustc says ${reads[i]}`);
  });
  assert.deepEqual(mismatches, []);
  // The check is only meaningful if both outcomes occur.
  assert.ok(reads.includes(true) && reads.includes(false));
}

function unitSet(target: TargetCfg, o: Partial<UnitCfgOptions>): CfgSet {
  return CfgSet.forUnit({ target, features: [], test: false, procMacro: false, buildScriptMaySet: false, ...o });
}

describe('evaluation matches rustc (host, dep-info)', { skip: NO_RUSTC }, () => {
  const preds = predicates();

  test('lib, dev profile', async () => {
    const host = await targetCfg();
    await check(preds, unitSet(host, {}), { args: [] });
  });

  test('--test, debug assertions off, features and extra --cfg', async () => {
    const host = await targetCfg();
    const extra: CfgAtom[] = [{ name: 'loom' }, { name: 'foo', value: 'bar' }, { name: 'fn' }];
    const set = unitSet(host, { test: true, debugAssertions: false, features: ['std'], extra });
    await check(preds, set, {
      args: ['--test', '-C', 'debug-assertions=off', '--cfg', 'feature="std"', '--cfg', 'loom', '--cfg', 'foo="bar"', '--cfg', 'r#fn'],
    });
  });

  test('proc-macro, release (-O)', async () => {
    const host = await targetCfg();
    await check(preds, unitSet(host, { procMacro: true, debugAssertions: false, features: ['serde', 'std'] }), {
      args: ['-O', '--cfg', 'feature="serde"', '--cfg', 'feature="std"'],
      crateType: 'proc-macro',
    });
  });
});

// rustc cannot expand a crate for a target whose std is not installed, but a `#![no_core]`
// crate needs no library; `#![feature(no_core)]` needs RUSTC_BOOTSTRAP=1 on a stable rustc. The
// cfg set is the stable one from `rustc --print cfg --target T`, and only stable cfgs are probed.
describe('evaluation matches rustc (cross targets, no_core dep-info)', { skip: NO_RUSTC }, () => {
  const preds = predicates();
  for (const triple of ['x86_64-pc-windows-msvc', 'wasm32-unknown-unknown', 'aarch64-apple-darwin', 'wasm32-wasip1']) {
    test(triple, async () => {
      const target = await targetCfg(triple);
      assert.equal(target.source, 'rustc');
      await check(preds, unitSet(target, {}), { args: ['--target', triple], noCore: true });
    });
  }
});

describe('the parser accepts what rustc accepts', { skip: NO_RUSTC }, () => {
  // Stable syntax only: `version(...)` and `target(...)` are nightly features rustc rejects on stable.
  const corpus = [
    'unix',
    'all(unix,)',
    'unix,',
    'not(unix,)',
    'all()',
    'any()',
    'true',
    'false',
    'r#true',
    'r#fn',
    'r#async',
    '_foo',
    'ünicode',
    'all',
    'not',
    'all = "x"',
    'feature = r"x"',
    'feature = r#"x"#',
    'a = "\\u{41}\\x41\\n"',
    'a = ""',
    'a = "x" /* c */',
    'a = "line\\\n    b"',
    'any(a, /* b, */ c)',
    // rejected
    'unix, windows',
    '',
    'not()',
    'not(a, b)',
    'a::b',
    '::a',
    'fn',
    'self',
    'r#self',
    'async',
    '_',
    'feature = 1',
    'feature = b"x"',
    'feature = c"x"',
    'feature = "x"suf',
    'feature = false',
    'feature = ',
    "feature = 'x'",
    'foo(bar)',
    'accessible(std::x)',
    'any(,)',
    'any(a,,b)',
    'true = "x"',
    'true(x)',
    'a = "x" = "y"',
    'all[unix]',
    'a b',
    'all(a) b',
    'a = "\\q"',
    'a = "\\x80"',
    'a = "\\u{zz}"',
    'a = -"x"',
    'all(a, r#self)',
    'not',
    '1',
  ];
  test('accept/reject agrees', async () => {
    const results = await pool(corpus, 4, async (pred) => {
      let mine: boolean;
      let message = '';
      try {
        parseCfg(pred, { edition: '2021' });
        mine = true;
      } catch (err) {
        mine = false;
        message = (err as Error).message;
      }
      const rustc = await rustcAcceptsCfg(pred, '2021');
      return { pred, mine, rustc: rustc.ok, detail: mine ? rustc.stderr.split('\n')[0] : message };
    });
    const disagreements = results
      .filter((r) => r.mine !== r.rustc)
      .map((r) => `${JSON.stringify(r.pred)}: cargo-units ${r.mine ? 'accepts' : 'rejects'} (${r.detail}), rustc ${r.rustc ? 'accepts' : 'rejects'}`);
    assert.deepEqual(disagreements, []);
    assert.ok(results.some((r) => r.rustc) && results.some((r) => !r.rustc));
  });

  test('--cfg values: accept/reject and decoding agree', async () => {
    const options = [
      'loom',
      'foo="bar"',
      ' foo = "bar" ',
      'foo=r"a\\b"',
      'foo="a\\x41"',
      'r#fn',
      'r#true',
      'all',
      'é',
      'foo="q\\"x"',
      'true',
      'false',
      'fn',
      'foo::bar',
      'foo,bar',
      'all()',
      'foo=1',
      'foo=',
      '',
      'foo="a" b',
      'foo=b"x"',
    ];
    const results = await pool(options, 4, async (opt) => {
      let mine: CfgAtom | undefined;
      try {
        mine = parseCfgOption(opt);
      } catch {
        mine = undefined;
      }
      const r = await runRustc(['--cfg', opt, '--print', 'cfg']);
      return { opt, mine, ok: r.code === 0, printed: r.code === 0 ? parsePrintCfg(r.stdout) : [] };
    });
    for (const r of results) {
      assert.equal(r.mine !== undefined, r.ok, `${JSON.stringify(r.opt)}: rustc ${r.ok ? 'accepts' : 'rejects'} it`);
      if (r.mine)
        assert.ok(
          r.printed.some((a) => a.name === r.mine!.name && a.value === r.mine!.value),
          `${JSON.stringify(r.opt)} decoded as ${JSON.stringify(r.mine)}`,
        );
    }
  });
});

describe('sanity of the probe itself', { skip: NO_RUSTC }, () => {
  test('a cfg-gated module is read exactly when its cfg holds', async () => {
    const host = parsePrintCfg((await runRustc(['--print', 'cfg'])).stdout);
    assert.ok(host.some((a) => a.name === 'debug_assertions'));
    assert.deepEqual(await rustcReads(['all()', 'any()', 'debug_assertions'], { args: [] }), [true, false, true]);
    assert.deepEqual(await rustcReads(['debug_assertions'], { args: ['-O'] }), [false]);
    const e: CfgExpr = parseCfg('r#true');
    assert.deepEqual(await rustcReads([cfgToString(e)], { args: ['--cfg', 'r#true'] }), [true]);
  });
});
