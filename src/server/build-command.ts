/** The command line of one build, from the settings and the job; and where rustc's span files are. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { BuildSettings } from '../protocol/lsp_ext.js';
import type { BuildJob } from './scheduler.js';

export interface BuildTarget {
  /** Workspace root directory. */
  root: string;
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
  target: string;
  cfgs: string[];
}

export interface CommandLine {
  command: string;
  args: string[];
  /** Environment changes: the nix command's directory first on PATH. */
  env: Record<string, string>;
}

/**
 * `node dist/cli.cjs build --json … [--unit ID]… [FILE]… [-- NIX ARGS]` (or the configured command
 * in place of `node dist/cli.cjs`), with the index options. The build runs nix-instantiate and
 * nix-store from PATH: a nix command given as a path puts its directory first on PATH.
 */
export function buildCommandLine(
  s: BuildSettings,
  t: BuildTarget,
  job: BuildJob,
  bundled: { node: string; cli: string },
  path = process.env.PATH ?? '',
): CommandLine {
  const [command, ...prefix] = s.command.length > 0 ? s.command : [bundled.node, bundled.cli];
  const args = [
    ...prefix,
    'build',
    '--json',
    '--manifest-path',
    join(t.root, 'Cargo.toml'),
    ...t.features.flatMap((f) => ['--features', f]),
    ...(t.allFeatures ? ['--all-features'] : []),
    ...(t.noDefaultFeatures ? ['--no-default-features'] : []),
    ...(t.target ? ['--target', t.target] : []),
    ...t.cfgs.flatMap((c) => ['--cfg', c]),
    ...(s.vendorDir ? ['--vendor', resolve(t.root, s.vendorDir)] : []),
    ...(s.profile ? ['--profile', s.profile] : []),
    ...job.units.flatMap((u) => ['--unit', u]),
    ...job.files,
    ...(s.nixArgs.length > 0 ? ['--', ...s.nixArgs] : []),
  ];
  const env: Record<string, string> = s.nixCommand.includes('/') ? { PATH: [dirname(s.nixCommand), path].filter((x) => x !== '').join(delimiter) } : {};
  return { command: command!, args, env };
}

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * What is wrong with the build settings for the workspace at `root`, as `{ setting, message }`
 * (setting without the `cargoUnits.` prefix); undefined when nothing is. A nix command that does
 * not exist is an error, never silently replaced by the nix on PATH.
 */
export function settingsProblem(s: BuildSettings, root: string, path = process.env.PATH ?? ''): { setting: string; message: string } | undefined {
  if (s.command.length === 0) {
    if (s.nixCommand.includes('/')) {
      if (!isExecutableFile(s.nixCommand)) return { setting: 'nix.command', message: `cargoUnits.nix.command: \`${s.nixCommand}\` is not an executable file` };
    } else if (!path.split(delimiter).some((d) => d !== '' && isExecutableFile(join(d, s.nixCommand)))) {
      return {
        setting: 'nix.command',
        message: `cargoUnits.nix.command: \`${s.nixCommand}\` is not on PATH (install Nix, or give the path of the nix program)`,
      };
    }
  }
  if (s.vendorDir) {
    const dir = resolve(root, s.vendorDir);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // missing
    }
    if (!isDir)
      return {
        setting: 'vendorDir',
        message: `cargoUnits.vendorDir: \`${dir}\` is not a directory (run \`cargo vendor\` there, or give a directory of crate sources)`,
      };
  }
  return undefined;
}

/** The absolute file of a rustc span: absolute as is, else relative to the package, else to the workspace root. */
export function spanFile(file: string, root: string, packageDir?: string): string {
  if (isAbsolute(file)) return file;
  const inPackage = packageDir ? join(packageDir, file) : undefined;
  if (inPackage && existsSync(inPackage)) return inPackage;
  return join(root, file);
}
