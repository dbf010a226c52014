/**
 * Explorer decorations: the number of units reading each file, their names in the tooltip, and a
 * distinct colour for files only possibly read and for Rust files no unit reads. A folder is
 * greyed only when no unit reads any file in it; colours do not propagate.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import * as ext from '../protocol/lsp_ext.js';
import { decorationData, type DecorationLook } from './format.js';

const COLOR: Record<DecorationLook, vscode.ThemeColor | undefined> = {
  read: undefined,
  uncertain: new vscode.ThemeColor('cargoUnits.uncertainForeground'),
  unread: new vscode.ThemeColor('cargoUnits.unreadForeground'),
  'unread-folder': new vscode.ThemeColor('cargoUnits.unreadForeground'),
};

export class UnitDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  /** Fired after the cache took new data, with the URIs (undefined: everything). */
  private readonly updated = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidUpdate = this.updated.event;
  private readonly cache = new Map<string, ext.FileUnits>();
  private batch: { uris: Set<string>; done: Promise<void> } | undefined;
  private client: LanguageClient | undefined;
  private generation = 0;

  constructor(onIndexChanged: vscode.Event<ext.IndexChanged>) {
    this.subscription = onIndexChanged((p) => void this.onIndexChanged(p));
  }

  private readonly subscription: vscode.Disposable;

  /** A (re)started server: everything is asked again. */
  attach(client: LanguageClient): void {
    this.client = client;
    this.reset();
  }

  private reset(): void {
    this.generation++;
    this.cache.clear();
    this.changed.fire(undefined);
    this.updated.fire(undefined);
  }

  private async onIndexChanged(p: ext.IndexChanged): Promise<void> {
    if (p.all) return this.reset();
    const files = p.uris.map((u) => vscode.Uri.parse(u));
    // A file's change can change its folders' answers.
    const folders = new Set<string>();
    for (const f of files)
      for (
        let d = f.with({ path: f.path.replace(/\/[^/]*$/, '') });
        d.path.length > 1 && !folders.has(d.toString());
        d = d.with({ path: d.path.replace(/\/[^/]*$/, '') })
      )
        folders.add(d.toString());
    const uris = [...files, ...[...folders].map((f) => vscode.Uri.parse(f))];
    // Fetch first, then fire: VS Code asks again right away and gets the new answer from the cache.
    const known = uris.filter((u) => this.cache.has(u.toString()));
    await this.fetch(
      known.map((u) => u.toString()),
      true,
    );
    this.changed.fire(uris);
    this.updated.fire(uris);
  }

  /** Units of files, from the cache or the server (requests made together go in one message). */
  private fetch(uris: string[], refresh = false): Promise<void> {
    if (!this.client || uris.length === 0) return Promise.resolve();
    if (!refresh && this.batch) {
      for (const u of uris) this.batch.uris.add(u);
      return this.batch.done;
    }
    const client = this.client;
    const generation = this.generation;
    const wanted = new Set(uris);
    const send = async () => {
      if (this.batch?.uris === wanted) this.batch = undefined;
      let result: ext.FileUnits[];
      try {
        result = await client.sendRequest(ext.unitsOfFile, { uris: [...wanted] });
      } catch (err) {
        // A server stopped for a restart is no error: the new one is asked again (attach resets).
        if (generation !== this.generation || !client.isRunning()) return;
        throw err;
      }
      if (generation !== this.generation) return;
      for (const f of result) this.cache.set(vscode.Uri.parse(f.uri).toString(), f);
    };
    if (refresh) return send();
    const done = Promise.resolve().then(send);
    this.batch = { uris: wanted, done };
    return done;
  }

  /** The units of a file as the decorations know them. */
  async fileUnits(uri: vscode.Uri): Promise<ext.FileUnits | undefined> {
    const key = uri.toString();
    if (!this.cache.has(key)) await this.fetch([key]).catch(() => undefined);
    return this.cache.get(key);
  }

  async provideFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const f = await this.fileUnits(uri);
    return f ? toDecoration(f, uri.fsPath) : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.updated.dispose();
  }
}

export function toDecoration(f: ext.FileUnits, path: string): vscode.FileDecoration | undefined {
  const d = decorationData(f, path);
  if (!d) return undefined;
  const deco = new vscode.FileDecoration(d.badge || undefined, d.tooltip, COLOR[d.look]);
  // As git's ignored files: a colour stays on its own row. A folder is greyed by its own answer
  // (no unit reads anything in it), so one unread or uncertain file never colours its parents.
  deco.propagate = false;
  return deco;
}
