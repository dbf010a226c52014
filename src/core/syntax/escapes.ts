/**
 * One escape sequence of a Rust string literal (`\n`, `\x41`, `\u{1F600}`, a line continuation, …),
 * decoded as rustc's lexer does. The strict reader of cfg values (cfg/expr.ts) reports `error`;
 * the lenient tokenizer (syntax/tokens.ts) takes `value` whatever it says.
 */
export interface Escape {
  /** The decoded text (empty for a line continuation). */
  value: string;
  /** Index just past the escape. */
  next: number;
  /** Why rustc rejects it in a plain string literal, with the index it points at. */
  error?: { at: number; message: string };
}

/** Whitespace skipped after a line continuation (rustc skips ASCII space, tab, LF and CR). */
const CONTINUATION_WS = new Set([' ', '\t', '\n', '\r']);

/** Decodes the escape whose backslash is at `text[at]`. */
export function decodeEscape(text: string, at: number): Escape {
  const e = text[at + 1];
  let i = at + 2;
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', '"': '"', "'": "'" };
  if (e !== undefined && Object.hasOwn(simple, e)) return { value: simple[e]!, next: i };
  switch (e) {
    case '\n':
    case '\r': {
      let error: Escape['error'];
      if (e === '\r') {
        if (text[i] === '\n') i++;
        else error = { at: at + 1, message: 'bare CR not allowed in string' };
      }
      while (i < text.length && CONTINUATION_WS.has(text[i]!)) i++;
      return { value: '', next: i, ...(error ? { error } : {}) };
    }
    case 'x': {
      const hex = text.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        return { value: '\0', next: i + 2, error: { at, message: 'invalid `\\x` escape: expected two hex digits' } };
      }
      const code = Number.parseInt(hex, 16);
      // Valid in byte strings; a plain string allows only ASCII.
      const error = code > 0x7f ? { at, message: `out of range hex escape \`\\x${hex}\`: must be at most \`\\x7F\`` } : undefined;
      return { value: String.fromCharCode(code), next: i + 2, ...(error ? { error } : {}) };
    }
    case 'u': {
      const m = /^\{([0-9a-fA-F][0-9a-fA-F_]*)\}/.exec(text.slice(i, i + 40));
      if (!m) return { value: '', next: i, error: { at, message: 'invalid unicode escape: expected `\\u{…}` with hex digits' } };
      const digits = m[1]!.replace(/_/g, '');
      const cp = digits.length <= 6 ? Number.parseInt(digits, 16) : Infinity;
      i += m[0].length;
      if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
        return { value: '\uFFFD', next: i, error: { at, message: `invalid unicode character escape \`\\u${m[0]}\`` } };
      }
      return { value: String.fromCodePoint(cp), next: i };
    }
    case undefined:
      return { value: '', next: text.length, error: { at, message: 'unterminated string literal' } };
    default:
      return { value: e, next: i, error: { at, message: `unknown character escape \`\\${e}\`` } };
  }
}
