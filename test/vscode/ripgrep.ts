/**
 * UI test on a copy of ripgrep 13 (/work/shared/workspaces/ripgrep-13; its registry crates come from
 * Debian's /usr/share/cargo/registry, installed by install-ripgrep-deps.sh), in code-server with the
 * .vsix, driven by Chromium, with real Nix builds in one private store for the whole run:
 * - a type error saved in grep-matcher shows in Problems with rustc's related information, and
 *   its Quick Fix applies (the fixed unit then builds);
 * - that failure stops its dependents: the Build view shows the failed unit and its error first,
 *   the others "skipped: grep-matcher (lib) failed";
 * - with the crate sources unavailable, the build failure is one message with an action;
 * - on every change of the page during these builds, the Build view never shows a unit still
 *   queued or building while the status bar already shows the build's result.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from '../helpers.js';
import { isolatedNixVars } from '../nix/nix-env.js';
import { startSession } from './code-server.js';
import { SHOTS } from './large.js';
import { notifications, openFile, openPane, statusText } from './page.js';

export const RIPGREP = process.env.CARGO_UNITS_RIPGREP ?? '/work/shared/workspaces/ripgrep-13';

/** Why the ripgrep test cannot run here. */
export function ripgrepMissing(): string | undefined {
  if (!existsSync(join(RIPGREP, 'Cargo.toml'))) return `${RIPGREP} is missing`;
  if (!existsSync('/usr/share/cargo/registry/memchr-2.5.0')) return 'ripgrep registry crates missing (run /work/shared/workspaces/install-ripgrep-deps.sh)';
  return undefined;
}

interface Snapshot {
  t: number;
  status: string;
  rows: { label: string; icon: string; description: string }[];
}

/** Records the status bar and the Build view rows on every change of either (in the page). */
/** Page script (a string: functions compiled by tsx carry helpers the page does not have). */
const OBSERVER = `(() => {
  window.__snaps = [];
  const take = () => {
    const status = (document.querySelector('[id="cargo-units.cargo-units.cargoUnits.status"]')?.textContent ?? '').trim();
    const panes = [...document.querySelectorAll('.pane')].filter((el) => /Cargo Build/i.test(el.querySelector('.pane-header')?.textContent ?? ''));
    const rows = panes.flatMap((pane) => [...pane.querySelectorAll('.monaco-list-row')].map((r) => ({
      label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
      icon: String(r.querySelector('.custom-view-tree-node-item-icon')?.className ?? ''),
      description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
    })));
    window.__snaps.push({ t: Date.now(), status, rows });
  };
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
})()`;

/** Records the status bar and the Build view rows on every change of the page. */
async function watchConsistency(p: Page): Promise<() => Promise<Snapshot[]>> {
  await p.evaluate(OBSERVER);
  return () => p.evaluate('window.__snaps') as Promise<Snapshot[]>;
}

const RESULT = /cargo-units: (built \d+|\d+ failed|build failed|up to date|cancelled)/;
const PENDING = /codicon-(sync|circle-outline)\b/;

export async function ripgrepTest(): Promise<{ seconds: number; snapshots: number }> {
  const t0 = Date.now();
  const nix = isolatedNixVars();
  const s = await startSession({
    trusted: true,
    folderSource: RIPGREP,
    env: nix,
    beforeStart: (dir) => {
      // The shared copy is read-only; the session's copy is the user's own.
      execFileSync('chmod', ['-R', 'u+w', join(dir, 'workspace')]);
      return { userSettings: { 'explorer.compactFolders': false } };
    },
  });
  const p = s.page;
  try {
    await p.goto(`${s.url}/?folder=${encodeURIComponent(s.folder)}`);
    await p.locator('[id="cargo-units.cargo-units.cargoUnits.status"]').waitFor({ timeout: 60_000 });
    await openPane(p, 'Cargo Build');
    const snapshots = await watchConsistency(p);

    // A type error in grep-matcher, saved.
    const rel = 'crates/matcher/src/lib.rs';
    const abs = join(s.folder, rel);
    await openFile(p, s, rel);
    for (let i = 0; i < 200 && !(await statusText(p)).includes('grep-matcher (lib)'); i++) await p.waitForTimeout(50);
    assert.match(await statusText(p), /· grep-matcher \(lib\)/, 'the status bar names the units of the current file');
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+End');
    await p.keyboard.press('Enter');
    await p.keyboard.insertText('fn probe_type_error() -> String { "probe" }'); // private: grep-matcher denies missing_docs on pub items
    await p.keyboard.press('Control+S');

    // Problems: the error with rustc's related information.
    await p.keyboard.press('Control+Shift+M');
    const problem = p.locator('.markers-panel .monaco-list-row', { hasText: 'mismatched types' }).first();
    await problem.waitFor({ timeout: 240_000 });
    const panel = p.locator('.markers-panel');
    for (let i = 0; i < 100 && !((await panel.textContent()) ?? '').includes('because of return type'); i++) await p.waitForTimeout(100);
    const panelText = (await panel.textContent()) ?? '';
    assert.match(panelText, /expected `String` because of return type/, 'the secondary label as related information');
    assert.match(panelText, /try using a conversion method/, 'the help as related information');
    assert.match(panelText, /E0308/);
    await p.screenshot({ path: join(SHOTS, 'ripgrep-problems.png') });

    // The failure stopped its dependents: the failed unit and its error first, the others name it.
    // Only the last snapshot (fetching all of them on every poll would be slow).
    const rowsNow = async () => ((await p.evaluate('window.__snaps.at(-1)')) as Snapshot | undefined)?.rows ?? [];
    for (let i = 0; i < 2400 && !RESULT.test(await statusText(p)); i++) await p.waitForTimeout(100);
    assert.match(await statusText(p), /cargo-units: \d+ failed/);
    const rows = await rowsNow();
    assert.match(rows[0]?.label ?? '', /^grep-matcher \(lib\)/, JSON.stringify(rows.slice(0, 5)));
    assert.match(rows[0]?.description ?? '', /^failed: error\[E0308\]: mismatched types/);
    assert.ok(rows.some((r) => /^skipped: grep-matcher \(lib\) failed/.test(r.description)), JSON.stringify(rows));
    assert.ok(!rows.some((r) => /exited with|exit code/.test(r.label + r.description)), 'no exit codes as rows');
    await p.screenshot({ path: join(SHOTS, 'ripgrep-root-cause.png') });

    // The Quick Fix applies: on the error, Ctrl+. and the conversion.
    await problem.click();
    await p.keyboard.press('Enter');
    await p.waitForTimeout(300);
    await p.keyboard.press('Control+.');
    const fix = p.locator('.action-widget .monaco-list-row', { hasText: 'try using a conversion method' }).first();
    await fix.waitFor({ timeout: 20_000 });
    // The menu's only entry is focused: Enter applies it (a click is intercepted by the menu's pointer block).
    await p.keyboard.press('Enter');
    // Applying is asynchronous: wait until the editor shows the edit.
    const lines = p.locator('.monaco-editor .view-lines').first();
    for (let i = 0; i < 200 && !((await lines.textContent()) ?? '').includes('.to_string()'); i++) await p.waitForTimeout(50);

    // Crate sources unavailable (no registry configured), and the fix saved: the build fails as a
    // whole, as one message with the action.
    rmSync(join(s.folder, '.cargo'), { recursive: true, force: true });
    await p.keyboard.press('Control+S');
    for (let i = 0; i < 100 && !readFileSync(abs, 'utf8').includes('"probe".to_string()'); i++) await p.waitForTimeout(50);
    assert.match(readFileSync(abs, 'utf8'), /fn probe_type_error\(\) -> String \{ "probe"\.to_string\(\) \}/, 'the Quick Fix applied');
    let errors: { severity: string; text: string }[] = [];
    for (let i = 0; i < 1200 && (errors = (await notifications(p)).filter((n) => n.severity === 'error')).length === 0; i++) await p.waitForTimeout(100);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]!.text, /the build failed: .*source of `.*` is needed/);
    assert.match(errors[0]!.text, /Set Vendor Directory/);
    await p.screenshot({ path: join(SHOTS, 'ripgrep-no-sources.png') });
    await p.locator('.notification-toast .monaco-button', { hasText: 'Set Vendor Directory' }).first().click();
    await p.locator('.settings-editor').waitFor({ timeout: 20_000 });
    await p.locator('.setting-item-contents', { hasText: 'Vendor Dir' }).first().waitFor({ timeout: 20_000 });

    // Never a state older than the status bar, on every change recorded.
    const all = await snapshots();
    assert.ok(all.length > 20, `changes recorded: ${all.length}`);
    // Pending rows next to a result are allowed only when the view is ahead: a new build began and
    // the status bar's next change is to "building". Otherwise the view is behind the status bar.
    const stale = all.filter((x, i) => {
      if (!RESULT.test(x.status) || !x.rows.some((r) => PENDING.test(r.icon))) return false;
      const next = all.slice(i + 1).find((y) => y.status !== x.status);
      return !(next && /building/.test(next.status));
    });
    assert.deepEqual(stale.slice(0, 3), [], `the Build view showed pending units after the status bar showed a result (${stale.length} times)`);
    // The fixed file compiles: the CLI on the same store, with the registry back.
    execFileSync('cp', ['-r', join(RIPGREP, '.cargo'), join(s.folder, '.cargo')]);
    execFileSync('chmod', ['-R', 'u+w', join(s.folder, '.cargo')]);
    const fixed = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', '--json', '--unit', 'grep-matcher/lib/grep_matcher'], { cwd: s.folder, env: { ...process.env, ...nix }, encoding: 'utf8' });
    assert.equal(fixed.status, 0, `grep-matcher (lib) builds after the Quick Fix:\n${fixed.stderr}\n${fixed.stdout.split('\n').filter((l) => /"failed"|"diagnostic"/.test(l)).join('\n').slice(0, 4000)}`);

    return { seconds: (Date.now() - t0) / 1000, snapshots: all.length };
  } catch (err) {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, 'ripgrep-failure.png') }).catch(() => undefined);
    throw err;
  } finally {
    await s.stop();
  }
}
