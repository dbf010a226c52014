/** `cargo-units units [--files]`: every unit with its file count (and files). */
import { unitsJson } from '../../core/json.js';
import { printDiagnostics, type CommandContext } from '../context.js';

export function unitsCommand(ctx: CommandContext): number {
  const { index, io } = ctx;
  printDiagnostics(ctx, index.diagnostics());
  if (ctx.args.json) {
    io.out(JSON.stringify(unitsJson(index), null, 2));
    return 0;
  }
  const entries = index.entries;
  io.out(`workspace ${index.workspace.root} (target ${index.targetCfg.triple}): ${entries.length} units`);
  const width = Math.max(...entries.map((e) => e.unit.id.length), 4);
  for (const e of entries) {
    const notes: string[] = [];
    if (e.uncertain.length > 0) notes.push(`${e.uncertain.length} uncertain`);
    if (e.external.length > 0) notes.push(`${e.external.length} external`);
    const feat = e.unit.features.length > 0 ? `  features: ${e.unit.features.join(', ')}` : '';
    const count = `${String(e.files.length).padStart(4)} ${e.files.length === 1 ? 'file ' : 'files'}`;
    io.out(`${e.unit.id.padEnd(width)}  ${count}${notes.length ? ` (${notes.join(', ')})` : ''}${feat}`);
    if (ctx.args.files) {
      const uncertain = new Map(e.uncertain.map((u) => [u.file, u.reason]));
      for (const f of e.files) io.out(`    ${ctx.rel(f)}${uncertain.has(f) ? `  ? ${uncertain.get(f)}` : ''}`);
      for (const x of e.external) io.out(`    ${x}  (external)`);
    }
  }
  return 0;
}
