/**
 * Everything a build shows: the Build view, the status bar item (last result and the current
 * file's units), rustc's problems with their fixes, the raw output channel, a cancellable
 * notification while it runs, and one actionable message when a whole build fails.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RustcDiagnostic } from '../protocol/build-events.js';
import * as ext from '../protocol/lsp_ext.js';
import { BuildState, formatSeconds, type BuildRun } from './build-state.js';
import type { Ctx } from './ctx.js';
import { ProgressView } from './progress-view.js';
import { toProblem, type ProblemFix, type ProblemSeverity } from './rustc-diagnostics.js';

const SEVERITY: Record<ProblemSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

interface StatusPart {
  text: string;
  failed?: boolean;
  /** The state generation it was taken from. */
  generation: number;
}

interface UnitProblem {
  uri: vscode.Uri;
  diagnostic: vscode.Diagnostic;
  fixes: ProblemFix[];
}

const toRange = (r: { startLine: number; startCharacter: number; endLine: number; endCharacter: number }) =>
  new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);

/** `units-core (build script)` → `units-core (build script run)` for the run of a build script. */
export function runLabel(scriptLabel: string): string {
  return scriptLabel.includes('(build script)') ? scriptLabel.replace('(build script)', '(build script run)') : `${scriptLabel} (run)`;
}

export class BuildUi implements vscode.Disposable, vscode.CodeActionProvider {
  readonly state = new BuildState();
  readonly view: ProgressView;
  readonly status: vscode.StatusBarItem;
  readonly problems = vscode.languages.createDiagnosticCollection('cargo-units');
  /** rustc problems per workspace and unit, so a unit's rebuild replaces only its own. */
  private readonly unitProblems = new Map<string, Map<string, UnitProblem[]>>();
  /** Fixes of the diagnostics shown, by diagnostic object. */
  private readonly fixes = new WeakMap<vscode.Diagnostic, ProblemFix[]>();
  private indexing = false;
  private readonly ended = new vscode.EventEmitter<ext.BuildProgress & { kind: 'end' }>();
  readonly onDidEndBuild = this.ended.event;
  private readonly progressed = new vscode.EventEmitter<ext.BuildProgress>();
  readonly onDidProgress = this.progressed.event;
  /** Fired when the status bar text changed, with the state generation it shows. */
  private readonly statusChanged = new vscode.EventEmitter<{ text: string; generation: number }>();
  readonly onDidChangeStatus = this.statusChanged.event;
  private notification: { build: number; resolve: () => void; report: (m: string) => void } | undefined;
  private labels = new Map<string, string>();
  /** The units of the file in the active editor. */
  private current: ext.FileUnits | undefined;
  /** The state generation the status bar shows. */
  statusGeneration = -1;
  /** The status bar's build part as of the Build view's last fetch. */
  private shownPart: StatusPart | undefined;
  private readonly subscriptions: vscode.Disposable[];
  private client: LanguageClient | undefined;

  constructor(private readonly ctx: Ctx) {
    this.view = new ProgressView(this.state, (ws, id) => this.label(ws, id));
    this.view.snapshot = () => this.buildPart();
    if (!ctx.trusted) this.view.emptyMessage = 'Restricted Mode: cargo-units builds once you trust this workspace.';
    this.view.refresh();
    this.status = vscode.window.createStatusBarItem('cargoUnits.status', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'cargo-units';
    this.status.command = 'cargoUnits.showBuildPanel';
    this.updateStatus();
    this.status.show();
    this.subscriptions = [
      ctx.onBuildProgress((p) => this.onProgress(p)),
      ctx.onServerStatus((s) => this.onServerStatus(s)),
      // The status bar follows the view: it never shows a newer state than the Build view.
      this.view.onDidFetch(({ snapshot }) => {
        this.shownPart = snapshot as StatusPart;
        this.updateStatus();
      }),
      this.view.view.onDidChangeVisibility(() => this.updateStatus()),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file', language: 'rust' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.commands.registerCommand('cargoUnits.showBuildProblem', (workspace?: string) => this.showProblem(workspace)),
    ];
    void vscode.commands.executeCommand('setContext', 'cargoUnits.building', false);
  }

  attach(client: LanguageClient): void {
    this.client = client;
  }

  label(workspace: string, id: string): string {
    if (id.endsWith('#run')) {
      const script = this.labels.get(`${workspace}#${id.slice(0, -4)}`);
      return script ? runLabel(script) : id;
    }
    return this.labels.get(`${workspace}#${id}`) ?? id;
  }

  /** The units of the active editor's file, for the status bar. */
  setCurrentFile(f: ext.FileUnits | undefined): void {
    this.current = f;
    this.updateStatus();
  }

  private onServerStatus(s: ext.ServerStatus): void {
    this.indexing = s.indexing;
    for (const e of s.errors) this.ctx.output.appendLine(`cannot index ${e}`);
    if (!s.indexing && this.client) void this.loadLabels(this.client);
    this.updateStatus();
  }

  private async loadLabels(client: LanguageClient): Promise<void> {
    try {
      const all = await client.sendRequest(ext.allUnits);
      this.labels = new Map(all.flatMap((ws) => ws.units.map((u) => [`${ws.root}#${u.id}`, u.label] as [string, string])));
      this.view.refresh();
    } catch (err) {
      this.ctx.output.appendLine(`cannot read the unit names: ${err}`);
    }
  }

  private onProgress(p: ext.BuildProgress): void {
    if (p.kind === 'output') this.ctx.buildLog.appendLine(p.line);
    if (p.kind === 'event' && p.event.type === 'log') this.ctx.buildLog.appendLine(p.event.line);
    const run = this.state.apply(p, Date.now());
    if (p.kind === 'event') {
      const e = p.event;
      if (e.type === 'start') this.setUnitProblems(p.workspace, e.unit, undefined);
      if (e.type === 'plan') for (const id of e.cached) this.setUnitProblems(p.workspace, id, undefined);
      if (e.type === 'diagnostic') this.addProblem(p.workspace, e.unit, e.diagnostic);
      if (e.type === 'start' && this.notification?.build === p.build) {
        const { done, total } = this.state.progress();
        this.notification.report(`${done + 1} of ${total}: ${this.label(p.workspace, e.unit)}`);
      }
    } else if (p.kind === 'begin') {
      this.ctx.buildLog.appendLine(`— build ${p.build}: ${p.units.length} unit(s) affected`);
      void vscode.commands.executeCommand('setContext', 'cargoUnits.building', true);
      this.showNotification(p.workspace, p.build);
    } else if (p.kind === 'end') {
      this.ctx.buildLog.appendLine(
        `— build ${p.build} ${p.outcome}${p.exitCode !== undefined ? ` (exit code ${p.exitCode})` : ''}${p.message ? `: ${p.message}` : ''}`,
      );
      if (this.notification?.build === p.build) this.notification.resolve();
      if (!this.state.progress().running) void vscode.commands.executeCommand('setContext', 'cargoUnits.building', false);
      if (run?.problem) void this.showProblem(p.workspace);
      this.ended.fire(p);
    }
    if (run) {
      this.view.refresh();
      // A hidden view fetches nothing: the status bar then follows the state directly.
      if (!this.view.view.visible) this.updateStatus();
    }
    this.progressed.fire(p);
  }

  private addProblem(workspace: string, unit: string, d: RustcDiagnostic): void {
    const problem = toProblem(d);
    if (!problem) return;
    const diagnostic = new vscode.Diagnostic(toRange(problem.range), problem.message, SEVERITY[problem.severity]);
    diagnostic.source = 'rustc';
    if (problem.code) diagnostic.code = problem.code.href ? { value: problem.code.value, target: vscode.Uri.parse(problem.code.href) } : problem.code.value;
    diagnostic.relatedInformation = problem.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), r.message),
    );
    this.fixes.set(diagnostic, problem.fixes);
    const list = this.unitProblems.get(workspace)?.get(unit) ?? [];
    list.push({ uri: vscode.Uri.file(problem.file), diagnostic, fixes: problem.fixes });
    this.setUnitProblems(workspace, unit, list);
  }

  /** Quick Fixes: rustc's suggestions of the diagnostics at the range. */
  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      for (const fix of this.fixes.get(d) ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText);
        out.push(action);
      }
    }
    void document;
    return out;
  }

  /** `undefined` clears; a list replaces the unit's problems. */
  private setUnitProblems(workspace: string, unit: string, list: UnitProblem[] | undefined): void {
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

  /** One clear message for a build that failed as a whole, with what to do about it. */
  private async showProblem(workspace?: string): Promise<void> {
    const run = workspace ? this.state.runs.get(workspace) : this.state.last();
    const p = run?.problem;
    if (!p) return;
    const actions: string[] = [];
    if (p.setting === 'vendorDir') actions.push('Set Vendor Directory');
    else if (p.setting) actions.push('Open Setting');
    actions.push('Show Log');
    const pick = await vscode.window.showErrorMessage(`cargo-units: the build failed: ${p.message.split('\n')[0]}`, { detail: p.message }, ...actions);
    if (pick === 'Open Setting') await vscode.commands.executeCommand('workbench.action.openSettings', `cargoUnits.${p.setting}`);
    if (pick === 'Set Vendor Directory') await vscode.commands.executeCommand('workbench.action.openSettings', 'cargoUnits.vendorDir');
    if (pick === 'Show Log') this.ctx.buildLog.show(true);
  }

  private showNotification(workspace: string, build: number): void {
    this.notification?.resolve();
    // Set before withProgress calls back: the build may end first.
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const n = { build, resolve, report: (_m: string) => undefined as void };
    this.notification = n;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'cargo-units: building', cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => void this.ctx.client?.sendRequest(ext.cancelBuild, { workspace }));
        n.report = (message) => progress.report({ message });
        return done;
      },
    );
    void vscode.window.withProgress({ location: { viewId: 'cargoUnits.progress' } }, () => done);
  }

  /** The result of a finished build, in a few words: `built 4 in 2.3 s`, `1 failed`. */
  static resultText(run: BuildRun): { icon: string; text: string; failed: boolean } {
    const r = run.result ?? { built: 0, cached: 0, failed: 0 };
    if (run.status === 'cancelled') return { icon: '$(circle-slash)', text: 'cancelled', failed: false };
    if (run.problem) return { icon: '$(error)', text: 'build failed', failed: true };
    if (r.failed > 0) return { icon: '$(error)', text: `${r.failed} failed`, failed: true };
    if (run.status === 'failed') return { icon: '$(error)', text: 'build failed', failed: true };
    const seconds = run.seconds !== undefined ? ` in ${formatSeconds(run.seconds)}` : '';
    return { icon: '$(check)', text: r.built > 0 ? `built ${r.built}${seconds}` : 'up to date', failed: false };
  }

  /** The build part of the status bar for the current state. */
  private buildPart(): StatusPart {
    const { running, done, total } = this.state.progress();
    const last = this.state.last();
    if (running) return { text: `$(sync~spin) cargo-units: building ${done} of ${total}`, generation: this.state.generation };
    if (!last) return { text: '$(check) cargo-units', generation: this.state.generation };
    const r = BuildUi.resultText(last);
    return { text: `${r.icon} cargo-units: ${r.text}`, failed: r.failed, generation: this.state.generation };
  }

  private updateStatus(): void {
    // A visible Build view: the part its last fetch took, so the status bar is never ahead of it.
    const part = this.view.view.visible && this.shownPart ? this.shownPart : this.buildPart();
    let text = this.indexing && !part.text.includes('building') ? '$(loading~spin) cargo-units: indexing' : part.text;
    const units = this.current?.units ?? [];
    if (units.length > 0) text += ` · ${units[0]!.label}${units.length > 1 ? ` +${units.length - 1}` : ''}`;
    const tooltip = new vscode.MarkdownString();
    if (units.length > 0) tooltip.appendMarkdown(`This file is read by:\n\n${units.map((u) => `- ${u.label}${u.uncertain ? ' (maybe)' : ''}`).join('\n')}\n\n`);
    else if (this.current?.status === 'unread') tooltip.appendMarkdown('No unit reads this file.\n\n');
    tooltip.appendMarkdown('Click to show the Build view.');
    this.status.text = text;
    this.status.tooltip = tooltip;
    this.status.backgroundColor = part.failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.statusGeneration = part.generation;
    this.statusChanged.fire({ text, generation: part.generation });
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.notification?.resolve();
    this.view.dispose();
    this.status.dispose();
    this.problems.dispose();
    this.ended.dispose();
    this.progressed.dispose();
    this.statusChanged.dispose();
  }
}
