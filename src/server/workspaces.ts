/**
 * The Cargo workspaces under the open folders, each with its unit index, kept in sync with
 * unsaved editor text and file changes. Paths only: no LSP types, so it is tested with node.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { readManifest } from '../core/cargo/manifest.js';
import { findWorkspaceManifest } from '../core/cargo/workspace.js';
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
  /** Indexed because the user opened a file in it (no open folder or linked project roots it). */
  detached?: boolean;
  /** Directories of the root and member manifests: a file belongs to the workspace only through one of them. */
  packageDirs?: Set<string>;
  /** `[workspace] exclude` paths (absolute). */
  excluded?: string[];
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

/**
 * Where rust-analyzer looks for Cargo projects in an open folder: its own Cargo.toml and those of
 * its immediate subdirectories (hidden and build-output directories skipped). Deeper manifests
 * (test fixtures, other tools' examples) are found only through `linkedProjects` or by opening a
 * file inside them.
 */
export function candidateManifests(folder: string): string[] {
  const out: string[] = [];
  if (isFile(join(folder, 'Cargo.toml'))) out.push(join(folder, 'Cargo.toml'));
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory() || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const m = join(folder, e.name, 'Cargo.toml');
    if (isFile(m)) out.push(m);
  }
  return out;
}

const SKIP_DIRS = new Set(['target', 'node_modules']);

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A `linkedProjects` entry: a Cargo.toml, or a directory holding one; relative to the first folder. */
export function linkedManifest(entry: string, folders: readonly string[]): string {
  const abs = isAbsolute(entry) ? entry : resolve(folders[0] ?? process.cwd(), entry);
  return basename(abs) === 'Cargo.toml' ? abs : join(abs, 'Cargo.toml');
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

  /** Manifests of packages indexed because a file in them was opened; kept over re-indexing. */
  private readonly detachedManifests: Set<string>;
  /** Workspace root → directories holding a file some unit reads (cleared when the index changes). */
  private readonly readDirs = new Map<string, Set<string>>();
  /** Directory → holds a Cargo.toml (cleared when a manifest changes). */
  private readonly manifestDirs = new Map<string, boolean>();

  constructor(
    private readonly folders: string[],
    private readonly options: IndexOptions,
    private readonly parser?: Parser,
    private readonly linkedProjects: string[] = [],
    detached: Iterable<string> = [],
  ) {
    this.detachedManifests = new Set(detached);
  }

  /** The detached packages' manifests, to carry over to a new set. */
  get detached(): string[] {
    return [...this.detachedManifests];
  }

  get all(): readonly CargoWorkspace[] {
    return this.workspaces;
  }

  /**
   * Finds the Cargo workspaces rooted at the open folders (and their immediate subdirectories)
   * and the linked projects, plus the detached packages of opened files, and indexes each (again).
   */
  async load(): Promise<void> {
    const found: CargoWorkspace[] = [];
    const add = (manifest: string, detached: boolean): void => {
      let root: string;
      try {
        root = dirname(findWorkspaceManifest(manifest));
      } catch (err) {
        const r = dirname(manifest);
        if (!found.some((w) => w.root === r)) found.push({ root: r, error: describe(err), ...(detached ? { detached } : {}) });
        return;
      }
      if (!found.some((w) => w.root === root)) found.push({ root, ...(detached ? { detached } : {}) });
    };
    for (const folder of this.folders) for (const m of candidateManifests(folder)) add(m, false);
    for (const entry of this.linkedProjects) add(linkedManifest(entry, this.folders), false);
    await Promise.all(found.map((w) => this.indexWorkspace(w)));
    // Detached packages of opened files, unless a workspace now holds them.
    const before = found.length;
    for (const m of this.detachedManifests) if (!found.some((w) => this.owns(w, m))) add(m, true);
    await Promise.all(found.slice(before).map((w) => this.indexWorkspace(w)));
    // Deepest root first, so a nested workspace wins over the one around it.
    this.workspaces = found.sort((a, b) => b.root.length - a.root.length);
    this.readDirs.clear();
  }

  private async indexWorkspace(w: CargoWorkspace): Promise<void> {
    if (w.error) return;
    try {
      w.index = await UnitIndex.open(w.root, this.options, this.parser);
      w.packageDirs = new Set([w.root, ...w.index.workspace.members.map((m) => m.dir)]);
      w.excluded = (readManifest(join(w.root, 'Cargo.toml')).workspace?.exclude ?? []).map((e) => resolve(w.root, e));
      for (const [file, text] of this.overlays) if (this.owns(w, file)) w.index.updateFile(file, text, true);
    } catch (err) {
      w.error = describe(err);
    }
  }

  /**
   * A file in no indexed workspace was opened: the package around it is indexed as a detached
   * workspace (its errors show then, in the Units view, not before). Returns whether anything was added.
   */
  async openDetached(abs: string): Promise<boolean> {
    if (this.workspaceOf(abs) || !this.folders.some((f) => isInside(f, abs))) return false;
    const manifest = nearestManifest(dirname(abs), this.folders);
    if (!manifest || this.detachedManifests.has(manifest)) return false;
    this.detachedManifests.add(manifest);
    let root = dirname(manifest);
    let w: CargoWorkspace;
    try {
      root = dirname(findWorkspaceManifest(manifest));
      w = { root, detached: true };
    } catch (err) {
      w = { root, detached: true, error: describe(err) };
    }
    if (this.workspaces.some((x) => x.root === w.root)) return false;
    await this.indexWorkspace(w);
    this.workspaces = [...this.workspaces, w].sort((a, b) => b.root.length - a.root.length);
    return true;
  }

  /** `abs` belongs to `w`: inside its root, not excluded, and its nearest package is a member (not a fixture package inside it). */
  private owns(w: CargoWorkspace, abs: string): boolean {
    if (!isInside(w.root, abs)) return false;
    if (w.excluded?.some((e) => isInside(e, abs))) return false;
    if (!w.packageDirs) return true;
    for (let d = dirname(abs); isInside(w.root, d); d = dirname(d)) {
      if (w.packageDirs.has(d)) return true;
      if (this.hasManifest(d)) return false;
      if (dirname(d) === d) break;
    }
    return true;
  }

  private hasManifest(dir: string): boolean {
    let v = this.manifestDirs.get(dir);
    if (v === undefined) this.manifestDirs.set(dir, (v = isFile(join(dir, 'Cargo.toml'))));
    return v;
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
    return this.workspaces.find((w) => this.owns(w, abs));
  }

  /**
   * A folder: `read` when some unit reads a file under it, `unread` when none does (then its
   * files are all unread or outside), `outside` when it is in no workspace.
   */
  folderInfo(abs: string): FileInfo {
    const w = this.workspaceOf(join(abs, '_'));
    if (!w?.index) return { status: 'outside', units: [] };
    let dirs = this.readDirs.get(w.root);
    if (!dirs) {
      dirs = new Set<string>();
      for (const e of w.index.entries) {
        for (const f of [...e.files, ...e.uncertain.map((u) => u.file)]) {
          for (let d = dirname(f); isInside(w.root, d) && !dirs.has(d); d = dirname(d)) {
            dirs.add(d);
            if (dirname(d) === d) break;
          }
        }
      }
      this.readDirs.set(w.root, dirs);
    }
    return { workspace: w.root, status: dirs.has(abs) ? 'read' : 'unread', units: [] };
  }

  fileInfo(abs: string): FileInfo {
    const w = this.workspaceOf(abs);
    // A workspace that could not be indexed says nothing about its files.
    if (!w?.index) return { status: 'outside', units: [] };
    const units = (w.index?.unitsOf(abs) ?? []).map((e) => unitRef(e, abs));
    const status: FileStatus = units.length === 0 ? 'unread' : units.every((u) => u.uncertain) ? 'uncertain' : 'read';
    return { workspace: w.root, status, units };
  }

  /**
   * Whether a changed Cargo.toml or Cargo.lock can change what is indexed: one of the indexed
   * workspaces' (root, member, lock), a place discovery looks, or a new member of an indexed
   * workspace. A test fixture's manifest changing re-indexes nothing.
   */
  private concerns(file: string): boolean {
    const dir = dirname(file);
    if (this.workspaces.some((w) => w.root === dir || w.packageDirs?.has(dir))) return true;
    if (this.folders.some((f) => dir === f || dirname(dir) === f)) return true;
    if (this.linkedProjects.some((l) => linkedManifest(l, this.folders) === join(dir, 'Cargo.toml'))) return true;
    if (basename(file) !== 'Cargo.toml' || !this.workspaces.some((w) => isInside(w.root, dir))) return false;
    try {
      const root = dirname(findWorkspaceManifest(file));
      return this.workspaces.some((w) => w.root === root);
    } catch {
      return false;
    }
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
      this.manifestDirs.clear();
      if (!this.concerns(abs)) return { files: [], all: false };
      await this.load();
      return { files: [], all: true };
    }
    const w = this.workspaceOf(abs);
    if (!w?.index || isIgnoredPath(w.root, abs)) return { files: [], all: false };
    const before = new Map(w.index.entries.map((e) => [e.unit.id, e]));
    const changed = w.index.updateFile(abs, text, overlay);
    if (changed.length > 0) this.readDirs.delete(w.root);
    const files = new Set<string>();
    for (const id of changed) {
      const old = before.get(id);
      const now = w.index.unit(id);
      if (!old || !now) continue;
      symmetricDifference(old.files, now.files, files);
      symmetricDifference(
        old.uncertain.map((u) => u.file),
        now.uncertain.map((u) => u.file),
        files,
      );
    }
    return { files: [...files].sort(), all: false };
  }
}

/** The nearest Cargo.toml from `dir` up, not leaving the open folders. */
function nearestManifest(dir: string, folders: readonly string[]): string | undefined {
  for (let d = dir; folders.some((f) => isInside(f, d)); d = dirname(d)) {
    if (isFile(join(d, 'Cargo.toml'))) return join(d, 'Cargo.toml');
    if (dirname(d) === d) break;
  }
  return undefined;
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
