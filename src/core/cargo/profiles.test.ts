/**
 * Profiles: cargo's documented defaults, inheritance and overrides, and the flags and build-script
 * variables against what real cargo passes (`cargo build -v`) on a small workspace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../diagnostics.js';
import { findExecutable } from '../toolchain.js';
import { buildScriptProfileEnv, Profiles, rustcProfileFlags, type ProfileUnit } from './profiles.js';

const M = '/ws/Cargo.toml';
const lib = (pkg = 'app', member = true): ProfileUnit => ({ package: pkg, member, host: false, test: false });
const host = (pkg = 'app', member = true): ProfileUnit => ({ package: pkg, member, host: true, test: false });

test("dev and release defaults are cargo's documented ones", () => {
  const p = Profiles.parse(M, '[package]\nname = "app"\n');
  const dev = p.unitProfile('dev', lib());
  assert.deepEqual(
    [dev.optLevel, dev.debug, dev.debugAssertions, dev.overflowChecks, dev.lto, dev.panic, dev.strip, dev.root],
    ['0', 'full', true, true, 'false', 'unwind', 'none', 'debug'],
  );
  const rel = p.unitProfile('release', lib());
  assert.deepEqual(
    [rel.optLevel, rel.debug, rel.debugAssertions, rel.overflowChecks, rel.lto, rel.panic, rel.strip, rel.root],
    ['3', 'none', false, false, 'false', 'unwind', 'debuginfo', 'release'],
  );
  assert.deepEqual(rustcProfileFlags(dev, 'link'), ['-C', 'embed-bitcode=no', '-C', 'debuginfo=2']);
  assert.deepEqual(rustcProfileFlags(rel, 'link'), ['-C', 'opt-level=3', '-C', 'embed-bitcode=no', '-C', 'strip=debuginfo']);
  // build-override: opt-level 0 and no debuginfo for build scripts and proc-macros.
  assert.deepEqual(rustcProfileFlags(p.unitProfile('dev', host()), 'host'), ['-C', 'embed-bitcode=no']);
  assert.deepEqual(rustcProfileFlags(p.unitProfile('release', host()), 'host'), [
    '-C',
    'embed-bitcode=no',
    '-C',
    'debug-assertions=off',
    '-C',
    'strip=debuginfo',
  ]);
  assert.deepEqual(buildScriptProfileEnv(dev), { PROFILE: 'debug', OPT_LEVEL: '0', DEBUG: 'true' });
  assert.deepEqual(buildScriptProfileEnv(rel), { PROFILE: 'release', OPT_LEVEL: '3', DEBUG: 'false' });
  // Test units use `test`/`bench`, which inherit dev/release.
  assert.equal(p.unitProfile('dev', { ...lib(), test: true }).name, 'test');
  assert.equal(p.unitProfile('release', { ...lib(), test: true }).name, 'bench');
});

test('inherits, per-package overrides ("*" only outside the workspace), build-override, and their precedence', () => {
  const p = Profiles.parse(
    M,
    [
      '[profile.dev]',
      'opt-level = 1',
      '',
      '[profile.dev.package."*"]',
      'opt-level = 2',
      'debug = false',
      '',
      '[profile.dev.package.special]',
      'opt-level = 3',
      '',
      '[profile.dev.build-override]',
      'opt-level = "s"',
      '',
      '[profile.fast]',
      'inherits = "dev"',
      'codegen-units = 8',
      'panic = "abort"',
      '',
      '[profile.fast.package.special]',
      'overflow-checks = false',
      '',
      '[profile.test]',
      'debug = 1',
    ].join('\n'),
  );
  assert.equal(p.unitProfile('dev', lib()).optLevel, '1');
  assert.equal(p.unitProfile('dev', lib('dep', false)).optLevel, '2');
  assert.equal(p.unitProfile('dev', lib('dep', false)).strip, 'debuginfo', 'debug = false set explicitly: stripped');
  assert.equal(p.unitProfile('dev', lib('special', false)).optLevel, '3', 'a named package wins over "*"');
  assert.equal(p.unitProfile('dev', host()).optLevel, 's');
  assert.equal(p.unitProfile('dev', host('dep', false)).optLevel, '2', '"*" wins over build-override');
  const fast = p.unitProfile('fast', lib('special', false));
  assert.deepEqual([fast.optLevel, fast.codegenUnits, fast.panic, fast.overflowChecks, fast.root], ['3', 8, 'abort', false, 'debug']);
  assert.equal(p.unitProfile('fast', host()).panic, 'unwind', 'never panic=abort for host units');
  assert.equal(p.unitProfile('fast', { ...lib(), test: true }).panic, 'unwind', 'nor for tests');
  assert.equal(p.unitProfile('dev', { ...lib(), test: true }).debug, 'limited');
  // Host and target copies of a dependency are one unit in dev (only deferred debuginfo differs), two in release.
  assert.equal(Profiles.parse(M, '').hostSharesTarget('dev', 'dep'), true);
  assert.equal(Profiles.parse(M, '').hostSharesTarget('release', 'dep'), false);
});

test('bad profiles are errors at their line', () => {
  const text = '[package]\nname = "app"\n\n[profile.release]\nopt-level = 7\n';
  assert.throws(
    () => Profiles.parse(M, text),
    (e: unknown) => e instanceof InputError && e.line === 5 && /opt-level: must be 0, 1, 2, 3/.test(e.message),
  );
  const custom = Profiles.parse(M, '[profile.nope]\ndebug = 1\n');
  assert.throws(
    () => custom.unitProfile('nope', lib()),
    (e: unknown) => e instanceof InputError && e.line === 1 && /must set `inherits`/.test(e.message),
  );
  assert.throws(() => custom.unitProfile('missing', lib()), /profile `missing` is not defined/);
  assert.throws(() => Profiles.parse(M, '[profile.a]\ninherits = "b"\n[profile.b]\ninherits = "a"\n').unitProfile('a', lib()), /inheritance loop: a -> b -> a/);
  assert.throws(
    () => Profiles.parse(M, '[profile.dev.package.x]\npanic = "abort"\n'),
    (e: unknown) => e instanceof InputError && e.line === 2 && /cannot be set per package/.test(e.message),
  );
});

const PROBE: Record<string, string> = {
  'Cargo.toml': [
    '[workspace]',
    'members = ["app", "pm"]',
    'resolver = "2"',
    '',
    '[profile.dev.package.pm]',
    'debug = 0',
    '',
    '[profile.release.package.app]',
    'debug = 2',
    '',
    '[profile.custom]',
    'inherits = "release"',
    'lto = true',
    'panic = "abort"',
    'codegen-units = 4',
    'debug = 1',
    'overflow-checks = true',
    '',
    '[profile.custom.package.pm]',
    'opt-level = 1',
    '',
    '[profile.custom.build-override]',
    'opt-level = 2',
    '',
    '[profile.thin]',
    'inherits = "dev"',
    'lto = "thin"',
    'strip = true',
    'debug-assertions = false',
    'rpath = true',
    '',
  ].join('\n'),
  'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\npm = { path = "../pm" }\n',
  'app/build.rs':
    'fn main() {\n    println!("cargo::rerun-if-changed=build.rs");\n    println!("cargo::warning=ENV {} {} {}", std::env::var("PROFILE").unwrap(), std::env::var("OPT_LEVEL").unwrap(), std::env::var("DEBUG").unwrap());\n}\n',
  'app/src/lib.rs': 'pub fn f() -> u32 {\n    pm::seven!()\n}\n',
  'app/src/main.rs': 'fn main() {\n    println!("{}", app::f());\n}\n',
  'pm/Cargo.toml': '[package]\nname = "pm"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n',
  'pm/src/lib.rs': 'use proc_macro::TokenStream;\n\n#[proc_macro]\npub fn seven(_: TokenStream) -> TokenStream {\n    "7".parse().unwrap()\n}\n',
};

const PROFILE_FLAG =
  /^(opt-level|panic|lto|linker-plugin-lto|embed-bitcode|codegen-units|debuginfo|split-debuginfo|debug-assertions|overflow-checks|strip|rpath)\b/;

/** The profile flags of each rustc cargo ran, by `crate-name/crate-type`, and the build script's PROFILE/OPT_LEVEL/DEBUG. */
function cargoFlags(ws: string, profile: string): { units: Map<string, string[]>; env: string } {
  const r = spawnSync('cargo', ['build', '-v', '--offline', '--profile', profile], {
    cwd: ws,
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: join(ws, 'target'), RUSTFLAGS: '', CARGO_BUILD_RUSTFLAGS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const units = new Map<string, string[]>();
  const lines = r.stderr.split('\n').filter((l) => /Running `.*rustc .*--crate-name/.test(l));
  // The proc-macro copy that app uses (in release cargo also builds pm as a root with the target profile).
  const usedPm = /--extern pm=\S*\/libpm(-[0-9a-f]+)\.so/.exec(lines.find((l) => /--crate-name app .*--crate-type lib/.test(l)) ?? '')?.[1];
  for (const l of lines) {
    const words = l
      .replace(/^.*Running `/, '')
      .replace(/`$/, '')
      .split(/\s+/);
    const name = words[words.indexOf('--crate-name') + 1]!;
    const type = words[words.indexOf('--crate-type') + 1]!;
    if (name === 'pm' && !l.includes(`extra-filename=${usedPm}`)) continue;
    const flags: string[] = [];
    for (let i = 0; i < words.length; i++) if (words[i] === '-C' && PROFILE_FLAG.test(words[i + 1]!)) flags.push('-C', words[i + 1]!);
    units.set(`${name}/${type}`, flags);
  }
  const env = /warning: app@0\.1\.0: ENV (.*)/.exec(r.stderr)?.[1] ?? '';
  return { units, env };
}

test(
  'the flags and build-script variables are what cargo passes, for dev, release and custom profiles',
  { skip: findExecutable('cargo') ? false : 'cargo not installed', timeout: 300_000 },
  () => {
    const ws = mkdtempSync(join(tmpdir(), 'cargo-units-profiles-'));
    try {
      for (const [rel, text] of Object.entries(PROBE)) {
        mkdirSync(dirname(join(ws, rel)), { recursive: true });
        writeFileSync(join(ws, rel), text);
      }
      const profiles = Profiles.read(join(ws, 'Cargo.toml'));
      for (const name of ['dev', 'release', 'custom', 'thin']) {
        const { units, env } = cargoFlags(ws, name);
        const ours = new Map([
          ['build_script_build/bin', rustcProfileFlags(profiles.unitProfile(name, host()), 'host')],
          ['pm/proc-macro', rustcProfileFlags(profiles.unitProfile(name, host('pm')), 'host')],
          ['app/lib', rustcProfileFlags(profiles.unitProfile(name, lib()), 'lib')],
          ['app/bin', rustcProfileFlags(profiles.unitProfile(name, lib()), 'link')],
        ]);
        assert.deepEqual(ours, units, name);
        const e = buildScriptProfileEnv(profiles.unitProfile(name, lib()));
        assert.equal(`${e.PROFILE} ${e.OPT_LEVEL} ${e.DEBUG}`, env, name);
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  },
);
