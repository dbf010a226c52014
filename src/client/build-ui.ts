/**
 * Everything a build shows: the Build view, the status bar item, rustc's problems, the raw
 * output channel, and a cancellable notification while it runs.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import * as ext from '../protocol/lsp_ext.js';
import { BuildState } from './build-state.js';
import type { Ctx } from './ctx.js';
import { ProgressView } from './progress-view.js';
import { toProblem, type ProblemSeverity } from './rustc-diagnostics.js';

const SEVERITY: Record<ProblemSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export class BuildUi implements vscode.Disposable {
  readonly state = new BuildState();
  readonly view: ProgressView;
  readonly status: vscode.StatusBarItem;
  readonly problems = vscode.languages.createDiagnosticCollection('cargo-units');
  /** rustc problems per workspace and unit, so a unit's rebuild replaces only its own. */
  private readonly unitProblems = new Map<string, Map<string, { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[]>>();
  private indexing = false;
  private readonly ended = new vscode.EventEmitter<ext.BuildProgress & { kind: 'end' }>();
  readonly onDidEndBuild = this.ended.event;
  private readonly progressed = new vscode.EventEmitter<ext.BuildProgress>();
  readonly onDidProgress = this.progressed.event;
  private notification: { build: number; resolve: () => void; report: (m: string) => void } | undefined;
  private labels = new Map<string, string>();

  constructor(private readonly ctx: Ctx) {
    this.view = new ProgressView(this.state, (ws, id) => this.labels.get(`${ws}#${id}`) ?? id);
    this.status = vscode.window.createStatusBarItem('cargoUnits.status', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'cargo-units';
    this.status.command = 'cargoUnits.showBuildPanel';
    this.updateStatus();
    this.status.show();
    this.subscriptions = [ctx.onBuildProgress((p) => this.onProgress(p)), ctx.onServerStatus((s) => this.onServerStatus(s))];
  }

  private readonly subscriptions: vscode.Disposable[];
  private client: LanguageClient | undefined;

  attach(client: LanguageClient): void {
    this.client = client;
  }

  private onServerStatus(s: ext.ServerStatus): void {
    this.indexing = s.indexing;
    for (const e of s.errors) this.ctx.output.appendLine(`cannot index ${e}`);
    if (!s.indexing && this.client) void this.loadLabels(this.client);
    this.updateStatus();
  }

  private async loadLabels(client: LanguageClient): Promise<void> {
    const all = await client.sendRequest(ext.allUnits);
    this.labels = new Map(all.flatMap((ws) => ws.units.map((u) => [`${ws.root}#${u.id}`, u.label] as [string, string])));
  }

  private onProgress(p: ext.BuildProgress): void {
    const run = this.state.apply(p, Date.now());
    if (!run) return;
    if (p.kind === 'output') this.ctx.buildLog.appendLine(p.line);
    else if (p.kind === 'event') {
      const e = p.event;
      if (e.type === 'log') this.ctx.buildLog.appendLine(e.line);
      if (e.type === 'start') this.setUnitProblems(p.workspace, e.unit, undefined);
      if (e.type === 'plan') for (const id of e.cached) this.setUnitProblems(p.workspace, id, undefined);
      if (e.type === 'diagnostic') {
        const problem = toProblem(e.diagnostic);
        if (problem) {
          const d = new vscode.Diagnostic(
            new vscode.Range(problem.range.startLine, problem.range.startCharacter, problem.range.endLine, problem.range.endCharacter),
            problem.message,
            SEVERITY[problem.severity],
          );
          d.source = 'rustc';
          if (problem.code) d.code = problem.code;
          d.relatedInformation = problem.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), new vscode.Position(r.line, r.character)), r.message));
          const list = this.unitProblems.get(p.workspace)?.get(e.unit) ?? [];
          list.push({ uri: vscode.Uri.file(problem.file), diagnostic: d });
          this.setUnitProblems(p.workspace, e.unit, list);
        }
      }
      if (e.type === 'start' && this.notification?.build === p.build) {
        const { done, total } = this.state.progress();
        this.notification.report(`${done + 1} of ${total}: ${this.labels.get(`${p.workspace}#${e.unit}`) ?? e.unit}`);
      }
    } else if (p.kind === 'begin') {
      this.ctx.buildLog.appendLine(`— build ${p.build}: ${p.units.length} unit(s) affected`);
      this.showNotification(p.workspace, p.build, p.units.length);
    } else if (p.kind === 'end') {
      this.ctx.buildLog.appendLine(`— build ${p.build} ${p.outcome}${p.message ? `: ${p.message}` : ''}`);
      if (this.notification?.build === p.build) this.notification.resolve();
      this.ended.fire(p);
    }
    this.view.refresh();
    this.updateStatus();
    this.progressed.fire(p);
  }

  /** `undefined` clears; a list replaces the unit's problems. */
  private setUnitProblems(workspace: string, unit: string, list: { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[] | undefined): void {
    let byUnit = this.unitProblems.get(workspace);
    if (!byUnit) this.unitProblems.set(workspace, (byUnit = new Map()));
    if (list && list.length > 0) byUnit.set(unit, list);
    else if (!byUnit.delete(unit)) return;
    const byFile = new Map<string, { uri: vscode.Uri; ds: vscode.Diagnostic[] }>();
    for (const ws of this.unitProblems.values()) {
      for (const items of ws.values()) {
        for (const { uri, diagnostic } of items) {
          const k = uri.toString();
          const entry = byFile.get(k) ?? { uri, ds: [] };
          // The same error from a unit and its test build is shown once.
          if (!entry.ds.some((x) => x.message === diagnostic.message && x.range.isEqual(diagnostic.range))) entry.ds.push(diagnostic);
          byFile.set(k, entry);
        }
      }
    }
    this.problems.clear();
    for (const { uri, ds } of byFile.values()) this.problems.set(uri, ds);
  }

  private showNotification(workspace: string, build: number, units: number): void {
    this.notification?.resolve();
    // Set before withProgress calls back: the build may end first.
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const n = { build, resolve, report: (_m: string) => undefined as void };
    this.notification = n;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `cargo-units: building ${units} unit${units === 1 ? '' : 's'}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => void this.ctx.client?.sendRequest(ext.cancelBuild, { workspace }));
        n.report = (message) => progress.report({ message });
        return done;
      },
    );
    void vscode.window.withProgress({ location: { viewId: 'cargoUnits.progress' } }, () => done);
  }

  private updateStatus(): void {
    const { running, done, total, failed } = this.state.progress();
    if (running) {
      this.status.text = `$(sync~spin) cargo-units: building ${done} of ${total}`;
      this.status.backgroundColor = undefined;
    } else if (this.indexing) {
      this.status.text = '$(loading~spin) cargo-units: indexing';
      this.status.backgroundColor = undefined;
    } else if (failed) {
      this.status.text = '$(error) cargo-units: failed';
      this.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      this.status.text = '$(check) cargo-units: idle';
      this.status.backgroundColor = undefined;
    }
    this.status.tooltip = 'cargo-units: click to show the Build view';
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.notification?.resolve();
    this.view.dispose();
    this.status.dispose();
    this.problems.dispose();
    this.ended.dispose();
    this.progressed.dispose();
  }
}
