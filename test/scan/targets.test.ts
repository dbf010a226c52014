/**
 * `--target` for Linux, macOS, Windows and wasm triples, against real rustc: a no_std fixture
 * with platform modules. Targets whose std is not installed get a fake sysroot (test/sysroot.ts).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { findRustc } from '../../src/core/toolchain.js';
import { verify } from '../../src/core/verify.js';
import { fakeSysroot, hasStd } from '../sysroot.js';
import { filesOf, fixture, open, options, REPO } from '../helpers.js';

const LIB = 'platforms/lib/platforms';
const dir = fixture('scan', 'platforms');

const EXPECTED: Record<string, string[]> = {
  'x86_64-pc-windows-msvc': ['src/lib.rs', 'src/msvc.rs', 'src/pick_windows.rs', 'src/sse2.rs', 'src/sys/windows.rs', 'src/win.rs'],
  'aarch64-apple-darwin': ['src/apple.rs', 'src/lib.rs', 'src/mac.rs', 'src/neon.rs', 'src/pick_other.rs', 'src/sys/macos.rs', 'src/unix.rs'],
  'wasm32-unknown-unknown': ['src/lib.rs', 'src/pick_wasm.rs', 'src/sys.rs', 'src/wasm.rs', 'src/width32.rs'],
  'aarch64-unknown-linux-gnu': ['src/lib.rs', 'src/linux_arm.rs', 'src/neon.rs', 'src/pick_other.rs', 'src/sys/unix.rs', 'src/unix.rs'],
  'x86_64-unknown-linux-gnu': ['src/lib.rs', 'src/pick_other.rs', 'src/sse2.rs', 'src/sys/unix.rs', 'src/unix.rs'],
};

const rustc = findRustc();
const sysroots: string[] = [];
after(() => {
  for (const s of sysroots) rmSync(s, { recursive: true, force: true });
});

for (const [triple, expected] of Object.entries(EXPECTED)) {
  test(`--target ${triple}: the platform's modules, exactly what rustc reads`, async () => {
    assert.ok(rustc, 'rustc is needed for this test');
    const index = await open(dir, options({ target: triple }));
    assert.equal(index.targetCfg.triple, triple);
    assert.equal(index.targetCfg.source, 'rustc');
    assert.deepEqual(filesOf(index, LIB), expected);
    assert.deepEqual(
      index.entries.map((e) => e.unit.id),
      [LIB],
    );
    // Without a rustc to ask, the built-in cfg table gives the same lists.
    const builtin = await open(dir, { ...options({ target: triple }), rustc: '/nonexistent/rustc' });
    assert.equal(builtin.targetCfg.source, 'builtin');
    assert.deepEqual(filesOf(builtin, LIB), expected);

    const rustcArgs: string[] = [];
    if (!hasStd(rustc, triple)) {
      const sysroot = fakeSysroot(rustc, [triple]);
      sysroots.push(sysroot);
      rustcArgs.push('--sysroot', sysroot);
    }
    const report = await verify(index, index.entries, { rustc, jobs: 1, rustcArgs });
    const v = report.units[0]!;
    assert.equal(v.error, undefined);
    assert.deepEqual(v.missed, []);
    assert.deepEqual(v.extra, []);
    assert.equal(v.read.length, expected.length);
  });
}

test('the CLI takes --target for these triples', async () => {
  const out: string[] = [];
  const code = await runCli(['files', LIB, '--target', 'x86_64-pc-windows-msvc', dir], { out: (l) => out.push(l), err: () => {}, cwd: REPO });
  assert.equal(code, 0);
  assert.deepEqual(out, EXPECTED['x86_64-pc-windows-msvc']);
});
