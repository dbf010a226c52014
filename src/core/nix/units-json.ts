/**
 * The machine-independent unit description that the Nix library (`nix/*.nix`) reads with
 * `builtins.fromJSON`: per unit its files (relative to the workspace root), rustc flags, deps with
 * extern names and the cargo environment with absolute paths replaced by placeholders.
 *
 * Placeholders: `@src@` is the unit's filtered source in the store (the workspace root inside it),
 * `@out_dir@` the build-script run's output. The Nix side substitutes them.
 * Not yet wired to a CLI command (see the nix work report).
 */
import type { IndexedUnit, UnitIndex } from '../index.js';
import { toRelative } from '../paths.js';
import { cargoEnv, crateTypes } from '../rustc-args.js';

export interface NixUnitDep {
  id: string;
  externName: string;
  kind: string;
}

export interface NixUnit {
  id: string;
  package: string;
  packageDir: string;
  kind: string;
  name: string;
  crateName: string;
  crateTypes: string[];
  test: boolean;
  host: boolean;
  edition: string;
  crateRoot: string;
  features: string[];
  cfgs: string[];
  files: string[];
  deps: NixUnitDep[];
  env: Record<string, string>;
  /** The id of the package's build-script unit whose run output this unit uses. */
  buildScript: string | null;
}

export interface NixUnitsJson {
  version: 1;
  target: string;
  /** `rustc -vV` at generation time: part of every derivation. */
  toolchain: string;
  units: Record<string, NixUnit>;
}

/** Replaces absolute workspace paths in an env value by `@src@/relative`. */
function placeholder(root: string, v: string): string {
  if (v === root) return '@src@';
  if (v.startsWith(root + '/')) return '@src@/' + toRelative(root, v);
  return v;
}

export function nixUnit(index: UnitIndex, e: IndexedUnit): NixUnit {
  const root = index.workspace.root;
  const u = e.unit;
  const rel = (p: string) => toRelative(root, p);
  const env: Record<string, string> = {};
  const raw = cargoEnv(u, { cfgs: [], outDir: '@out_dir@', targetTmpDir: '/tmp' });
  for (const k of Object.keys(raw).sort()) env[k] = placeholder(root, raw[k]!);
  const bs = u.deps.find((d) => d.kind === 'build-script');
  return {
    id: u.id,
    package: u.package.name,
    packageDir: rel(u.package.dir),
    kind: u.kind,
    name: u.name,
    crateName: u.target.crateName,
    crateTypes: crateTypes(u),
    test: u.test,
    host: u.host,
    edition: u.target.edition,
    crateRoot: rel(u.target.path),
    features: u.features,
    cfgs: index.options.cfgs.map((c) => (c.value === undefined ? c.name : `${c.name}="${c.value}"`)),
    files: e.files.map(rel).sort(),
    deps: u.deps.filter((d) => d.kind !== 'build-script').map((d) => ({ id: d.unitId, externName: d.externName, kind: d.kind })),
    env,
    buildScript: bs ? bs.unitId : null,
  };
}

export function nixUnitsJson(index: UnitIndex, toolchain: string): NixUnitsJson {
  const units: Record<string, NixUnit> = {};
  for (const e of index.entries) units[e.unit.id] = nixUnit(index, e);
  return { version: 1, target: index.targetCfg.triple, toolchain, units };
}
