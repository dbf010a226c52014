/**
 * Installed like a real tool: `npm pack`, `npm install -g` of the tarball into a temporary prefix
 * (offline: the tarball needs nothing from the registry), then `cargo-units` and `cargo units` run
 * from directories that have nothing to do with this repository.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { findExecutable } from '../../src/core/toolchain.js';
import { EXAMPLE, REPO } from '../helpers.js';

const npm = findExecutable('npm');
const cargo = findExecutable('cargo');
const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-install-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('npm pack, npm install -g into a prefix: cargo-units and cargo units work from any directory', { skip: npm ? false : 'npm not found' }, () => {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  // dist/ is built (npm test builds first); --ignore-scripts keeps pack from rebuilding it under
  // tests that run it concurrently.
  const packed = JSON.parse(
    execFileSync(npm!, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path).sort();
  for (const f of [
    'bin/cargo-units',
    'bin/load-bundle.js',
    'bin/package.json',
    'dist/cli.cjs',
    'dist/cli.cjs.cache',
    'dist/quick.cjs',
    'dist/tree-sitter-rust.wasm',
    'dist/web-tree-sitter.wasm',
    'nix/default.nix',
    'package.json',
    'README.md',
  ]) {
    assert.ok(files.includes(f), `${f} not in the tarball: ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')), 'sources and tests stay out');

  const prefix = join(tmp, 'prefix');
  execFileSync(npm!, ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(tmp, packed[0]!.filename)], {
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.ok(existsSync(join(prefix, 'bin', 'cargo-units')));

  // A PATH with the prefix and node (and cargo), nothing of this repository.
  const PATH = [join(prefix, 'bin'), dirname(process.execPath), ...(cargo ? [dirname(cargo)] : []), '/usr/bin', '/bin'].join(delimiter);
  const env = { ...process.env, PATH };
  const elsewhere = mkdtempSync(join(tmp, 'elsewhere-'));
  const ws = join(tmp, 'ws');
  cpSync(EXAMPLE, ws, { recursive: true });

  const v = spawnSync('cargo-units', ['--version'], { cwd: elsewhere, env, encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), `cargo-units ${version}`);
  // The installed CLI starts from its code cache (bin/load-bundle.js).
  const installed = join(prefix, 'lib', 'node_modules', 'cargo-units');
  const loader = join(installed, 'bin', 'load-bundle.js');
  const cached = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write(require(${JSON.stringify(loader)}).compileBundle(${JSON.stringify(join(installed, 'dist', 'cli.cjs'))}).status)`],
    {
      cwd: elsewhere,
      encoding: 'utf8',
    },
  );
  assert.equal(cached.stdout, 'accepted', cached.stderr);

  const units = spawnSync('cargo-units', ['units', ws], { cwd: elsewhere, env, encoding: 'utf8' });
  assert.equal(units.status, 0, units.stderr);
  assert.match(units.stdout, /units-core\/lib\/units_core +\d+ files/);

  // The Nix library comes with the package.
  const nix = spawnSync('cargo-units', ['nix', '--out', join(tmp, 'nix-out'), ws], { cwd: elsewhere, env, encoding: 'utf8' });
  assert.equal(nix.status, 0, nix.stderr);
  assert.ok(readdirSync(join(tmp, 'nix-out')).includes('default.nix'));

  const bad = spawnSync('cargo-units', ['units', '/no/such/dir'], { cwd: elsewhere, env, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no such directory: `\/no\/such\/dir`/);

  if (!cargo) return;
  // cargo finds `cargo-units` on PATH and runs `cargo-units units orphans`.
  const viaCargo = spawnSync(cargo, ['units', 'orphans'], { cwd: ws, env, encoding: 'utf8' });
  assert.equal(viaCargo.status, 0, viaCargo.stderr);
  assert.match(viaCargo.stdout, /crates\/units-parse\/src\/lexer_v1\.rs/);
});
