/** The Build view: the units of the current or last build, with state and duration, live. */
import * as vscode from 'vscode';
import { formatSeconds, type BuildRun, type BuildState, type UnitRow, type UnitState } from './build-state.js';

export type ProgressNode =
  | { kind: 'run'; run: BuildRun }
  | { kind: 'unit'; run: BuildRun; row: UnitRow }
  | { kind: 'message'; text: string };

const ICON: Record<UnitState, [string, string?]> = {
  queued: ['circle-outline'],
  building: ['sync~spin'],
  built: ['pass', 'testing.iconPassed'],
  cached: ['database', 'descriptionForeground'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'descriptionForeground'],
  skipped: ['debug-step-over', 'descriptionForeground'],
};

export class ProgressView implements vscode.TreeDataProvider<ProgressNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProgressNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ProgressNode>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: BuildState,
    private readonly labelOf: (workspace: string, unit: string) => string,
  ) {
    this.view = vscode.window.createTreeView('cargoUnits.progress', { treeDataProvider: this });
  }

  /** Redraws now, and every second while a build runs (durations tick). */
  refresh(): void {
    this.changed.fire(undefined);
    const running = this.state.progress().running;
    if (running && !this.timer) this.timer = setInterval(() => this.changed.fire(undefined), 1000);
    if (!running && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const runs = [...this.state.runs.values()];
    this.view.message = runs.length === 0 ? 'No build yet. Save a Rust file or run "cargo-units: Build Affected Units".' : undefined;
  }

  getChildren(n?: ProgressNode): ProgressNode[] {
    const runs = [...this.state.runs.values()];
    if (!n) {
      if (runs.length === 1) return this.unitsOf(runs[0]!);
      return runs.map((run) => ({ kind: 'run', run }));
    }
    if (n.kind === 'run') return this.unitsOf(n.run);
    if (n.kind === 'unit') return n.row.messages.flatMap((m) => m.split('\n')).map((text) => ({ kind: 'message', text }));
    return [];
  }

  private unitsOf(run: BuildRun): ProgressNode[] {
    return [...run.units.values()].map((row) => ({ kind: 'unit', run, row }) as ProgressNode).concat(run.messages.map((text) => ({ kind: 'message', text })));
  }

  getTreeItem(n: ProgressNode): vscode.TreeItem {
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text);
      item.tooltip = n.text;
      return item;
    }
    if (n.kind === 'run') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(vscode.Uri.parse(n.run.workspace)) || n.run.workspace, vscode.TreeItemCollapsibleState.Expanded);
      item.description = n.run.status + (n.run.seconds !== undefined ? ` · ${formatSeconds(n.run.seconds)}` : '');
      return item;
    }
    const { row } = n;
    const item = new vscode.TreeItem(this.labelOf(n.run.workspace, row.id), row.messages.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    const seconds = row.seconds ?? (row.state === 'building' && row.startedAt !== undefined ? (Date.now() - row.startedAt) / 1000 : undefined);
    item.description = [row.phase ?? row.state, seconds !== undefined ? formatSeconds(seconds) : undefined].filter(Boolean).join(' · ');
    const [icon, color] = ICON[row.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = `${row.id}: ${row.state}`;
    item.id = `${n.run.workspace}#${n.run.build}#${row.id}`;
    return item;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.view.dispose();
    this.changed.dispose();
  }
}
