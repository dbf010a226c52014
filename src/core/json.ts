/** The JSON shapes of the index, as `cargo-units … --json` prints them. Paths are relative to the workspace root. */
import type { IndexedUnit, UnitIndex } from './index.js';
import { toRelative } from './paths.js';

export interface UnitJson {
  id: string;
  package: string;
  version: string;
  packageDir: string;
  kind: string;
  name: string;
  test: boolean;
  crateRoot: string;
  edition: string;
  features: string[];
  files: string[];
  external: string[];
  uncertain: { file: string; reason: string }[];
}

export interface UnitsJson {
  workspaceRoot: string;
  target: string;
  units: UnitJson[];
}

export function unitJson(index: UnitIndex, e: IndexedUnit): UnitJson {
  const root = index.workspace.root;
  const rel = (p: string) => toRelative(root, p);
  const u = e.unit;
  return {
    id: u.id,
    package: u.package.name,
    version: u.package.version,
    packageDir: rel(u.package.dir),
    kind: u.kind,
    name: u.name,
    test: u.test,
    crateRoot: rel(u.target.path),
    edition: u.target.edition,
    features: u.features,
    files: e.files.map(rel).sort(),
    external: [...e.external].sort(),
    uncertain: e.uncertain.map((x) => ({ file: rel(x.file), reason: x.reason })),
  };
}

export function unitsJson(index: UnitIndex): UnitsJson {
  return {
    workspaceRoot: index.workspace.root,
    target: index.targetCfg.triple,
    units: index.entries.map((e) => unitJson(index, e)),
  };
}
