/**
 * A package's own file list, as cargo computes it for `cargo package --list` and for the
 * fingerprint of a build script that prints no `rerun-if-changed` (cargo's PathSource):
 *
 * - with `include`: every file matching it (gitignore-style patterns), `exclude` ignored;
 * - else in a git work tree: the tracked files that exist, plus untracked files that no
 *   .gitignore ignores (untracked ones under the root `target/` left out), minus `exclude`;
 * - else every file, hidden ones (a `.` component) and the root `target/` left out, minus `exclude`;
 * - always: subdirectories that hold a Cargo.toml (other packages) left out, Cargo.toml kept.
 *
 * Measured against `cargo package --list --offline --allow-dirty` (cargo 1.95), which adds only
 * files it generates (Cargo.toml.orig, Cargo.lock, .cargo_vcs_info.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

/** One gitignore-style pattern of `include`/`exclude`. */
interface Pattern {
  negate: boolean;
  dirOnly: boolean;
  re: RegExp;
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` any directories (or none), `/**` everything inside, `**` anything.
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        out +=
          '[' +
          glob
            .slice(i + 1, end)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += '\\' + glob[++i];
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

export function compilePattern(raw: string): Pattern {
  let p = raw.trim();
  const negate = p.startsWith('!');
  if (negate) p = p.slice(1);
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  // A pattern with a slash (not at the end) is anchored at the package root; others match a name at any depth.
  const anchored = p.includes('/');
  p = p.replace(/^\//, '');
  const body = globToRegExp(p);
  return { negate, dirOnly, re: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) };
}

/** Whether the last pattern that matches `rel` (or a directory above it) includes it: true, false, or undefined when none matches. */
export function matchPatterns(patterns: Pattern[], rel: string): boolean | undefined {
  const parts = rel.split('/');
  let result: boolean | undefined;
  for (const p of patterns) {
    let hit = false;
    for (let n = 1; n <= parts.length && !hit; n++) {
      const isDir = n < parts.length;
      if (p.dirOnly && !isDir) continue;
      hit = p.re.test(parts.slice(0, n).join('/'));
    }
    if (hit) result = !p.negate;
  }
  return result;
}

function walk(dir: string, rel: string, hidden: boolean, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(join(dir, rel)).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (!hidden && name.startsWith('.')) continue;
    const r = rel ? `${rel}/${name}` : name;
    if (r === 'target') continue;
    let st;
    try {
      st = lstatSync(join(dir, r));
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(dir, r, hidden, out);
    else out.push(r);
  }
}

/** Files of the git work tree at `dir` (relative to it): tracked and existing, and untracked not ignored; undefined when `dir` is in no work tree (or git is missing). */
function gitFiles(dir: string): string[] | undefined {
  let out: string;
  try {
    out = execFileSync('git', ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 << 20,
      timeout: 30_000,
    });
  } catch {
    return undefined;
  }
  let untracked: Set<string>;
  try {
    untracked = new Set(
      execFileSync('git', ['-C', dir, 'ls-files', '-z', '--others', '--exclude-standard', '--', '.'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        maxBuffer: 256 << 20,
        timeout: 30_000,
      }).split('\0'),
    );
  } catch {
    return undefined;
  }
  const files = [...new Set(out.split('\0').filter(Boolean))];
  // The manifest must be part of the work tree (tracked, or untracked and not ignored), as cargo checks.
  if (!files.includes('Cargo.toml')) return undefined;
  return files.filter((f) => !(untracked.has(f) && (f === 'target' || f.startsWith('target/'))) && existsSync(join(dir, f)));
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** `include` and `exclude` of a package manifest (`{ workspace = true }` read from the root manifest's [workspace.package]). */
export function includeExclude(manifestPath: string, rootManifestPath?: string): { include?: string[]; exclude?: string[] } {
  const doc = parse(readFileSync(manifestPath, 'utf8')) as { package?: Record<string, unknown> };
  const pkg = doc.package ?? {};
  let ws: Record<string, unknown> | undefined;
  const get = (key: 'include' | 'exclude'): string[] | undefined => {
    const v = pkg[key];
    if (typeof v === 'object' && v !== null && (v as { workspace?: unknown }).workspace === true && rootManifestPath) {
      ws ??= (parse(readFileSync(rootManifestPath, 'utf8')) as { workspace?: { package?: Record<string, unknown> } }).workspace?.package ?? {};
      return stringList(ws[key]);
    }
    return stringList(v);
  };
  const include = get('include');
  const exclude = get('exclude');
  return { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
}

/** The package's file list, relative to its directory, sorted. */
export function packageFiles(dir: string, opts: { include?: string[]; exclude?: string[] } = {}): string[] {
  let files: string[];
  if (opts.include && opts.include.length > 0) {
    const inc = opts.include.map(compilePattern);
    files = [];
    walk(dir, '', true, files);
    files = files.filter((f) => f === 'Cargo.toml' || matchPatterns(inc, f) === true);
  } else {
    const git = gitFiles(dir);
    if (git) files = git;
    else {
      files = [];
      walk(dir, '', false, files);
    }
    const exc = (opts.exclude ?? []).map(compilePattern);
    if (exc.length > 0) files = files.filter((f) => f === 'Cargo.toml' || matchPatterns(exc, f) !== true);
  }
  // Other packages: any directory below the root that holds a Cargo.toml.
  const nested = new Map<string, boolean>();
  const inNested = (f: string): boolean => {
    const parts = f.split('/');
    for (let n = 1; n < parts.length; n++) {
      const d = parts.slice(0, n).join('/');
      let yes = nested.get(d);
      if (yes === undefined) nested.set(d, (yes = existsSync(join(dir, d, 'Cargo.toml'))));
      if (yes) return true;
    }
    return false;
  };
  return files.filter((f) => !inNested(f)).sort();
}
