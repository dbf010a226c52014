/** Activation: the language client, Explorer decorations, the Units and Build views, commands. */
import * as vscode from 'vscode';
import type * as ext from '../protocol/lsp_ext.js';
import { BuildUi } from './build-ui.js';
import { registerCommands } from './commands.js';
import { Ctx } from './ctx.js';
import { UnitDecorations } from './decorations.js';
import { UnitsView } from './units-view.js';

/** What the extension exports (used by its tests inside the extension host). */
export interface CargoUnitsApi {
  ready: Promise<void>;
  fileUnits(uri: vscode.Uri): Promise<ext.FileUnits | undefined>;
  decoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined>;
  onDidUpdateDecorations: vscode.Event<vscode.Uri[] | undefined>;
  onDidProgress: BuildUi['onDidProgress'];
  /** The status bar text, with the build-state generation it shows. */
  onDidChangeStatus: BuildUi['onDidChangeStatus'];
  /** The Build view's and the status bar's state generations (the view is never behind). */
  generations(): { view: number; status: number; state: number };
  trusted(): boolean;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<CargoUnitsApi> {
  ctx = new Ctx(context);
  const c = ctx;
  context.subscriptions.push(c);
  const decorations = new UnitDecorations(c.onIndexChanged);
  const units = new UnitsView(c.onIndexChanged);
  const builds = new BuildUi(c);
  const savedSinceBuild = new Set<string>();
  c.subscriptions.push(decorations, units, builds, vscode.window.registerFileDecorationProvider(decorations));
  c.subscriptions.push(...registerCommands({ ctx: c, decorations, units, builds, savedSinceBuild }));
  c.subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((d) => d.uri.scheme === 'file' && d.languageId === 'rust' && savedSinceBuild.add(d.uri.toString())),
    builds.onDidProgress((p) => {
      if (p.kind === 'begin') for (const f of p.files) savedSinceBuild.delete(vscode.Uri.file(f).toString());
    }),
  );
  // The status bar names the units of the file in the active editor.
  const showCurrent = async () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    builds.setCurrentFile(uri?.scheme === 'file' ? await decorations.fileUnits(uri) : undefined);
  };
  c.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void showCurrent()),
    decorations.onDidUpdate(() => void showCurrent()),
  );
  c.onClient((client) => {
    decorations.attach(client);
    units.attach(client);
    builds.attach(client);
  });
  const ready = c.start().catch((err: unknown) => {
    c.output.appendLine(`cannot start the cargo-units server: ${err}`);
    throw err;
  });
  return {
    ready,
    fileUnits: (uri) => decorations.fileUnits(uri),
    decoration: (uri) => decorations.provideFileDecoration(uri),
    onDidUpdateDecorations: decorations.onDidUpdate,
    onDidProgress: builds.onDidProgress,
    onDidChangeStatus: builds.onDidChangeStatus,
    generations: () => ({ view: builds.view.shown, status: builds.statusGeneration, state: builds.state.generation }),
    trusted: () => c.trusted,
  };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
