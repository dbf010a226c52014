/**
 * The JSON-line events of `cargo-units build --json`, one object per line, and their parser.
 * Shared by the language server (which runs the build) and the client (which shows it).
 */

export type { RustcDiagnostic, RustcSpan } from '../core/nix/events.js';
import type { RustcDiagnostic, RustcSpan } from '../core/nix/events.js';

export type BuildEvent =
  | { type: 'plan'; toBuild: string[]; cached: string[] }
  | { type: 'start'; unit: string }
  | { type: 'phase'; unit: string; phase: string }
  | { type: 'log'; unit?: string; line: string }
  | { type: 'diagnostic'; unit: string; diagnostic: RustcDiagnostic }
  | { type: 'done'; unit: string; seconds: number; out?: string }
  | { type: 'failed'; unit?: string; message: string }
  | { type: 'finished'; built: number; cached: number; failed: number; seconds: number };

export type BuildEventType = BuildEvent['type'];

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every(isStr) ? v : undefined);
/** A count, or a list whose length is the count. */
const count = (v: unknown): number | undefined => (isNum(v) ? v : Array.isArray(v) ? v.length : undefined);

function isSpan(v: unknown): v is RustcSpan {
  const s = v as RustcSpan;
  return typeof v === 'object' && v !== null && isStr(s.file_name) && isNum(s.line_start) && isNum(s.line_end) && isNum(s.column_start) && isNum(s.column_end);
}

function isRustcDiagnostic(v: unknown): v is RustcDiagnostic {
  const d = v as RustcDiagnostic;
  return typeof v === 'object' && v !== null && isStr(d.message) && isStr(d.level) && Array.isArray(d.spans) && d.spans.every(isSpan);
}

/**
 * Parses one output line. Returns undefined for a line that is not an event (blank, not JSON,
 * or an unknown or malformed event), so that stray output never breaks a build view.
 * The kind is read from `type` (or `event`).
 */
export function parseBuildEvent(line: string): BuildEvent | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(t) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const type = o.type ?? o.event;
  const unit = o.unit;
  switch (type) {
    case 'plan': {
      const toBuild = strList(o.build ?? o.toBuild);
      const cached = strList(o.cached) ?? [];
      return toBuild ? { type, toBuild, cached } : undefined;
    }
    case 'start':
      return isStr(unit) ? { type, unit } : undefined;
    case 'phase':
      return isStr(unit) && isStr(o.phase) ? { type, unit, phase: o.phase } : undefined;
    case 'log':
      return isStr(o.line) ? { type, line: o.line, ...(isStr(unit) ? { unit } : {}) } : undefined;
    case 'diagnostic': {
      if (!isStr(unit)) return undefined;
      if (isRustcDiagnostic(o.diagnostic)) return { type, unit, diagnostic: o.diagnostic };
      // cargo-units build's flat form: one file and range (1-based) per diagnostic.
      const r = o.range as { line?: unknown; column?: unknown; endLine?: unknown; endColumn?: unknown } | undefined;
      if (!isStr(o.message) || !isStr(o.level) || !isStr(o.file) || !r || !isNum(r.line) || !isNum(r.column) || !isNum(r.endLine) || !isNum(r.endColumn)) return undefined;
      const span: RustcSpan = { file_name: o.file, line_start: r.line, column_start: r.column, line_end: r.endLine, column_end: r.endColumn, is_primary: true };
      const code = isStr(o.code) ? { code: o.code } : null;
      return { type, unit, diagnostic: { message: o.message, level: o.level, code, spans: [span], rendered: isStr(o.rendered) ? o.rendered : null } };
    }
    case 'done':
      return isStr(unit) && isNum(o.seconds) ? { type, unit, seconds: o.seconds, ...(isStr(o.out) ? { out: o.out } : {}) } : undefined;
    case 'failed':
      return isStr(o.message) ? { type, message: o.message, ...(isStr(unit) ? { unit } : {}) } : undefined;
    case 'finished': {
      const built = count(o.built);
      const cached = count(o.cached);
      const failed = count(o.failed);
      if (built === undefined || cached === undefined || failed === undefined || !isNum(o.seconds)) return undefined;
      return { type, built, cached, failed, seconds: o.seconds };
    }
    default:
      return undefined;
  }
}
