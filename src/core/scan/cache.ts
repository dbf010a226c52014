/**
 * An on-disk cache of per-file facts (facts.ts), keyed by content hash and tool version.
 *
 * Two JSON files per workspace: `<cacheDir>/<sha1(workspace root)>.json` (unit resolutions, file
 * states, rustc's answers: what a warm start reads) and `<…>.facts.json` (the facts by content hash,
 * read only when some file has to be walked). The first is loaded when the index opens; both are
 * written atomically (temporary file + rename) after indexing, the facts file only when its facts
 * changed. A missing, unreadable, corrupt or out-of-date cache file is ignored: the cache can only
 * save parsing, never change a result. Delete the cache directory to clear it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileFacts } from './facts.js';
import type { CachedUnit } from './unit-cache.js';
import type { TargetCfg } from '../cfg/target.js';
import type { ScriptDecisions } from '../cfg/build-script-eval/evaluate.js';
import type { BuildScriptCfgs } from '../cfg/build-script-cfgs.js';
import { VERSION } from '../version.js';

/** rustc's last answer for a toolchain key: only a guess, always checked against rustc (index.ts). */
export interface CachedToolchain {
  target: TargetCfg;
  host: TargetCfg;
  /** `rustc -vV` (build scripts' cfgs may be decided with it); null when unknown. */
  version: string | null;
}

/** The version in package.json. */
export const TOOL_VERSION = VERSION;
/** Bump whenever FileFacts (or what the extractor puts into it) changes. */
export const FACTS_FORMAT = 7;
/** The version string a cache file must carry to be used. */
export const CACHE_VERSION = `cargo-units ${TOOL_VERSION} facts ${FACTS_FORMAT}`;

/** Environment variable that overrides the cache directory. */
export const CACHE_DIR_ENV = 'CARGO_UNITS_CACHE_DIR';

/**
 * A file's state when it was read (numbers as decimal strings: nanosecond times exceed 2^53),
 * with the hash of what was read. Recorded only when the file had not changed for a while before
 * (file-state.ts STAT_TRUST_MS); an unchanged state lets a warm start skip reading and hashing it.
 */
export interface FileStat {
  size: string;
  mtime: string;
  ctime: string;
  ino: string;
  hash: string;
}

interface CacheFile {
  version: string;
  root: string;
  /**
   * The files read in the session that wrote the cache: the next open reads and hashes them while
   * rustc runs. Only a hint: every file is still read, hashed and looked up by content hash.
   */
  files?: string[];
  /**
   * Resolutions of units, by the SHA-1 of a key of everything they depend on besides the files
   * (unit-cache.ts; the keys themselves are long).
   */
  units?: Record<string, CachedUnit>;
  /** rustc's last answers (target and host cfg), by rustc and `--target`. */
  toolchains?: Record<string, CachedToolchain>;
  /** States of files read, by absolute path (see FileStat). */
  stats?: Record<string, FileStat>;
  /** What build scripts print, decided by build-script-eval, by a hash of everything they depend on. */
  scripts?: Record<string, ScriptDecisions>;
  /** What build scripts can print, read by cfg/build-script-cfgs.ts, by a hash of their files and build-dependencies. */
  analyses?: Record<string, BuildScriptCfgs>;
  /** Values read from files outside the workspace (registry manifests), by a key naming the file (see DerivedEntry). */
  derived?: Record<string, DerivedEntry>;
}

/**
 * Something read from a file that is not a workspace source (a registry package's Cargo.toml),
 * with the file's state when it was read: used again only while `stat` reports that same state
 * (recorded, as for sources, only when the file had not changed for a while before the read).
 */
export interface DerivedEntry {
  state: FileStat;
  value: unknown;
}

/** The facts file beside a cache file: content hash (sha1 of the file's bytes) → facts. */
interface FactsFile {
  version: string;
  root: string;
  facts: Record<string, FileFacts>;
}

/**
 * The default cache directory: `$CARGO_UNITS_CACHE_DIR`, else `$XDG_CACHE_HOME/cargo-units`,
 * else `~/.cache/cargo-units`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_DIR_ENV]) return env[CACHE_DIR_ENV]!;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'cargo-units');
  return join(homedir(), '.cache', 'cargo-units');
}

/** The cache file of one workspace inside `cacheDir`. */
export function cacheFileFor(cacheDir: string, workspaceRoot: string): string {
  return join(cacheDir, `${createHash('sha1').update(workspaceRoot).digest('hex')}.json`);
}

/** The facts file of a cache file. */
export function factsFileFor(cacheFile: string): string {
  return cacheFile.replace(/\.json$/, '.facts.json');
}

/** The SHA-1 of a unit's key (unit() and setUnit() of one unit come one after the other: computed once). */
let lastUnitKey: [string, string] | undefined;
const unitKey = (key: string): string => {
  if (lastUnitKey?.[0] !== key) lastUnitKey = [key, createHash('sha1').update(key).digest('hex')];
  return lastUnitKey[1];
};

/**
 * Entries of one kind kept between sessions under string keys: those read from the cache file,
 * and those used (looked up or set) in this session, which are what a save writes.
 */
class KeptEntries<T> {
  readonly used = new Map<string, T>();

  constructor(
    private readonly loaded: Record<string, T>,
    private readonly wellFormed: (x: unknown) => boolean,
  ) {}

  /** The entry under `key`, if well-formed, without counting it as used. */
  peek(key: string): T | undefined {
    const v = this.used.get(key) ?? (Object.hasOwn(this.loaded, key) ? this.loaded[key] : undefined);
    return v !== undefined && this.wellFormed(v) ? v : undefined;
  }

  /** The entry under `key`, if well-formed; it is kept by the next save. */
  get(key: string): T | undefined {
    const v = this.peek(key);
    if (v !== undefined) this.used.set(key, v);
    return v;
  }

  /** Keeps `value` under `key`; true when the cache file had no entry under that key. */
  set(key: string, value: T): boolean {
    this.used.set(key, value);
    return !Object.hasOwn(this.loaded, key);
  }
}

function isScriptDecisions(x: unknown): boolean {
  const d = x as ScriptDecisions;
  return (
    !!d &&
    typeof d === 'object' &&
    ((d.kind === 'gave-up' && typeof d.reason === 'string') ||
      (d.kind === 'decided' && Array.isArray(d.set) && !!d.unknown && typeof d.unknown === 'object' && !!d.prefixes && typeof d.prefixes === 'object'))
  );
}

function isScriptAnalysis(x: unknown): boolean {
  const a = x as BuildScriptCfgs;
  const record = (r: unknown) => !!r && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((v) => typeof v === 'string');
  return (
    !!a &&
    typeof a === 'object' &&
    ((a.kind === 'any' && typeof a.reason === 'string') ||
      (a.kind === 'names' && record(a.names) && record(a.prefixes) && Array.isArray(a.declared) && a.declared.every((d) => typeof d === 'string')))
  );
}

function isDerivedEntry(x: unknown): boolean {
  const e = x as DerivedEntry;
  return !!e && typeof e === 'object' && isFileStat(e.state) && 'value' in e;
}

export class FactsCache {
  /** Entries of the facts file (read on first use). */
  private loadedFacts: Map<string, FileFacts> | undefined;
  /** Entries looked up or added in this session. */
  private readonly used = new Map<string, FileFacts>();
  private readonly loadedUnits: Map<string, CachedUnit>;
  private readonly usedUnits = new Map<string, CachedUnit>();
  private toolchains: Record<string, CachedToolchain> = {};
  private scripts = new KeptEntries<ScriptDecisions>({}, isScriptDecisions);
  private analyses = new KeptEntries<BuildScriptCfgs>({}, isScriptAnalysis);
  private derivedEntries = new KeptEntries<DerivedEntry>({}, isDerivedEntry);
  private dirty = false;
  /** Lookups answered from the cache, and facts added, in this session. */
  hits = 0;
  misses = 0;
  /** Units whose cached resolution was used, in this session. */
  unitHits = 0;

  /** Files read in the session that wrote the cache (see CacheFile.files). */
  recordedFiles: string[];
  private filesChanged = false;
  private stats = new Map<string, FileStat>();
  /** Hashes kept (keep()) before the facts were parsed. */
  private readonly kept = new Set<string>();

  private constructor(
    readonly file: string,
    readonly root: string,
    readonly version: string,
    recordedFiles: string[],
    loadedUnits: Map<string, CachedUnit>,
  ) {
    this.loadedUnits = loadedUnits;
    this.recordedFiles = recordedFiles;
  }

  /** The facts file (see factsFileFor). */
  get factsFile(): string {
    return factsFileFor(this.file);
  }

  /**
   * Loads the cache file of `workspaceRoot` from `cacheDir` (default: defaultCacheDir()).
   * Never throws: an unusable file gives an empty cache. `version` is for tests.
   */
  static load(workspaceRoot: string, cacheDir: string = defaultCacheDir(), version: string = CACHE_VERSION): FactsCache {
    const file = cacheFileFor(cacheDir, workspaceRoot);
    let files: string[] = [];
    const units = new Map<string, CachedUnit>();
    let toolchains: Record<string, CachedToolchain> = {};
    let scripts: Record<string, ScriptDecisions> = {};
    let derived: Record<string, DerivedEntry> = {};
    let analyses: Record<string, BuildScriptCfgs> = {};
    const stats = new Map<string, FileStat>();
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile> | null;
      if (data && typeof data === 'object' && data.version === version && data.root === workspaceRoot) {
        if (Array.isArray(data.files)) files = data.files.filter((f): f is string => typeof f === 'string');
        // Entries are checked field by field when used (restoreUnit).
        if (data.units && typeof data.units === 'object') for (const [k, u] of Object.entries(data.units)) units.set(k, u);
        if (data.toolchains && typeof data.toolchains === 'object') toolchains = data.toolchains;
        if (data.scripts && typeof data.scripts === 'object') scripts = data.scripts;
        if (data.derived && typeof data.derived === 'object') derived = data.derived;
        if (data.analyses && typeof data.analyses === 'object') analyses = data.analyses;
        if (data.stats && typeof data.stats === 'object') {
          for (const [f, st] of Object.entries(data.stats)) if (isFileStat(st)) stats.set(f, st);
        }
      }
    } catch {
      // missing, unreadable or corrupt: start empty
    }
    const cache = new FactsCache(file, workspaceRoot, version, files, units);
    cache.toolchains = toolchains;
    cache.scripts = new KeptEntries(scripts, isScriptDecisions);
    cache.derivedEntries = new KeptEntries(derived, isDerivedEntry);
    cache.analyses = new KeptEntries(analyses, isScriptAnalysis);
    cache.stats = stats;
    return cache;
  }

  /** Number of entries read from disk. */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** Whether the facts file has been read (a warm start that restores every unit never does). */
  get factsParsed(): boolean {
    return this.loadedFacts !== undefined;
  }

  /** The facts read from disk, read now if not yet (none when the facts file is unusable). */
  private get loaded(): Map<string, FileFacts> {
    if (!this.loadedFacts) {
      let facts: unknown;
      try {
        const data = JSON.parse(readFileSync(this.factsFile, 'utf8')) as Partial<FactsFile> | null;
        if (data && typeof data === 'object' && data.version === this.version && data.root === this.root) facts = data.facts;
      } catch {
        // missing, unreadable or corrupt: no facts
      }
      this.loadedFacts = factsMap(facts);
    }
    return this.loadedFacts;
  }

  /** rustc's answer recorded for `key`, if it looks like one. */
  toolchain(key: string): CachedToolchain | undefined {
    const t = Object.prototype.hasOwnProperty.call(this.toolchains, key) ? this.toolchains[key] : undefined;
    const ok = (c: unknown): boolean => !!c && typeof c === 'object' && typeof (c as TargetCfg).triple === 'string' && Array.isArray((c as TargetCfg).atoms);
    return t && ok(t.target) && ok(t.host) && (typeof t.version === 'string' || t.version === null) ? t : undefined;
  }

  /** A build script's decisions stored under `key` (a hash of its texts and environment), if well-formed. */
  scriptDecisions(key: string): ScriptDecisions | undefined {
    return this.scripts.get(key);
  }

  setScriptDecisions(key: string, d: ScriptDecisions): void {
    if (this.scripts.set(key, d)) this.dirty = true;
  }

  /** A build script's analysis stored under `key` (a hash of its files' names and contents, and build-dependencies), if well-formed. */
  scriptAnalysis(key: string): BuildScriptCfgs | undefined {
    return this.analyses.get(key);
  }

  setScriptAnalysis(key: string, a: BuildScriptCfgs): void {
    if (this.analyses.set(key, a)) this.dirty = true;
  }

  /** The entry recorded under `key`, if well-formed (its state is not checked here: see DerivedEntry). */
  derived(key: string): DerivedEntry | undefined {
    return this.derivedEntries.peek(key);
  }

  /** Keeps an entry for the next session (`fresh`: just read from its file, not confirmed from the cache). */
  setDerived(key: string, entry: DerivedEntry, fresh: boolean): void {
    this.derivedEntries.set(key, entry);
    if (fresh) this.dirty = true;
  }

  /** The recorded state of the file `abs` when it was last read (see FileStat). */
  fileStat(abs: string): FileStat | undefined {
    return this.stats.get(abs);
  }

  /** The cached resolution stored under `key`, if any (not yet checked: see restoreUnit). */
  unit(key: string): CachedUnit | undefined {
    const k = unitKey(key);
    return this.usedUnits.get(k) ?? this.loadedUnits.get(k);
  }

  /** Keeps a resolution for the next session; `fresh` when it was just computed (not restored). */
  setUnit(key: string, entry: CachedUnit, fresh: boolean): void {
    this.usedUnits.set(unitKey(key), entry);
    if (fresh) this.dirty = true;
    else this.unitHits++;
  }

  /** An entry, without counting a lookup. */
  peek(hash: string): FileFacts | undefined {
    return this.used.get(hash) ?? this.loaded.get(hash);
  }

  get(hash: string): FileFacts | undefined {
    const facts = this.used.get(hash) ?? this.loaded.get(hash);
    if (facts) {
      this.hits++;
      this.used.set(hash, facts);
    } else this.misses++;
    return facts;
  }

  /**
   * Counts the facts of `hash` as used in this session without looking at them: a unit restored
   * from the cache depends on the facts of its files (the next edit walks it again), so a save
   * must not drop them as unused.
   */
  keep(hash: string): void {
    if (this.used.has(hash)) return;
    if (!this.loadedFacts) {
      // Not parsed yet: looked up only if the cache is written with its facts (save).
      this.kept.add(hash);
      return;
    }
    const facts = this.loaded.get(hash);
    if (facts) this.used.set(hash, facts);
  }

  set(hash: string, facts: FileFacts): void {
    if (this.used.get(hash) === facts) return;
    this.used.set(hash, facts);
    if (!this.loaded.has(hash)) this.dirty = true;
  }

  /**
   * Writes the cache file when something was added (temporary file + rename, so readers never
   * see a partial file). Entries not used in this session are kept while they are fewer than
   * the used ones (other feature sets read other files). Returns false when nothing was written
   * or writing failed (a failure is not an error: the cache is an optimisation).
   */
  save(readFiles?: string[], toolchain?: [string, CachedToolchain], stats?: Map<string, FileStat>): boolean {
    if (toolchain && JSON.stringify(this.toolchains[toolchain[0]]) !== JSON.stringify(toolchain[1])) {
      this.toolchains = { ...this.toolchains, [toolchain[0]]: toolchain[1] };
      this.dirty = true;
    }
    if (stats && !sameStats(stats, this.stats)) {
      this.stats = stats;
      this.dirty = true;
    }
    const files = readFiles ? [...readFiles].sort() : this.recordedFiles;
    if (readFiles && files.join('\0') !== this.recordedFiles.join('\0')) this.filesChanged = true;
    if (!this.dirty && !this.filesChanged) return false;
    // Facts never looked at in this session (every unit restored): the facts file stays as it is.
    let factsData: FactsFile | undefined;
    if (this.loadedFacts !== undefined || this.used.size > 0) {
      for (const h of this.kept) this.keep(h);
      this.kept.clear();
      const facts: Record<string, FileFacts> = {};
      const unused = [...this.loaded].filter(([h]) => !this.used.has(h));
      if (unused.length <= this.used.size) for (const [h, f] of unused) facts[h] = f;
      for (const [h, f] of this.used) facts[h] = f;
      factsData = { version: this.version, root: this.root, facts };
    }
    const units: Record<string, CachedUnit> = {};
    const unusedUnits = [...this.loadedUnits].filter(([k]) => !this.usedUnits.has(k));
    if (unusedUnits.length <= this.usedUnits.size) for (const [k, u] of unusedUnits) units[k] = u;
    for (const [k, u] of this.usedUnits) units[k] = u;
    const data: CacheFile = {
      version: this.version,
      root: this.root,
      files,
      units,
      toolchains: this.toolchains,
      stats: Object.fromEntries(this.stats),
      scripts: Object.fromEntries(this.scripts.used),
      analyses: Object.fromEntries(this.analyses.used),
      derived: Object.fromEntries(this.derivedEntries.used),
    };
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      // Facts first: they are found by content hash, so they are right for any cache file.
      if (factsData) writeAtomically(this.factsFile, JSON.stringify(factsData));
      writeAtomically(this.file, JSON.stringify(data));
      this.dirty = false;
      this.filesChanged = false;
      this.recordedFiles = files;
      return true;
    } catch {
      return false;
    }
  }
}

/** Writes a temporary file and renames it over `file`, so that readers never see a partial file. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function factsMap(data: unknown): Map<string, FileFacts> {
  const out = new Map<string, FileFacts>();
  if (data && typeof data === 'object') for (const [hash, facts] of Object.entries(data)) if (isFacts(facts)) out.set(hash, facts);
  return out;
}

function sameStats(a: Map<string, FileStat>, b: Map<string, FileStat>): boolean {
  if (a.size !== b.size) return false;
  for (const [f, x] of a) {
    const y = b.get(f);
    if (!y || x.size !== y.size || x.mtime !== y.mtime || x.ctime !== y.ctime || x.ino !== y.ino || x.hash !== y.hash) return false;
  }
  return true;
}

function isFileStat(x: unknown): x is FileStat {
  if (!x || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  return ['size', 'mtime', 'ctime', 'ino', 'hash'].every((k) => typeof s[k] === 'string');
}

function isFacts(x: unknown): x is FileFacts {
  if (!x || typeof x !== 'object') return false;
  const f = x as Partial<FileFacts>;
  return Array.isArray(f.innerAttrs) && Array.isArray(f.items) && Array.isArray(f.syntaxErrors);
}
