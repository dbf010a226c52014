/**
 * The cargo-units language server's state and handlers: unit membership of every file for the
 * Cargo workspaces of the open folders, in sync with unsaved editor text and file changes, and
 * builds on request or save. Every failure is logged and shown to the user, never swallowed.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  FileChangeType,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseCfgOption } from '../core/cfg/expr.js';
import type { IndexOptions } from '../core/index.js';
import * as ext from '../protocol/lsp_ext.js';
import { Builds } from './builds.js';
import { DirWatcher } from './watch.js';
import { registerWhy, withChains } from './why.js';
import { unitSummary, WorkspaceSet } from './workspaces.js';

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const toPath = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);
const toUri = (path: string): string => pathToFileURL(path).href;

export function indexOptions(o: ext.InitializationOptions): IndexOptions {
  return {
    features: { features: o.features, allFeatures: o.allFeatures, noDefaultFeatures: o.noDefaultFeatures },
    target: o.target || undefined,
    cfgs: o.cfgs.map((c) => parseCfgOption(c)),
    // Restricted Mode runs no program: the target cfg comes from the built-in table.
    rustc: o.trusted ? undefined : false,
    cache: true,
  };
}

export class CargoUnitsServer {
  private init!: ext.InitializationOptions;
  private folders: string[] = [];
  private set!: WorkspaceSet;
  private builds: Builds | undefined;
  /** Index updates run one after another, in the order the editor sent them. */
  private queue: Promise<void> = Promise.resolve();
  /** Files written by other programs reach the index through this at once (the editor's file events come later). */
  private readonly watcher = new DirWatcher((paths) => {
    for (const p of paths) if (!this.documents.get(toUri(p))) this.update(p, undefined, false);
  });

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    /** Where the bundled CLI is (next to the server bundle). */
    private readonly cliPath: string,
  ) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => this.initialized());
    documents.onDidChangeContent((e) => {
      const p = toPath(e.document.uri);
      if (p) this.update(p, e.document.getText(), true);
    });
    documents.onDidOpen((e) => {
      const p = toPath(e.document.uri);
      if (p) this.opened(p);
    });
    documents.onDidClose((e) => {
      const p = toPath(e.document.uri);
      if (p) this.update(p, undefined, true);
    });
    documents.onDidSave((e) => this.saved(e.document.uri));
    connection.onDidChangeWatchedFiles((params) => {
      for (const c of params.changes) {
        const p = toPath(c.uri);
        // Open documents are followed through their editor text; a deletion always counts.
        if (p && (c.type === FileChangeType.Deleted || !documents.get(c.uri))) this.update(p, undefined, false);
      }
    });
    connection.onRequest(ext.unitsOfFile, ({ uris }) => this.serialize('unitsOfFile', () => uris.map((uri) => this.fileUnits(uri))));
    connection.onRequest(ext.allUnits, () => this.serialize('allUnits', () => this.allUnits()));
    connection.onRequest(ext.filesOfUnit, ({ workspace, unit }) =>
      this.serialize('filesOfUnit', () => {
        const root = toPath(workspace);
        const e = this.set.all.find((w) => w.root === root)?.index?.unit(unit);
        return { files: (e?.files ?? []).map(toUri), uncertain: (e?.uncertain ?? []).map((u) => toUri(u.file)) };
      }),
    );
    connection.onRequest(ext.affectedUnits, ({ uris }) =>
      this.serialize('affectedUnits', () => ({ workspaces: [...this.affectedByWorkspace(uris)].map(([root, e]) => ({ root: toUri(root), units: e.units })) })),
    );
    connection.onRequest(ext.build, (params) => this.serialize('build', () => this.build(params)));
    connection.onRequest(ext.cancelBuild, ({ workspace }) => this.builds?.cancel(workspace ? toPath(workspace) : undefined) ?? 0);
    connection.onRequest(ext.reindex, () => this.serialize('reindex', () => this.reload()));
    registerWhy(connection, { serialize: (f) => this.serialize('why', f), workspaces: () => this.set, documents, toPath, toUri });
    connection.onShutdown(() => {
      this.builds?.dispose();
      this.watcher.dispose();
    });
  }

  /** Logs a failure with its stack and shows it: nothing the server does fails silently. */
  private fail(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.connection.console.error(`${what} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
    void this.connection.window.showErrorMessage(`cargo-units: ${what} failed: ${message}`);
  }

  /** Runs `f` after everything queued before it; a failure is reported (and rejects the returned promise for a request). */
  private serialize<T>(what: string, f: () => Promise<T> | T): Promise<T> {
    const p = this.queue.then(f);
    this.queue = p.then(
      () => undefined,
      (err: unknown) => this.fail(what, err),
    );
    return p;
  }

  /** As `serialize`, for work nobody awaits: its failure is reported by the queue. */
  private enqueue(what: string, f: () => Promise<void> | void): void {
    this.serialize(what, f).catch(() => undefined /* reported by serialize */);
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.init = params.initializationOptions as ext.InitializationOptions;
    this.folders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p): p is string => p !== undefined);
    this.set = new WorkspaceSet([], indexOptions(this.init));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
    };
  }

  private initialized(): void {
    const init = this.init;
    this.builds = init.trusted
      ? new Builds({
          settings: init.build,
          bundled: { node: process.execPath, cli: this.cliPath },
          targetOf: (root) => ({
            root,
            features: init.features,
            allFeatures: init.allFeatures,
            noDefaultFeatures: init.noDefaultFeatures,
            target: init.target,
            cfgs: init.cfgs,
          }),
          unitsOf: (root, job) => {
            const index = this.set.all.find((w) => w.root === root)?.index;
            return index ? [...new Set([...index.affected(job.files), ...job.units])].sort() : job.units;
          },
          depsOf: (root) =>
            Object.fromEntries((this.set.all.find((w) => w.root === root)?.index?.entries ?? []).map((e) => [e.unit.id, e.unit.deps.map((d) => d.unitId)])),
          packageDirOf: (root, unit) => this.set.all.find((w) => w.root === root)?.index?.unit(unit)?.unit.package.dir,
          report: (p) => void this.connection.sendNotification(ext.buildProgress, { ...p, workspace: toUri(p.workspace) }),
          onError: (err) => this.fail('a build', err),
        })
      : undefined;
    this.connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => toPath(f.uri)));
      this.folders = [...this.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => toPath(f.uri)).filter((p): p is string => p !== undefined)];
      this.enqueue('indexing', () => this.reload());
    });
    this.enqueue('indexing', () => this.reload());
  }

  private sendStatus(indexing: boolean): void {
    // A detached package's error shows in the Units view only (the user opened a file of it; no notification).
    const errors = this.set.all.filter((w) => w.error && !w.detached).map((w) => `${w.root}: ${w.error}`);
    void this.connection.sendNotification(ext.serverStatus, { indexing, workspaces: this.set.all.length, errors });
  }

  private async reload(): Promise<void> {
    this.sendStatus(true);
    try {
      const detached = this.set.detached;
      this.set = new WorkspaceSet(this.folders, indexOptions(this.init), undefined, this.init.linkedProjects ?? [], detached);
      await this.set.load();
      for (const d of this.documents.all()) {
        const p = toPath(d.uri);
        if (p) await this.set.update(p, d.getText(), true);
      }
      this.watcher.sync(this.set.watchedDirs());
    } finally {
      this.sendStatus(false);
    }
    void this.connection.sendNotification(ext.indexChanged, { uris: [], all: true });
  }

  private update(path: string, text: string | undefined, overlay: boolean): void {
    this.enqueue('updating the index', async () => {
      const r = await this.set.update(path, text, overlay);
      if (r.all) this.sendStatus(false);
      if (r.all || r.files.length > 0) this.watcher.sync(this.set.watchedDirs());
      if (r.all || r.files.length > 0) void this.connection.sendNotification(ext.indexChanged, { uris: r.files.map(toUri), all: r.all });
    });
  }

  /** A file in no indexed workspace, opened: its package is indexed, detached. */
  private opened(path: string): void {
    this.enqueue('indexing an opened package', async () => {
      if (!(await this.set.openDetached(path))) return;
      await this.set.update(path, this.documents.get(toUri(path))?.getText(), true);
      this.watcher.sync(this.set.watchedDirs());
      this.sendStatus(false);
      void this.connection.sendNotification(ext.indexChanged, { uris: [], all: true });
    });
  }

  private saved(uri: string): void {
    const p = toPath(uri);
    const builds = this.builds;
    if (!p || !builds || !this.init.build.onSave) return;
    this.enqueue('build on save', () => {
      const w = this.set.workspaceOf(p);
      // Only a save that changes some unit needs a build.
      if (w?.index && w.index.affected([p]).length > 0) builds.request(w.root, { files: [p] }, false);
    });
  }

  private fileUnits(uri: string): ext.FileUnits {
    const p = toPath(uri);
    if (!p) return { uri, status: 'outside', units: [] };
    const folder = isDirectory(p);
    const info = folder ? this.set.folderInfo(p) : this.set.fileInfo(p);
    const units = folder
      ? info.units
      : withChains(this.set.workspaceOf(p)?.index, p, info.units, () => void this.connection.sendNotification(ext.indexChanged, { uris: [uri], all: false }));
    return { uri, status: info.status, units, ...(folder ? { folder } : {}), ...(info.workspace ? { workspace: toUri(info.workspace) } : {}) };
  }

  private allUnits(): ext.WorkspaceUnits[] {
    return this.set.all.map((w): ext.WorkspaceUnits => ({
      root: toUri(w.root),
      name: w.index?.workspace.members.length === 1 ? w.index.workspace.members[0]!.name : (w.root.split('/').pop() ?? w.root),
      units: w.index?.entries.map(unitSummary) ?? [],
      ...(w.error ? { error: w.error } : {}),
      ...(w.detached ? { detached: true } : {}),
    }));
  }

  private affectedByWorkspace(uris: string[]): Map<string, { files: string[]; units: string[] }> {
    const out = new Map<string, { files: string[]; units: string[] }>();
    for (const uri of uris) {
      const p = toPath(uri);
      const w = p ? this.set.workspaceOf(p) : undefined;
      if (!p || !w?.index) continue;
      let entry = out.get(w.root);
      if (!entry) out.set(w.root, (entry = { files: [], units: [] }));
      entry.files.push(p);
    }
    for (const [root, entry] of out) entry.units = this.set.all.find((w) => w.root === root)!.index!.affected(entry.files);
    return out;
  }

  private build(params: ext.BuildParams): ext.BuildResult {
    const builds = this.builds;
    if (!builds) return { scheduled: [], message: 'Restricted Mode: cargo-units runs no builds until the workspace is trusted.' };
    const scheduled: string[] = [];
    for (const [root, e] of this.affectedByWorkspace(params.uris ?? [])) {
      if (e.units.length === 0) continue;
      builds.request(root, { files: e.files }, params.now ?? false);
      scheduled.push(toUri(root));
    }
    const root = params.workspace ? toPath(params.workspace) : undefined;
    if (root && params.units && params.units.length > 0) {
      builds.request(root, { units: params.units }, params.now ?? false);
      if (!scheduled.includes(toUri(root))) scheduled.push(toUri(root));
    }
    return scheduled.length > 0 ? { scheduled } : { scheduled, message: 'No unit reads these files: nothing to build.' };
  }
}

export const bundledCli = (dir: string): string => join(dir, 'cli.cjs');
