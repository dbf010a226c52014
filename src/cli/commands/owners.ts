/** `cargo-units owners FILE…` and `affected FILE…`. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isInside } from '../../core/paths.js';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';

/** Without a DIR or --manifest-path, owners/affected/build find the workspace from their first FILE. */
export function workspaceOfFiles(cwd: string): (operands: string[]) => string | undefined {
  return (operands) => {
    const first = operands[0];
    if (first === undefined) return undefined;
    const abs = resolve(cwd, first);
    if (!existsSync(abs)) throw new UsageError(`no such file: \`${first}\``);
    return dirname(abs);
  };
}

/** The FILE operands, absolute; each must exist and lie inside the workspace. */
export function fileOperands(ctx: CommandContext, what: string, required = true): string[] {
  if (required && ctx.operands.length === 0) throw new UsageError(`${what} needs at least one FILE (see \`cargo-units ${what} --help\`)`);
  const root = ctx.index.workspace.root;
  return ctx.operands.map((f) => {
    const abs = resolve(ctx.io.cwd, f);
    if (!existsSync(abs)) throw new UsageError(`no such file: \`${f}\``);
    if (!isInside(root, abs)) throw new UsageError(`\`${f}\` is outside the workspace at ${root}`);
    return abs;
  });
}

export function ownersCommand(ctx: CommandContext): number {
  const files = fileOperands(ctx, 'owners');
  const rows = files.map((abs) => {
    const units = ctx.index.unitsOf(abs);
    return {
      file: ctx.rel(abs),
      units: units.map((e) => e.unit.id),
      uncertain: units.filter((e) => e.uncertain.some((u) => u.file === abs)).map((e) => e.unit.id),
    };
  });
  if (ctx.args.json) {
    ctx.io.out(JSON.stringify({ workspaceRoot: ctx.index.workspace.root, files: rows }, null, 2));
    return 0;
  }
  for (const r of rows) {
    const maybe = new Set(r.uncertain);
    ctx.io.out(`${r.file}: ${r.units.length === 0 ? 'read by no unit' : r.units.map((u) => (maybe.has(u) ? `${u} (maybe)` : u)).join(', ')}`);
  }
  return 0;
}

export function affectedCommand(ctx: CommandContext): number {
  const files = fileOperands(ctx, 'affected');
  const units = ctx.index.affected(files);
  if (ctx.args.json) {
    ctx.io.out(JSON.stringify({ workspaceRoot: ctx.index.workspace.root, files: files.map(ctx.rel), units }, null, 2));
    return 0;
  }
  for (const u of units) ctx.io.out(u);
  return 0;
}
