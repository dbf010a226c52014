/**
 * Helpers for tests that run real Nix: an isolated store, state, log and nix.conf in a temporary
 * directory (nothing shared is read or written), and the cargo-units CLI run against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEvent } from '../../src/core/nix/events.js';
import { findExecutable } from '../../src/core/toolchain.js';
import { REPO } from '../helpers.js';

export const NIX_SKIP = findExecutable('nix-store') && findExecutable('nix-instantiate') ? false : 'nix not installed (apt-get install -y nix-bin)';

const stores: string[] = [];

/** Store paths are read-only: make them writable, then delete the whole private store. */
export function removeIsolatedStores(): void {
  for (const base of stores.splice(0)) {
    spawnSync('chmod', ['-R', 'u+w', base]);
    rmSync(base, { recursive: true, force: true });
  }
}

process.on('exit', removeIsolatedStores);

/** Environment for Nix commands with a private store under a new temporary directory (removed when the process exits). */
export function isolatedNixEnv(): NodeJS.ProcessEnv {
  const base = mkdtempSync(join(tmpdir(), 'cargo-units-nix-'));
  stores.push(base);
  const conf = join(base, 'conf');
  mkdirSync(conf);
  writeFileSync(join(conf, 'nix.conf'), 'build-users-group =\nsandbox = false\nsubstituters =\nmax-jobs = auto\nexperimental-features = nix-command ca-derivations\n');
  return {
    ...process.env,
    NIX_CONF_DIR: conf,
    NIX_STORE_DIR: join(base, 'store'),
    NIX_STATE_DIR: join(base, 'var'),
    NIX_LOG_DIR: join(base, 'log'),
    NIX_CONFIG: '',
    NO_COLOR: '1',
  };
}

/** Only the variables `isolatedNixEnv` sets, for handing to a program that adds them to its own environment (code-server). */
export function isolatedNixVars(): Record<string, string> {
  return Object.fromEntries(Object.entries(isolatedNixEnv()).filter(([k]) => k.startsWith('NIX_') || k === 'NO_COLOR')) as Record<string, string>;
}

export interface CliBuild {
  status: number | null;
  events: BuildEvent[];
  stderr: string;
}

/** Runs `cargo-units build --json ARGS` (the built CLI) in `cwd` and parses its events. */
export function cliBuild(env: NodeJS.ProcessEnv, cwd: string, args: string[]): CliBuild {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'cargo-units'), 'build', '--json', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BuildEvent);
  return { status: r.status, events, stderr: r.stderr };
}

export function finishedOf(b: CliBuild): Extract<BuildEvent, { type: 'finished' }> {
  const f = b.events.find((e) => e.type === 'finished');
  if (!f || f.type !== 'finished') throw new Error(`no finished event (status ${b.status}):\n${b.stderr}\n${JSON.stringify(b.events.slice(-5))}`);
  return f;
}

/** Units whose derivation Nix started (internal-json `start` of a build activity). */
export function started(b: CliBuild): string[] {
  return b.events.filter((e) => e.type === 'start').map((e) => (e as { unit: string }).unit).sort();
}

export function doneOut(b: CliBuild, unit: string): string {
  const d = b.events.find((e) => e.type === 'done' && e.unit === unit);
  if (!d || d.type !== 'done') throw new Error(`${unit} was not built`);
  return d.out;
}

/** Pids of processes whose command line or environment mentions `needle` (e.g. a private store). */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle) || readFileSync(`/proc/${p}/environ`, 'utf8').includes(needle)) out.push(Number(p));
    } catch {
      // gone, or not ours
    }
  }
  return out;
}
