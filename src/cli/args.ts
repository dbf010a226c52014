/** Command-line parsing for `cargo-units` (no dependencies; strict about unknown flags). */
import { didYouMean } from '../core/suggest.js';

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
  /** `verify --cargo`: the truth from `cargo check`'s own dep-info (proc-macros expanded). */
  cargo: boolean;
  /** `verify --cargo --target-dir DIR`: cargo's target directory, kept (default: a temporary one). */
  targetDir?: string;
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
  /** `nix`/`build --release` or `--profile NAME`: the cargo profile (undefined: dev). */
  profile?: string;
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

export const COMMANDS = ['units', 'files', 'owners', 'affected', 'orphans', 'why', 'verify', 'nix', 'build', 'help'] as const;

const VALUE_FLAGS = new Set([
  '--target-dir',
  '--feature-set',
  '--build-output',
  '--manifest-path',
  '--features',
  '-F',
  '--target',
  '--cfg',
  '--jobs',
  '-j',
  '--out',
  '--unit',
  '--vendor',
  '--crate-url',
  '--profile',
  '--out-link',
  '--substituters',
  '--builders',
]);

const COMMON_FLAGS = [
  '--manifest-path',
  '--features',
  '-F',
  '--all-features',
  '--no-default-features',
  '--target',
  '--cfg',
  '--build-output',
  '--no-cache',
  '--help',
  '-h',
  '--version',
  '-V',
];

/** The commands each command-specific flag belongs to. */
const FLAG_COMMANDS: Record<string, string[]> = {
  '--json': ['units', 'files', 'owners', 'affected', 'orphans', 'why', 'verify', 'build'],
  '--files': ['units'],
  '--summary': ['verify'],
  '--cargo': ['verify'],
  '--target-dir': ['verify'],
  '--feature-set': ['verify'],
  '--jobs': ['verify'],
  '-j': ['verify'],
  '--out': ['nix', 'build'],
  '--vendor': ['nix', 'build'],
  '--fetch-crates': ['nix', 'build'],
  '--crate-url': ['nix', 'build'],
  '--dry-run': ['build'],
  '--unit': ['build', 'why'],
  '--content-addressed': ['build'],
  '--release': ['nix', 'build'],
  '--profile': ['nix', 'build'],
  '--out-link': ['build'],
  '--no-gc-roots': ['build'],
  '--incremental': ['build'],
  '--substituters': ['build'],
  '--builders': ['build'],
};

const ALL_FLAGS = [...COMMON_FLAGS, ...Object.keys(FLAG_COMMANDS)];

/** Rejects a flag of another command, so that a misplaced option is not silently ignored. */
function checkFlag(command: string, flag: string): void {
  const owners = FLAG_COMMANDS[flag];
  if (!owners || !command || owners.includes(command) || !(COMMANDS as readonly string[]).includes(command)) return;
  throw new UsageError(
    `\`${flag}\` is not an option of \`${command}\` (it is one of ${owners.map((c) => `\`${c}\``).join(', ')}; see \`cargo-units ${command} --help\`)`,
  );
}

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
    cargo: false,
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
    checkFlag(args.command, flag);
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
      case '--cargo':
        args.cargo = true;
        break;
      case '--target-dir':
        args.targetDir = value;
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
      case '--release':
      case '--profile': {
        const name = flag === '--release' ? 'release' : value!;
        if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new UsageError(`--profile needs a profile name, got ${JSON.stringify(name)}`);
        if (args.profile !== undefined && args.profile !== name)
          throw new UsageError(`conflicting profiles: ${args.profile} and ${name} (--release is --profile release)`);
        args.profile = name;
        break;
      }
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
        throw new UsageError(`unknown option \`${a}\`${didYouMean(flag, ALL_FLAGS)} (see \`cargo-units${args.command ? ` ${args.command}` : ''} --help\`)`);
    }
  }
  return args;
}
