/** `cargo-units files UNIT`: the files one unit reads. */
import { unitJson } from '../../core/json.js';
import { UsageError } from '../args.js';
import { printDiagnostics, type CommandContext } from '../context.js';
import { findUnit } from './find-unit.js';

export function filesCommand(ctx: CommandContext): number {
  if (ctx.operands.length !== 1) throw new UsageError('files needs exactly one UNIT id (see `cargo-units units`)');
  const entry = findUnit(ctx.index, ctx.operands[0]!);
  printDiagnostics(ctx, entry.diagnostics);
  if (ctx.args.json) {
    ctx.io.out(JSON.stringify(unitJson(ctx.index, entry), null, 2));
    return 0;
  }
  const uncertain = new Map(entry.uncertain.map((u) => [u.file, u.reason]));
  for (const f of entry.files) ctx.io.out(uncertain.has(f) ? `${ctx.rel(f)}  ? ${uncertain.get(f)}` : ctx.rel(f));
  for (const x of entry.external) ctx.io.out(`${x}  (external)`);
  return 0;
}
