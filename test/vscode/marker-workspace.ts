/**
 * A copy of the example workspace whose build script and proc-macro write marker files (absolute
 * paths in a temporary directory) when they run: the Restricted Mode test checks that they never
 * appear while the workspace is untrusted, and that a build (what trusting allows) writes them.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers.js';

export interface MarkerWorkspace {
  /** The workspace to copy into the session. */
  dir: string;
  /** The files the build script and the proc-macro write (none exists yet). */
  markers: { buildScript: string; procMacro: string };
}

function patch(file: string, anchor: string, insert: string): void {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(anchor);
  if (at < 0) throw new Error(`${file}: ${anchor} not found`);
  writeFileSync(file, text.slice(0, at + anchor.length) + insert + text.slice(at + anchor.length));
}

export function markerWorkspace(): MarkerWorkspace {
  const base = mkdtempSync(join(tmpdir(), 'cargo-units-marker-'));
  const dir = join(base, 'workspace');
  cpSync(join(REPO, 'examples', 'workspace'), dir, { recursive: true });
  const markers = { buildScript: join(base, 'marker-build-script'), procMacro: join(base, 'marker-proc-macro') };
  const write = (path: string) => `\n    let _ = std::fs::write(${JSON.stringify(path)}, "ran");\n`;
  patch(join(dir, 'crates', 'units-core', 'build.rs'), 'fn main() {', write(markers.buildScript));
  patch(join(dir, 'crates', 'units-derive', 'src', 'lib.rs'), 'pub fn derive_quantity(input: TokenStream) -> TokenStream {', write(markers.procMacro));
  return { dir, markers };
}
