/** The Units view: workspace → package → unit → files. Selecting a file opens it. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import * as ext from '../protocol/lsp_ext.js';

export type UnitNode =
  | { kind: 'workspace'; key: string; ws: ext.WorkspaceUnits }
  | { kind: 'package'; key: string; ws: ext.WorkspaceUnits; name: string }
  | { kind: 'unit'; key: string; ws: ext.WorkspaceUnits; unit: ext.UnitSummary }
  | { kind: 'file'; key: string; uri: string; uncertain: boolean; parent: UnitNode };

export class UnitsView implements vscode.TreeDataProvider<UnitNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<UnitNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private client: LanguageClient | undefined;
  private workspaces: Promise<ext.WorkspaceUnits[]> | undefined;
  /** One object per node key, so that reveal and getParent agree. */
  private readonly nodes = new Map<string, UnitNode>();
  readonly view: vscode.TreeView<UnitNode>;

  private readonly subscription: vscode.Disposable;

  constructor(onIndexChanged: vscode.Event<ext.IndexChanged>) {
    this.view = vscode.window.createTreeView('cargoUnits.units', { treeDataProvider: this, showCollapseAll: true });
    this.subscription = onIndexChanged(() => this.refresh());
  }

  attach(client: LanguageClient): void {
    this.client = client;
    this.refresh();
  }

  refresh(): void {
    this.workspaces = undefined;
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  private node<T extends UnitNode>(n: T): T {
    const old = this.nodes.get(n.key);
    if (old) return Object.assign(old, n) as T;
    this.nodes.set(n.key, n);
    return n;
  }

  private all(): Promise<ext.WorkspaceUnits[]> {
    if (!this.client) return Promise.resolve([]);
    const client = this.client;
    this.workspaces ??= Promise.resolve(client.sendRequest(ext.allUnits)).then(
      (all) => {
        this.view.message =
          all.length === 0
            ? 'No Cargo workspace at the open folders. Open the folder of a Cargo.toml, or list projects in the cargoUnits.linkedProjects setting.'
            : undefined;
        return all;
      },
      (err: unknown) => {
        // A server stopped for a restart: the new one's answer comes with attach().
        if (client !== this.client || !client.isRunning()) return [];
        throw err;
      },
    );
    return this.workspaces;
  }

  async getChildren(n?: UnitNode): Promise<UnitNode[]> {
    if (!n) return (await this.all()).map((ws) => this.node({ kind: 'workspace', key: ws.root, ws }));
    switch (n.kind) {
      case 'workspace':
        return [...new Set(n.ws.units.map((u) => u.package))].sort().map((name) => this.node({ kind: 'package', key: `${n.ws.root}#${name}`, ws: n.ws, name }));
      case 'package':
        return n.ws.units
          .filter((u) => u.package === n.name)
          .map((unit) => this.node({ kind: 'unit', key: `${n.ws.root}#${unit.package}#${unit.id}`, ws: n.ws, unit }));
      case 'unit': {
        if (!this.client) return [];
        const r = await this.client.sendRequest(ext.filesOfUnit, { workspace: n.ws.root, unit: n.unit.id });
        const uncertain = new Set(r.uncertain);
        return r.files.map((uri) => this.node({ kind: 'file', key: `${n.key}#${uri}`, uri, uncertain: uncertain.has(uri), parent: n }));
      }
      case 'file':
        return [];
    }
  }

  getParent(n: UnitNode): UnitNode | undefined {
    switch (n.kind) {
      case 'workspace':
        return undefined;
      case 'package':
        return this.nodes.get(n.ws.root);
      case 'unit':
        return this.nodes.get(`${n.ws.root}#${n.unit.package}`);
      case 'file':
        return n.parent;
    }
  }

  getTreeItem(n: UnitNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (n.kind) {
      case 'workspace': {
        const item = new vscode.TreeItem(n.ws.name, C.Expanded);
        const uri = vscode.Uri.parse(n.ws.root);
        // The root of an open folder needs no description.
        const where = vscode.workspace.workspaceFolders?.some((f) => f.uri.toString() === uri.toString()) ? '' : vscode.workspace.asRelativePath(uri);
        item.description = n.ws.error ?? (n.ws.detached ? `${where} · detached` : where);
        item.tooltip = n.ws.detached ? `${uri.fsPath}: indexed because a file in it was opened; it belongs to no workspace of the open folders` : uri.fsPath;
        item.iconPath = new vscode.ThemeIcon(n.ws.error ? 'error' : 'root-folder');
        item.resourceUri = vscode.Uri.parse(n.ws.root);
        return item;
      }
      case 'package': {
        const item = new vscode.TreeItem(n.name, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'package';
        return item;
      }
      case 'unit': {
        const item = new vscode.TreeItem(n.unit.label, C.Collapsed);
        item.description = `${n.unit.fileCount} file${n.unit.fileCount === 1 ? '' : 's'}`;
        item.tooltip = n.unit.id;
        item.iconPath = new vscode.ThemeIcon(n.unit.test ? 'beaker' : n.unit.kind === 'custom-build' ? 'tools' : 'symbol-module');
        item.contextValue = 'unit';
        item.id = n.key;
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.parse(n.uri);
        const item = new vscode.TreeItem(uri, C.None);
        item.description = (n.uncertain ? 'maybe · ' : '') + vscode.workspace.asRelativePath(uri.with({ path: uri.path.replace(/\/[^/]*$/, '') }));
        item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
        item.id = n.key;
        return item;
      }
    }
  }

  /** Reveals these units (the first selected). Returns the unit ids revealed. */
  async revealUnits(units: ext.UnitRef[]): Promise<string[]> {
    const ids = new Set(units.map((u) => u.id));
    const out: string[] = [];
    for (const ws of await this.getChildren()) {
      for (const pkg of await this.getChildren(ws)) {
        for (const unit of await this.getChildren(pkg)) {
          if (unit.kind !== 'unit' || !ids.has(unit.unit.id)) continue;
          await this.view.reveal(unit, { select: out.length === 0, focus: false, expand: false });
          out.push(unit.unit.id);
        }
      }
    }
    return out;
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
