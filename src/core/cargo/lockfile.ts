/**
 * Cargo.lock, versions 1 to 4: the locked packages with their source, checksum and dependencies.
 * Version 1 keeps checksums in `[metadata]` (`"checksum NAME VERSION (SOURCE)" = "…"`); all
 * versions list a package's dependencies as `NAME`, `NAME VERSION` or `NAME VERSION (SOURCE)`,
 * the shortest that is unambiguous (v1 always the long form).
 */
import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { InputError } from '../diagnostics.js';

export interface LockedPackage {
  name: string;
  version: string;
  /** `registry+URL`, `sparse+URL`, `git+URL?…#rev`, or undefined for path packages. */
  source?: string;
  /** sha256 of the `.crate` file (hex), when the lock has a valid one. */
  checksum?: string;
  /** What the lock says when it is not a sha256 (some directory sources write a message). */
  badChecksum?: string;
  dependencies: { name: string; version?: string; source?: string }[];
  /** Line of its `[[package]]` header in Cargo.lock, for messages. */
  line: number;
}

export interface Lockfile {
  path: string;
  version: number;
  packages: LockedPackage[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `NAME [VERSION [(SOURCE)]]` */
function parseDepSpec(s: string): { name: string; version?: string; source?: string } {
  const m = /^(\S+)(?: (\S+))?(?: \((.+)\))?$/.exec(s.trim());
  if (!m) return { name: s };
  const out: { name: string; version?: string; source?: string } = { name: m[1]! };
  if (m[2] !== undefined) out.version = m[2];
  if (m[3] !== undefined) out.source = m[3];
  return out;
}

/** Lines of each `[[package]]` header, in order. */
function packageLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (/^\s*\[\[\s*package\s*\]\]/.test(l)) out.push(i + 1);
  });
  return out;
}

export function parseLockfile(path: string, text: string): Lockfile {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as TomlError;
    throw new InputError(path, e.line ?? 0, e.column, `invalid Cargo.lock: ${e.message.split('\n')[0]}`);
  }
  const version = typeof doc.version === 'number' ? doc.version : typeof doc.version === 'bigint' ? Number(doc.version) : 1;
  if (version < 1 || version > 4) throw new InputError(path, 1, undefined, `unsupported Cargo.lock version ${version} (1 to 4 are understood)`);
  const lines = packageLines(text);
  const raw = Array.isArray(doc.package) ? (doc.package as Record<string, unknown>[]) : [];
  const metadata = (doc.metadata ?? {}) as Record<string, unknown>;
  const packages = raw.map((p, i): LockedPackage => {
    const line = lines[i] ?? 0;
    const name = str(p.name);
    const ver = str(p.version);
    if (!name || !ver) throw new InputError(path, line, undefined, 'invalid Cargo.lock: a [[package]] without `name` or `version`');
    const source = str(p.source);
    const sum = str(p.checksum) ?? (source ? str(metadata[`checksum ${name} ${ver} (${source})`]) : undefined);
    const deps = Array.isArray(p.dependencies) ? p.dependencies.filter((d): d is string => typeof d === 'string').map(parseDepSpec) : [];
    const out: LockedPackage = { name, version: ver, dependencies: deps, line };
    if (source !== undefined) out.source = source;
    if (sum !== undefined) {
      if (/^[0-9a-f]{64}$/.test(sum)) out.checksum = sum;
      else out.badChecksum = sum;
    }
    return out;
  });
  return { path, version, packages };
}

export function readLockfile(path: string): Lockfile {
  return parseLockfile(path, readFileSync(path, 'utf8'));
}

/** The key registry crates are stored under: `NAME-VERSION`. */
export function crateKey(p: { name: string; version: string }): string {
  return `${p.name}-${p.version}`;
}

/** Finds the locked package a dependency spec of `from` names (unique by name, else by version and source). */
export function lockedDependency(lock: Lockfile, from: LockedPackage, name: string, accept: (p: LockedPackage) => boolean): LockedPackage | undefined {
  const candidates = from.dependencies
    .filter((d) => d.name === name)
    .flatMap((d) =>
      lock.packages.filter(
        (p) => p.name === d.name && (d.version === undefined || p.version === d.version) && (d.source === undefined || p.source === d.source),
      ),
    );
  return candidates.find(accept);
}

/** Whether `source` is a git repository (`git+URL?…#REV`). */
export function isGitSource(source: string | undefined): boolean {
  return source !== undefined && source.startsWith('git+');
}

/** A git source's repository URL (without `git+`, query and fragment) and locked commit. */
export function gitSource(source: string): { url: string; rev: string } | undefined {
  const m = /^git\+([^?#]+)(?:\?[^#]*)?#([0-9a-f]{40})$/.exec(source);
  return m ? { url: m[1]!, rev: m[2]! } : undefined;
}

/** Whether `source` is a registry (crates.io or another index). */
export function isRegistrySource(source: string | undefined): boolean {
  return source !== undefined && (source.startsWith('registry+') || source.startsWith('sparse+'));
}
