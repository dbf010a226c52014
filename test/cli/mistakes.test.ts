/**
 * The first mistakes a new user makes, run through the built CLI (bin/cargo-units) as real
 * processes: each exits with the documented code and one error line naming what was typed, and no
 * stack trace ever reaches the terminal.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { EXAMPLE, REPO } from '../helpers.js';

const BIN = join(REPO, 'bin', 'cargo-units');
const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-mistakes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { cwd?: string; node?: string[] } = {}): Run {
  const r = spawnSync(process.execPath, [...(opts.node ?? []), BIN, ...args], {
    cwd: opts.cwd ?? tmp,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit `code`, stderr matching `message`, and nothing that looks like a stack trace or a `.`/`..` location. */
function assertError(r: Run, code: number, message: RegExp): void {
  assert.equal(r.status, code, `exit ${r.status}, stderr:\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\.\.?(\/\.\.)*:/m, `a location reads . or ..:\n${r.stderr}`);
  assert.match(r.stderr, /^([^\s:]+(:\d+){0,2}: )?error: /, `not an error line:\n${r.stderr}`);
}

/** A one-package workspace in a temporary directory with `manifest` as its Cargo.toml. */
function pkg(name: string, manifest: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), manifest);
  writeFileSync(join(dir, 'src', 'main.rs'), 'fn main() {}\n');
  return dir;
}

test('a directory that does not exist is an error naming it', () => {
  assertError(run(['units', '/no/such/dir']), 2, /no such directory: `\/no\/such\/dir`/);
  assertError(run(['orphans', 'nosuch']), 2, /no such directory: `nosuch`/);
  assertError(run(['files', 'x/lib/x', './nosuch']), 2, /`\.\/nosuch`/);
  assertError(run(['units', '--manifest-path', 'nope/Cargo.toml']), 2, /manifest path `nope\/Cargo\.toml` does not exist/);
  // Outside any workspace: the directory searched is named, not `.`.
  assertError(run(['units']), 2, new RegExp(`error: could not find \`Cargo\\.toml\` in \`${tmp}\``));
});

test('nix --out where a directory cannot be made is an error naming it, exit 2', () => {
  const ws = pkg('nix-out', '[package]\nname = "nix-out"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(ws, 'afile'), '');
  assertError(run(['nix', '--out', 'afile/nix'], { cwd: ws }), 2, /^afile\/nix: error: cannot write this Nix directory: ENOTDIR/m);
});

test('an unknown --target is an error naming the triple, with the nearest built-in one', () => {
  assertError(run(['units', '--target', 'nonsense-triple', EXAMPLE]), 2, /target `nonsense-triple`/);
  assertError(run(['units', '--target', 'x86_64-unknown-linux-gn', EXAMPLE]), 2, /did you mean `x86_64-unknown-linux-gnu`\?/);
});

test('a crate root that does not exist is an error at its Cargo.toml, as in cargo', () => {
  const dir = pkg('no-lib', '[package]\nname = "no-lib"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\npath = "src/nope.rs"\n');
  assertError(run(['units', dir]), 2, /no-lib\/Cargo\.toml: error: can't find lib `no_lib` at path `src\/nope\.rs`/);
  // Also when run inside it: the location is a path, never `.`.
  assertError(run(['units'], { cwd: dir }), 2, /^Cargo\.toml: error: can't find lib/m);
});

test('a path dependency that does not exist is an error at its line', () => {
  const dir = pkg(
    'bad-path-dep',
    '[package]\nname = "bad-path-dep"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nhelper = { path = "../helper-typo" }\n',
  );
  assertError(
    run(['units', dir]),
    2,
    /bad-path-dep\/Cargo\.toml:7: error: failed to load manifest for dependency `helper`: `[^`]*helper-typo\/Cargo\.toml` does not exist/,
  );
  const ws = pkg(
    'bad-path-dep-ws',
    '[workspace]\n\n[package]\nname = "w"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nhelper = { path = "gone" }\n',
  );
  assertError(run(['units', ws]), 2, /Cargo\.toml:9: error: .*dependency `helper`.*gone\/Cargo\.toml/);
});

test('an unknown feature is an error, with the nearest feature as a hint', () => {
  assertError(run(['units', '-F', 'nosuchfeature', EXAMPLE]), 2, /Cargo\.toml: error: none of the selected packages contains this feature: nosuchfeature$/m);
  assertError(run(['units', '--features', 'stdd', EXAMPLE]), 2, /this feature: stdd; did you mean `std`\?/);
  const single = pkg('feat', '[package]\nname = "feat"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nfast = []\n');
  assertError(run(['units', '-F', 'fsat', single]), 2, /feat\/Cargo\.toml: error: .* this feature: fsat; did you mean `fast`\?/);
  assertError(run(['units', '-F', 'dep:serde', single]), 2, /feature `dep:serde` is not allowed/);
});

test('owners and affected: a file that does not exist, or lies outside the workspace, is an error', () => {
  assertError(run(['owners', join(EXAMPLE, 'crates/units-core/src/nope.rs')]), 2, /no such file: `[^`]*crates\/units-core\/src\/nope\.rs`/);
  assertError(run(['affected', 'nope.rs'], { cwd: EXAMPLE }), 2, /no such file: `nope\.rs`/);
  assertError(run(['owners', '/etc/passwd']), 2, /`\/etc\/passwd` is not in a Cargo workspace/);
  assertError(run(['affected', '--manifest-path', join(EXAMPLE, 'Cargo.toml'), '/etc/passwd']), 2, /`\/etc\/passwd` is outside the workspace/);
  assertError(run(['owners', '..', '../../../README.md'], { cwd: join(EXAMPLE, 'crates') }), 2, /`\.\.\/\.\.\/\.\.\/README\.md` is outside the workspace/);
  // A file of the workspace that no unit reads is an answer, not an error.
  const ok = run(['owners', 'README.md'], { cwd: EXAMPLE });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), 'README.md: read by no unit');
});

test('unknown unit ids, commands and options: did you mean', () => {
  assertError(run(['files', 'units_cor', EXAMPLE]), 2, /no unit `units_cor` in .*; did you mean `units-core\/lib\/units_core`\?/);
  assertError(
    run(['verify', 'units-parse/lib/unit_parse', EXAMPLE]),
    2,
    /no unit `units-parse\/lib\/unit_parse`.*did you mean `units-parse\/lib\/units_parse`\?/,
  );
  assertError(run(['build', '--unit', 'units-cli/bin/convrt', EXAMPLE]), 2, /no unit `units-cli\/bin\/convrt`.*did you mean `units-cli\/bin\/convert`\?/);
  assertError(run(['unts']), 2, /unknown command `unts`; did you mean `units`\?/);
  assertError(run(['units', '--fils']), 2, /unknown option `--fils`; did you mean `--files`\?/);
  assertError(run(['units', '--dry-run', EXAMPLE]), 2, /`--dry-run` is not an option of `units`/);
  assertError(run(['verify', '-j', '0', EXAMPLE]), 2, /-j needs a positive integer, got 0/);
  assertError(run(['units', '--cfg', 'feature=', EXAMPLE]), 2, /--cfg feature=/);
  assertError(run(['units', EXAMPLE, '/tmp']), 2, /`units` takes at most one DIR/);
  assertError(run(['help', 'biuld']), 2, /no help for `biuld`: not a command; did you mean `build`\?/);
});

test('a broken manifest seen from a subdirectory is located by a real path, not `..`', () => {
  const ws = join(tmp, 'broken-root');
  cpSync(EXAMPLE, ws, { recursive: true });
  writeFileSync(join(ws, 'Cargo.toml'), `${readFileSync(join(ws, 'Cargo.toml'), 'utf8')}\n[workspace.package\n`);
  assertError(run(['units'], { cwd: join(ws, 'crates', 'units-core') }), 2, new RegExp(`^${ws}/Cargo\\.toml:\\d+(:\\d+)?: error: `, 'm'));
});

test('stdout closed early (`| head`) ends the run quietly with exit 0', async () => {
  for (const args of [
    ['units', '--files', EXAMPLE],
    ['orphans', EXAMPLE],
    ['affected', join(EXAMPLE, 'crates/units-core/src/lib.rs')],
  ]) {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the first line is written: every write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    assert.equal(status, 0, `${args[0]}: exit ${status}\n${stderr}`);
    assert.equal(stderr, '', `${args[0]} wrote to stderr`);
  }
  // The same through a real shell pipeline.
  const sh = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" units --files "${EXAMPLE}" | head -n 1`], { encoding: 'utf8' });
  assert.equal(sh.status, 0, sh.stderr);
  assert.match(sh.stdout, /^workspace /);
  assert.equal(sh.stderr, '');
});

test('an unexpected exception is one line asking for a report, exit 70', () => {
  // Output that fails in a way no input explains: a bug as far as the user can tell.
  const sync = join(tmp, 'throw-sync.cjs');
  writeFileSync(
    sync,
    "const write = process.stdout.write.bind(process.stdout); process.stdout.write = (chunk, ...rest) => { if (String(chunk).includes('lexer_v1')) throw new TypeError('injected failure'); return write(chunk, ...rest); };\n",
  );
  const r = run(['orphans', EXAMPLE], { node: ['--require', sync] });
  assertError(r, 70, /^error: internal error in cargo-units: injected failure.*please report/m);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  // Thrown outside any command (an uncaught exception in a callback, once the CLI runs).
  const async = join(tmp, 'throw-async.cjs');
  writeFileSync(
    async,
    "const write = process.stdout.write.bind(process.stdout); process.stdout.write = (...a) => { setImmediate(() => { throw new RangeError('injected async failure'); }); return write(...a); };\n",
  );
  const a = run(['units', EXAMPLE], { node: ['--require', async] });
  assertError(a, 70, /^error: internal error in cargo-units: injected async failure.*please report/m);
});

test('bin/cargo-units before the build says to run npm ci', () => {
  const copy = join(tmp, 'unbuilt');
  // bin/ as in a checkout (the entry, its loader, and bin/package.json that makes them CommonJS).
  cpSync(dirname(BIN), join(copy, 'bin'), { recursive: true });
  writeFileSync(join(copy, 'package.json'), '{"type":"module"}\n');
  const r = spawnSync(process.execPath, [join(copy, 'bin', 'cargo-units'), 'units'], { encoding: 'utf8' });
  assertError({ status: r.status, stdout: r.stdout, stderr: r.stderr }, 2, /dist\/cli\.cjs is missing[\s\S]*npm ci/);
  assert.doesNotMatch(r.stderr, /ERR_MODULE_NOT_FOUND/);
});

test('help: per command, with options and an example; the global help lists every exit code', () => {
  for (const command of ['units', 'files', 'owners', 'affected', 'orphans', 'verify', 'nix', 'build']) {
    for (const args of [
      [command, '--help'],
      ['help', command],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^cargo-units ${command}: `));
      assert.match(r.stdout, new RegExp(`Usage: cargo-units ${command} `));
      assert.match(r.stdout, new RegExp(`Example:\\n  cargo-units ${command}`));
    }
  }
  assert.match(run(['build', '--help']).stdout, /--dry-run[\s\S]*--content-addressed[\s\S]*-- ARGS/);
  assert.match(run(['verify', '-h']).stdout, /--summary[\s\S]*--feature-set/);
  assert.match(run(['units', '--help']).stdout, /\[test\]/);
  const global = run(['--help']);
  assert.equal(global.status, 0);
  for (const code of [0, 1, 2, 4, 5, 6, 70, 130, 143]) assert.match(global.stdout, new RegExp(`^  ${code} +\\S`, 'm'), `exit code ${code} missing`);
  // The README carries the same codes.
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  for (const code of [0, 1, 2, 4, 5, 6, 70, 130, 143]) assert.match(readme, new RegExp(`\\| ${code} \\|`), `README: exit code ${code} missing`);
  const none = run([]);
  assert.equal(none.status, 2);
  assert.match(none.stdout, /^cargo-units: /);
});

test('--version is the package version, fixed at build time', () => {
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  const r = run(['--version']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), `cargo-units ${version}`);
  // The bundle alone, with no package.json anywhere above it, knows its version.
  const alone = join(tmp, 'bundle-alone');
  mkdirSync(alone);
  cpSync(join(REPO, 'dist', 'cli.cjs'), join(alone, 'cli.cjs'));
  const b = spawnSync(process.execPath, [join(alone, 'cli.cjs'), '--version'], { encoding: 'utf8' });
  assert.equal(b.stdout.trim(), `cargo-units ${version}`, b.stderr);
});
