import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DependencyGraph } from './graph.js';
import { parseLockfile } from './lockfile.js';
import { loadWorkspace } from './workspace.js';
import { configuredVendorDir } from '../nix/registry.js';
import { vendoredCrates } from './registry.js';
import { InputError } from '../diagnostics.js';
import { inputError } from './testkit.js';

const SUM = 'a'.repeat(64);

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
const V1 = `[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "memchr 2.5.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "memchr"
version = "2.5.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum memchr 2.5.0 (registry+https://github.com/rust-lang/crates.io-index)" = "${SUM}"
`;

const V3 = `version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "memchr",
 "syn 1.0.107",
]

[[package]]
name = "memchr"
version = "2.5.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${SUM}"

[[package]]
name = "syn"
version = "1.0.107"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "Could not get crate checksum"
`;

test('Cargo.lock v1 (checksums in [metadata], long dependency specs) and v3', () => {
  const v1 = parseLockfile('/w/Cargo.lock', V1);
  assert.equal(v1.version, 1);
  assert.deepEqual(v1.packages[0]!.dependencies, [{ name: 'memchr', version: '2.5.0', source: 'registry+https://github.com/rust-lang/crates.io-index' }]);
  assert.equal(v1.packages[1]!.checksum, SUM);
  assert.equal(v1.packages[1]!.line, 8);
  const v3 = parseLockfile('/w/Cargo.lock', V3);
  assert.equal(v3.version, 3);
  assert.deepEqual(v3.packages[0]!.dependencies, [{ name: 'memchr' }, { name: 'syn', version: '1.0.107' }]);
  assert.equal(v3.packages[2]!.checksum, undefined);
  assert.equal(v3.packages[2]!.badChecksum, 'Could not get crate checksum');
  assert.match(inputError(() => parseLockfile('/w/Cargo.lock', 'version = 9\n')).message, /unsupported Cargo\.lock version 9/);
  const bad = inputError(() => parseLockfile('/w/Cargo.lock', '[[package]]\nname = "x"\n'));
  assert.equal(bad.line, 1);
});

test('a lying lock: a checksum the vendored source does not have, or a package the vendor directory lacks, is an error at its line', () => {
  const vendor = tempDir('cargo-units-vendor-');
  mkdirSync(join(vendor, 'memchr-2.5.0'));
  writeFileSync(join(vendor, 'memchr-2.5.0', 'Cargo.toml'), '[package]\nname = "memchr"\nversion = "2.5.0"\n');
  writeFileSync(join(vendor, 'memchr-2.5.0', '.cargo-checksum.json'), JSON.stringify({ package: 'b'.repeat(64), files: {} }));
  const lock = parseLockfile('/w/Cargo.lock', V3);
  const wrong = inputError(() => vendoredCrates(lock, vendor, lock.packages.slice(1, 2)));
  assert.equal(wrong.line, 11);
  assert.match(wrong.message, /checksum for `memchr v2\.5\.0` changed: Cargo\.lock says a{64}, the vendored source .*memchr-2\.5\.0 has b{64}/);
  const missing = inputError(() => vendoredCrates(lock, vendor, lock.packages.slice(2)));
  assert.equal(missing.line, 17);
  assert.match(missing.message, /`syn v1\.0\.107` is locked but missing from the vendor directory/);
  // cargo vendor's unversioned layout, checksum matching.
  mkdirSync(join(vendor, 'syn'));
  writeFileSync(join(vendor, 'syn', 'Cargo.toml'), '[package]\nname = "syn"\nversion = "1.0.107"\n');
  assert.equal(vendoredCrates(lock, vendor, lock.packages.slice(2)).get('syn-1.0.107')!.dir, join(vendor, 'syn'));
});

test('a git dependency resolves to its locked package; a dependency the lock does not have is a clear error', () => {
  const dir = tempDir('cargo-units-gitdep-');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'lib.rs'), '');
  writeFileSync(
    join(dir, 'Cargo.toml'),
    '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nfoo = { git = "https://example.invalid/foo" }\nbar = "1"\n',
  );
  const lockText = (deps: string) =>
    `version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = [${deps}]\n\n[[package]]\nname = "foo"\nversion = "0.3.0"\nsource = "git+https://example.invalid/foo#0123456789abcdef0123456789abcdef01234567"\n`;
  const { workspace } = loadWorkspace(dir);
  const graph = (text: string) =>
    new DependencyGraph(workspace, parseLockfile(join(dir, 'Cargo.lock'), text), {
      features: { features: [], allFeatures: false, noDefaultFeatures: false },
      platform: () => true,
      hostPlatform: () => true,
      crateDir: () => assert.fail('no registry crate is loaded'),
    });
  // A git dependency resolves to its locked package, whose source the caller provides (registry.ts).
  const asked: string[] = [];
  const withGit = (text: string) =>
    new DependencyGraph(workspace, parseLockfile(join(dir, 'Cargo.lock'), text), {
      features: { features: [], allFeatures: false, noDefaultFeatures: false },
      platform: () => true,
      hostPlatform: () => true,
      crateDir: (p) => {
        asked.push(`${p.name} ${p.version} ${p.source}`);
        throw new InputError(join(dir, 'Cargo.lock'), p.line, undefined, `no checkout of ${p.name}`);
      },
    });
  const git = inputError(() => withGit(lockText('"foo", "bar"')));
  assert.equal(git.line, 8);
  assert.deepEqual(asked, ['foo 0.3.0 git+https://example.invalid/foo#0123456789abcdef0123456789abcdef01234567']);
  const missing = inputError(() => graph(lockText('"foo"').replace('name = "foo"', 'name = "baz"')));
  assert.match(missing.message, /Cargo\.lock does not lock `foo`, a dependency of `app v0\.1\.0`/);
});

test('the vendor directory defaults to the directory source replacing crates-io in .cargo/config.toml', () => {
  const dir = tempDir('cargo-units-vendorcfg-');
  mkdirSync(join(dir, '.cargo'));
  mkdirSync(join(dir, 'ws', 'member'), { recursive: true });
  assert.equal(configuredVendorDir(join(dir, 'ws', 'member')), undefined);
  writeFileSync(
    join(dir, '.cargo', 'config.toml'),
    '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n',
  );
  assert.equal(configuredVendorDir(join(dir, 'ws', 'member')), join(dir, 'vendor'));
});
