import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { buildScriptCfgs, mayEmit, type BuildScriptCfgs } from './build-script-cfgs.js';

function names(text: string, deps: string[] = []): string[] {
  const r = buildScriptCfgs([{ name: 'build.rs', text }], deps);
  if (r.kind === 'any') throw new Error(r.reason);
  return [...Object.keys(r.names), ...Object.keys(r.prefixes).map((p) => `${p}*`)].sort();
}

function reason(text: string, deps: string[] = []): string {
  const r = buildScriptCfgs([{ name: 'build.rs', text }], deps);
  assert.equal(r.kind, 'any', `expected an unanalysable script, got ${JSON.stringify(r.kind === 'names' ? Object.keys(r.names) : [])}`);
  return (r as { reason: string }).reason;
}

describe('cfgs a build script can print', () => {
  test('literal `cargo:rustc-cfg=` and `cargo::rustc-cfg=`, with or without a value', () => {
    const src = `fn main() {
      println!("cargo:rustc-cfg=has_a");
      if x { println!("cargo::rustc-cfg=b=\\"1\\""); }
      print!("cargo:rustc-cfg=c\\ncargo:rustc-cfg=d\\n");
      println!("cargo:rustc-env=NOT_A_CFG=1");
    }`;
    assert.deepEqual(names(src), ['b', 'c', 'd', 'has_a']);
  });

  test('format strings with literal arguments, positional, indexed and named', () => {
    const src = `fn main() {
      println!("cargo:rustc-cfg={}", "a");
      println!("{} cargo:rustc-cfg={}", 1, "b");
      println!("cargo:rustc-cfg={0}", "c");
      println!("cargo:rustc-cfg={n}", n = "d");
      println!("cargo:rustc-cfg=pre_{}", minor);
    }`;
    assert.deepEqual(names(src), ['a', 'b', 'c', 'd', 'pre_*']);
  });

  test('helper functions called with literal names (and helpers of helpers, and methods)', () => {
    const src = `
      fn set(cfg: &str) { println!("cargo:rustc-cfg={}", cfg); }
      fn set_if(ok: bool, name: &str) { if ok { set(name) } }
      struct S;
      impl S { fn emit_it(&self, what: &str) { println!("cargo:rustc-cfg={what}"); } }
      fn main() {
        set("a");
        set_if(version_check::is_min_version("1.36.0").unwrap_or(false), "b");
        S.emit_it("c");
      }`;
    assert.deepEqual(names(src), ['a', 'b', 'c']);
  });

  test("autocfg's API", () => {
    const src = `extern crate autocfg;
      fn main() {
        let ac = autocfg::new();
        ac.emit_has_type("i128");
        ac.emit_has_path("std::ffi::c_str");
        ac.emit_rustc_version(1, 36);
        ac.emit_expression_cfg("1u32.reverse_bits()", "has_reverse_bits");
        ac.emit_type_cfg("!", "has_never");
        autocfg::emit("probed");
        ac.emit_sysroot_crate("alloc");
      }`;
    assert.deepEqual(names(src, ['autocfg']), ['has_alloc', 'has_i128', 'has_never', 'has_reverse_bits', 'has_std__ffi__c_str', 'probed', 'rustc_1_36']);
  });

  test('cfg_aliases! names, and rustc-check-cfg declarations are not emitted names', () => {
    const src = `fn main() {
      println!("cargo:rustc-check-cfg=cfg(docsrs_like)");
      cfg_aliases::cfg_aliases! { wasm: { target_arch = "wasm32" }, native: { not(wasm) } }
    }`;
    assert.deepEqual(names(src, ['cfg_aliases']), ['native', 'wasm']);
    const r = buildScriptCfgs([{ name: 'build.rs', text: src }], []) as BuildScriptCfgs & { kind: 'names' };
    assert.deepEqual(r.declared, ['docsrs_like']);
  });

  test('what cannot be read leaves every name unknown, and says why', () => {
    assert.match(reason('fn main() { let n = probe(); println!("cargo:rustc-cfg={}", n); }'), /build\.rs:1: prints a cfg whose name \(`n`\) is computed/);
    assert.match(reason('fn main() { println!("cargo:{}={}", "rustc-cfg", x); }'), /builds a `rustc-cfg` instruction at run time/);
    assert.match(reason('fn set(c: &str) { println!("cargo:rustc-cfg={}", c); }\nfn main() { set(&name()); }'), /build\.rs:2: `set` .* computed at run time/);
    assert.match(reason('fn main() {}', ['my-helper']), /build-dependency `my-helper` may print cfgs/);
  });

  test('mayEmit: listed names and prefixes, nothing else', () => {
    const r = buildScriptCfgs([{ name: 'build.rs', text: 'fn main() { println!("cargo:rustc-cfg=a"); println!("cargo:rustc-cfg=has_{}", x); }' }]);
    assert.match(mayEmit(r, 'a')!, /prints `cargo:rustc-cfg=a` \(build\.rs:1\)/);
    assert.match(mayEmit(r, 'has_x')!, /`has_…`/);
    assert.equal(mayEmit(r, 'docsrs'), undefined);
  });

  test('the development corpus: every cfg the real scripts print is found', () => {
    const dir = '/usr/share/cargo/registry';
    const cases: [string, string[]][] = [
      ['serde-1.0.152', ['no_integer128', 'no_serde_derive']],
      ['serde_json-1.0.87', ['limb_width_32', 'limb_width_64']],
      ['syn-1.0.107', ['syn_disable_nightly_tests', 'syn_omit_await_from_token_macro']],
      ['memchr-2.5.0', ['memchr_runtime_simd', 'memchr_runtime_wasm128', 'memchr_libc']],
      ['libc-0.2.139', ['libc_align', 'libc_non_exhaustive', 'freebsd11']],
    ];
    for (const [pkg, expected] of cases) {
      let text: string;
      try {
        text = readFileSync(`${dir}/${pkg}/build.rs`, 'utf8');
      } catch {
        continue; // not installed here
      }
      const r = buildScriptCfgs([{ name: 'build.rs', text }]);
      assert.equal(r.kind, 'names', `${pkg}: ${r.kind === 'any' ? r.reason : ''}`);
      for (const n of expected) assert.ok(mayEmit(r, n), `${pkg} prints ${n}`);
      assert.equal(mayEmit(r, 'docsrs'), undefined);
    }
  });

  test('a build script nested deeper than the stack allows keeps every name unknown, never a crash', () => {
    const text = `fn main() { ${'{'.repeat(100_000)}${'}'.repeat(100_000)} }`;
    assert.match(reason(text), /nests too deeply/);
  });
});
