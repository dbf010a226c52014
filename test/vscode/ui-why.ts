/**
 * UI check of the "save rebuilds N units" status bar item: it appears on an unsaved edit of a
 * Rust file, with the number of units `cargo-units affected` gives, lists them when clicked, and
 * goes away on save.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from '../helpers.js';
import type { Session } from './code-server.js';

const ITEM = '[id="cargo-units.cargo-units.cargoUnits.saveRebuilds"]';

export async function saveRebuildsUi(p: Page, s: Session, openFile: (p: Page, s: Session, rel: string) => Promise<void>): Promise<void> {
  const rel = 'crates/units-parse/src/aliases.rs';
  const affected = (JSON.parse(execFileSync(process.execPath, [join(REPO, 'dist', 'cli.cjs'), 'affected', '--json', s.folder, join(s.folder, rel)], { cwd: s.folder, encoding: 'utf8' })) as { units: string[] }).units;
  assert.ok(affected.length > 1, `aliases.rs affects several units: ${affected.join(', ')}`);
  await openFile(p, s, rel);
  const item = p.locator(ITEM);
  assert.equal(await item.isVisible(), false, 'no item while the file is saved');
  await p.locator('.monaco-editor .view-lines').first().click();
  await p.keyboard.press('Control+Home');
  await p.keyboard.type('// an unsaved edit\n');
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  const text = async () => ((await item.textContent()) ?? '').trim();
  for (let i = 0; i < 100 && !/save rebuilds \d+ units?/.test(await text()); i++) await p.waitForTimeout(100);
  assert.equal(await text(), `save rebuilds ${affected.length} units`, 'the count is that of cargo-units affected');
  mkdirSync(join(REPO, 'dist', 'ui-test'), { recursive: true });
  await p.screenshot({ path: join(REPO, 'dist', 'ui-test', 'save-rebuilds.png') });
  // Clicking it lists the units.
  await item.click();
  const rows = p.locator('.quick-input-widget .monaco-list-row');
  await rows.first().waitFor();
  const ids = await p.locator('.quick-input-widget .monaco-list-row .label-description').allTextContents();
  assert.deepEqual(ids.map((x) => x.trim()).sort(), [...affected].sort(), 'the listed units');
  await p.keyboard.press('Escape');
  // Saving makes it go away.
  await p.locator('.monaco-editor .view-lines').first().click();
  await p.keyboard.press('Control+S');
  await item.waitFor({ state: 'hidden', timeout: 20_000 });
}
