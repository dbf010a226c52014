/**
 * The values of the build-script interpreter. Anything it does not model is `unknown`, with the
 * reason (what was unknown, and where), which ends up in the `uncertain` reason of a file.
 */

export type Value =
  | { k: 'unknown'; why: string }
  | { k: 'unit' }
  | { k: 'bool'; b: boolean }
  | { k: 'int'; n: number }
  | { k: 'char'; c: string }
  /** A string (String, &str, OsString, a byte vector from a command's output). `rustc`: the value of `$RUSTC`. */
  | { k: 'str'; s: string; rustc?: true }
  | { k: 'opt'; some: Value | undefined }
  | { k: 'res'; ok: boolean; v: Value }
  | { k: 'tuple'; items: Value[] }
  | { k: 'array'; items: Value[] }
  | IterObj
  | CommandObj
  | { k: 'output'; stdout: Value; success: boolean }
  | { k: 'closure'; params: unknown[]; body: unknown; scope: unknown; at: string }
  | { k: 'fn'; name: string }
  /** A value of a struct the script defines (`Compiler { minor, nightly }`). */
  | { k: 'struct'; name: string; fields: Record<string, Value> };

/** A mutable iterator (`let mut pieces = version.split('.')`). */
export interface IterObj {
  k: 'iter';
  items: Value[];
  pos: number;
  /** The maybe level it was made at: a change under a deeper level makes it unknown. */
  level: number;
  poisoned?: string;
}

/** A `std::process::Command` being built. */
export interface CommandObj {
  k: 'command';
  program: Value;
  args: Value[];
  level: number;
  poisoned?: string;
}

export const UNIT: Value = { k: 'unit' };
export const TRUE: Value = { k: 'bool', b: true };
export const FALSE: Value = { k: 'bool', b: false };
export const NONE: Value = { k: 'opt', some: undefined };

export function unknown(why: string): Value {
  return { k: 'unknown', why };
}
export function str(s: string): Value {
  return { k: 'str', s };
}
export function bool(b: boolean): Value {
  return b ? TRUE : FALSE;
}
export function int(n: number): Value {
  return { k: 'int', n };
}
export function some(v: Value): Value {
  return { k: 'opt', some: v };
}
export function ok(v: Value): Value {
  return { k: 'res', ok: true, v };
}
export function err(v: Value): Value {
  return { k: 'res', ok: false, v };
}

/** The reason a value is unknown (the first unknown part of a compound value). */
export function unknownIn(v: Value): string | undefined {
  switch (v.k) {
    case 'unknown':
      return v.why;
    case 'opt':
      return v.some && unknownIn(v.some);
    case 'res':
      return unknownIn(v.v);
    case 'tuple':
    case 'array':
      for (const x of v.items) {
        const w = unknownIn(x);
        if (w) return w;
      }
      return undefined;
    case 'iter':
    case 'command':
      return v.poisoned;
    case 'struct':
      for (const x of Object.values(v.fields)) {
        const w = unknownIn(x);
        if (w) return w;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Structural equality: true/false when both are known, undefined when it depends on something unknown. */
export function equal(a: Value, b: Value): boolean | undefined {
  if (a.k === 'unknown' || b.k === 'unknown') return undefined;
  if (a.k === 'str' && b.k === 'str') return a.rustc || b.rustc ? (a.rustc && b.rustc ? true : undefined) : a.s === b.s;
  if (a.k === 'char' && b.k === 'char') return a.c === b.c;
  if (a.k === 'str' && b.k === 'char') return undefined;
  if (a.k === 'int' && b.k === 'int') return a.n === b.n;
  if (a.k === 'bool' && b.k === 'bool') return a.b === b.b;
  if (a.k === 'unit' && b.k === 'unit') return true;
  if (a.k === 'opt' && b.k === 'opt') {
    if (!a.some || !b.some) return !a.some && !b.some;
    return equal(a.some, b.some);
  }
  if (a.k === 'res' && b.k === 'res') return a.ok !== b.ok ? false : equal(a.v, b.v);
  if ((a.k === 'tuple' && b.k === 'tuple') || (a.k === 'array' && b.k === 'array')) {
    if (a.items.length !== b.items.length) return false;
    let all = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = equal(a.items[i]!, b.items[i]!);
      if (e === false) return false;
      if (e === undefined) all = false;
    }
    return all ? true : undefined;
  }
  return undefined;
}

/** The join of two values reaching the same point: the value when they agree, else unknown. */
export function join(a: Value, b: Value, why: string): Value {
  return equal(a, b) === true ? a : unknown(why);
}

/** A string's text, when the value is a known string (or char). */
export function textOf(v: Value): string | undefined {
  if (v.k === 'str' && !v.rustc) return v.s;
  if (v.k === 'char') return v.c;
  return undefined;
}

/** How a value is shown by `{}` in a format string; undefined when unknown. */
export function display(v: Value): string | undefined {
  switch (v.k) {
    case 'str':
      return v.rustc ? undefined : v.s;
    case 'char':
      return v.c;
    case 'int':
      return String(v.n);
    case 'bool':
      return String(v.b);
    default:
      return undefined;
  }
}
