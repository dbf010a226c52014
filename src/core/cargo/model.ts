/**
 * The Cargo model: what the manifests of a workspace say, after workspace inheritance
 * and target auto-discovery. All paths are absolute.
 */

export type TargetKind = 'lib' | 'proc-macro' | 'bin' | 'example' | 'test' | 'bench' | 'custom-build';

export interface Target {
  kind: TargetKind;
  /** The name `cargo metadata` reports: a lib's name uses underscores; `build-script-build` for build scripts. */
  name: string;
  /** The name rustc gets as `--crate-name` (hyphens replaced by underscores). */
  crateName: string;
  /** Absolute path of the crate root file. */
  path: string;
  edition: string;
  /** `lib`, `rlib`, `dylib`, `cdylib`, `staticlib`, `proc-macro`, or `bin`. */
  crateTypes: string[];
  /** Built by `cargo test` (the `test` key). */
  test: boolean;
  /** Built by `cargo bench` (the `bench` key). */
  bench: boolean;
  /** Compiled with `--test` when built for testing (the `harness` key). */
  harness: boolean;
  requiredFeatures: string[];
  /** Documentation tests run for it (`doctest` key, only ever true for libraries), as `cargo metadata` reports it. */
  doctest?: boolean;
}

export type DependencyKind = 'normal' | 'dev' | 'build';

export interface Dependency {
  /** The name the code uses (`extern crate` name before `-` → `_`): the table key, or `package` renames it. */
  name: string;
  /** The package this dependency refers to. */
  package: string;
  kind: DependencyKind;
  optional: boolean;
  defaultFeatures: boolean;
  features: string[];
  /** Absolute directory of a path dependency (after `workspace = true` inheritance). */
  path?: string;
  /** The version requirement as written (`version` key), when there is one. */
  version?: string;
  /** The `[target.'…'.dependencies]` key: a `cfg(…)` expression or a target triple. */
  platform?: string;
  /** Manifest line that declared it, for diagnostics. */
  line?: number;
}

export interface PackageMetadata {
  authors: string[];
  description?: string;
  homepage?: string;
  repository?: string;
  license?: string;
  /** As `cargo metadata` reports it: relative to the package directory (inherited paths adjusted). */
  licenseFile?: string;
  rustVersion?: string;
  /** As `cargo metadata` reports it: relative to the package directory; README.md/README.txt/README when unset. */
  readme?: string;
  links?: string;
}

export interface Package {
  name: string;
  version: string;
  /** Absolute path of its Cargo.toml. */
  manifestPath: string;
  /** Absolute directory holding Cargo.toml. */
  dir: string;
  edition: string;
  targets: Target[];
  dependencies: Dependency[];
  /** The `[features]` table as written (values not yet resolved). */
  features: Record<string, string[]>;
  metadata: PackageMetadata;
}

export interface Workspace {
  /** Absolute directory of the workspace root manifest. */
  root: string;
  /** Absolute path of the root Cargo.toml. */
  manifestPath: string;
  /** Every member, sorted by name. */
  members: Package[];
  /**
   * Names of the default members (all members when `default-members` is absent and the root is
   * virtual; the member itself when the workspace was loaded from a member's manifest, as cargo).
   */
  defaultMembers: string[];
  resolver: '1' | '2' | '3';
}

/** Options that select features, as on cargo's command line. */
export interface FeatureOptions {
  /** `--features`: `feat` (every selected member that has it) or `pkg/feat`. */
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
}

/** Three-valued answer of a cfg question. */
export type Tri = true | false | 'unknown';
