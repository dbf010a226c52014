/**
 * "Why Does This File Belong to These Units?": the chains of declarations from each unit's crate
 * root down to the file (as `cargo-units why`), in a quick pick whose every step opens its line.
 */
import * as vscode from 'vscode';
import * as ext from '../protocol/lsp_ext.js';
import type { Ctx } from './ctx.js';

type Item = vscode.QuickPickItem & { uri?: string; line?: number };

/** What the command did (returned for the extension tests). */
export interface WhyShown {
  result: ext.WhyResult;
  /** The step opened, if one was picked. */
  opened?: { uri: string; line: number };
}

function rel(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
}

function cfgText(cfg: string | null, value: true | 'unknown' | false): string {
  return cfg === null ? '' : `cfg(${cfg}) = ${value}`;
}

export function whyItems(r: ext.WhyResult): Item[] {
  const items: Item[] = [];
  for (const u of r.units) {
    items.push({ label: `${u.label}${u.status === 'uncertain' ? ' (maybe)' : ''}`, kind: vscode.QuickPickItemKind.Separator });
    if (u.chain.length === 0) items.push({ label: '$(file-code) crate root', description: rel(r.uri), uri: r.uri, line: 1 });
    u.chain.forEach((s, i) => {
      const detail = [cfgText(s.cfg, s.value), s.value === 'unknown' ? (s.reason ?? 'unknown') : ''].filter(Boolean).join(' — ');
      items.push({
        label: `${'\u2003'.repeat(i)}$(arrow-small-right) ${s.via}`,
        description: `${rel(s.uri)}:${s.line}`,
        ...(detail ? { detail } : {}),
        uri: s.uri,
        line: s.line,
      });
    });
  }
  if (r.notRead.length > 0) {
    items.push({ label: 'not read by', kind: vscode.QuickPickItemKind.Separator });
    for (const n of r.notRead) {
      items.push({
        label: `$(circle-slash) ${n.label}: ${n.via}`,
        description: `${rel(n.uri)}:${n.line}`,
        detail: cfgText(n.cfg, false),
        uri: n.uri,
        line: n.line,
      });
    }
  }
  if (r.declareIn && r.declareIn.length > 0) {
    items.push({ label: 'nothing declares this file; declare it in', kind: vscode.QuickPickItemKind.Separator });
    for (const d of r.declareIn) {
      items.push({
        label: `$(add) ${d.declaration}`,
        description: `${rel(d.uri)}${d.exists ? '' : ' (to create)'}`,
        ...(d.exists ? { uri: d.uri, line: 1 } : {}),
      });
    }
  }
  return items;
}

async function openStep(uri: string, line: number): Promise<void> {
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(pos, pos) });
}

export function registerWhyUi(ctx: Ctx): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('cargoUnits.whyFile', async (uri?: vscode.Uri): Promise<WhyShown | undefined> => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      const client = ctx.client;
      if (!target || target.scheme !== 'file') return undefined;
      if (!client) throw new Error('the cargo-units language server is not running');
      const result = await client.sendRequest(ext.whyFile, { uri: target.toString() });
      if (result.status === 'outside') {
        void vscode.window.showInformationMessage(`cargo-units: ${vscode.workspace.asRelativePath(target)} is in no Cargo workspace.`);
        return { result };
      }
      const pick = await vscode.window.showQuickPick(whyItems(result), {
        title: `Why ${vscode.workspace.asRelativePath(target)} belongs to its units`,
        placeHolder: result.units.length === 0 ? 'Read by no unit' : 'Pick a step to open its declaration',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!pick?.uri || pick.line === undefined) return { result };
      await openStep(pick.uri, pick.line);
      return { result, opened: { uri: pick.uri, line: pick.line } };
    }),
  ];
}
