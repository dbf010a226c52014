/**
 * UI test on a large generated workspace (scripts/gen-large-workspace.ts: ≥ 1,000 .rs files and
 * ≥ 300 standalone fixture packages under tests/), in code-server with the .vsix, driven by
 * Chromium, with code-server's default `files.autoSave: afterDelay`: the Units view shows only
 * the workspace, no error notification appears (not even after opening a broken fixture's
 * file), badges appear, and typing starts no build while a save by the user does.
 * `measureBadges` is also what scripts/bench-vscode.ts times (cold and warm).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLargeWorkspace } from '../../scripts/gen-large-workspace.js';
import { REPO } from '../helpers.js';
import { startSession, type Session } from './code-server.js';
import { badgeOf, expand, notifications, openFile, openPane, statusText } from './page.js';

export const SHOTS = join(REPO, 'dist', 'ui-test');

export interface LargeSession {
  session: Session;
  /** Every build the extension starts appends a line here. */
  buildLog: string;
}

/** A session on a fresh copy of the generated workspace; `cache` is the index cache directory (kept between sessions for a warm start). */
export async function largeSession(cache: string): Promise<LargeSession> {
  const src = mkdtempSync(join(tmpdir(), 'cargo-units-large-'));
  let buildLog = '';
  try {
    const w = generateLargeWorkspace(join(src, 'ws'));
    assert.ok(w.rsFiles >= 1000 && w.fixtures >= 300, JSON.stringify(w));
    const session = await startSession({
      trusted: true,
      folderSource: w.root,
      env: { XDG_CACHE_HOME: cache },
      beforeStart: (dir) => {
        buildLog = join(dir, 'builds.log');
        const wrapper = join(dir, 'build-wrapper');
        // A build command that records that a build started, and builds nothing.
        writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${buildLog}'\n`);
        chmodSync(wrapper, 0o755);
        return { userSettings: { 'explorer.compactFolders': false, 'files.autoSave': 'afterDelay', 'files.autoSaveDelay': 300, 'cargoUnits.build.command': [wrapper] } };
      },
    });
    return { session, buildLog };
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

/**
 * Opens the workspace and times, from the extension's activation (its status bar item appears),
 * until the badge of crates/gen0/src/lib.rs is drawn in the Explorer (expanding the rows included).
 */
export async function measureBadges(s: Session): Promise<{ activationMs: number; badgeMs: number; badge: string }> {
  const p = s.page;
  const t0 = Date.now();
  await p.goto(`${s.url}/?folder=${encodeURIComponent(s.folder)}`);
  await p.locator('[id="cargo-units.cargo-units.cargoUnits.status"]').waitFor({ timeout: 60_000 });
  const activated = Date.now();
  await expand(p, 'crates', 1);
  await expand(p, 'gen0', 2);
  await expand(p, 'src', 3);
  let badge = '';
  for (let i = 0; i < 600 && (badge = await badgeOf(p, 'lib.rs', 4)) === ''; i++) await p.waitForTimeout(25);
  return { activationMs: activated - t0, badgeMs: Date.now() - activated, badge };
}

export async function largeWorkspaceTest(): Promise<{ badgeMs: number }> {
  const cache = mkdtempSync(join(tmpdir(), 'cargo-units-large-cache-'));
  const { session: s, buildLog } = await largeSession(cache);
  const p = s.page;
  try {
    const m = await measureBadges(s);
    assert.equal(m.badge, '②', 'crates/gen0/src/lib.rs: read by the lib and its test build');

    // The Units view: the workspace only, no fixture, no error.
    await openPane(p, 'Cargo Units');
    const units = p.locator('.pane').filter({ has: p.locator('.pane-header', { hasText: 'Cargo Units' }) });
    const top = units.locator('.monaco-list-row[aria-level="1"]');
    for (let i = 0; i < 200 && (await top.count()) === 0; i++) await p.waitForTimeout(50);
    assert.deepEqual(await top.locator('.label-name').allTextContents(), ['workspace'], 'one entry: the workspace');
    assert.equal(await units.locator('.codicon-error').count(), 0, 'no error entry');
    assert.deepEqual((await notifications(p)).filter((n) => n.severity === 'error'), [], 'no error notification');

    // A fixture's file is outside every workspace: no badge.
    await expand(p, 'tests', 1);
    await expand(p, 'testsuite', 2);
    await expand(p, 'fixtures', 3);
    await expand(p, 'case0', 4);
    await expand(p, 'src', 5);
    assert.equal(await badgeOf(p, 'lib.rs', 6), '', 'a fixture file has no badge');
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, 'large-workspace.png') });

    // Typing with auto-save after a delay: saved to disk, and no build starts.
    const rel = 'crates/gen0/src/lib.rs';
    const abs = join(s.folder, rel);
    await openFile(p, s, rel);
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+End');
    await p.keyboard.type('\n// typed with auto-save on\n', { delay: 20 });
    for (let i = 0; i < 200 && !readFileSync(abs, 'utf8').includes('auto-save on'); i++) await p.waitForTimeout(50);
    assert.ok(readFileSync(abs, 'utf8').includes('auto-save on'), 'auto-save wrote the file');
    await p.waitForTimeout(2000);
    assert.equal(existsSync(buildLog), false, `no build started by auto-saves: ${existsSync(buildLog) ? readFileSync(buildLog, 'utf8') : ''}`);
    assert.doesNotMatch(await statusText(p), /building/);
    // A save by the user builds.
    await p.keyboard.type('// saved by hand\n');
    await p.keyboard.press('Control+S');
    for (let i = 0; i < 200 && !existsSync(buildLog); i++) await p.waitForTimeout(50);
    assert.ok(existsSync(buildLog), 'Ctrl+S started a build');
    assert.match(readFileSync(buildLog, 'utf8'), /build --json .*crates\/gen0\/src\/lib\.rs/);

    // Opening a file of a fixture that cargo would refuse: indexed quietly, still no error notification.
    await openFile(p, s, 'tests/testsuite/fixtures/case1/src/lib.rs');
    await p.waitForTimeout(1500);
    assert.deepEqual((await notifications(p)).filter((n) => n.severity === 'error'), [], 'no error notification after opening a fixture');
    await p.screenshot({ path: join(SHOTS, 'large-workspace-fixture-opened.png') });
    return { badgeMs: m.badgeMs };
  } catch (err) {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, 'large-failure.png') }).catch(() => undefined);
    throw err;
  } finally {
    await s.stop();
    rmSync(cache, { recursive: true, force: true });
  }
}
