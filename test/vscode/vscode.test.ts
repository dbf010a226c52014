/**
 * The VS Code tests, one after another (each runs code-server and Chromium): the extension tests
 * inside the real extension host of code-server with the .vsix installed (a trusted workspace,
 * then the same workspace in Restricted Mode), then the UI test (ui.ts).
 * Needs code-server (test/vscode/install-code-server.sh) and Debian's chromium; skipped when
 * they are missing, unless CARGO_UNITS_REQUIRE_VSCODE=1 (CI), where that is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliBuild, isolatedNixEnv, NIX_SKIP } from '../nix/nix-env.js';
import { missingTools } from './code-server.js';
import { runSuite } from './extension-tests.js';
import { largeWorkspaceTest } from './large.js';
import { ripgrepMissing, ripgrepTest } from './ripgrep.js';
import { uiTest } from './ui.js';

const missing = missingTools();
const skip = missing && !process.env.CARGO_UNITS_REQUIRE_VSCODE ? missing : false;

for (const name of ['trusted', 'restricted'] as const) {
  test(`extension tests in the real extension host (${name})`, { skip, timeout: 300_000 }, async () => {
    assert.equal(missing, undefined, missing);
    const r = await runSuite(name);
    try {
      process.stdout.write(`# ${name} suite:\n${r.results.replace(/^/gm, '#   ')}\n`);
      assert.match(r.closing, /^\d+ passed, 0 failed$/, r.results);
      assert.equal(r.exitCode, 0, r.results);
      if (r.bench) process.stdout.write(`# save → decorations: ${JSON.stringify(r.bench)}\n`);
      if (r.hostile) {
        const markers = Object.values(r.hostile.markers);
        assert.deepEqual(markers.filter((m) => existsSync(m)), [], 'no marker after the Restricted Mode session');
        // What trusting allows: the same workspace, built, runs the build script and the proc-macro.
        if (!NIX_SKIP) {
          const b = cliBuild(isolatedNixEnv(), r.session.folder, [join(r.session.folder, 'crates/units-core/build.rs'), join(r.session.folder, 'crates/units-derive/src/lib.rs')]);
          assert.equal(b.status, 0, b.stderr);
          assert.deepEqual(markers.filter((m) => existsSync(m)), markers, 'a build writes both markers');
        }
      }
    } finally {
      await r.session.stop();
    }
  });
}

test('UI: Explorer badges, a save shows the affected units in the Cargo Build view', { skip, timeout: 600_000 }, async (t) => {
  assert.equal(missing, undefined, missing);
  await uiTest(t);
});

test('UI: a large workspace with 300 fixture packages: only the workspace, no error notification, badges; typing with auto-save builds nothing', { skip, timeout: 300_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const r = await largeWorkspaceTest();
  process.stdout.write(`# badges ${r.badgeMs} ms after activation\n`);
});

const noRipgrep = skip || ripgrepMissing() || NIX_SKIP;
test('UI on ripgrep 13 with real Nix builds: a type error in Problems with related information and a Quick Fix that applies, the root cause first, missing crate sources as one actionable message, the Build view never behind the status bar', { skip: noRipgrep, timeout: 900_000 }, async () => {
  const r = await ripgrepTest();
  process.stdout.write(`# ripgrep UI test: ${r.seconds.toFixed(0)} s, ${r.snapshots} page changes checked\n`);
});
