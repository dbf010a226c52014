/** The real workspace ripgrep-13 for tests and benchmarks: where it is, and a writable copy of it. */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers.js';

/** The read-only ripgrep-13 workspace: $CARGO_UNITS_RIPGREP, else ../shared/workspaces/ripgrep-13 next to the repository. */
export const RIPGREP = [process.env.CARGO_UNITS_RIPGREP, join(REPO, '..', 'shared', 'workspaces', 'ripgrep-13'), '/work/shared/workspaces/ripgrep-13']
  .find((d): d is string => !!d && existsSync(join(d, 'Cargo.toml')));
export const RG = 'ripgrep/bin/rg';
/** Why the ripgrep-13 tests and benchmark cannot run here, or false. */
export const RIPGREP_SKIP = (RIPGREP ? false : 'ripgrep-13 not found (set CARGO_UNITS_RIPGREP)') ||
  (existsSync('/usr/share/cargo/registry/memchr-2.5.0') && existsSync('/usr/share/cargo/registry/clap-2.34.0') ? false : "ripgrep-13's crates are not installed (install-ripgrep-deps.sh)");

/** A writable copy of ripgrep-13 (without any target/). */
export function copyRipgrep(): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'cargo-units-rg-')), 'ripgrep');
  cpSync(RIPGREP!, ws, { recursive: true, filter: (src) => !/\/(target|\.cargo-units)$/.test(src) });
  process.on('exit', () => rmSync(join(ws, '..'), { recursive: true, force: true }));
  return ws;
}

