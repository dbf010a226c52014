/**
 * The source files of one workspace, as the scanner sees them: disk contents overlaid with
 * unsaved editor text, confined to the workspace root, with per-file facts cached by content hash.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { readWithState, stillInState } from '../file-state.js';
import { childPath, isInside } from '../paths.js';
import type { FactsCache, FileStat } from './cache.js';
import { extractFacts } from './extract.js';
import type { FileFacts } from './facts.js';
import { mayHoldFacts } from './hints.js';

/** Files larger than this are not parsed (rustc would still read them; they are listed, not scanned). */
export const MAX_PARSE_BYTES = 64 * 1024 * 1024;

/** Shared by every such file: never modified. */
const NO_FACTS: FileFacts = { innerAttrs: [], items: [], syntaxErrors: [] };

type EntryKind = 'file' | 'dir' | 'link' | 'other';
type Listing = Map<string, EntryKind>;

/** What the file system says about a path. */
interface PathInfo {
  /** A regular file, following a symlink. */
  isFile: boolean;
  /** The path after following symlinks; undefined when it does not exist. */
  real: string | undefined;
  /** isInWorkspace(), once computed. */
  inside?: boolean;
}

export interface SourceText {
  readonly text: string;
  readonly invalidUtf8: boolean;
  readonly hash: string;
}

/** A file read from disk: hashed at once, decoded only when its text is asked for. */
class DiskText implements SourceText {
  private decoded: { text: string; invalidUtf8: boolean } | undefined;

  constructor(
    private bytes: Uint8Array | undefined,
    readonly hash: string,
  ) {}

  private decode(): { text: string; invalidUtf8: boolean } {
    if (!this.decoded) {
      const bytes = this.bytes!;
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      this.decoded = { text, invalidUtf8: text.includes('\uFFFD') && !isValidUtf8(bytes) };
      this.bytes = undefined;
    }
    return this.decoded;
  }

  get text(): string {
    return this.decode().text;
  }

  get invalidUtf8(): boolean {
    return this.decode().invalidUtf8;
  }
}

export class SourceStore {
  private readonly overlays = new Map<string, string>();
  private readonly texts = new Map<string, SourceText | null>();
  private readonly factsByHash = new Map<string, FileFacts>();
  /** Facts parsed ahead of need (prefetch), not yet asked for. */
  private readonly speculative = new Map<string, FileFacts>();
  /** `lstat` results by path, and real paths of directories (both forgotten by invalidate()). */
  private readonly infos = new Map<string, PathInfo>();
  private readonly realDirs = new Map<string, string>();
  private readonly listings = new Map<string, Listing | null | undefined>();
  private readonly realRoot: string;
  private parser: Parser | undefined;
  private parsed = 0;
  private snippetsParsed = 0;
  /** Content hashes the prefilter left unparsed, and their facts when parsed after all (factsWithCalls). */
  private readonly prefilteredHashes = new Set<string>();
  private readonly fullFacts = new Map<string, FileFacts>();
  /** The file's state when read (or when its recorded state was confirmed by hashOf), with its hash. */
  private readonly stats = new Map<string, FileStat>();
  /** Hashes known from the cache's recorded file states, confirmed by `stat` (hashOf), by path. */
  private readonly statHashes = new Map<string, string>();

  constructor(
    readonly root: string,
    /** The parser, or a function that returns it (called the first time a file must be parsed). */
    private readonly getParser: Parser | (() => Parser),
    /** An on-disk facts cache consulted before parsing (see cache.ts). */
    readonly cache?: FactsCache,
  ) {
    this.realRoot = safeRealpath(root) ?? root;
  }

  /** True when `abs` is inside the workspace root, also after following symlinks. */
  isInWorkspace(abs: string): boolean {
    if (this.overlays.has(abs)) return isInside(this.root, abs);
    const known = this.infos.get(abs)?.inside;
    if (known !== undefined) return known;
    if (!isInside(this.root, abs)) return false; // never looks at the file system outside the root
    const info = this.info(abs);
    info.inside = info.real === undefined || isInside(this.realRoot, info.real);
    return info.inside;
  }

  /** Whether a regular file exists at `abs` (or an editor holds unsaved text for it). Never looks outside the root. */
  isFile(abs: string): boolean {
    if (this.overlays.has(abs)) return true;
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached !== null;
    if (!this.isInWorkspace(abs)) return false;
    return this.info(abs).isFile;
  }

  /**
   * What the file system says about `abs`, from one directory listing per directory (a symlink is
   * followed with `realpath`), remembered until invalidated.
   */
  private info(abs: string): PathInfo {
    let info = this.infos.get(abs);
    if (info) return info;
    const dir = dirname(abs);
    const listing = this.listing(dir);
    const kind = listing === undefined ? this.kindByStat(abs) : listing === null ? undefined : listing.get(basename(abs));
    if (kind === undefined) info = { isFile: false, real: undefined };
    else if (kind === 'link') {
      const real = safeRealpath(abs);
      let isFile = false;
      try {
        isFile = real !== undefined && statSync(real).isFile();
      } catch {
        // dangling
      }
      info = { isFile, real };
    } else {
      const realDir = this.realDir(dir);
      info = { isFile: kind === 'file', real: realDir === undefined ? safeRealpath(abs) : childPath(realDir, basename(abs)) };
    }
    this.infos.set(abs, info);
    return info;
  }

  /**
   * The entries of a workspace directory: regular files and directories, links followed (links
   * that lead out of the workspace are left out; `links` names every symbolic link). Undefined when
   * `dir` is not a directory inside the workspace.
   */
  listDir(dir: string): { files: string[]; dirs: string[]; links: string[] } | undefined {
    if (!this.isInWorkspace(dir)) return undefined;
    const listing = this.listing(dir);
    if (!listing) return undefined;
    const out = { files: [] as string[], dirs: [] as string[], links: [] as string[] };
    for (const [name, kind] of listing) {
      const abs = childPath(dir, name);
      if (kind === 'file') out.files.push(name);
      else if (kind === 'dir') out.dirs.push(name);
      else if (kind === 'link') {
        out.links.push(name);
        if (!this.isInWorkspace(abs)) continue;
        if (this.isFile(abs)) out.files.push(name);
        else if (this.listing(abs)) out.dirs.push(name);
      }
    }
    return out;
  }

  /** Entries of a directory by name; null when it does not exist; undefined when it cannot be listed. */
  private listing(dir: string): Listing | null | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let result: Listing | null | undefined;
    const parent = dirname(dir);
    const up = parent !== dir && isInside(this.root, parent) ? this.listing(parent) : undefined;
    const kind = up ? up.get(basename(dir)) : up === null ? undefined : 'dir';
    if (kind === undefined || kind === 'file' || kind === 'other') result = null;
    else {
      try {
        result = new Map();
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          result.set(e.name, e.isSymbolicLink() ? 'link' : e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other');
        }
      } catch (err) {
        result = (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? null : undefined;
      }
    }
    this.listings.set(dir, result);
    return result;
  }

  private kindByStat(abs: string): EntryKind | undefined {
    try {
      const st = lstatSync(abs);
      return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return undefined;
    }
  }

  /** The real path of a directory (only successful lookups are remembered). */
  private realDir(dir: string): string | undefined {
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      // A plain directory (not a symlink) inside a listed parent: the parent's real path + its name.
      const parent = dirname(dir);
      const up = parent !== dir && isInside(this.root, parent) ? this.listing(parent) : undefined;
      const realParent = up && up.get(basename(dir)) === 'dir' ? this.realDir(parent) : undefined;
      real = realParent !== undefined ? childPath(realParent, basename(dir)) : safeRealpath(dir);
      if (real !== undefined) this.realDirs.set(dir, real);
    }
    return real;
  }

  /** The text of a workspace file, or undefined when it does not exist or lies outside the root. */
  read(abs: string): SourceText | undefined {
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached ?? undefined;
    let result: SourceText | null = null;
    const overlay = this.overlays.get(abs);
    if (overlay !== undefined) {
      result = { text: overlay, invalidUtf8: false, hash: hashText(overlay) };
    } else if (this.isInWorkspace(abs) && this.info(abs).isFile) {
      try {
        const { bytes, hash, state } = readWithState(abs);
        result = new DiskText(bytes, hash);
        this.statHashes.delete(abs);
        if (state) this.stats.set(abs, state);
        else this.stats.delete(abs);
      } catch {
        result = null;
      }
    }
    this.texts.set(abs, result);
    return result ?? undefined;
  }

  /**
   * The content hash of a workspace file, as read() would give it, without reading the file when
   * the cache recorded its state and `stat` still reports that state (size, modification and
   * change times, inode). A state is recorded only when the file was last modified more than
   * STAT_TRUST_MS before it was read (git's "racy" rule, with a margin for coarse timestamps), so
   * an edit after the read always shows in the state. Used while the index opens, to check cached
   * resolutions (unit-cache.ts).
   */
  hashOf(abs: string): string | undefined {
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached?.hash;
    return this.hashByState(abs) ?? this.read(abs)?.hash;
  }

  /** hashOf(abs) when the file's recorded state vouches for it (the file is not read); else undefined. */
  private hashByState(abs: string): string | undefined {
    const known = this.statHashes.get(abs);
    if (known !== undefined) return known;
    const recorded = !this.overlays.has(abs) && this.cache?.fileStat(abs);
    // Gone or unreadable: read() says so.
    if (recorded && this.isInWorkspace(abs) && this.info(abs).isFile && stillInState(abs, recorded)) {
      this.statHashes.set(abs, recorded.hash);
      this.stats.set(abs, recorded);
      return recorded.hash;
    }
    return undefined;
  }

  /**
   * The hash of `abs` without reading it when its text is not in memory but its recorded state
   * holds; undefined otherwise (then the file must be read).
   */
  private unreadHash(abs: string): string | undefined {
    return this.texts.get(abs) === undefined ? this.hashByState(abs) : undefined;
  }

  /**
   * What the facts cache knows of the text with `hash`, without reading it: its facts, `prefiltered`
   * (the prefilter leaves it unparsed: NO_FACTS), or undefined (unknown: read and decide).
   */
  private knownFacts(hash: string): FileFacts | undefined {
    const known = this.factsByHash.get(hash);
    if (known) return known;
    let facts = this.cache?.peek(prefilteredKey(hash));
    if (facts) {
      this.cache!.get(prefilteredKey(hash));
      this.prefilteredHashes.add(hash);
    } else {
      // A prefiltered text's facts with its calls (factsWithCalls) are not what facts() gives.
      const cached = this.cache?.peek(hash);
      if (!cached || cached.prefiltered) return undefined;
      facts = this.cache!.get(hash)!;
    }
    this.factsByHash.set(hash, facts);
    return facts;
  }

  /** Whether the hash of `abs` is known from its recorded state only: its content has not been read. */
  knownByStatOnly(abs: string): boolean {
    return this.statHashes.has(abs) && !this.texts.has(abs);
  }

  /** Whether hashOf(abs) knows the hash without reading (a recorded state was confirmed). */
  hasHash(abs: string): boolean {
    return this.statHashes.has(abs);
  }

  /** The recorded states of the files read (or confirmed by hashOf), for the cache. */
  fileStats(): Map<string, FileStat> {
    const out = new Map<string, FileStat>();
    for (const [abs, st] of this.stats) if (!this.overlays.has(abs)) out.set(abs, st);
    return out;
  }

  /**
   * Facts of a workspace file, cached by content hash. A file whose recorded state vouches for its
   * hash, and whose facts (or prefilter verdict) the cache holds for that hash, is not read.
   */
  facts(abs: string): FileFacts | undefined {
    const unread = this.unreadHash(abs);
    const known = unread === undefined ? undefined : this.knownFacts(unread);
    if (known) return known;
    const src = this.read(abs);
    if (!src) return undefined;
    let facts = this.factsByHash.get(src.hash);
    if (!facts) {
      if (src.text.length > MAX_PARSE_BYTES || !mayHoldFacts(src.text)) {
        facts = prefilterVerdict(src);
        if (src.text.length <= MAX_PARSE_BYTES) {
          this.prefilteredHashes.add(src.hash);
          // The verdict is kept too, so that an unchanged file need not be read to give it again.
          this.cache?.set(prefilteredKey(src.hash), facts);
        }
      } else {
        facts = this.cache?.get(src.hash);
        if (!facts) {
          facts = this.speculative.get(src.hash) ?? this.parse(src);
          this.speculative.delete(src.hash);
          // Counted once parsed: a parse that finds no runtime yet throws and is tried again (withRuntime).
          this.parsed++;
        }
        this.cache?.set(src.hash, facts);
      }
      this.factsByHash.set(src.hash, facts);
    }
    return facts;
  }

  /** True when facts(abs) came from the prefilter alone: the file names no file by itself, but may call macros. */
  unparsed(abs: string): boolean {
    if (this.facts(abs) === undefined) return false;
    const hash = this.knownHash(abs);
    return hash !== undefined && this.prefilteredHashes.has(hash);
  }

  /**
   * The text of `abs` when the prefilter left it unparsed and it may define a `macro_rules!`;
   * undefined otherwise. The prefilter's verdict says so, so only such files are read.
   */
  macroDefiningText(abs: string): string | undefined {
    return this.facts(abs)?.macroRules && this.unparsed(abs) ? this.read(abs)?.text : undefined;
  }

  /** The hash of `abs` as the store knows it already (read, or vouched for by its state). */
  private knownHash(abs: string): string | undefined {
    return this.texts.get(abs)?.hash ?? this.statHashes.get(abs);
  }

  /**
   * Facts of `abs` with its item-level macro calls, also when the prefilter would skip it (a
   * local macro may expand such a call to modules). Parsed on demand, and kept in the disk cache
   * under the content hash like any parse (the facts of a text do not depend on who asks).
   */
  factsWithCalls(abs: string): FileFacts | undefined {
    if (!this.unparsed(abs)) return this.facts(abs);
    const hash = this.knownHash(abs)!;
    let facts = this.fullFacts.get(hash);
    if (!facts) {
      facts = this.cache?.get(hash);
      if (!facts) {
        const src = this.read(abs)!;
        // Marked: these are not the facts facts() gives for this text (knownFacts).
        facts = { ...this.parse(src), prefiltered: true };
        this.parsed++;
      }
      this.cache?.set(hash, facts);
      this.fullFacts.set(hash, facts);
    }
    return facts;
  }

  /** True when `abs`'s current text was parsed by factsWithCalls (some walk read its macro calls). */
  parsedWithCalls(abs: string): boolean {
    const hash = this.knownHash(abs);
    return hash !== undefined && this.fullFacts.has(hash);
  }

  /** Facts of a piece of source that is no file (a macro expansion). */
  parseSnippet(text: string): FileFacts {
    // Cached by the text's hash, as files are (macro expansions: a warm walk need not parse them).
    const hash = hashText(text);
    let facts = this.cache?.get(hash);
    if (!facts) {
      facts = extractFacts(this.parserNow(), text);
      this.snippetsParsed++;
    }
    this.cache?.set(hash, facts);
    return facts;
  }

  private parse(src: SourceText): FileFacts {
    const facts = extractFacts(this.parserNow(), src.text);
    return src.invalidUtf8 ? { ...facts, invalidUtf8: true } : facts;
  }

  /**
   * Reads `abs` ahead of need and, when its facts are neither known nor cached, parses it into a
   * side table, so that facts() finds them later. Returns the facts, or undefined when the file
   * cannot be read or holds none. Counts, caches and results are as if facts() did all the work.
   */
  prefetch(abs: string): FileFacts | undefined {
    const unread = this.unreadHash(abs);
    if (unread !== undefined) {
      const known = this.speculative.get(unread) ?? this.knownFacts(unread);
      if (known) return this.prefilteredHashes.has(unread) ? undefined : known;
    }
    const src = this.read(abs);
    if (!src || src.text.length > MAX_PARSE_BYTES || !mayHoldFacts(src.text)) return undefined;
    const known = this.factsByHash.get(src.hash) ?? this.speculative.get(src.hash) ?? this.cache?.peek(src.hash);
    if (known) return known;
    const facts = this.parse(src);
    this.speculative.set(src.hash, facts);
    return facts;
  }

  /** Whether the content of `abs` has been read (from disk or an overlay). */
  hasRead(abs: string): boolean {
    return !!this.texts.get(abs);
  }

  /** Workspace files read from disk so far (for the cache's list of files to prefetch). */
  readFiles(): string[] {
    const out: string[] = [];
    for (const [abs, t] of this.texts) if (t && !this.overlays.has(abs)) out.push(abs);
    for (const abs of this.statHashes.keys()) if (!this.texts.has(abs)) out.push(abs);
    return out;
  }

  /** The parser (loaded on first use), also for reading build scripts (cfg/build-script-eval). */
  parserNow(): Parser {
    this.parser ??= typeof this.getParser === 'function' ? this.getParser() : this.getParser;
    return this.parser;
  }

  /** Sets (or with undefined, clears) unsaved text for a file. */
  setOverlay(abs: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(abs);
    else this.overlays.set(abs, text);
    this.texts.delete(abs);
    this.infos.delete(abs);
    this.forgetStat(abs);
  }

  private forgetStat(abs: string): void {
    this.stats.delete(abs);
    this.statHashes.delete(abs);
  }

  /** Forgets what was read from disk for `abs` (after a change on disk). */
  invalidate(abs: string): void {
    this.texts.delete(abs);
    this.infos.delete(abs);
    // A directory on the way may have been created, removed or replaced by a symlink; and when
    // `abs` is a directory, what lies under it may have changed too.
    const under = abs.endsWith(sep) ? abs : abs + sep;
    for (const m of [this.texts, this.infos, this.listings, this.realDirs, this.stats, this.statHashes] as Map<string, unknown>[]) {
      for (const k of m.keys()) if (k === abs || k.startsWith(under)) m.delete(k);
    }
    for (let d = dirname(abs); ; d = dirname(d)) {
      this.realDirs.delete(d);
      this.listings.delete(d);
      if (dirname(d) === d) break;
    }
  }

  /** Forgets everything read from disk (facts stay cached by hash). */
  invalidateAll(): void {
    this.texts.clear();
    this.stats.clear();
    this.statHashes.clear();
    this.infos.clear();
    this.realDirs.clear();
    this.listings.clear();
  }

  /** Number of distinct file contents parsed so far (contents found in the on-disk cache are not parsed). */
  get parsedCount(): number {
    return this.parsed;
  }

  /** Number of snippets (macro expansions) parsed so far, those found in the on-disk cache aside. */
  get parsedSnippetCount(): number {
    return this.snippetsParsed;
  }
}

/** The facts of a text the prefilter leaves unparsed: NO_FACTS, with what is known of its text. */
function prefilterVerdict(src: SourceText): FileFacts {
  const macroRules = src.text.includes('macro_rules');
  if (!src.invalidUtf8 && !macroRules) return NO_FACTS;
  return { ...NO_FACTS, ...(src.invalidUtf8 ? { invalidUtf8: true } : {}), ...(macroRules ? { macroRules: true as const } : {}) };
}

/** The facts cache's key for the prefilter's verdict on a text (prefilterVerdict). */
function prefilteredKey(hash: string): string {
  return `${hash}:prefiltered`;
}

function hashText(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}
