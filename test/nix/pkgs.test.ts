/**
 * The `pkgs` path of the Nix library (nixpkgs' stdenv.mkDerivation and rustc). There is no
 * nixpkgs on these machines, so `pkgs` is a stand-in with the same interface: `rustc` is a
 * derivation with bin/rustc, and `stdenv.mkDerivation` runs `buildCommand` with bash under
 * `set -eu -o pipefail`, as nixpkgs' setup does, with the toolchain on PATH.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nixString } from '../../src/core/nix/generate.js';
import { REPO } from '../helpers.js';
import { writeGeneratedWorkspace } from './generated-workspace.js';
import { isolatedNixEnv, NIX_SKIP } from './nix-env.js';

test('pkgs: units build through stdenv.mkDerivation with pkgs.rustc', { skip: NIX_SKIP, timeout: 200_000 }, () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-pkgs-')), 'ws');
  writeGeneratedWorkspace(ws, 2);
  execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'nix', ws], { stdio: 'pipe' });
  const sysroot = execFileSync('rustc', ['--print', 'sysroot'], { encoding: 'utf8' }).trim();
  const entry = join(ws, '..', 'entry.nix');
  writeFileSync(entry, `let
  system = builtins.currentSystem;
  rustc = derivation { name = "rustc"; inherit system; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" ("mkdir -p $out/bin && ln -s " + ${nixString(sysroot)} + "/bin/rustc $out/bin/rustc") ]; };
  stdenv.mkDerivation = a: derivation (builtins.removeAttrs a [ "nativeBuildInputs" "buildCommand" ] // {
    inherit system;
    builder = "/bin/bash";
    args = [ "-c" ("set -eu -o pipefail; " + a.buildCommand) ];
    PATH = "\${rustc}/bin:/usr/bin:/bin";
  });
in import ./ws/.cargo-units { pkgs = { inherit rustc stdenv; }; }
`);
  const env = isolatedNixEnv();
  const r = spawnSync('nix-build', [entry, '-A', 'units."app/bin/app"', '--no-out-link'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = spawnSync(join(r.stdout.trim(), 'bin', 'app'), { encoding: 'utf8' }).stdout;
  assert.equal(out, spawnSync('cargo', ['run', '-q', '--offline', '--bin', 'app'], { cwd: ws, encoding: 'utf8' }).stdout);
  // The toolchain is part of every derivation through pkgs.rustc's store path.
  const drv = spawnSync('nix', ['show-derivation', '-f', entry, 'units."p1/lib/p1"', '--extra-experimental-features', 'nix-command'], { env, encoding: 'utf8' });
  assert.equal(drv.status, 0, drv.stderr);
  assert.match(drv.stdout, /-rustc\/bin\/rustc/);
});
