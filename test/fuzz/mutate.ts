/** Deterministic mutations of real inputs, for the fuzz targets (seeded PRNG). */
import { prng } from '../../src/core/cfg/testkit.js';

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed || 1);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Fragments that matter to the scanner, the cfg parser and the manifest reader. */
export const DICTIONARY: readonly string[] = [
  'mod ',
  'mod m;',
  'pub mod x { mod y; }',
  '#[path = "',
  '#[path = "../x.rs"]',
  '#[cfg(',
  '#![cfg(',
  '#[cfg_attr(',
  'include!(',
  'include_str!("',
  'include_bytes!(',
  'concat!(env!("CARGO_MANIFEST_DIR"), "/',
  'env!("OUT_DIR")',
  'macro_rules! m { ($($i:item)*) => { $( #[cfg(unix)] $i )* } }',
  'm! { mod z; }',
  'cfg_if::cfg_if! { if #[cfg(unix)] { mod u; } else { mod w; } }',
  'all(',
  'any(',
  'not(',
  'feature = "',
  'target_os = "linux"',
  'unix',
  ')',
  '(',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  ',',
  '=',
  'r#"',
  '"#',
  'r##"',
  'b"',
  "b'",
  '/*',
  '*/',
  '//',
  '\\',
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\uFEFF',
  'é',
  '日本',
  '\uD800',
  '[package]',
  '[lib]',
  '[[bin]]',
  '[features]',
  '[dependencies]',
  '[workspace]',
  'members = ["*"]',
  'name = "',
  'path = "',
  'edition = "2021"',
  'default = ["',
  'dep:',
  '?/',
  '.workspace = true',
  '{ workspace = true }',
  "[target.'cfg(",
  "'.dependencies]",
  '"""',
  "'''",
  '= [',
  '= {',
  '0x',
  '1e9',
  'true',
  'false',
];

/** One random mutation of `input`, sometimes spliced with `other`. */
export function mutate(input: string, rng: Rng, other: string): string {
  const s = input;
  const at = () => rng.int(s.length + 1);
  switch (rng.int(8)) {
    case 0: {
      // delete a span
      const a = at();
      return s.slice(0, a) + s.slice(Math.min(s.length, a + 1 + rng.int(64)));
    }
    case 1: {
      // insert a dictionary fragment
      const a = at();
      return s.slice(0, a) + rng.pick(DICTIONARY) + s.slice(a);
    }
    case 2: {
      // duplicate a span
      const a = at();
      const b = Math.min(s.length, a + 1 + rng.int(200));
      return s.slice(0, b) + s.slice(a, b) + s.slice(b);
    }
    case 3: {
      // replace one character with a random code unit (including lone surrogates and controls)
      const a = rng.int(Math.max(1, s.length));
      const c = rng.int(4) === 0 ? rng.int(0x10000) : rng.int(128);
      return s.slice(0, a) + String.fromCharCode(c) + s.slice(a + 1);
    }
    case 4: {
      // splice: a prefix of this input and a suffix of another
      return s.slice(0, at()) + other.slice(rng.int(other.length + 1));
    }
    case 5: {
      // truncate
      return s.slice(0, at());
    }
    case 6: {
      // swap two lines
      const lines = s.split('\n');
      if (lines.length < 2) return s + rng.pick(DICTIONARY);
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    default: {
      // deep nesting
      const a = at();
      const n = 1 + rng.int(300);
      const open = rng.pick(['(', '[', '{', 'all(', 'mod n { ', '#[cfg(']);
      return s.slice(0, a) + open.repeat(n) + s.slice(a);
    }
  }
}

/** `rounds` stacked mutations (1–4), so that inputs drift further from valid ones. */
export function mutateMany(input: string, rng: Rng, corpus: readonly string[]): string {
  let s = input;
  const rounds = 1 + rng.int(4);
  for (let i = 0; i < rounds; i++) s = mutate(s, rng, rng.pick(corpus));
  return s;
}
