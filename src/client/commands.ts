/** The palette commands. Each returns what it did, so the extension tests can check it. */
import * as vscode from 'vscode';
import * as ext from '../protocol/lsp_ext.js';
import type { BuildUi } from './build-ui.js';
import type { Ctx } from './ctx.js';
import type { UnitDecorations } from './decorations.js';
import type { UnitsView } from './units-view.js';

export interface Features {
  ctx: Ctx;
  decorations: UnitDecorations;
  units: UnitsView;
  builds: BuildUi;
  /** Files saved since their last successful build. */
  savedSinceBuild: Set<string>;
}

const RESTRICTED = 'cargo-units runs no builds in Restricted Mode. Trust the workspace to build.';

function client(f: Features) {
  const c = f.ctx.client;
  if (!c) throw new Error('the cargo-units language server is not running');
  return c;
}

function currentFile(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri : undefined;
}

export function registerCommands(f: Features): vscode.Disposable[] {
  const cmd = (name: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(`cargoUnits.${name}`, run);
  return [
    cmd('buildAffected', async (uri?: vscode.Uri): Promise<ext.BuildResult> => {
      if (!f.ctx.trusted) {
        void vscode.window.showWarningMessage(RESTRICTED);
        return { scheduled: [], message: RESTRICTED };
      }
      const target = uri ?? currentFile();
      const uris = [...new Set([...(target ? [target.toString()] : []), ...f.savedSinceBuild])];
      if (uris.length === 0) {
        void vscode.window.showInformationMessage('cargo-units: open a Rust file or save one to build the units it affects.');
        return { scheduled: [], message: 'no file' };
      }
      const r = await client(f).sendRequest(ext.build, { uris, now: true });
      if (r.message) void vscode.window.showInformationMessage(`cargo-units: ${r.message}`);
      return r;
    }),
    cmd('buildUnit', async (pick?: { workspace: string; unit: string }): Promise<ext.BuildResult | undefined> => {
      if (!f.ctx.trusted) {
        void vscode.window.showWarningMessage(RESTRICTED);
        return { scheduled: [], message: RESTRICTED };
      }
      let chosen = pick;
      if (!chosen) {
        const all = await client(f).sendRequest(ext.allUnits);
        const item = await vscode.window.showQuickPick(
          all.flatMap((ws) =>
            ws.units.map((u) => ({ label: u.label, description: u.id, detail: all.length > 1 ? ws.name : undefined, workspace: ws.root, unit: u.id })),
          ),
          { placeHolder: 'Build which unit?', matchOnDescription: true },
        );
        if (!item) return undefined;
        chosen = { workspace: item.workspace, unit: item.unit };
      }
      return client(f).sendRequest(ext.build, { workspace: chosen.workspace, units: [chosen.unit], now: true });
    }),
    cmd('showUnitsOfFile', async (uri?: vscode.Uri): Promise<ext.FileUnits | undefined> => {
      const target = uri ?? currentFile();
      if (!target) return undefined;
      const [info] = await client(f).sendRequest(ext.unitsOfFile, { uris: [target.toString()] });
      if (!info) return undefined;
      if (uri) return info;
      if (info.units.length === 0) {
        void vscode.window.showInformationMessage(
          `cargo-units: ${vscode.workspace.asRelativePath(target)} is ${info.status === 'outside' ? 'in no Cargo workspace' : 'read by no unit'}.`,
        );
        return info;
      }
      const item = await vscode.window.showQuickPick(
        info.units.map((u) => ({ label: u.label, description: u.uncertain ? `${u.id} (maybe)` : u.id, unit: u })),
        { placeHolder: `Units reading ${vscode.workspace.asRelativePath(target)}` },
      );
      if (item) await f.units.revealUnits([item.unit]);
      return info;
    }),
    cmd('revealUnitsOfFile', async (uri?: vscode.Uri): Promise<string[]> => {
      const target = uri ?? currentFile();
      if (!target) return [];
      const [info] = await client(f).sendRequest(ext.unitsOfFile, { uris: [target.toString()] });
      await vscode.commands.executeCommand('cargoUnits.units.focus');
      return f.units.revealUnits(info?.units ?? []);
    }),
    cmd('cancelBuild', async (): Promise<number> => (f.ctx.client ? f.ctx.client.sendRequest(ext.cancelBuild, {}) : 0)),
    cmd('reindex', async (): Promise<void> => {
      await client(f).sendRequest(ext.reindex);
    }),
    cmd('showBuildPanel', async () => {
      await vscode.commands.executeCommand('cargoUnits.progress.focus');
    }),
    cmd('showBuildLog', () => f.ctx.buildLog.show(true)),
  ];
}
