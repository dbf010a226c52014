/**
 * Replayed runs (src/cli/replay/): the CLI as installed (bin/cargo-units) prints a recorded run's
 * output without indexing only while nothing the run depended on has changed, and prints exactly
 * what a run without any cache prints whenever something did: a file's content (also with its
 * size and modification time put back), a new file in a directory target discovery lists, a file
 * removed, the manifest, the environment, rustc's answers, the cargo-units build, a damaged record.
 *
 * Whether a run was replayed shows in its record file: a replay only reads it, any other run
 * writes it anew (a new inode).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findRustc } from '../../src/core/toolchain.js';
import { EXAMPLE, REPO } from '../helpers.js';

const built = existsSync(join(REPO, 'dist', 'quick.cjs')) ? false : 'dist/ not built (node scripts/build.mjs)';
const tmp = mkdtempSync(join(tmpdir(), 'cargo-units-replay-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the CLI as installed (bin/ and the dist/ files it runs), so that its bundle can be touched. */
function install(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(REPO, 'bin'), join(dir, 'bin'), { recursive: true });
  for (const f of ['cli.cjs', 'cli.cjs.cache', 'quick.cjs', 'web-tree-sitter.wasm', 'tree-sitter-rust.wasm'])
    cpSync(join(REPO, 'dist', f), join(dir, 'dist', f));
  return dir;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

class Setup {
  readonly ws: string;
  readonly cache: string;
  env: NodeJS.ProcessEnv;

  constructor(
    name: string,
    readonly cli = join(REPO, 'bin', 'cargo-units'),
  ) {
    this.ws = join(tmp, name, 'ws');
    this.cache = join(tmp, name, 'cache');
    cpSync(EXAMPLE, this.ws, { recursive: true });
    this.env = { ...process.env, NODE_OPTIONS: '', CARGO_UNITS_CACHE_DIR: this.cache };
  }

  run(args: string[] = ['units', '--json']): Run {
    const r = spawnSync(process.execPath, [this.cli, ...args], { cwd: this.ws, env: this.env, encoding: 'utf8', maxBuffer: 1 << 26 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  /** A module `name` of units-core's lib, declared under `#[cfg(cfg)]`, with its (empty) file. */
  addCfgModule(cfg: string, name: string): void {
    const src = join(this.ws, 'crates', 'units-core', 'src');
    writeFileSync(join(src, 'lib.rs'), `${readFileSync(join(src, 'lib.rs'), 'utf8')}\n#[cfg(${cfg})]\nmod ${name};\n`);
    writeFileSync(join(src, `${name}.rs`), '');
  }

  /** The record files, by name, with their inodes. */
  records(): Map<string, bigint> {
    const dir = join(this.cache, 'runs');
    if (!existsSync(dir)) return new Map();
    return new Map(readdirSync(dir).map((n) => [n, statSync(join(dir, n), { bigint: true }).ino]));
  }

  /** Runs twice: once as given, once with no cache at all; asserts both print the same. */
  runAndCompare(args: string[] = ['units', '--json']): Run {
    const r = this.run(args);
    const fresh = this.run([...args, '--no-cache']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r, fresh, 'the output differs from that of a run without cache');
    return r;
  }

  /** Whether the run changed no record file (it was replayed). */
  replayed(args?: string[]): { replayed: boolean; run: Run } {
    const before = this.records();
    const run = this.runAndCompare(args);
    const after = this.records();
    const replayed = after.size === before.size && [...after].every(([n, ino]) => before.get(n) === ino);
    return { replayed, run };
  }
}

/** Waits until files written now are older than the facts cache's trust window (file-state.ts). */
const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);

test('an unchanged run is replayed, with the same stdout, stderr and exit code; touching a file keeps it replayable', { skip: built }, () => {
  const s = new Setup('unchanged');
  settle();
  const first = s.runAndCompare();
  assert.equal(s.records().size, 1, 'the first run is recorded');
  const again = s.replayed();
  assert.ok(again.replayed, 'the second run is replayed');
  assert.deepEqual(again.run, first);
  // Text output with diagnostics on stderr too, in its own record.
  const text = s.replayed(['units', '--files']);
  assert.ok(!text.replayed);
  assert.ok(s.replayed(['units', '--files']).replayed);
  // A newer modification time, same content: the content is hashed again, and still matches.
  const later = new Date(Date.now() + 5000);
  utimesSync(join(s.ws, 'crates', 'units-core', 'src', 'stats.rs'), later, later);
  assert.ok(s.replayed().replayed, 'touched but unchanged: replayed');
});

test('a changed input is never replayed: content, same-size edits, new and removed files, the manifest', { skip: built }, () => {
  const s = new Setup('changes');
  settle();
  s.runAndCompare();
  const core = join(s.ws, 'crates', 'units-core');

  // A module added to a file the run read.
  writeFileSync(join(core, 'src', 'lib.rs'), `${readFileSync(join(core, 'src', 'lib.rs'), 'utf8')}\npub mod added;\n`);
  writeFileSync(join(core, 'src', 'added.rs'), '');
  let r = s.replayed();
  assert.ok(!r.replayed, 'an edited file');
  assert.ok(r.run.out.includes('crates/units-core/src/added.rs'));
  assert.ok(s.replayed().replayed);

  // The same size and modification time, other content: the change time tells. (A whole second,
  // so that it can be set again exactly; the state is trusted once the change time is old too.)
  const lib = join(core, 'src', 'lib.rs');
  const second = Math.floor(Date.now() / 1000) - 60;
  utimesSync(lib, second, second);
  settle();
  s.runAndCompare();
  assert.ok(s.replayed().replayed);
  const size = statSync(lib).size;
  writeFileSync(lib, readFileSync(lib, 'utf8').replace('pub mod added;', '//b mod added;'));
  utimesSync(lib, second, second);
  assert.equal(statSync(lib).size, size);
  assert.equal(statSync(lib).mtimeMs, second * 1000);
  r = s.replayed();
  assert.ok(!r.replayed, 'same size and mtime, new content');
  assert.ok(!r.run.out.includes('added.rs'));

  // A new file in a directory target discovery lists: a new unit.
  writeFileSync(join(s.ws, 'crates', 'units-cli', 'src', 'bin', 'extra.rs'), 'fn main() {}\n');
  r = s.replayed();
  assert.ok(!r.replayed, 'a new bin file');
  assert.ok(r.run.out.includes('crates/units-cli/src/bin/extra.rs'));

  // A file removed.
  rmSync(join(s.ws, 'crates', 'units-cli', 'src', 'bin', 'extra.rs'));
  r = s.replayed();
  assert.ok(!r.replayed, 'a removed file');
  assert.ok(!r.run.out.includes('extra.rs'));

  // The manifest.
  const manifest = join(core, 'Cargo.toml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^default = .*$/m, 'default = []'));
  r = s.replayed();
  assert.ok(!r.replayed, 'an edited Cargo.toml');
  assert.ok(s.replayed().replayed);
});

test('another environment, another build of cargo-units, a damaged record: not replayed', { skip: built }, () => {
  const s = new Setup('keys', join(install('installed'), 'bin', 'cargo-units'));
  s.runAndCompare();
  assert.ok(s.replayed().replayed);

  s.env = { ...s.env, RUSTFLAGS: '--cfg units_test_flag' };
  assert.ok(!s.replayed().replayed, 'RUSTFLAGS set');
  assert.ok(s.replayed().replayed);

  // Another build: the bundle's file changes.
  const bundle = join(tmp, 'installed', 'dist', 'cli.cjs');
  writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}\n`);
  assert.ok(!s.replayed().replayed, 'another bundle');

  for (const n of s.records().keys()) writeFileSync(join(s.cache, 'runs', n), '{"format":1,"key":');
  const r = s.replayed();
  assert.ok(!r.replayed, 'damaged records');
  assert.equal(r.run.code, 0);
});

test('rustc is asked again: a different compiler is never replayed', { skip: built || (findRustc() ? false : 'no rustc') }, () => {
  const s = new Setup('rustc');
  // A rustc whose answers change with a file outside the workspace that cargo-units never reads:
  // with it, another version and an extra cfg, which turns on a module.
  const flag = join(tmp, 'rustc', 'other-compiler');
  const wrapper = join(tmp, 'rustc', 'rustc');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ -e '${flag}' ]; then\n  if [ "$1" = -vV ]; then '${findRustc()}' -vV | sed 's/^rustc /rustc 0.0.0-other /'; exit; fi\n  exec '${findRustc()}' "$@" --cfg units_other_compiler\nfi\nexec '${findRustc()}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  s.env = { ...s.env, RUSTC: wrapper };
  s.addCfgModule('units_other_compiler', 'other_compiler');
  settle();
  let r = s.replayed();
  assert.ok(!r.run.out.includes('other_compiler.rs'));
  assert.ok(s.replayed().replayed);
  writeFileSync(flag, '');
  r = s.replayed();
  assert.ok(!r.replayed, 'another compiler');
  assert.ok(r.run.out.includes('crates/units-core/src/other_compiler.rs'), 'the new cfg is seen');
  assert.ok(s.replayed().replayed);
});

test('runs that may not be replayed are not recorded: --no-cache, errors, other commands', { skip: built }, () => {
  const s = new Setup('unrecorded');
  assert.equal(s.run(['units', '--json', '--no-cache']).code, 0);
  assert.equal(s.records().size, 0, '--no-cache');
  assert.equal(s.run(['units', '--json', '--features', 'no-such-feature']).code, 2);
  assert.equal(s.records().size, 0, 'a run that failed');
  assert.equal(s.run(['nix', '--help']).code, 0);
  assert.equal(s.records().size, 0, 'help');
});

test(
  'a rustc pinned by its files is not run by a replay; once its files change, it is, and a new answer is seen',
  { skip: built || (findRustc() ? false : 'no rustc') },
  () => {
    const s = new Setup('pinned');
    // A rustc in a sysroot of its own (bin/rustc, lib/librustc_driver-*.so) that logs each run.
    const sysroot = join(tmp, 'pinned', 'sysroot');
    const log = join(tmp, 'pinned', 'runs.log');
    const rustc = join(sysroot, 'bin', 'rustc');
    mkdirSync(join(sysroot, 'bin'), { recursive: true });
    mkdirSync(join(sysroot, 'lib'), { recursive: true });
    const driver = join(sysroot, 'lib', 'librustc_driver-0123.so');
    writeFileSync(driver, 'old');
    // Its cfg comes from its driver, as a real rustc's does: a new driver, a new cfg, the same -vV.
    writeFileSync(
      rustc,
      `#!/bin/sh\necho run >> '${log}'\nif [ "$1" = -vV ]; then exec '${findRustc()}' -vV; fi\n` +
        `if grep -q new '${driver}'; then exec '${findRustc()}' "$@" --cfg units_new_compiler; fi\nexec '${findRustc()}' "$@"\n`,
    );
    chmodSync(rustc, 0o755);
    s.env = { ...s.env, RUSTC: rustc };
    s.addCfgModule('units_new_compiler', 'new_compiler');
    settle();
    const runs = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').length - 1 : 0);

    const first = s.run();
    assert.equal(first.code, 0, first.err);
    assert.ok(runs() > 0, 'the first run asks rustc');
    const before = runs();
    const records = s.records();
    assert.deepEqual(s.run(), first);
    assert.deepEqual(s.records(), records, 'replayed');
    assert.equal(runs(), before, 'a replay does not run a pinned rustc');

    // Another driver: the same -vV, another cfg.
    writeFileSync(driver, 'new');
    const r = s.replayed();
    assert.ok(!r.replayed, 'a changed compiler');
    assert.ok(r.run.out.includes('crates/units-core/src/new_compiler.rs'), "the new compiler's cfg is seen");
  },
);
