/** Real nix-build of per-unit derivations (nix/default.nix) for a copy of the example workspace. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findExecutable, findRustc } from '../../src/core/toolchain.js';
import { copyFixture, EXAMPLE, REPO } from '../helpers.js';
import { isolatedNixEnv } from './nix-env.js';

const nixBuild = findExecutable('nix-build');
const rustc = findRustc();


/** Runs `cargo-units nix WS --out DIR` (the built CLI) and returns a Nix file that imports DIR. */
async function generate(ws: string, dir: string): Promise<string> {
  const sysroot = execFileSync(rustc ?? 'rustc', ['--print', 'sysroot']).toString().trim();
  execFileSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'nix', ws, '--out', dir], { stdio: 'pipe' });
  const f = join(dir, '..', 'entry.nix');
  writeFileSync(f, `import ${dir} { rustc = ${JSON.stringify(sysroot)}; }\n`);
  return f;
}

function build(env: NodeJS.ProcessEnv, f: string, attr: string): string {
  const r = spawnSync('nix-build', [f, '-A', attr, '--no-out-link'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function drvPaths(env: NodeJS.ProcessEnv, f: string): Record<string, string> {
  const expr = `let s = import ${f}; in builtins.mapAttrs (k: v: v.drvPath) s.units`;
  const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

test('nix-build per-unit derivations: bin output matches cargo, edits rebuild only their units', { skip: nixBuild ? false : 'nix-build not installed (apt-get install -y nix-bin)', timeout: 170_000 }, async () => {
  const ws = copyFixture(EXAMPLE);
  rmSync(join(ws, 'target'), { recursive: true, force: true });
  const gen = join(mkdtempSync(join(tmpdir(), 'cargo-units-nix-')), 'out');
  const env = isolatedNixEnv();
  const f = await generate(ws, gen);

  const lib = build(env, f, 'units."units-parse/lib/units_parse"');
  assert.ok(execFileSync('ls', [lib]).toString().includes('libunits_parse.rlib'));
  const run = build(env, f, 'runs."units-core/custom-build/build-script-build"');
  assert.ok(execFileSync('ls', [join(run, 'out')]).toString().includes('generated.rs'));
  build(env, f, 'units."units-core/lib/units_core"');
  const bin = build(env, f, 'units."units-cli/bin/units-cli"');
  const ours = execFileSync(join(bin, 'bin', 'units-cli')).toString();
  const cargo = execFileSync('cargo', ['run', '-q', '--offline', '-p', 'units-cli'], { cwd: ws }).toString();
  assert.equal(ours, cargo);

  const before = drvPaths(env, f);
  appendFileSync(join(ws, 'crates/units-parse/src/lib.rs'), '\n// edited\n');
  const after = drvPaths(env, await generate(ws, gen));
  for (const id of Object.keys(before)) {
    if (id.startsWith('units-core/')) assert.equal(after[id], before[id], `${id} unchanged`);
    if (id.startsWith('units-parse/lib/')) assert.notEqual(after[id], before[id], `${id} changed`);
  }
  assert.notEqual(after['units-cli/bin/units-cli'], before['units-cli/bin/units-cli']);
});
