/**
 * The Cargo workspaces under the open folders, each with its unit index, kept in sync with
 * unsaved editor text and file changes. Paths only: no LSP types, so it is tested with node.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { loadWorkspace } from '../core/cargo/workspace.js';
import { UnitIndex, type IndexedUnit, type IndexOptions } from '../core/index.js';
import { InputError, formatDiagnostic } from '../core/diagnostics.js';
import { isInside } from '../core/paths.js';
import { unitLabel } from '../protocol/labels.js';
import type { FileStatus, UnitRef, UnitSummary } from '../protocol/lsp_ext.js';

export interface CargoWorkspace {
  root: string;
  index?: UnitIndex;
  /** Why indexing failed. */
  error?: string;
}

export interface FileInfo {
  workspace?: string;
  status: FileStatus;
  units: UnitRef[];
}

export interface UpdateResult {
  /** Files whose set of units changed (including the file itself when its own units changed). */
  files: string[];
  /** A manifest or lock file changed: every workspace was re-indexed. */
  all: boolean;
}

const SKIP_DIRS = new Set(['target', 'node_modules', '.git', '.hg', '.svn']);

/** Every Cargo.toml under `dir`, shallowest first, skipping build output and hidden directories. */
export function findManifests(dir: string, maxDepth = 12): string[] {
  const out: { path: string; depth: number }[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > maxDepth) return;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile() && e.name === 'Cargo.toml') out.push({ path: join(d, e.name), depth });
      else if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) walk(join(d, e.name), depth + 1);
    }
  };
  walk(dir, 0);
  return out.sort((a, b) => a.depth - b.depth || (a.path < b.path ? -1 : 1)).map((x) => x.path);
}

export function unitRef(e: IndexedUnit, file: string): UnitRef {
  const u = e.unit;
  return { id: u.id, label: unitLabel({ id: u.id, package: u.package.name, kind: u.kind, name: u.name }), uncertain: e.uncertain.some((x) => x.file === file) };
}

export function unitSummary(e: IndexedUnit): UnitSummary {
  const u = e.unit;
  return {
    id: u.id,
    label: unitLabel({ id: u.id, package: u.package.name, kind: u.kind, name: u.name }),
    package: u.package.name,
    kind: u.kind,
    name: u.name,
    test: u.test,
    fileCount: e.files.length,
  };
}

function isIgnoredPath(root: string, abs: string): boolean {
  return isInside(join(root, 'target'), abs) || abs.split(sep).includes('.git');
}

export class WorkspaceSet {
  private workspaces: CargoWorkspace[] = [];
  /** Unsaved editor text, re-applied when a workspace is re-indexed. */
  private readonly overlays = new Map<string, string>();

  constructor(
    private readonly folders: string[],
    private readonly options: IndexOptions,
    private readonly parser?: Parser,
  ) {}

  get all(): readonly CargoWorkspace[] {
    return this.workspaces;
  }

  /** Finds the Cargo workspaces in the folders and indexes each (again). */
  async load(): Promise<void> {
    const found: CargoWorkspace[] = [];
    const seenManifests = new Set<string>();
    for (const folder of this.folders) {
      for (const manifest of findManifests(folder)) {
        if (seenManifests.has(manifest)) continue;
        let root: string;
        try {
          const { workspace } = loadWorkspace(manifest);
          root = workspace.root;
          seenManifests.add(join(workspace.root, 'Cargo.toml'));
          for (const m of workspace.members) seenManifests.add(m.manifestPath);
        } catch (err) {
          found.push({ root: manifest.slice(0, -'/Cargo.toml'.length), error: describe(err) });
          continue;
        }
        if (found.some((w) => w.root === root)) continue;
        found.push({ root });
      }
    }
    for (const w of found) {
      if (w.error) continue;
      try {
        w.index = await UnitIndex.open(w.root, this.options, this.parser);
        for (const [file, text] of this.overlays) if (isInside(w.root, file)) w.index.updateFile(file, text, true);
      } catch (err) {
        w.error = describe(err);
      }
    }
    // Deepest root first, so a nested workspace wins over the one around it.
    this.workspaces = found.sort((a, b) => b.root.length - a.root.length);
  }

  /** Directories whose changes can change the index: the roots, the packages, and where the units' files are or may be. */
  watchedDirs(): Set<string> {
    const dirs = new Set<string>();
    for (const w of this.workspaces) {
      dirs.add(w.root);
      if (!w.index) continue;
      for (const m of w.index.workspace.members) dirs.add(m.dir);
      for (const e of w.index.entries) for (const p of e.probed) dirs.add(dirname(p));
    }
    return dirs;
  }

  workspaceOf(abs: string): CargoWorkspace | undefined {
    return this.workspaces.find((w) => isInside(w.root, abs));
  }

  fileInfo(abs: string): FileInfo {
    const w = this.workspaceOf(abs);
    if (!w) return { status: 'outside', units: [] };
    const units = (w.index?.unitsOf(abs) ?? []).map((e) => unitRef(e, abs));
    const status: FileStatus = units.length === 0 ? 'unread' : units.every((u) => u.uncertain) ? 'uncertain' : 'read';
    return { workspace: w.root, status, units };
  }

  /**
   * A file changed: `text` is unsaved editor text, `undefined` with `overlay` drops the editor's
   * text (closed), `undefined` without `overlay` means the file changed, appeared or went on disk.
   */
  async update(abs: string, text: string | undefined, overlay: boolean): Promise<UpdateResult> {
    if (overlay && text !== undefined) this.overlays.set(abs, text);
    else if (overlay) this.overlays.delete(abs);
    const name = basename(abs);
    if (!overlay && (name === 'Cargo.toml' || name === 'Cargo.lock')) {
      await this.load();
      return { files: [], all: true };
    }
    const w = this.workspaceOf(abs);
    if (!w?.index || isIgnoredPath(w.root, abs)) return { files: [], all: false };
    const before = new Map(w.index.entries.map((e) => [e.unit.id, e]));
    const changed = w.index.updateFile(abs, text, overlay);
    const files = new Set<string>();
    for (const id of changed) {
      const old = before.get(id);
      const now = w.index.unit(id);
      if (!old || !now) continue;
      symmetricDifference(old.files, now.files, files);
      symmetricDifference(old.uncertain.map((u) => u.file), now.uncertain.map((u) => u.file), files);
    }
    return { files: [...files].sort(), all: false };
  }
}

function symmetricDifference(a: string[], b: string[], into: Set<string>): void {
  const sa = new Set(a);
  const sb = new Set(b);
  for (const x of sa) if (!sb.has(x)) into.add(x);
  for (const x of sb) if (!sa.has(x)) into.add(x);
}

function describe(err: unknown): string {
  if (err instanceof InputError) return formatDiagnostic(err.toDiagnostic());
  return err instanceof Error ? err.message : String(err);
}
