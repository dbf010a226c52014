/**
 * The interpreter's rules on small scripts: what is decided, what stays unknown and why, and when
 * it gives up. Truth against real cargo runs is in test/build-scripts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { loadRuntime, rustParserSync } from '../../scan/parser.js';
import { ScriptEnv, type ScriptEnvInput } from './env.js';
import { evaluateBuildScript, type ScriptDecisions } from './evaluate.js';

let parser: Parser;
before(async () => {
  await loadRuntime();
  parser = rustParserSync();
});

const ENV: ScriptEnvInput = {
  cfg: [
    { name: 'target_arch', value: 'x86_64' },
    { name: 'target_feature', value: 'fxsr' },
    { name: 'target_feature', value: 'sse' },
    { name: 'target_feature', value: 'sse2' },
    { name: 'target_os', value: 'linux' },
    { name: 'unix' },
  ],
  features: ['std', 'fast-path'],
  target: 'x86_64-unknown-linux-gnu',
  host: 'x86_64-unknown-linux-gnu',
  pkgName: 'demo',
  pkgVersion: '1.2.3',
  rustcVersion: 'rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n',
};

function run(body: string, env: Partial<ScriptEnvInput> = {}): ScriptDecisions {
  return evaluateBuildScript([{ name: 'build.rs', text: `use std::env;\nuse std::process::Command;\n${body}` }], new ScriptEnv({ ...ENV, ...env }), parser);
}

/** set / unknown names of a decided result. */
function summary(d: ScriptDecisions): { set: string[]; unknown: string[]; any?: string } {
  assert.equal(d.kind, 'decided', d.kind === 'gave-up' ? d.reason : '');
  if (d.kind !== 'decided') throw new Error('unreachable');
  return { set: d.set.map((s) => s.atom.name).sort(), unknown: Object.keys(d.unknown).sort(), ...(d.any ? { any: d.any } : {}) };
}

describe('decided from what cargo-units knows', () => {
  test('CARGO_CFG_*: values joined by commas, names without a value set to the empty string, absent names absent', () => {
    const d = run(`fn main() {
      let f = env::var("CARGO_CFG_TARGET_FEATURE").unwrap();
      if f == "fxsr,sse,sse2" { println!("cargo:rustc-cfg=joined"); }
      if env::var("CARGO_CFG_UNIX").as_deref() == Ok("") { println!("cargo:rustc-cfg=empty"); }
      if env::var("CARGO_CFG_WINDOWS").is_err() { println!("cargo:rustc-cfg=absent"); }
      if env::var("CARGO_FEATURE_FAST_PATH").is_ok() && env::var_os("CARGO_FEATURE_SLOW").is_none() { println!("cargo:rustc-cfg=features"); }
      if env::var("CARGO_PKG_VERSION_MINOR").unwrap() == "2" && env::var("TARGET").unwrap().starts_with("x86_64") { println!("cargo:rustc-cfg=pkg"); }
    }`);
    assert.deepEqual(summary(d), { set: ['absent', 'empty', 'features', 'joined', 'pkg'], unknown: [] });
  });

  test('char literals decode as rustc does; one rustc rejects is unknown', () => {
    const d = run(`fn main() {
      if '\\u{41}' == 'A' && '\\n' != 'n' && "a.b".split('.').count() == 2 { println!("cargo:rustc-cfg=chars"); }
      if '\\x80' == 'x' { println!("cargo:rustc-cfg=rejected"); }
    }`);
    assert.deepEqual(summary(d), { set: ['chars'], unknown: ['rejected'] });
  });

  test('a name printed on no path is decided unset; a `not(name)` then holds', () => {
    const d = run(`fn main() { if env::var("CARGO_CFG_TARGET_OS").unwrap() == "windows" { println!("cargo:rustc-cfg=win"); } }`);
    assert.deepEqual(summary(d), { set: [], unknown: [] });
  });

  test('format strings: positional, named, inline captures, escaped braces', () => {
    const d = run(
      `fn main() { let n = "b"; println!("cargo:rustc-cfg={}", "a"); println!("cargo:rustc-cfg={x}", x = n); let c = "c"; println!("cargo:rustc-cfg={c}"); println!("cargo:rustc-cfg=d{{}}"); }`,
    );
    // `d{}` is not a cfg name cargo-units can read: every name becomes unknown.
    const s = summary(d);
    assert.deepEqual(s.set, ['a', 'b', 'c']);
  });

  test('`$RUSTC --version` is known; other commands are not', () => {
    const d = run(`fn main() {
      let v = Command::new(env::var("RUSTC").unwrap()).arg("--version").output().unwrap();
      let s = String::from_utf8(v.stdout).unwrap();
      if s.starts_with("rustc 1.95.0") { println!("cargo:rustc-cfg=v195"); }
      let o = Command::new("git").arg("describe").output();
      if o.is_ok() { println!("cargo:rustc-cfg=git"); }
    }`);
    assert.deepEqual(summary(d), { set: ['v195'], unknown: ['git'] });
    assert.equal(d.kind === 'decided' && d.usesRustcVersion, true);
    // Without the version (no rustc was run), it is unknown.
    const none = summary(
      run(
        `fn main() { let v = Command::new(env::var("RUSTC").unwrap()).arg("--version").output().unwrap(); if v.stdout.is_empty() { println!("cargo:rustc-cfg=x"); } }`,
        { rustcVersion: undefined },
      ),
    );
    assert.deepEqual(none.unknown, ['x']);
  });
});

describe('unknown, with the reason', () => {
  test('an environment variable cargo-units cannot know', () => {
    const d = run(`fn main() {\n  if env::var("MY_CI").is_ok() { println!("cargo:rustc-cfg=ci"); }\n}`);
    assert.deepEqual(summary(d), { set: [], unknown: ['ci'] });
    assert.match(d.kind === 'decided' ? d.unknown.ci! : '', /`MY_CI` \(an environment variable cargo-units cannot know\) at build\.rs:4/);
  });

  test('a return on a path that may not run makes the rest of the function maybe, not the caller', () => {
    const d = run(`fn main() { f(); println!("cargo:rustc-cfg=after_call"); }
      fn f() { if env::var("X").is_ok() { return; } println!("cargo:rustc-cfg=after_return"); }`);
    assert.deepEqual(summary(d), { set: ['after_call'], unknown: ['after_return'] });
  });

  test('a panic on a path that may not run makes the rest of the script maybe', () => {
    const d = run(`fn main() { if env::var("X").is_ok() { panic!("no"); } f(); }
      fn f() { println!("cargo:rustc-cfg=later"); }`);
    assert.deepEqual(summary(d), { set: [], unknown: ['later'] });
  });

  test('an assignment in a branch that may not run makes the variable unknown', () => {
    const d = run(`fn main() { let mut on = true; if env::var("X").is_ok() { on = false; } if on { println!("cargo:rustc-cfg=on"); } }`);
    assert.deepEqual(summary(d), { set: [], unknown: ['on'] });
  });

  test('a loop body may run any number of times: what it changes is unknown from the first round', () => {
    const d = run(`fn main() {
      let mut first = true;
      for _ in 0..3 { if !first { println!("cargo:rustc-cfg=second_round"); } first = false; }
      if first { println!("cargo:rustc-cfg=no_round"); }
    }`);
    assert.deepEqual(summary(d), { set: [], unknown: ['no_round', 'second_round'] });
  });

  test('a closure given to code cargo-units does not model may run', () => {
    const d = run(`fn main() { std::thread::spawn(|| { println!("cargo:rustc-cfg=threaded"); }); }`);
    assert.deepEqual(summary(d), { set: [], unknown: ['threaded'] });
  });

  test('a name computed at run time makes every name unknown; a computed suffix, its prefix', () => {
    assert.match(summary(run(`fn main() { println!("cargo:rustc-cfg={}", env::var("X").unwrap()); }`)).any ?? '', /computed at run time/);
    const d = run(`fn main() { println!("cargo:rustc-cfg=has_{}", env::var("X").unwrap()); }`);
    assert.equal(d.kind === 'decided' && Object.keys(d.prefixes).join(), 'has_');
  });

  test('a command whose output cargo reads (`status()`) may print anything', () => {
    assert.match(summary(run(`fn main() { Command::new("sh").arg("x.sh").status().unwrap(); }`)).any ?? '', /runs a command/);
  });

  test("autocfg's `emit*` on a probe object: the names it may print; `emit_rustc_version` decided from the version", () => {
    const d = run(`fn main() { let ac = autocfg::new(); ac.emit_has_type("i128"); ac.emit_rustc_version(1, 60); ac.emit_rustc_version(1, 96); }`);
    assert.deepEqual(summary(d), { set: ['rustc_1_60'], unknown: ['has_i128'] });
  });
});

describe('gives up (every name the script can print stays unknown, as before)', () => {
  test('a panic on a path that certainly runs', () => {
    const d = run(`fn main() { panic!("x"); }`);
    assert.equal(d.kind, 'gave-up');
  });
  test('unbounded recursion', () => {
    const d = run(`fn main() { f(); } fn f() { f(); }`);
    assert.equal(d.kind, 'gave-up');
    assert.match(d.kind === 'gave-up' ? d.reason : '', /too deeply/);
  });
  test('a trait impl whose methods may print', () => {
    const d = run(`struct A; impl Drop for A { fn drop(&mut self) { println!("cargo:rustc-cfg=dropped"); } } fn main() { let _a = A; }`);
    assert.equal(d.kind, 'gave-up');
  });
  test("another crate's macro that may print", () => {
    assert.equal(run(`fn main() { cfg_aliases::cfg_aliases! { x: { unix } } }`).kind, 'gave-up');
  });
});

describe('what an unmodelled method may change', () => {
  test('a method cargo-units does not model makes its receiver unknown', () => {
    const d = run(
      `fn main() { let mut v = Vec::new(); v.push("a"); let mut s = String::new(); s.push_str("x"); if s.is_empty() { println!("cargo:rustc-cfg=empty"); } }`,
    );
    assert.deepEqual(summary(d), { set: [], unknown: ['empty'] });
  });
});
