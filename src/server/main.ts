/**
 * The cargo-units language server: unit membership of every file for the Cargo workspaces in the
 * open folders, in sync with unsaved editor text and file changes, and builds on request or save.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, FileChangeType, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseCfgOption } from '../core/cfg/expr.js';
import type { IndexOptions } from '../core/index.js';
import * as ext from '../protocol/lsp_ext.js';
import { Builds } from './builds.js';
import { DirWatcher } from './watch.js';
import { registerWhy, withChains } from './why.js';
import { unitSummary, WorkspaceSet } from './workspaces.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let init: ext.InitializationOptions;
let folders: string[] = [];
let set: WorkspaceSet;
let builds: Builds | undefined;
/** Index updates run one after another, in the order the editor sent them. */
let queue: Promise<unknown> = Promise.resolve();

/** Files written by other programs reach the index through this at once (the editor's file events come later). */
const watcher = new DirWatcher((paths) => {
  for (const p of paths) if (!documents.get(toUri(p))) void update(p, undefined, false);
});

const toPath = (uri: string): string | undefined => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);
const toUri = (path: string): string => pathToFileURL(path).href;

function indexOptions(o: ext.InitializationOptions): IndexOptions {
  return {
    features: { features: o.features, allFeatures: o.allFeatures, noDefaultFeatures: o.noDefaultFeatures },
    target: o.target || undefined,
    cfgs: o.cfgs.map((c) => parseCfgOption(c)),
    // Restricted Mode runs no program: the target cfg comes from the built-in table.
    rustc: o.trusted ? undefined : false,
    cache: true,
  };
}

function serialize<T>(f: () => Promise<T> | T): Promise<T> {
  const p = queue.then(f);
  queue = p.catch(() => undefined);
  return p;
}

function sendStatus(indexing: boolean): void {
  const errors = set.all.filter((w) => w.error).map((w) => `${w.root}: ${w.error}`);
  void connection.sendNotification(ext.serverStatus, { indexing, workspaces: set.all.length, errors });
}

async function reload(): Promise<void> {
  sendStatus(true);
  set = new WorkspaceSet(folders, indexOptions(init));
  await set.load();
  for (const d of documents.all()) {
    const p = toPath(d.uri);
    if (p) await set.update(p, d.getText(), true);
  }
  watcher.sync(set.watchedDirs());
  sendStatus(false);
  void connection.sendNotification(ext.indexChanged, { uris: [], all: true });
}


function update(path: string, text: string | undefined, overlay: boolean): Promise<void> {
  return serialize(async () => {
    const r = await set.update(path, text, overlay);
    if (r.all) sendStatus(false);
    if (r.all || r.files.length > 0) watcher.sync(set.watchedDirs());
    if (r.all || r.files.length > 0) void connection.sendNotification(ext.indexChanged, { uris: r.files.map(toUri), all: r.all });
  });
}

connection.onInitialize((params) => {
  init = params.initializationOptions as ext.InitializationOptions;
  folders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p): p is string => p !== undefined);
  set = new WorkspaceSet([], indexOptions(init));
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
  };
});

connection.onInitialized(() => {
  builds = init.trusted
    ? new Builds({
        settings: init.build,
        bundled: { node: process.execPath, cli: join(__dirname, 'cli.cjs') },
        targetOf: (root) => ({ root, features: init.features, allFeatures: init.allFeatures, noDefaultFeatures: init.noDefaultFeatures, target: init.target, cfgs: init.cfgs }),
        unitsOf: (root, job) => {
          const index = set.all.find((w) => w.root === root)?.index;
          return index ? [...new Set([...index.affected(job.files), ...job.units])].sort() : job.units;
        },
        packageDirOf: (root, unit) => set.all.find((w) => w.root === root)?.index?.unit(unit)?.unit.package.dir,
        report: (p) => void connection.sendNotification(ext.buildProgress, { ...p, workspace: toUri(p.workspace) }),
      })
    : undefined;
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const removed = new Set(e.removed.map((f) => toPath(f.uri)));
    folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((f) => toPath(f.uri)).filter((p): p is string => p !== undefined)];
    void serialize(reload);
  });
  void serialize(reload);
});

documents.onDidChangeContent((e) => {
  const p = toPath(e.document.uri);
  if (p) void update(p, e.document.getText(), true);
});
documents.onDidClose((e) => {
  const p = toPath(e.document.uri);
  if (p) void update(p, undefined, true);
});
documents.onDidSave((e) => {
  const p = toPath(e.document.uri);
  if (!p || !builds || !init.build.onSave) return;
  void serialize(() => {
    const w = set.workspaceOf(p);
    // Only a save that changes some unit needs a build.
    if (w?.index && w.index.affected([p]).length > 0) builds!.request(w.root, { files: [p] }, false);
  });
});

connection.onDidChangeWatchedFiles((params) => {
  for (const c of params.changes) {
    const p = toPath(c.uri);
    // Open documents are followed through their editor text; a deletion always counts.
    if (p && (c.type === FileChangeType.Deleted || !documents.get(c.uri))) void update(p, undefined, false);
  }
});

connection.onRequest(ext.unitsOfFile, ({ uris }) =>
  serialize(() =>
    uris.map((uri): ext.FileUnits => {
      const p = toPath(uri);
      if (!p) return { uri, status: 'outside', units: [] };
      const info = set.fileInfo(p);
      return { uri, status: info.status, units: withChains(set.workspaceOf(p)?.index, p, info.units), ...(info.workspace ? { workspace: toUri(info.workspace) } : {}) };
    }),
  ),
);

connection.onRequest(ext.allUnits, () =>
  serialize(() =>
    set.all.map((w): ext.WorkspaceUnits => ({
      root: toUri(w.root),
      name: w.index?.workspace.members.length === 1 ? w.index.workspace.members[0]!.name : (w.root.split('/').pop() ?? w.root),
      units: w.index?.entries.map(unitSummary) ?? [],
      ...(w.error ? { error: w.error } : {}),
    })),
  ),
);

connection.onRequest(ext.filesOfUnit, ({ workspace, unit }) =>
  serialize(() => {
    const root = toPath(workspace);
    const e = set.all.find((w) => w.root === root)?.index?.unit(unit);
    return { files: (e?.files ?? []).map(toUri), uncertain: (e?.uncertain ?? []).map((u) => toUri(u.file)) };
  }),
);

function affectedByWorkspace(uris: string[]): Map<string, { files: string[]; units: string[] }> {
  const out = new Map<string, { files: string[]; units: string[] }>();
  for (const uri of uris) {
    const p = toPath(uri);
    const w = p ? set.workspaceOf(p) : undefined;
    if (!p || !w?.index) continue;
    let entry = out.get(w.root);
    if (!entry) out.set(w.root, (entry = { files: [], units: [] }));
    entry.files.push(p);
  }
  for (const [root, entry] of out) entry.units = set.all.find((w) => w.root === root)!.index!.affected(entry.files);
  return out;
}

connection.onRequest(ext.affectedUnits, ({ uris }) =>
  serialize(() => ({ workspaces: [...affectedByWorkspace(uris)].map(([root, e]) => ({ root: toUri(root), units: e.units })) })),
);

connection.onRequest(ext.build, (params) =>
  serialize((): ext.BuildResult => {
    if (!builds) return { scheduled: [], message: 'Restricted Mode: cargo-units runs no builds until the workspace is trusted.' };
    const scheduled: string[] = [];
    for (const [root, e] of affectedByWorkspace(params.uris ?? [])) {
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
  }),
);

registerWhy(connection, { serialize, workspaces: () => set, documents, toPath, toUri });
connection.onRequest(ext.cancelBuild, ({ workspace }) => builds?.cancel(workspace ? toPath(workspace) : undefined) ?? 0);
connection.onRequest(ext.reindex, () => serialize(reload));
connection.onShutdown(() => {
  builds?.dispose();
  watcher.dispose();
});

documents.listen(connection);
connection.listen();
