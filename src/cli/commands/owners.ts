/** `cargo-units owners FILE…` and `affected FILE…`. */
import { resolve } from 'node:path';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';

function filesOf(ctx: CommandContext, what: string): string[] {
  if (ctx.operands.length === 0) throw new UsageError(`${what} needs at least one FILE`);
  return ctx.operands.map((f) => resolve(ctx.io.cwd, f));
}

export function ownersCommand(ctx: CommandContext): number {
  const files = filesOf(ctx, 'owners');
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
  const files = filesOf(ctx, 'affected');
  const units = ctx.index.affected(files);
  if (ctx.args.json) {
    ctx.io.out(JSON.stringify({ workspaceRoot: ctx.index.workspace.root, files: files.map(ctx.rel), units }, null, 2));
    return 0;
  }
  for (const u of units) ctx.io.out(u);
  return 0;
}
