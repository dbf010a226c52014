/**
 * What a build script prints, as far as the interpreter knows it: lines whose text may have
 * unknown parts. Only `cargo:rustc-cfg=` / `cargo::rustc-cfg=` lines matter here.
 */
import type { CfgAtom } from '../expr.js';

/** A piece of printed text: known, or unknown (with why). */
export type Part = string | { unknown: string };

export interface Printed {
  /** Atoms printed on every run (`name` or `name="value"` as `name\0value`) → where. */
  certain: Map<string, { atom: CfgAtom; where: string }>;
  /** Names that may be printed → why it is not known whether (or with what value). */
  maybe: Map<string, string>;
  /** Name prefixes that may be printed (a name computed at run time after a known start) → why. */
  prefixes: Map<string, string>;
  /** Set when any name may be printed → why. */
  any: string | undefined;
}

export function newPrinted(): Printed {
  return { certain: new Map(), maybe: new Map(), prefixes: new Map(), any: undefined };
}

const MARKERS = ['cargo:rustc-cfg=', 'cargo::rustc-cfg='];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Records printed text (`println!`'s parts and its newline). `why` is undefined on a path that
 * certainly runs, else why it may not run.
 */
export function recordPrint(out: Printed, parts: Part[], where: string, why: string | undefined): void {
  // Split into lines, each a list of parts.
  const lines: Part[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string') {
      lines[lines.length - 1]!.push(p);
      continue;
    }
    const pieces = p.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) lines.push([]);
      if (piece !== '') lines[lines.length - 1]!.push(piece);
    });
  }
  for (const line of lines) recordLine(out, line, where, why);
}

function recordLine(out: Printed, line: Part[], where: string, why: string | undefined): void {
  let prefix = '';
  let hole: string | undefined;
  for (const p of line) {
    if (typeof p === 'string') prefix += p;
    else {
      hole = p.unknown;
      break;
    }
  }
  const text = prefix.endsWith('\r') && hole === undefined ? prefix.slice(0, -1) : prefix;
  const marker = MARKERS.find((m) => text.startsWith(m));
  if (!marker) {
    // A line that may still become a cfg instruction: its known start is a start of the marker
    // (or it starts with whitespace cargo might skip).
    if (hole !== undefined && MARKERS.some((m) => m.startsWith(text))) setAny(out, `prints a line cargo-units cannot read (${hole}) at ${where}`);
    else if (/^\s+cargo:/.test(text)) setAny(out, `prints a cargo instruction after white space at ${where}`);
    return;
  }
  const rest = text.slice(marker.length);
  const name = NAME.exec(rest)?.[0] ?? '';
  const after = rest.slice(name.length);
  if (hole !== undefined && after === '') {
    // The name continues into an unknown part.
    if (name === '') setAny(out, `prints a cfg whose name is computed at run time (${hole}) at ${where}`);
    else if (!out.prefixes.has(name)) out.prefixes.set(name, `prints cfgs named \`${name}…\` computed at run time (${hole}) at ${where}`);
    return;
  }
  if (name === '') {
    setAny(out, `prints a cfg cargo-units cannot read at ${where}`);
    return;
  }
  const value = /^\s*=\s*"(.*)"\s*$/.exec(after);
  if (hole !== undefined || (after.trim() !== '' && !value)) {
    // `name="…"` with an unknown or unreadable value.
    maybe(out, name, `prints \`cargo:rustc-cfg=${name}=…\` with a value cargo-units cannot know (${hole ?? 'unreadable'}) at ${where}`);
    return;
  }
  const atom: CfgAtom = value ? { name, value: value[1]! } : { name };
  if (why === undefined) {
    const key = value ? `${name}\0${value[1]}` : name;
    if (!out.certain.has(key)) out.certain.set(key, { atom, where });
  } else maybe(out, name, `prints \`cargo:rustc-cfg=${value ? `${name}="${value[1]}"` : name}\` at ${where} only if ${why}`);
}

function maybe(out: Printed, name: string, why: string): void {
  if (!out.maybe.has(name)) out.maybe.set(name, why);
}

function setAny(out: Printed, why: string): void {
  out.any ??= why;
}

/** A maybe-printed name, found through `emit`-like calls of a build-dependency (autocfg). */
export function recordMaybeName(out: Printed, name: string, why: string): void {
  maybe(out, name, why);
}

export function recordAny(out: Printed, why: string): void {
  setAny(out, why);
}
