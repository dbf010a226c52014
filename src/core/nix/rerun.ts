/**
 * Build scripts that print `cargo:rerun-if-changed=PATH` are rerun by cargo only when those paths
 * change. Nix cannot learn that list during evaluation without import-from-derivation, so it is
 * learned after a run instead: each run writes the paths it printed to `$out/rerun-if-changed`;
 * `cargo-units build` reads them (rerun-if-changed.json in the Nix directory) and the next
 * generation gives that run exactly those paths as its source, instead of the package directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isInside, toRelative } from '../paths.js';
import { writeFileAtomic } from './atomic.js';
import { withNixDirLock } from './dir-lock.js';

export const LEARNED_FILE = 'rerun-if-changed.json';

/** Build-script unit id → workspace-relative paths it watches. */
export type LearnedRerun = Record<string, string[]>;

export function readLearned(nixDir: string): LearnedRerun {
  const f = join(nixDir, LEARNED_FILE);
  if (!existsSync(f)) return {};
  try {
    const v = JSON.parse(readFileSync(f, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: LearnedRerun = {};
    for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
      if (Array.isArray(list) && list.every((x) => typeof x === 'string')) out[k] = list as string[];
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * The workspace-relative paths of a run's `rerun-if-changed` file (paths relative to the package
 * directory, as cargo reads them), sorted; undefined when it printed none or one lies outside the
 * workspace (then the run keeps the whole package directory).
 */
export function rerunPaths(root: string, packageDir: string, text: string): string[] | undefined {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return undefined;
  const out = new Set<string>();
  for (const l of lines) {
    const abs = resolve(join(root, packageDir), l);
    if (!isInside(root, abs) || abs === root) return undefined;
    out.add(toRelative(root, abs));
  }
  return [...out].sort();
}

/**
 * Updates the learned lists from runs' outputs (build-script unit id → run output path). Returns
 * true when rerun-if-changed.json changed.
 */
export function learnRerun(nixDir: string, root: string, runs: { id: string; packageDir: string; out: string }[]): boolean {
  // Read, merged and written under the directory's lock: a concurrent build's lists are kept.
  return withNixDirLock(nixDir, () => learn(nixDir, root, runs));
}

function learn(nixDir: string, root: string, runs: { id: string; packageDir: string; out: string }[]): boolean {
  const learned = readLearned(nixDir);
  const before = JSON.stringify(learned);
  for (const r of runs) {
    const f = join(r.out, 'rerun-if-changed');
    if (!existsSync(f)) continue;
    const paths = rerunPaths(root, r.packageDir === '.' ? '' : r.packageDir, readFileSync(f, 'utf8'));
    if (paths) learned[r.id] = paths;
    else delete learned[r.id];
  }
  const sorted: LearnedRerun = {};
  for (const k of Object.keys(learned).sort()) sorted[k] = learned[k]!;
  const after = JSON.stringify(sorted);
  if (after === before && existsSync(join(nixDir, LEARNED_FILE))) return false;
  writeFileAtomic(join(nixDir, LEARNED_FILE), JSON.stringify(sorted, null, 1) + '\n');
  return after !== before;
}
