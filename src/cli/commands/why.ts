/** `cargo-units why FILE [--unit ID]`: why each unit reads FILE, or why it does not. */
import { resolve } from 'node:path';
import { WhyIndex, type WhyAnswer, type WhyStep } from '../../core/why.js';
import { UsageError, type CliArgs } from '../args.js';
import { openContext, type Io } from '../context.js';
import { fileOperands } from './owners.js';

export async function whyCommand(args: CliArgs, io: Io, locationHint: (operands: string[]) => string | undefined): Promise<number> {
  if (args.units.length > 1) throw new UsageError('why takes at most one --unit');
  // The units of FILE's package are walked once, with the tracer, while the index opens.
  let traced: ReturnType<typeof WhyIndex.tracerFor> | undefined;
  const ctx = await openContext(args, io, locationHint, (operands) => {
    if (operands.length !== 1) throw new UsageError('why needs exactly one FILE (see `cargo-units why --help`)');
    traced = WhyIndex.tracerFor(resolve(io.cwd, operands[0]!));
    return { tracer: traced.tracer };
  });
  const [abs] = fileOperands(ctx, 'why');
  const unit = ctx.args.units[0];
  if (unit !== undefined && !ctx.index.unit(unit)) throw new UsageError(`no unit \`${unit}\` in this workspace (see \`cargo-units units\`)`);
  const why = new WhyIndex(ctx.index);
  if (traced) why.adoptAll(traced.traces);
  const answer = why.explain(abs!, unit);
  if (ctx.args.json) ctx.io.out(JSON.stringify(whyJson(answer, ctx.rel), null, 2));
  else for (const line of whyText(answer, ctx.rel)) ctx.io.out(line);
  return 0;
}

/** The `--json` shape: paths relative to the workspace root. */
export function whyJson(a: WhyAnswer, rel: (abs: string) => string): object {
  const step = (s: WhyStep) => ({ file: rel(s.file), line: s.line, via: s.via, cfg: s.cfg, value: s.value, ...(s.reason ? { reason: s.reason } : {}) });
  return {
    file: rel(a.file),
    units: a.units.map((u) => ({ unit: u.unit, status: u.status, chain: u.chain.map(step) })),
    notRead: a.notRead.map((n) => ({ unit: n.unit, file: rel(n.file), line: n.line, via: n.via, cfg: n.cfg, value: n.value })),
    ...(a.declareIn ? { declareIn: a.declareIn.map((d) => ({ file: rel(d.file), declaration: d.declaration, exists: d.exists })) } : {}),
  };
}

/** One indented chain per unit, as `cargo tree` prints paths. */
export function whyText(a: WhyAnswer, rel: (abs: string) => string): string[] {
  const out: string[] = [];
  const file = rel(a.file);
  if (a.units.length === 0 && a.notRead.length === 0) {
    out.push(`${file}: read by no unit, and nothing declares it.`);
    const d = a.declareIn;
    if (!d || d.length === 0) out.push('It lies in no package directory, or no module path leads to it.');
    else {
      out.push(d.length === 1 ? 'A declaration would go in:' : 'Declarations would go in:');
      for (const s of d) out.push(`  ${rel(s.file)}${s.exists ? '' : ' (to create)'}: ${s.declaration}`);
    }
    return out;
  }
  for (const u of a.units) {
    out.push(`${u.unit}${u.status === 'uncertain' ? ' (maybe)' : ''}`);
    if (u.chain.length === 0) out.push(`└── ${file} (crate root)`);
    u.chain.forEach((s, i) => {
      const cfg = s.cfg === null ? '' : ` [cfg(${s.cfg}) = ${s.value === true ? 'true' : 'unknown'}]`;
      const unknown = s.value === 'unknown' ? ` (unknown: ${s.reason ?? 'see the cfg'})` : '';
      out.push(`${'    '.repeat(i)}└── ${rel(s.file)}:${s.line} ${s.via}${cfg}${unknown}`);
    });
    out.push('');
  }
  if (a.notRead.length > 0) {
    out.push(`Not read by:`);
    for (const n of a.notRead) out.push(`${n.unit}\n└── ${rel(n.file)}:${n.line} ${n.via} [cfg(${n.cfg}) = false]`);
  } else if (out[out.length - 1] === '') out.pop();
  return out;
}
