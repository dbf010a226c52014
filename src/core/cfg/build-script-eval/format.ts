/**
 * Format strings (`println!`, `format!`, `write!`): the printed text, with unknown parts where an
 * argument is unknown or formatted in a way cargo-units does not reproduce.
 */
import type { Node } from 'web-tree-sitter';
import type { Interp } from './interp.js';
import type { Part } from './output.js';
import { display, textOf, unknown, unknownIn, type Value } from './values.js';

/** Formats a format string with its arguments into printed parts. */
export function formatArgs(it: Interp, args: Node[], n: Node): Part[] {
  if (args.length === 0) return [];
  const fmt = it.eval(args[0]!);
  const fmtText = args[0]!.type === 'string_literal' || args[0]!.type === 'raw_string_literal' ? textOf(fmt) : undefined;
  if (fmtText === undefined) return [{ unknown: `a format string cargo-units cannot read at ${it.at(n)}` }];
  const positional: Value[] = [];
  const named = new Map<string, Value>();
  for (const a of args.slice(1)) {
    if (a.type === 'assignment_expression' && a.childForFieldName('left')?.type === 'identifier')
      named.set(a.childForFieldName('left')!.text, it.eval(a.childForFieldName('right')!));
    else positional.push(it.eval(a));
  }
  const parts: Part[] = [];
  let next = 0;
  let i = 0;
  let buf = '';
  while (i < fmtText.length) {
    const c = fmtText[i]!;
    if ((c === '{' || c === '}') && fmtText[i + 1] === c) {
      buf += c;
      i += 2;
      continue;
    }
    if (c !== '{') {
      buf += c;
      i++;
      continue;
    }
    const close = fmtText.indexOf('}', i);
    if (close < 0) return [...parts, buf, { unknown: `a malformed format string at ${it.at(n)}` }];
    const spec = fmtText.slice(i + 1, close);
    i = close + 1;
    const colon = spec.indexOf(':');
    const argName = colon < 0 ? spec : spec.slice(0, colon);
    const fmtSpec = colon < 0 ? '' : spec.slice(colon + 1);
    let v: Value;
    if (argName === '') v = positional[next++] ?? unknown('a missing format argument');
    else if (/^\d+$/.test(argName)) v = positional[Number(argName)] ?? unknown('a missing format argument');
    else v = named.get(argName) ?? it.lookup(argName) ?? unknown(`\`${argName}\` at ${it.at(n)}`);
    const shown = fmtSpec === '' ? display(v) : undefined;
    if (shown !== undefined) buf += shown;
    else {
      if (buf) parts.push(buf);
      buf = '';
      parts.push({ unknown: unknownIn(v) ?? `\`{${spec}}\` at ${it.at(n)}` });
    }
  }
  if (buf) parts.push(buf);
  return parts;
}
