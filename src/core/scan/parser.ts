/**
 * Loads web-tree-sitter and the tree-sitter-rust grammar once per process.
 * The wasm files are found next to the bundle (dist/) or in node_modules when running from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

let ready: Promise<Parser> | undefined;

function wasmPath(file: 'web-tree-sitter.wasm' | 'tree-sitter-rust.wasm'): string {
  const candidates: string[] = [];
  // Bundled: the wasm files sit beside the bundle (esbuild defines __dirname for CJS output).
  if (typeof __dirname === 'string') candidates.push(join(__dirname, file));
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    candidates.push(
      file === 'web-tree-sitter.wasm'
        ? req.resolve('web-tree-sitter/web-tree-sitter.wasm')
        : req.resolve('tree-sitter-rust/tree-sitter-rust.wasm'),
    );
  } catch {
    // not resolvable from here: rely on the other candidates
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`cannot find ${file} (looked in ${candidates.join(', ') || 'nowhere'})`);
  return found;
}

/** The shared Rust parser. Trees it returns must be deleted by the caller. */
export function rustParser(): Promise<Parser> {
  ready ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const language = await Language.load(wasmPath('tree-sitter-rust.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return ready;
}
