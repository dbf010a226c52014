/** Feature resolution over the whole graph compared with `cargo metadata --offline` on real crates from Debian's registry. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DependencyGraph } from '../../src/core/cargo/graph.js';
import { readLockfile } from '../../src/core/cargo/lockfile.js';
import { vendoredCrates } from '../../src/core/cargo/registry.js';
import { loadWorkspace } from '../../src/core/cargo/workspace.js';
import { crateKey } from '../../src/core/cargo/lockfile.js';
import { UnitIndex } from '../../src/core/index.js';
import { registryContext } from '../../src/core/nix/registry.js';
import { nixUnitsJson } from '../../src/core/nix/units-json.js';
import { APP_FILES, cargo, REGISTRY, REGISTRY_SKIP, registryWorkspace } from './registry-workspace.js';

interface MetadataNode { id: string; features: string[] }

function member(name: string, deps: string, extra = ''): Record<string, string> {
  return {
    [`${name}/Cargo.toml`]: `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}\n[dependencies]\n${deps}`,
    [`${name}/src/lib.rs`]: '',
  };
}

const WORKSPACES: Record<string, Record<string, string>> = {
  app: APP_FILES,
  'syn without defaults, quote, proc-macro2 (build-dependency)': {
    'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\nresolver = "2"\n',
    ...member('a', 'syn = { version = "1", default-features = false, features = ["full", "visit", "parsing"] }\nquote = { version = "1", default-features = false }\n'),
    ...member('b', 'regex = { version = "1", default-features = false, features = ["std", "unicode-perl"] }\n', '[build-dependencies]\nproc-macro2 = "1"\n'),
  },
  'rand, log, weak and dep: features of a member': {
    'Cargo.toml': '[workspace]\nmembers = ["c"]\n',
    ...member('c', 'rand = { version = "0.8", default-features = false, features = ["std"] }\nlog = { version = "0.4", optional = true }\nserde = { version = "1", optional = true, default-features = false }\n',
      '[features]\ndefault = ["logging", "serde?/std"]\nlogging = ["dep:log", "log/std"]\n'),
  },
  'resolver 1, smallvec and crossbeam': {
    'Cargo.toml': '[workspace]\nmembers = ["d"]\nresolver = "1"\n',
    ...member('d', 'crossbeam-channel = "0.5"\nsmallvec = { version = "1", features = ["union"] }\n', '[dev-dependencies]\nserde_json = "1"\n'),
  },
};

for (const [name, files] of Object.entries(WORKSPACES)) {
  test(`features agree with cargo metadata: ${name}`, { skip: REGISTRY_SKIP, timeout: 120_000 }, () => {
    const dir = registryWorkspace(files);
    const meta = JSON.parse(cargo(dir, ['metadata', '--format-version', '1'])) as { packages: { id: string; name: string; version: string; source: string | null }[]; resolve: { nodes: MetadataNode[] } };
    const { workspace } = loadWorkspace(dir);
    const lock = readLockfile(join(dir, 'Cargo.lock'));
    const registry = lock.packages.filter((p) => p.source !== undefined);
    vendoredCrates(lock, REGISTRY, registry);
    const graph = new DependencyGraph(workspace, lock, {
      features: { features: [], allFeatures: false, noDefaultFeatures: false },
      platform: () => 'unknown',
      hostPlatform: () => 'unknown',
      // `cargo metadata` reports the dependency resolver's unified features.
      resolver: '1',
      lockView: true,
      crateDir: (p) => join(REGISTRY, crateKey(p)),
    });
    const ours: Record<string, string[]> = {};
    for (const [node] of graph.reached()) ours[`${node.pkg.name} ${node.pkg.version}`] = graph.featuresOf(node.key, false)!;
    const theirs: Record<string, string[]> = {};
    for (const n of meta.resolve.nodes) {
      const p = meta.packages.find((x) => x.id === n.id)!;
      theirs[`${p.name} ${p.version}`] = [...n.features].sort();
    }
    assert.deepEqual(ours, theirs);
    assert.ok(Object.keys(theirs).length >= 3);
  });
}

/** Resolver 2: host and target feature sets separately, as `cargo tree -e normal,build,dev` prints them (for the host platform). */
const RESOLVER2: Record<string, Record<string, string>> = {
  'a build-dependency and a proc-macro on the host, a dev-dependency': {
    'Cargo.toml': '[package]\nname = "r2"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmemchr = { version = "2", default-features = false }\nserde = { version = "1", default-features = false, features = ["derive"] }\n\n[build-dependencies]\nmemchr = "2"\n\n[dev-dependencies]\nregex = { version = "1", default-features = false, features = ["std"] }\n',
    'src/lib.rs': '',
  },
  'target-specific dependencies (rand, getrandom, libc)': {
    'Cargo.toml': '[workspace]\nmembers = ["c"]\nresolver = "2"\n',
    ...member('c', 'rand = "0.8"\n', '[target.\'cfg(windows)\'.dependencies]\nserde = { version = "1", features = ["derive"] }\n[target.\'cfg(unix)\'.dependencies]\nitoa = "1"\n'),
  },
  app: APP_FILES,
};

for (const [name, files] of Object.entries(RESOLVER2)) {
  test(`resolver 2 features agree with cargo tree: ${name}`, { skip: REGISTRY_SKIP, timeout: 120_000 }, async () => {
    const dir = registryWorkspace(files);
    const tree = cargo(dir, ['tree', '-e', 'normal,build,dev', '--prefix', 'none', '--format', '{p}|{f}']);
    const theirs = [...new Set(tree.split('\n').filter((l) => l.includes('|')).map((l) => l.replace(/ \(\*\)$/, '').replace(/ \((proc-macro|\/[^)]*)\)/g, '')))].sort();
    const index = await UnitIndex.open(dir);
    const ctx = registryContext(index, { vendor: REGISTRY })!;
    const ours = [...new Set(ctx.graph.reached().map(([n, host]) => `${n.pkg.name} v${n.pkg.version}|${ctx.graph.featuresOf(n.key, host)!.join(',')}`))].sort();
    assert.deepEqual(ours, theirs);
  });
}

test('registry edges of member units: dev-dependencies only for test units, build-dependencies on host copies', { skip: REGISTRY_SKIP, timeout: 120_000 }, async () => {
  const dir = registryWorkspace({ ...RESOLVER2['a build-dependency and a proc-macro on the host, a dev-dependency'], 'build.rs': 'fn main() {}\n', 'tests/t.rs': '' });
  cargo(dir, ['generate-lockfile']);
  const index = await UnitIndex.open(dir);
  const json = nixUnitsJson(index, { version: 'rustc 1.0\nhost: x86_64-unknown-linux-gnu\n', cfg: 'unix\n' }, { registry: registryContext(index, { vendor: REGISTRY })! });
  const deps = (id: string) => json.units[id]!.deps.map((d) => d.id).filter((d) => d.includes('@'));
  assert.deepEqual(deps('r2/lib/r2'), ['memchr@2.5.0/lib/memchr', 'serde@1.0.152/lib/serde']);
  assert.deepEqual(deps('r2/lib/r2[test]'), ['memchr@2.5.0/lib/memchr', 'regex@1.7.1/lib/regex', 'serde@1.0.152/lib/serde']);
  assert.deepEqual(deps('r2/test/t'), deps('r2/lib/r2[test]'));
  assert.deepEqual(deps('r2/custom-build/build-script-build'), ['memchr@2.5.0/lib/memchr[host]']);
  assert.deepEqual(json.units['memchr@2.5.0/lib/memchr[host]']!.features, ['default', 'std']);
  assert.deepEqual(json.units['memchr@2.5.0/lib/memchr']!.features, []);
  assert.equal(json.units['serde_derive@1.0.152/proc-macro/serde_derive']!.host, true);
  // Nothing of the workspace in a registry unit.
  assert.ok(!JSON.stringify(Object.values(json.units).filter((u) => u.crate !== null)).includes(dir));
});
