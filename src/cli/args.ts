/** Command-line parsing for `cargo-units` (no dependencies; strict about unknown flags). */

export interface CliArgs {
  command: string;
  positionals: string[];
  manifestPath?: string;
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
  target?: string;
  cfgs: string[];
  /** `--build-output DIR`: a cargo target directory with build-script outputs. */
  buildOutput?: string;
  json: boolean;
  /** `--no-cache`: neither read nor write the on-disk facts cache. */
  noCache: boolean;
  /** `units --files`: list each unit's files. */
  files: boolean;
  /** `verify --summary`: recall and precision over feature sets. */
  summary: boolean;
  /** `verify --summary --feature-set SPEC` (repeatable): `default`, `all`, `none`, or `a,b`. */
  featureSets: string[];
  /** `nix --out DIR`: where to write the Nix directory. */
  out?: string;
  /** `nix`/`build --vendor DIR`: registry crates' sources (`cargo vendor` or Debian registry layout). */
  vendor?: string;
  /** `--fetch-crates`: fetch registry crates with Nix's builtin fetchurl even with --vendor. */
  fetchCrates: boolean;
  /** `--crate-url TEMPLATE`: where to fetch `.crate` files ({name}, {version}, {sha256}). */
  crateUrl?: string;
  /** `build --dry-run`. */
  dryRun: boolean;
  /** `build --unit ID` (repeatable). */
  units: string[];
  /** `build --content-addressed`: content-addressed derivations (early cutoff). */
  contentAddressed: boolean;
  /** `build … -- ARGS`: passed to Nix. */
  nixArgs: string[];
  /** `build --out-link PATH`: nix-build's result links (PATH, PATH-2, … per requested unit). */
  outLink?: string;
  /** `build --no-gc-roots`: no GC roots under the Nix directory's gcroots/. */
  noGcRoots: boolean;
  /** `build --substituters URLS` / `--builders SPEC`: Nix's settings of those names. */
  substituters?: string;
  builders?: string;
  /** `build --incremental`: rustc's incremental state for workspace units under OUT/incremental (impure, opt-in). */
  incremental: boolean;
  /** `verify --jobs N`. */
  jobs?: number;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const COMMANDS = ['units', 'files', 'owners', 'affected', 'orphans', 'verify', 'nix', 'build', 'help'] as const;

const VALUE_FLAGS = new Set(['--feature-set', '--build-output', '--manifest-path', '--features', '-F', '--target', '--cfg', '--jobs', '-j', '--out', '--unit', '--vendor', '--crate-url', '--out-link', '--substituters', '--builders']);

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    command: '',
    positionals: [],
    features: [],
    allFeatures: false,
    noDefaultFeatures: false,
    cfgs: [],
    json: false,
    noCache: false,
    files: false,
    summary: false,
    featureSets: [],
    dryRun: false,
    fetchCrates: false,
    units: [],
    contentAddressed: false,
    nixArgs: [],
    noGcRoots: false,
    incremental: false,
    help: false,
    version: false,
  };
  let rest = [...argv];
  // `cargo units …` runs `cargo-units units …`: drop the subcommand name cargo adds.
  if (rest[0] === 'units' && rest.length > 1 && (COMMANDS as readonly string[]).includes(rest[1]!)) rest = rest.slice(1);
  let onlyPositionals = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (onlyPositionals || !a.startsWith('-') || a === '-') {
      if (!args.command) args.command = a;
      else args.positionals.push(a);
      continue;
    }
    if (a === '--') {
      // `build … -- ARGS`: the rest goes to Nix.
      if (args.command === 'build') {
        args.nixArgs = rest.slice(i + 1);
        break;
      }
      onlyPositionals = true;
      continue;
    }
    let flag = a;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      flag = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    if (VALUE_FLAGS.has(flag) && value === undefined) {
      value = rest[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--manifest-path':
        args.manifestPath = value;
        break;
      case '--features':
      case '-F':
        args.features.push(...value!.split(/[\s,]+/).filter(Boolean));
        break;
      case '--all-features':
        args.allFeatures = true;
        break;
      case '--no-default-features':
        args.noDefaultFeatures = true;
        break;
      case '--target':
        args.target = value;
        break;
      case '--cfg':
        args.cfgs.push(value!);
        break;
      case '--build-output':
        args.buildOutput = value;
        break;
      case '--json':
        args.json = true;
        break;
      case '--no-cache':
        args.noCache = true;
        break;
      case '--files':
        args.files = true;
        break;
      case '--summary':
        args.summary = true;
        break;
      case '--out':
        args.out = value;
        break;
      case '--vendor':
        args.vendor = value;
        break;
      case '--fetch-crates':
        args.fetchCrates = true;
        break;
      case '--crate-url':
        args.crateUrl = value;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--unit':
        args.units.push(value!);
        break;
      case '--content-addressed':
        args.contentAddressed = true;
        break;
      case '--out-link':
        args.outLink = value;
        break;
      case '--no-gc-roots':
        args.noGcRoots = true;
        break;
      case '--incremental':
        args.incremental = true;
        break;
      case '--substituters':
        args.substituters = value;
        break;
      case '--builders':
        args.builders = value;
        break;
      case '--feature-set':
        args.featureSets.push(value!);
        break;
      case '--jobs':
      case '-j': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got ${value}`);
        args.jobs = n;
        break;
      }
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--version':
      case '-V':
        args.version = true;
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  return args;
}

export const USAGE = `cargo-units: which files every cargo unit reads

Usage: cargo-units <command> [options] [--manifest-path PATH | DIR] [args…]
       cargo units <command> …

Commands:
  units [DIR]          every unit, with its file count (--files: and its files)
  files UNIT           the files a unit reads
  owners FILE…         the units that read each file
  affected FILE…       the units to rebuild when these files change
  orphans [DIR]        .rs files that no unit reads
  verify [UNIT…]       compare the file lists with rustc --emit=dep-info (exit 1 on a missed file)
    --summary            recall and precision over feature sets (default: default and all features)
    --feature-set SPEC   a feature set for --summary: default, all, none, or a,b (repeatable)
  nix [DIR] [--out OUT]  write a Nix directory, one derivation per unit (default OUT: <workspace>/.cargo-units)
  build [FILE…]          build with Nix the units affected by FILEs (none: every unit), refreshing OUT
    --unit ID            build this unit (repeatable)
    --dry-run            print what Nix would build now, checked against the store
    --content-addressed  content-addressed derivations: unchanged outputs stop rebuilds
    --out-link PATH      a GC-root link to each requested unit's output, as nix-build's: PATH for
                         the first unit (in unit-id order), PATH-2, PATH-3… for the others
    --no-gc-roots        do not keep OUT/gcroots/<unit> (by default every unit of the last build
                         of each requested unit is a GC root, so garbage collection keeps it)
    --incremental        impure, opt-in: workspace units keep rustc's incremental state in
                         OUT/incremental (needs sandbox = false; such outputs are named
                         *-incremental and must never be pushed to a binary cache)
    --substituters URLS  binary caches to fetch units from (space-separated; Nix's setting)
    --builders SPEC      remote builders (Nix's setting, e.g. 'ssh://host x86_64-linux')
    -- ARGS              pass ARGS to nix-store (e.g. -- -j 2 --builders '')
  nix and build, registry dependencies (from Cargo.lock):
    --vendor DIR         crate sources from DIR (cargo vendor layout, or /usr/share/cargo/registry)
    --fetch-crates       fetch crates with Nix's builtin fetchurl even with --vendor (DIR then only plans)
    --crate-url TEMPLATE download URL, {name} {version} {sha256} (default: crates.io)

Options:
  --manifest-path PATH   Cargo.toml of the workspace (default: found from DIR or the current directory)
  -F, --features A,B     features to enable (FEAT or PACKAGE/FEAT)
  --all-features         enable every feature of every member
  --no-default-features  do not enable the default features
  --target TRIPLE        evaluate cfg for this target (default: the host)
  --cfg NAME[="VALUE"]   an extra cfg, as with RUSTFLAGS --cfg (repeatable)
  --build-output DIR     a cargo target directory: the cfgs its build-script outputs print are
                         used while each build script's sources are older than its output
  --json                 machine-readable output
  --no-cache             do not read or write the facts cache ($CARGO_UNITS_CACHE_DIR, else
                         $XDG_CACHE_HOME/cargo-units or ~/.cache/cargo-units; delete it to clear)
  -j, --jobs N           parallel rustc processes for verify
  -h, --help             this help
  -V, --version          the version

Exit codes: 0 success, 1 verify found missed files, 2 bad input.`;
