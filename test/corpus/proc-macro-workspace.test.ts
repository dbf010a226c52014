/**
 * Acceptance: a workspace whose units read files only through proc-macros of Debian's registry
 * (automod, pest_derive `#[grammar]`, rust-embed with `debug-embed` and `#[exclude]`).
 * - every unit's file list is exact, and `verify --cargo` (cargo's own dep-info) finds 0 missed;
 * - with the proc-macro rules off, `verify --cargo` exits 1 naming the missed files: the check can fail;
 * - every unit builds with `cargo-units build` under Nix (a private store), and its tests pass.
 * One copy of the workspace, one cargo target directory and one Nix store serve every assertion.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { toRelative } from '../../src/core/paths.js';
import { fixture, REPO } from '../helpers.js';
import { cliBuild, doneOut, finishedOf, isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';
import { cargo, REGISTRY, registryWorkspace } from '../nix/registry-workspace.js';

const CRATES = ['automod-1.0.3', 'pest_derive-2.5.2', 'rust-embed-6.4.2'];
const SKIP =
  spawnSync('cargo', ['--version']).status !== 0
    ? 'cargo not installed'
    : CRATES.every((c) => existsSync(join(REGISTRY, c)))
      ? false
      : 'apt-get install librust-automod-dev librust-pest-derive-dev librust-rust-embed-dev';

/** The fixture, copied next to a `.cargo/config.toml` that reads Debian's registry offline, with a lock file. */
function workspace(): string {
  const ws = registryWorkspace({});
  cpSync(fixture('scan', 'proc-macros'), ws, { recursive: true });
  cargo(ws, ['generate-lockfile']);
  return ws;
}

function cli(ws: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), ...args], { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('a workspace that reads files only through proc-macros', { skip: SKIP }, () => {
  let ws: string | undefined;
  const targetDir = mkdtempSync(join(tmpdir(), 'cargo-units-proc-target-'));
  const get = () => (ws ??= workspace());
  after(() => rmSync(targetDir, { recursive: true, force: true }));

  test('each unit lists exactly the files its proc-macros read', async () => {
    const index = await UnitIndex.open(get());
    const files = (id: string) => index.unit(id)!.files.map((f) => toRelative(index.workspace.root, f));
    assert.deepEqual(files('grammar/lib/grammar'), ['grammar/grammars/csv.pest', 'grammar/src/lib.rs']);
    assert.deepEqual(files('assets/lib/assets'), ['assets/public/css/site.css', 'assets/public/index.html', 'assets/src/lib.rs']);
    assert.deepEqual(files('cases/test/cases'), [
      'cases/tests/cases.rs',
      'cases/tests/cases/one.rs',
      'cases/tests/cases/two.rs',
      'cases/tests/cases/with-hyphen.rs',
    ]);
    // Known rules give certain entries.
    assert.deepEqual(
      index.entries.flatMap((e) => e.uncertain),
      [],
    );
  });

  test('verify --cargo agrees (0 missed); with the proc-macro rules off it exits 1 naming the missed files', () => {
    const ok = cli(get(), ['verify', '--cargo', '--target-dir', targetDir]);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.out, /verified 7 units in [\d.]+ s: 0 missed, 0 extra .* 0 not checked/);

    const off = { ...process.env, CARGO_UNITS_NO_PROC_MACRO_RULES: '1' };
    const blind = cli(get(), ['verify', '--cargo', '--target-dir', targetDir], off);
    assert.equal(blind.status, 1, blind.out);
    assert.match(blind.out, /MISSED grammar\/lib\/grammar: 2 read, 1 listed\n {4}missed grammar\/grammars\/csv\.pest/);
    assert.match(blind.out, /missed assets\/public\/index\.html/);
    assert.match(blind.out, /missed cases\/tests\/cases\/with-hyphen\.rs/);

    // rustc alone cannot see these reads: with the rules off it still reports nothing missed, and says why.
    const rustcOnly = cli(get(), ['verify'], off);
    assert.equal(rustcOnly.status, 0, rustcOnly.out);
    assert.match(rustcOnly.out, /cannot see files read by proc-macros of dependencies/);
  });

  // pest pulls in typenum, whose build script is `build/main.rs` (unit build-script-main).
  test('every unit builds with Nix and its tests pass', { skip: NIX_SKIP, timeout: 1_800_000 }, () => {
    const env = isolatedNixEnv();
    const b = cliBuild(env, get(), ['--vendor', REGISTRY]);
    assert.equal(b.status, 0, b.stderr);
    assert.deepEqual(finishedOf(b).failed, []);
    for (const [unit, passed] of [
      ['grammar/lib/grammar[test]', 1],
      ['assets/lib/assets[test]', 1],
      ['cases/test/cases', 3],
    ] as const) {
      const dir = join(doneOut(b, unit), 'bin');
      const bin = spawnSync('sh', ['-c', 'for f in "$0"/*; do exec "$f"; done', dir], { encoding: 'utf8' });
      assert.equal(bin.status, 0, `${unit}: ${bin.stdout}${bin.stderr}`);
      assert.match(bin.stdout, new RegExp(`test result: ok\\. ${passed} passed; 0 failed`), unit);
    }
  });
});
