/**
 * The Build view: the units of the current or last build, live. The failed unit and its first
 * error come first, then what it stopped ("skipped: X failed"), then the rest; a build-level
 * problem is one row on top. It tells when it has fetched a state, so the status bar never
 * shows a newer one than the view.
 */
import * as vscode from 'vscode';
import { TreePacer } from './tree-pacer.js';
import { formatSeconds, orderedRows, type BuildRun, type BuildState, type UnitError, type UnitRow, type UnitState } from './build-state.js';

export type ProgressNode =
  | { kind: 'run'; run: BuildRun }
  | { kind: 'problem'; run: BuildRun }
  | { kind: 'unit'; run: BuildRun; row: UnitRow }
  | { kind: 'error'; run: BuildRun; row: UnitRow; error: UnitError; index: number }
  | { kind: 'text'; run: BuildRun; row: UnitRow; text: string; index: number };

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
  private readonly pacer = new TreePacer(() => this.changed.fire(undefined));
  /** The state generation the view last fetched. */
  shown = -1;
  /** Taken with each fetch, in step with it (the status bar's build part). */
  snapshot: () => unknown = () => undefined;
  private readonly fetched = new vscode.EventEmitter<{ generation: number; snapshot: unknown }>();
  /** Fired after the view fetched a state (its rows are on their way to the screen), with the snapshot taken then. */
  readonly onDidFetch = this.fetched.event;
  emptyMessage = 'No build yet. Save a Rust file, or run "cargo-units: Build Affected Units".';

  constructor(
    private readonly state: BuildState,
    private readonly labelOf: (workspace: string, unit: string) => string,
  ) {
    this.view = vscode.window.createTreeView('cargoUnits.progress', { treeDataProvider: this });
    this.view.message = this.emptyMessage;
  }

  /**
   * Redraws as soon as VS Code draws a change (see TreePacer), and every second while a build runs
   * (durations tick) unless a change was drawn within that second.
   */
  refresh(): void {
    this.pacer.changed();
    const running = this.state.progress().running;
    if (running && !this.timer) this.timer = setInterval(() => this.pacer.sinceLast() >= 900 && this.pacer.changed(), 1000);
    if (!running && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    // Setting the message counts as a change of the tree for VS Code's window: only when it changes.
    const message = this.state.runs.size === 0 ? this.emptyMessage : undefined;
    if (this.view.message !== message) this.view.message = message;
  }

  getChildren(n?: ProgressNode): ProgressNode[] {
    if (!n) {
      const generation = this.state.generation;
      const snapshot = this.snapshot();
      const runs = [...this.state.runs.values()];
      const nodes = runs.length === 1 ? this.unitsOf(runs[0]!) : runs.map((run): ProgressNode => ({ kind: 'run', run }));
      // After the items of this call went out (getTreeItem runs right after getChildren).
      setTimeout(() => {
        if (generation < this.shown) return;
        this.shown = generation;
        this.fetched.fire({ generation, snapshot });
      }, 0);
      return nodes;
    }
    if (n.kind === 'run') return this.unitsOf(n.run);
    if (n.kind === 'unit') {
      const { run, row } = n;
      if (row.errors.length > 0) return row.errors.map((error, index) => ({ kind: 'error', run, row, error, index }));
      if (row.failure) return row.failure.split('\n').map((text, index) => ({ kind: 'text', run, row, text, index }));
    }
    return [];
  }

  private unitsOf(run: BuildRun): ProgressNode[] {
    const rows = orderedRows(run).map((row): ProgressNode => ({ kind: 'unit', run, row }));
    return run.problem ? [{ kind: 'problem', run }, ...rows] : rows;
  }

  getTreeItem(n: ProgressNode): vscode.TreeItem {
    const key = `${n.run.workspace}#${n.run.build}`;
    switch (n.kind) {
      case 'run': {
        const item = new vscode.TreeItem(
          vscode.workspace.asRelativePath(vscode.Uri.parse(n.run.workspace)) || n.run.workspace,
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.description = n.run.status + (n.run.seconds !== undefined ? ` · ${formatSeconds(n.run.seconds)}` : '');
        item.id = key;
        return item;
      }
      case 'problem': {
        const p = n.run.problem!;
        const item = new vscode.TreeItem(p.message.split('\n')[0]!);
        item.tooltip = p.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
        item.command = { command: 'cargoUnits.showBuildProblem', title: 'Show', arguments: [n.run.workspace] };
        item.id = `${key}#problem`;
        return item;
      }
      case 'error': {
        const e = n.error;
        const item = new vscode.TreeItem(e.title);
        item.description = e.file ? `${vscode.workspace.asRelativePath(vscode.Uri.file(e.file))}:${e.line}` : undefined;
        item.tooltip = new vscode.MarkdownString().appendCodeblock(e.rendered, 'text');
        if (e.file) {
          const pos = new vscode.Position((e.line ?? 1) - 1, (e.column ?? 1) - 1);
          item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(e.file), { selection: new vscode.Range(pos, pos) }] };
        }
        item.id = `${key}#${n.row.id}#error${n.index}`;
        return item;
      }
      case 'text': {
        const item = new vscode.TreeItem(n.text);
        item.tooltip = n.row.failure;
        item.id = `${key}#${n.row.id}#text${n.index}`;
        return item;
      }
      case 'unit':
        return this.unitItem(n.run, n.row, key);
    }
  }

  private unitItem(run: BuildRun, row: UnitRow, key: string): vscode.TreeItem {
    const expandable = row.errors.length > 0 || row.failure !== undefined;
    const item = new vscode.TreeItem(
      this.labelOf(run.workspace, row.id),
      expandable
        ? row.failedOrder === 0
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    const seconds = row.seconds ?? (row.state === 'building' && row.startedAt !== undefined ? (Date.now() - row.startedAt) / 1000 : undefined);
    let what: string = row.state;
    if (row.state === 'building' && row.phase) what = row.phase;
    if (row.state === 'failed' && row.errors.length > 0) what = `failed: ${row.errors[0]!.title}${row.errors.length > 1 ? ` (+${row.errors.length - 1})` : ''}`;
    if (row.state === 'skipped')
      what = row.causes.length > 0 ? `skipped: ${row.causes.map((c) => this.labelOf(run.workspace, c)).join(', ')} failed` : 'skipped';
    item.description = [what, seconds !== undefined && row.state !== 'skipped' ? formatSeconds(seconds) : undefined].filter(Boolean).join(' · ');
    const [icon, color] = ICON[row.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = `${row.id}: ${what}`;
    item.id = `${key}#${row.id}`;
    return item;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.pacer.dispose();
    this.view.dispose();
    this.changed.dispose();
    this.fetched.dispose();
  }
}
