/**
 * Where the sources of locked registry packages are: a vendor directory in `cargo vendor` layout
 * (`NAME/` or `NAME-VERSION/`) or Debian's crate registry layout (`NAME-VERSION/`), each crate
 * with a `.cargo-checksum.json` whose `package` is the sha256 of the `.crate` file. The lock's
 * checksum is verified against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../diagnostics.js';
import { crateKey, type Lockfile, type LockedPackage } from './lockfile.js';

export interface VendoredCrate {
  dir: string;
  /** `package` of its `.cargo-checksum.json`, when there is one. */
  checksum?: string;
}

function manifestVersion(dir: string): string | undefined {
  try {
    return /^\s*version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** The vendored directory of a locked package, or undefined. */
export function findVendored(vendor: string, p: { name: string; version: string }): VendoredCrate | undefined {
  for (const dir of [join(vendor, crateKey(p)), join(vendor, p.name)]) {
    if (!existsSync(join(dir, 'Cargo.toml'))) continue;
    if (dir === join(vendor, p.name) && manifestVersion(dir) !== p.version) continue;
    let checksum: string | undefined;
    try {
      const sum = (JSON.parse(readFileSync(join(dir, '.cargo-checksum.json'), 'utf8')) as { package?: unknown }).package;
      if (typeof sum === 'string' && /^[0-9a-f]{64}$/.test(sum)) checksum = sum;
    } catch {
      // no checksum file: nothing to verify against
    }
    return checksum === undefined ? { dir } : { dir, checksum };
  }
  return undefined;
}

/**
 * The vendored crate of every registry package of the lock, verified: a package the vendor
 * directory lacks, or whose checksum differs from the lock's, is an error at its Cargo.lock line.
 */
export function vendoredCrates(lock: Lockfile, vendor: string, registry: LockedPackage[]): Map<string, VendoredCrate> {
  const out = new Map<string, VendoredCrate>();
  for (const p of registry) {
    const v = findVendored(vendor, p);
    if (!v) {
      throw new InputError(
        lock.path,
        p.line,
        undefined,
        `package \`${p.name} v${p.version}\` is locked but missing from the vendor directory ${vendor} (neither ${crateKey(p)}/ nor ${p.name}/ holds it)`,
      );
    }
    if (p.checksum && v.checksum && p.checksum !== v.checksum) {
      throw new InputError(
        lock.path,
        p.line,
        undefined,
        `checksum for \`${p.name} v${p.version}\` changed: Cargo.lock says ${p.checksum}, the vendored source ${v.dir} has ${v.checksum}`,
      );
    }
    out.set(crateKey(p), v);
  }
  return out;
}
