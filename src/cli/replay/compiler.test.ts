/**
 * compiler.ts pins a rustc down by its files: a rustup proxy by rustup's settings, the absence of
 * toolchain files and every toolchain's compiler; any other rustc by its file and its sysroot's
 * librustc_driver. A change to any of them fails a check; what cannot be pinned is not.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { STAT_TRUST_MS } from '../../core/file-state.js';
import { holds } from './checks.js';
import { compilerChecks } from './compiler.js';

const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-compiler-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function file(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const allHold = (checks: ReturnType<typeof compilerChecks>): boolean => !!checks && checks.every((c) => holds(fs, c));

/** A rustup install: cargo home with the proxy (`link`: symlink or hardlink), rustup home with two toolchains. */
function rustup(name: string, link: 'symlink' | 'hardlink') {
  const root = join(tmp, name);
  const rustupBin = file(join(root, 'cargo', 'bin', 'rustup'), 'rustup');
  const rustc = join(root, 'cargo', 'bin', 'rustc');
  if (link === 'symlink') symlinkSync('rustup', rustc);
  else linkSync(rustupBin, rustc);
  const home = join(root, 'rustup');
  file(join(home, 'settings.toml'), 'default_toolchain = "stable"\n');
  for (const t of ['stable', 'nightly']) {
    file(join(home, 'toolchains', t, 'bin', 'rustc'), t);
    file(join(home, 'toolchains', t, 'lib', `librustc_driver-${t}.so`), t);
  }
  const ws = join(root, 'ws', 'member');
  mkdirSync(ws, { recursive: true });
  return { root, rustc, home, ws, env: { RUSTUP_HOME: home } };
}

test('a rustup proxy is pinned by settings.toml, the absence of toolchain files, and every toolchain', () => {
  for (const link of ['symlink', 'hardlink'] as const) {
    const r = rustup(`proxy-${link}`, link);
    const checks = compilerChecks(fs, r.rustc, r.ws, r.env);
    assert.ok(allHold(checks), link);
    const paths = checks!.map((c) => c[1]);
    for (const p of [
      join(r.home, 'settings.toml'),
      join(r.home, 'toolchains', 'nightly', 'bin', 'rustc'),
      join(r.home, 'toolchains', 'stable', 'lib', 'librustc_driver-stable.so'),
    ])
      assert.ok(paths.includes(p), `${link}: ${p}`);

    // Each change fails a check.
    file(join(r.home, 'toolchains', 'nightly', 'bin', 'rustc'), 'nightly, updated');
    assert.ok(!allHold(checks), `${link}: another toolchain's compiler`);
    const again = compilerChecks(fs, r.rustc, r.ws, r.env);
    file(join(r.home, 'settings.toml'), 'default_toolchain = "nightly"\n');
    assert.ok(!allHold(again), `${link}: rustup's settings`);
    const third = compilerChecks(fs, r.rustc, r.ws, r.env);
    file(join(r.home, 'toolchains', 'beta', 'bin', 'rustc'), 'beta');
    assert.ok(!allHold(third), `${link}: a new toolchain`);
    const fourth = compilerChecks(fs, r.rustc, r.ws, r.env);
    file(join(r.root, 'ws', 'rust-toolchain.toml'), '[toolchain]\nchannel = "beta"\n');
    assert.ok(!allHold(fourth), `${link}: a toolchain file in a parent directory`);

    // With a toolchain file, nothing is pinned (it may name a toolchain by path).
    assert.equal(compilerChecks(fs, r.rustc, r.ws, r.env), undefined);
    rmSync(join(r.root, 'ws', 'rust-toolchain.toml'));
    assert.ok(compilerChecks(fs, r.rustc, r.ws, r.env));
    assert.equal(compilerChecks(fs, r.rustc, r.ws, { ...r.env, RUSTUP_TOOLCHAIN: join(r.root, 'my-toolchain') }), undefined, 'a toolchain by path');
    assert.ok(compilerChecks(fs, r.rustc, r.ws, { ...r.env, RUSTUP_TOOLCHAIN: 'nightly' }), 'a toolchain by name');
  }
});

test("rustup's settings.toml, unchanged for a while, is pinned by its state; an edit keeping size and times still fails the check", async () => {
  const r = rustup('aged', 'symlink');
  const settings = join(r.home, 'settings.toml');
  const old = new Date(Date.now() - 60_000);
  utimesSync(settings, old, old);
  // A state is trusted once the file (its change time too) is older than STAT_TRUST_MS.
  await new Promise((done) => setTimeout(done, STAT_TRUST_MS + 100));
  const checks = compilerChecks(fs, r.rustc, r.ws, r.env)!;
  assert.ok(checks.find((c) => c[1] === settings)?.[4], 'its state is recorded');
  assert.ok(allHold(checks));
  writeFileSync(settings, 'default_toolchain = "betaaa"\n'); // same size
  utimesSync(settings, old, old);
  assert.ok(!allHold(checks), 'only the change time differs');
});

test('another rustc is pinned by its file and its sysroot librustc_driver; a wrapper script is not pinned', () => {
  const rustc = file(join(tmp, 'sysroot', 'bin', 'rustc'), 'rustc');
  const driver = file(join(tmp, 'sysroot', 'lib', 'librustc_driver-abc.so'), 'driver');
  const checks = compilerChecks(fs, rustc, tmp, {});
  assert.ok(allHold(checks));
  writeFileSync(driver, 'driver, rebuilt');
  assert.ok(!allHold(checks), 'the driver');
  const again = compilerChecks(fs, rustc, tmp, {});
  writeFileSync(rustc, 'rustc, rebuilt');
  assert.ok(!allHold(again), 'the compiler');

  assert.equal(compilerChecks(fs, file(join(tmp, 'wrapper', 'bin', 'rustc'), '#!/bin/sh\n'), tmp, {}), undefined, 'no librustc_driver');
  assert.equal(compilerChecks(fs, join(tmp, 'missing', 'rustc'), tmp, {}), undefined, 'no such file');
});
