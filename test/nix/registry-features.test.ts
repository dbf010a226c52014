/** Feature resolution over the whole graph compared with `cargo metadata --offline` on real crates from Debian's registry. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DependencyGraph } from '../../src/core/cargo/graph.js';
import { readLockfile } from '../../src/core/cargo/lockfile.js';
import { vendoredCrates } from '../../src/core/cargo/registry.js';
import { loadWorkspace } from '../../src/core/cargo/workspace.js';
import { crateKey } from '../../src/core/cargo/lockfile.js';
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
