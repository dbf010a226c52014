/**
 * UI test in a real browser: code-server with the .vsix installed, driven by Chromium. Checks the
 * Explorer badges, saves an edit and reads the Cargo Build view, and (when `cargo-units build`
 * exists) that a failing edit puts rustc's error in the Problems panel and that the status bar
 * shows the last result. Keeps a screenshot in dist/ui-test/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { COMMANDS } from '../../src/cli/args.js';
import { unitLabel } from '../../src/protocol/labels.js';
import { REPO } from '../helpers.js';
import { isolatedNixVars } from '../nix/nix-env.js';
import { startSession, type Session } from './code-server.js';
import { expand, openFile, row, runCommand, setPane, settledBadgeOf, statusText, viewRows } from './page.js';
import { saveRebuildsUi } from './ui-why.js';

const hasBuild = (COMMANDS as readonly string[]).includes('build');
export const SCREENSHOT = join(REPO, 'dist', 'ui-test', 'screenshot.png');

function cli(s: Session, args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [join(REPO, 'dist', 'cli.cjs'), ...args], { cwd: s.folder, encoding: 'utf8' }));
}

export async function uiTest(t: TestContext): Promise<void> {
  // The extension's builds (the bundled CLI, run by the language server) use a private Nix store:
  // code-server passes its environment on to the extension host and the server.
  const s = await startSession({ trusted: true, env: isolatedNixVars() });
  const p = s.page;
  try {
    await p.goto(`${s.url}/?folder=${encodeURIComponent(s.folder)}`);
    await expand(p, 'crates', 1);
    await expand(p, 'units-cli', 2);
    await expand(p, 'src', 3);
    await expand(p, 'units-core', 2);
    await expand(p, 'src', 3, 1);
    assert.equal(await settledBadgeOf(p, 'lib.rs', 4), '②', 'units-core/src/lib.rs: read by the lib and its test build');
    assert.equal(await settledBadgeOf(p, 'stats.rs', 4), '?②', 'stats.rs: possibly read');
    assert.equal(await settledBadgeOf(p, 'report.rs', 4), '②');
    assert.equal(await settledBadgeOf(p, 'term.rs', 4), '∅', 'units-cli/src/term.rs: read by no unit');
    assert.equal(await settledBadgeOf(p, 'term_ansi.rs', 4), '②');

    // The README's screenshot: badges, and the Cargo Units view showing the units of lib.rs.
    await row(p, 'lib.rs', 4).click();
    await runCommand(p, 'cargo-units: Reveal Units of the Current File');
    await p.locator('.pane').filter({ has: p.locator('.pane-header', { hasText: 'Cargo Units' }) }).locator('.monaco-list-row[aria-selected="true"]').first().waitFor();
    mkdirSync(join(REPO, 'dist', 'ui-test'), { recursive: true });
    await p.screenshot({ path: join(REPO, 'dist', 'ui-test', 'units-view.png') });

    // Edit and save a file: build on save lists exactly the affected units.
    const rel = 'crates/units-parse/src/lexer.rs';
    const affected = (cli(s, ['affected', '--json', s.folder, join(s.folder, rel)]) as { units: string[] }).units;
    const all = (cli(s, ['units', '--json', s.folder]) as { units: { id: string; package: string; kind: string; name: string }[] }).units;
    const expected = affected.map((id) => unitLabel(all.find((u) => u.id === id)!)).sort();
    await openFile(p, s, rel);
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+Home');
    await p.keyboard.type('// edited in the UI test\n');
    await p.keyboard.press('Control+S');
    await runCommand(p, 'cargo-units: Show Build View');
    // Fold the file tree and the Units view so that every row of the build view is drawn (the
    // list draws only the rows in its viewport).
    await setPane(p, 'Workspace', false);
    await setPane(p, 'Cargo Units', false);
    let rows: string[] = [];
    for (let i = 0; i < 200; i++) {
      rows = await viewRows(p, 'Cargo Build');
      if (rows.length >= expected.length) break;
      await p.waitForTimeout(100);
    }
    assert.deepEqual([...rows].sort(), expected, 'the Cargo Build view lists the affected units');
    await setPane(p, 'Cargo Units', true);
    await setPane(p, 'Workspace', true);
    mkdirSync(join(REPO, 'dist', 'ui-test'), { recursive: true });
    await p.screenshot({ path: SCREENSHOT });

    await t.test('a failing edit puts its rustc error in the Problems panel at its file and range; fixing it shows the result in the status bar', { skip: hasBuild ? false : 'needs `cargo-units build` (the nix branch)', timeout: 480_000 }, async () => {
      const abs = join(s.folder, rel);
      const good = readFileSync(abs, 'utf8');
      await p.locator('.monaco-editor .view-lines').first().click();
      await p.keyboard.press('Control+End');
      await p.keyboard.type('\nfn broken() -> u32 { "not a number" }\n');
      await p.keyboard.press('Control+S');
      // Where rustc will point: the string literal, in the file as saved.
      let saved = '';
      for (let i = 0; i < 100 && !(saved = readFileSync(abs, 'utf8')).includes('not a number'); i++) await p.waitForTimeout(50);
      const lines = saved.split('\n');
      const line = lines.findIndex((l) => l.includes('"not a number"')) + 1;
      const col = lines[line - 1]!.indexOf('"not a number"') + 1;
      assert.ok(line > 0, `the broken line was saved:\n${saved}`);
      await p.keyboard.press('Control+Shift+M');
      const problem = p.locator('.markers-panel .monaco-list-row', { hasText: 'mismatched types' }).first();
      await problem.waitFor({ timeout: 120_000 });
      const text = (await problem.textContent()) ?? '';
      assert.match(text, /mismatched types/);
      assert.ok(text.includes(`[Ln ${line}, Col ${col}]`), `the problem is at line ${line}, column ${col}: ${text}`);
      const fileRow = p.locator('.markers-panel .monaco-list-row[aria-level="1"]', { hasText: 'lexer.rs' });
      assert.ok((await fileRow.count()) >= 1, 'the problem is listed under lexer.rs');
      assert.match((await fileRow.first().textContent()) ?? '', /crates\/units-parse\/src/);
      await p.screenshot({ path: join(REPO, 'dist', 'ui-test', 'problems.png') });
      // Undo the broken line and save, until the file on disk is as before it.
      await p.locator('.monaco-editor .view-lines').first().click();
      for (let i = 0; i < 60 && readFileSync(abs, 'utf8') !== good; i++) {
        const before = readFileSync(abs, 'utf8');
        await p.keyboard.press('Control+Z');
        await p.keyboard.press('Control+S');
        // One undo step per save: wait for this save to reach the disk before the next undo.
        for (let j = 0; j < 40 && readFileSync(abs, 'utf8') === before; j++) await p.waitForTimeout(50);
      }
      assert.equal(readFileSync(abs, 'utf8'), good, 'the fix was saved');
      const gone = () => p.locator('.markers-panel .monaco-list-row', { hasText: 'mismatched types' }).count();
      // The status bar names the last result (and the current file's units).
      const ok = /cargo-units: (built \d+ in [\d.]+ (s|ms)|up to date)/;
      for (let i = 0; i < 1200 && (!ok.test(await statusText(p)) || (await gone()) > 0); i++) await p.waitForTimeout(100);
      assert.match(await statusText(p), ok);
      assert.match(await statusText(p), /· units-parse \(lib\)/, 'and the units of the current file');
      assert.equal(await gone(), 0, 'the error is gone once fixed');
      // The Build view agrees: no unit of the last build is still shown as building.
      const buildPane = p.locator('.pane').filter({ has: p.locator('.pane-header', { hasText: 'Cargo Build' }) });
      const spinning = () => buildPane.locator('.monaco-list-row .codicon-sync').count();
      for (let i = 0; i < 100 && (await spinning()) > 0; i++) await p.waitForTimeout(100);
      assert.equal(await spinning(), 0, 'no unit shown as building once idle');
      await p.screenshot({ path: SCREENSHOT });
    });

    await t.test('an unsaved edit shows "save rebuilds N units" in the status bar; a save removes it', { timeout: 60_000 }, () => saveRebuildsUi(p, s, openFile));
  } catch (err) {
    mkdirSync(join(REPO, 'dist', 'ui-test'), { recursive: true });
    await p.screenshot({ path: join(REPO, 'dist', 'ui-test', 'failure.png') }).catch(() => undefined);
    throw err;
  } finally {
    await s.stop();
  }
}
