/**
 * `cargo-units nix [--out DIR]`: writes units.json, a copy of the Nix library and default.nix
 * (one derivation per unit). Dispatched from run.ts.
 */
import { join, resolve } from 'node:path';
import { nixToolchain, writeNixDir } from '../../core/nix/generate.js';
import type { RegistryOptions } from '../../core/nix/registry.js';
import { findRustc } from '../../core/toolchain.js';
import { printDiagnostics, type CommandContext } from '../context.js';

/** The Nix directory a command writes: --out, else <workspace>/.cargo-units. */
export function nixOutDir(ctx: CommandContext): string {
  return ctx.args.out ? resolve(ctx.io.cwd, ctx.args.out) : join(ctx.index.workspace.root, '.cargo-units');
}

/** --vendor, --fetch-crates, --crate-url. */
export function registryOptions(ctx: CommandContext): RegistryOptions {
  const { args, io } = ctx;
  const out: RegistryOptions = { fetch: args.fetchCrates };
  if (args.vendor !== undefined) out.vendor = resolve(io.cwd, args.vendor);
  if (args.crateUrl !== undefined) out.crateUrl = args.crateUrl;
  return out;
}

export function nixCommand(ctx: CommandContext): number {
  const { index, io } = ctx;
  printDiagnostics(ctx, index.diagnostics());
  const out = nixOutDir(ctx);
  const rustc = index.options.rustc || findRustc() || 'rustc';
  writeNixDir(index, out, nixToolchain(rustc), registryOptions(ctx));
  io.out(`wrote ${out} (${index.entries.length} units)`);
  return 0;
}
