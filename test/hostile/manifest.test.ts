/**
 * Hostile manifests through the command line: duplicate keys, wrong types and unknown tables give
 * `Cargo.toml:line:col` messages (errors exit 2, warnings keep going), each where cargo also
 * complains; a lying Cargo.lock does not disturb the index.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { findExecutable } from '../../src/core/toolchain.js';

const HEAD = '[package]\nname = "p"\nversion = "0.1.0"\nedition = "2021"\n';

function workspace(manifest: string, lock?: string): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-manifest-')), 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'Cargo.toml'), manifest);
  writeFileSync(join(ws, 'src', 'lib.rs'), 'pub fn f() {}\n');
  if (lock !== undefined) writeFileSync(join(ws, 'Cargo.lock'), lock);
  return ws;
}

async function units(ws: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['units', ws], { out: (l) => out.push(l), err: (l) => err.push(l), cwd: ws });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function cargoMetadata(ws: string): { status: number | null; stderr: string } {
  const cargo = findExecutable('cargo');
  assert.ok(cargo, 'cargo is needed for this test');
  return spawnSync(cargo, ['metadata', '--no-deps', '--offline', '--format-version', '1'], {
    cwd: ws,
    encoding: 'utf8',
    env: { ...process.env, CARGO_HOME: join(ws, '..', 'cargo-home') },
  });
}

const ERRORS: { what: string; manifest: string; line: number; message: RegExp }[] = [
  { what: 'a duplicate key', manifest: `${HEAD}name = "q"\n`, line: 5, message: /invalid TOML/ },
  { what: 'a duplicate table', manifest: `${HEAD}[lib]\npath = "src/lib.rs"\n[lib]\ntest = false\n`, line: 7, message: /invalid TOML/ },
  {
    what: 'a wrong type (edition as an integer)',
    manifest: HEAD.replace('"2021"', '2021'),
    line: 4,
    message: /invalid type: integer `2021`, expected a string for key `package.edition`/,
  },
  {
    what: 'a wrong type (features as a string)',
    manifest: `${HEAD}[features]\ndefault = "std"\n`,
    line: 6,
    message: /expected an array of strings for key `features.default`/,
  },
  {
    what: 'a wrong type (a table where a string goes)',
    manifest: `${HEAD}[lib]\npath = { x = 1 }\n`,
    line: 6,
    message: /invalid type: table, expected a string for key `lib.path`/,
  },
  { what: 'a control character in a string', manifest: `${HEAD}description = "a\u0001b"\n`, line: 5, message: /invalid TOML/ },
];

for (const c of ERRORS) {
  test(`${c.what}: an error at Cargo.toml:${c.line}, exit 2, as cargo also refuses it`, async () => {
    const ws = workspace(c.manifest);
    assert.notEqual(cargoMetadata(ws).status, 0, 'cargo accepts this manifest: the case is wrong');
    const r = await units(ws);
    assert.equal(r.code, 2, r.out);
    // Printed relative to the current directory (here the workspace), like cargo and rustc.
    assert.match(r.err, new RegExp(`^Cargo\\.toml:${c.line}(:\\d+)?: error: `), r.err);
    assert.match(r.err, c.message);
  });
}

test('an unknown table and unknown keys are warnings with their line; the index goes on', async () => {
  const ws = workspace(`${HEAD}colour = "blue"\n[not-a-cargo-table]\nx = 1\n`);
  assert.equal(cargoMetadata(ws).status, 0);
  const r = await units(ws);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /p\/lib\/p\b/);
  assert.match(r.err, /Cargo\.toml:5(:\d+)?: warning: unused manifest key: package\.colour/);
  assert.match(r.err, /Cargo\.toml:6(:\d+)?: warning: unused manifest key: not-a-cargo-table/);
});

test('a Cargo.lock that lies (wrong checksum, missing package, not TOML) does not disturb the index', async () => {
  const lies = [
    'version = 3\n[[package]]\nname = "p"\nversion = "0.1.0"\n[[package]]\nname = "serde"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "0000"\n',
    'version = 3\n[[package]]\nname = "other"\nversion = "9.9.9"\n',
    'this is [[ not toml',
  ];
  for (const lock of lies) {
    const r = await units(workspace(HEAD, lock));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /p\/lib\/p\b/);
  }
});
