/** The command line of one build, from the settings and the job; and where rustc's span files are. */
import { existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
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
export function buildCommandLine(s: BuildSettings, t: BuildTarget, job: BuildJob, bundled: { node: string; cli: string }, path = process.env.PATH ?? ''): CommandLine {
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
    ...job.units.flatMap((u) => ['--unit', u]),
    ...job.files,
    ...(s.nixArgs.length > 0 ? ['--', ...s.nixArgs] : []),
  ];
  const env: Record<string, string> = s.nixCommand.includes('/') ? { PATH: [dirname(s.nixCommand), path].filter((x) => x !== '').join(delimiter) } : {};
  return { command: command!, args, env };
}

/** The absolute file of a rustc span: absolute as is, else relative to the package, else to the workspace root. */
export function spanFile(file: string, root: string, packageDir?: string): string {
  if (isAbsolute(file)) return file;
  const inPackage = packageDir ? join(packageDir, file) : undefined;
  if (inPackage && existsSync(inPackage)) return inPackage;
  return join(root, file);
}
