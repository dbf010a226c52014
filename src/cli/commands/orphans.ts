/** `cargo-units orphans`: `.rs` files in the workspace that no unit reads. */
import type { CommandContext } from '../context.js';

export function orphansCommand(ctx: CommandContext): number {
  const orphans = ctx.index.orphans().map(ctx.rel);
  if (ctx.args.json) ctx.io.out(JSON.stringify({ workspaceRoot: ctx.index.workspace.root, orphans }, null, 2));
  else for (const f of orphans) ctx.io.out(f);
  return 0;
}
