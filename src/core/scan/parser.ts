/**
 * Loads web-tree-sitter and the tree-sitter-rust grammar once per process.
 * The wasm files are found next to the bundle (dist/) or in node_modules when running from source.
 *
 * Loading is split so that a run that parses nothing (a warm start from the facts cache) does not
 * pay for the grammar: `loadRuntime()` initialises the small tree-sitter runtime (asynchronous,
 * started early and cheap), and `rustParserSync()` compiles the 1 MB grammar synchronously the
 * first time a file actually has to be parsed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Language, Parser, type Range, type Tree } from 'web-tree-sitter';

let runtime: Promise<void> | undefined;
let runtimeReady = false;
let parser: Parser | undefined;
let grammarMs = 0;
/** preferBaselineWasm() was called, and its flag is not set yet. */
let baselineWasm = false;

function wasmPath(file: 'web-tree-sitter.wasm' | 'tree-sitter-rust.wasm'): string {
  const candidates: string[] = [];
  // Bundled: the wasm files sit beside the bundle (esbuild defines __dirname for CJS output).
  if (typeof __dirname === 'string') {
    const beside = join(__dirname, file);
    // Found: no module resolution (it costs about 10 ms per file at start-up).
    if (existsSync(beside)) return beside;
    candidates.push(beside);
  }
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    candidates.push(
      file === 'web-tree-sitter.wasm' ? req.resolve('web-tree-sitter/web-tree-sitter.wasm') : req.resolve('tree-sitter-rust/tree-sitter-rust.wasm'),
    );
  } catch {
    // not resolvable from here: rely on the other candidates
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`cannot find ${file} (looked in ${candidates.join(', ') || 'nowhere'})`);
  return found;
}

/**
 * For short-lived processes (the CLI): keep WebAssembly on V8's baseline compiler (Liftoff) instead
 * of also recompiling hot functions with the optimising compiler in the background. A one-shot
 * index parses each file once, so the optimised code rarely pays for its compilation; on two cores
 * this halves the CPU time of a cold index. It sets a V8 flag for the whole process, so a library
 * host (an editor) should not call it.
 *
 * The flag is set only when the first WebAssembly module is compiled: V8 accepts a code cache only
 * under the flags it was made with, so once a flag changes, every built-in module Node loads after
 * is compiled from scratch, and the CLI's own code cache (bin/load-bundle.js) must be made under
 * the flags a run starts with. A warm run, which parses nothing, leaves the flags alone.
 */
export function preferBaselineWasm(): void {
  baselineWasm = true;
}

function beforeWasm(): void {
  if (!baselineWasm) return;
  baselineWasm = false;
  setFlagsFromString('--liftoff-only');
}

/** Initialises the tree-sitter runtime (not the grammar). Idempotent. */
export function loadRuntime(): Promise<void> {
  runtime ??= (async () => {
    const file = wasmPath('web-tree-sitter.wasm');
    beforeWasm();
    await Parser.init({ locateFile: () => file });
    runtimeReady = true;
  })();
  return runtime;
}

/** True once `loadRuntime()` has finished. */
export function runtimeLoaded(): boolean {
  return runtimeReady;
}

/**
 * The shared Rust parser, loading the grammar synchronously on first use.
 * Requires `loadRuntime()` to have finished. Trees it returns must be deleted by the caller.
 */
export function rustParserSync(): Parser {
  if (parser) return parser;
  if (!runtimeReady) throw new Error('rustParserSync: the tree-sitter runtime is not initialised (await loadRuntime() first)');
  const t = performance.now();
  beforeWasm();
  // Synchronous compilation (V8 compiles functions lazily, so this is quick).
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => Parameters<typeof Language.loadSync>[0] } }).WebAssembly;
  const language = Language.loadSync(new wasm.Module(readFileSync(wasmPath('tree-sitter-rust.wasm'))));
  const p = new Parser();
  p.setLanguage(language);
  parser = p;
  grammarMs = performance.now() - t;
  return p;
}

/** True once the grammar has been loaded in this process. */
export function grammarLoaded(): boolean {
  return parser !== undefined;
}

/** Milliseconds the grammar took to load (0 while it is not loaded). */
export function grammarLoadMs(): number {
  return grammarMs;
}

/** The shared Rust parser (runtime and grammar). Trees it returns must be deleted by the caller. */
export async function rustParser(): Promise<Parser> {
  await loadRuntime();
  return rustParserSync();
}

/**
 * web-tree-sitter copies the input into a 10 KiB buffer: at most this many UTF-16 code units per
 * read (one is kept for its terminator).
 */
const CHUNK_UNITS = 5119;

/**
 * Parses `source`, reading it in chunks that never end between the two halves of a surrogate pair.
 * Given the whole string, web-tree-sitter cuts it at a fixed size, and a character outside the
 * Basic Multilingual Plane cut in two there reads as two invalid ones: a syntax error that was
 * not in the file, whose recovery could swallow the items after it. `includedRanges`: what to read
 * (see syntax/skeleton.ts); a read then stops at the end of its range, since each read is copied
 * into the parser's memory whole and a file can have thousands of short ranges. The tree must be
 * deleted by the caller.
 */
export function parseRust(parser: Parser, source: string, includedRanges?: Range[]): Tree | null {
  let r = 0;
  const read = (index: number): string => {
    let end = index + CHUNK_UNITS;
    if (includedRanges) {
      // Reads go forward, mostly: move the cursor to the range that holds `index`.
      if (r >= includedRanges.length || includedRanges[r]!.startIndex > index) r = 0;
      while (r < includedRanges.length && includedRanges[r]!.endIndex <= index) r++;
      const range = includedRanges[r];
      if (range && range.startIndex <= index && range.endIndex < end) end = range.endIndex;
    }
    const last = source.charCodeAt(end - 1);
    if (end < source.length && last >= 0xd800 && last <= 0xdbff) end--;
    return source.slice(index, end);
  };
  return includedRanges ? parser.parse(read, null, { includedRanges }) : parser.parse(read);
}
