/** Reading and driving the VS Code workbench page (code-server in Chromium) for the UI tests. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Session } from './code-server.js';

export const row = (p: Page, label: string, level?: number) =>
  p.locator(`.explorer-folders-view .monaco-list-row[aria-label="${label}"]${level ? `[aria-level="${level}"]` : ''}`);

/** The badge VS Code draws for an Explorer row (CSS `::after` content). */
export async function badgeOf(p: Page, label: string, level: number): Promise<string> {
  return row(p, label, level).evaluate((el) => {
    // Runs in the page (the DOM lib is not in this project's tsconfig).
    const getComputedStyle = (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } }).getComputedStyle;
    for (const e of [el, ...el.querySelectorAll('*')]) {
      const c = getComputedStyle(e, '::after').content;
      if (c && c !== 'none' && c !== 'normal' && c !== '""') return JSON.parse(c) as string;
    }
    return '';
  });
}

/**
 * The row's badge once it has one (VS Code draws file decorations as they arrive, row by row), or
 * '' after `ms` without one.
 */
export async function settledBadgeOf(p: Page, label: string, level: number, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  let b = await badgeOf(p, label, level);
  while (b === '' && Date.now() < end) {
    await p.waitForTimeout(100);
    b = await badgeOf(p, label, level);
  }
  return b;
}

/** Expands the `nth` folder row with this name at this depth (rows in display order). */
export async function expand(p: Page, label: string, level: number, nth = 0): Promise<void> {
  const r = row(p, label, level).nth(nth);
  await r.waitFor();
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
  for (let i = 0; i < 100 && (await r.getAttribute('aria-expanded')) !== 'true'; i++) await p.waitForTimeout(50);
  assert.equal(await r.getAttribute('aria-expanded'), 'true', `${label} expanded`);
}

export async function runCommand(p: Page, title: string): Promise<void> {
  await p.keyboard.press('F1');
  await p.locator('.quick-input-widget input').fill(`>${title}`);
  await p.locator('.quick-input-widget .monaco-list-row', { hasText: title.replace(/^cargo-units: /, '') }).first().waitFor();
  await p.keyboard.press('Enter');
}

export async function openFile(p: Page, s: Session, rel: string): Promise<void> {
  await p.keyboard.press('Control+P');
  await p.locator('.quick-input-widget input').fill(rel);
  await p.locator('.quick-input-widget .monaco-list-row', { hasText: rel.split('/').pop()! }).first().waitFor();
  await p.waitForTimeout(200);
  await p.keyboard.press('Enter');
  await p.locator(`.tabs-container .tab.active[data-resource-name="${rel.split('/').pop()}"]`).waitFor();
  void s;
}

/** Labels of the rows of a view pane, by its title. */
export async function viewRows(p: Page, title: string): Promise<string[]> {
  const pane = p.locator('.pane').filter({ has: p.locator('.pane-header', { hasText: title }) });
  return pane.locator('.monaco-list-row .label-name').allTextContents();
}

export async function statusText(p: Page): Promise<string> {
  return (await p.locator('[id="cargo-units.cargo-units.cargoUnits.status"]').textContent())?.trim() ?? '';
}

/** The visible notification toasts: severity (from the icon) and text. */
export async function notifications(p: Page): Promise<{ severity: string; text: string }[]> {
  return p.locator('.notification-toast').evaluateAll((els) =>
    els.map((el) => {
      const e = el as unknown as { querySelector(s: string): { className: string } | null; textContent: string | null };
      const icon = e.querySelector('.notification-list-item-icon')?.className ?? '';
      return { severity: /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : 'info', text: (e.textContent ?? '').trim() };
    }),
  );
}

/** Opens (expands) a view pane of the side bar by its title. */
export async function openPane(p: Page, title: string): Promise<void> {
  await setPane(p, title, true);
}

/** Expands or folds a view pane of the side bar by its title (a click only when it is not so already). */
export async function setPane(p: Page, title: string, expanded: boolean): Promise<void> {
  const header = p.locator('.pane-header', { hasText: title }).first();
  await header.waitFor();
  const want = String(expanded);
  if ((await header.getAttribute('aria-expanded')) !== want) await header.click();
  for (let i = 0; i < 100 && (await header.getAttribute('aria-expanded')) !== want; i++) await p.waitForTimeout(50);
}
