/**
 * While the active Rust file has unsaved changes, the status bar says what saving it would
 * rebuild ("save rebuilds 4 units"), from the unsaved text the server holds; clicking it lists them.
 */
import * as vscode from 'vscode';
import * as ext from '../protocol/lsp_ext.js';
import type { Ctx } from './ctx.js';

const DEBOUNCE_MS = 150;

export class SavePreview implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private last: ext.SaveRebuilds | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(private readonly ctx: Ctx) {
    this.item = vscode.window.createStatusBarItem('cargoUnits.saveRebuilds', vscode.StatusBarAlignment.Left, 9);
    this.item.name = 'cargo-units: what a save rebuilds';
    this.item.command = 'cargoUnits.showSaveRebuilds';
    this.subscriptions.push(
      this.item,
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && this.schedule()),
      vscode.workspace.onDidSaveTextDocument((d) => d === vscode.window.activeTextEditor?.document && this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      ctx.onIndexChanged(() => this.schedule()),
      vscode.commands.registerCommand('cargoUnits.showSaveRebuilds', () => this.show()),
    );
    this.refresh();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  /** Asks the server again for the active editor (hides the item when nothing is unsaved). */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    const generation = ++this.generation;
    const doc = vscode.window.activeTextEditor?.document;
    const client = this.ctx.client;
    if (!doc || doc.uri.scheme !== 'file' || doc.languageId !== 'rust' || !doc.isDirty || !client?.isRunning()) {
      this.last = undefined;
      this.item.hide();
      return;
    }
    const r = await client.sendRequest(ext.saveRebuilds, { uri: doc.uri.toString() }).catch(() => undefined);
    if (generation !== this.generation) return;
    this.last = r;
    if (!r?.changed || !doc.isDirty) {
      this.item.hide();
      return;
    }
    const n = r.units.length;
    this.item.text = `$(tools) save rebuilds ${n} unit${n === 1 ? '' : 's'}`;
    this.item.tooltip =
      n === 0
        ? 'No unit reads this file: saving it rebuilds nothing.'
        : `Saving ${vscode.workspace.asRelativePath(doc.uri)} rebuilds:\n${r.units.map((u) => u.label).join('\n')}`;
    this.item.show();
  }

  /** Lists the units a save would rebuild; returns their ids. */
  private async show(): Promise<string[]> {
    await this.refresh();
    const r = this.last;
    if (!r?.changed) return [];
    void vscode.window.showQuickPick(
      r.units.map((u) => ({ label: u.label, description: u.id })),
      { title: `Saving ${vscode.workspace.asRelativePath(vscode.Uri.parse(r.uri))} rebuilds ${r.units.length} unit${r.units.length === 1 ? '' : 's'}` },
    );
    return r.units.map((u) => u.id);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
