/**
 * The source files of one workspace, as the scanner sees them: disk contents overlaid with
 * unsaved editor text, confined to the workspace root, with per-file facts cached by content hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import { isInside } from '../paths.js';
import type { FactsCache } from './cache.js';
import { extractFacts } from './extract.js';
import type { FileFacts } from './facts.js';

/** Files larger than this are not parsed (rustc would still read them; they are listed, not scanned). */
export const MAX_PARSE_BYTES = 64 * 1024 * 1024;

export interface SourceText {
  text: string;
  invalidUtf8: boolean;
  hash: string;
}

export class SourceStore {
  private readonly overlays = new Map<string, string>();
  private readonly texts = new Map<string, SourceText | null>();
  private readonly factsByHash = new Map<string, FileFacts>();
  private readonly realRoot: string;
  private parsed = 0;

  constructor(
    readonly root: string,
    private readonly parser: Parser,
    /** An on-disk facts cache consulted before parsing (see cache.ts). */
    readonly cache?: FactsCache,
  ) {
    this.realRoot = safeRealpath(root) ?? root;
  }

  /** True when `abs` is inside the workspace root, also after following symlinks. */
  isInWorkspace(abs: string): boolean {
    if (!isInside(this.root, abs)) return false;
    if (this.overlays.has(abs)) return true;
    const real = safeRealpath(abs);
    return real === undefined || isInside(this.realRoot, real);
  }

  /** Whether a regular file exists at `abs` (or an editor holds unsaved text for it). Never looks outside the root. */
  isFile(abs: string): boolean {
    if (this.overlays.has(abs)) return true;
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached !== null;
    if (!this.isInWorkspace(abs)) return false;
    try {
      return statSync(abs).isFile();
    } catch {
      return false;
    }
  }

  /** The text of a workspace file, or undefined when it does not exist or lies outside the root. */
  read(abs: string): SourceText | undefined {
    const cached = this.texts.get(abs);
    if (cached !== undefined) return cached ?? undefined;
    let result: SourceText | null = null;
    const overlay = this.overlays.get(abs);
    if (overlay !== undefined) {
      result = { text: overlay, invalidUtf8: false, hash: hashText(overlay) };
    } else if (this.isInWorkspace(abs)) {
      try {
        const bytes = readFileSync(abs);
        const hash = createHash('sha1').update(bytes).digest('hex');
        const decoder = new TextDecoder('utf-8', { fatal: false });
        const text = decoder.decode(bytes);
        result = { text, invalidUtf8: text.includes('\uFFFD') && !isValidUtf8(bytes), hash };
      } catch {
        result = null;
      }
    }
    this.texts.set(abs, result);
    return result ?? undefined;
  }

  /** Facts of a workspace file, cached by content hash. */
  facts(abs: string): FileFacts | undefined {
    const src = this.read(abs);
    if (!src) return undefined;
    let facts = this.factsByHash.get(src.hash);
    if (!facts) {
      facts = this.cache?.get(src.hash);
      if (!facts) {
        this.parsed++;
        facts =
          src.text.length > MAX_PARSE_BYTES
            ? { innerAttrs: [], items: [], syntaxErrors: [] }
            : extractFacts(this.parser, src.text);
        if (src.invalidUtf8) facts = { ...facts, invalidUtf8: true };
      }
      this.cache?.set(src.hash, facts);
      this.factsByHash.set(src.hash, facts);
    }
    return facts;
  }

  /** Sets (or with undefined, clears) unsaved text for a file. */
  setOverlay(abs: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(abs);
    else this.overlays.set(abs, text);
    this.texts.delete(abs);
  }

  /** Forgets what was read from disk for `abs` (after a change on disk). */
  invalidate(abs: string): void {
    this.texts.delete(abs);
  }

  /** Forgets everything read from disk (facts stay cached by hash). */
  invalidateAll(): void {
    this.texts.clear();
  }

  /** Number of distinct file contents parsed so far (contents found in the on-disk cache are not parsed). */
  get parsedCount(): number {
    return this.parsed;
  }
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
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
