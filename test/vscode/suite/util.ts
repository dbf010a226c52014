/** Helpers for the tests inside the extension host. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CargoUnitsApi } from '../../../src/client/extension.js';
import type { BuildProgress } from '../../../src/protocol/lsp_ext.js';

/** What the harness tells the suite (written next to the bundle). */
export interface SuiteConfig {
  /** Where the rustc and build wrappers log their runs. */
  markers: string;
  extensionDir: string;
  benchOut: string;
  /** Files the workspace's build script and proc-macro write when they run (Restricted Mode suite). */
  hostileMarkers: string[];
}

export const config: SuiteConfig = JSON.parse(readFileSync(join(__dirname, 'config.json'), 'utf8'));

export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no folder open');
  return f.uri;
}

export const file = (rel: string) => vscode.Uri.joinPath(folder(), rel);

export async function api(): Promise<CargoUnitsApi> {
  const ext = vscode.extensions.getExtension<CargoUnitsApi>('cargo-units.cargo-units');
  if (!ext) throw new Error('cargo-units is not installed');
  const a = await ext.activate();
  await a.ready;
  return a;
}

export async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects build progress from now on. */
export function recordProgress(a: CargoUnitsApi): { events: BuildProgress[]; dispose(): void } {
  const events: BuildProgress[] = [];
  const d = a.onDidProgress((p) => events.push(p));
  return { events, dispose: () => d.dispose() };
}

export function eq(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function ok(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(what);
}

export function readMarker(name: string): string {
  try {
    return readFileSync(join(config.markers, name), 'utf8');
  } catch {
    return '';
  }
}
