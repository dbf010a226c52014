/**
 * Build events of `cargo-units build` (shared with the VS Code extension), and the translation of
 * Nix's `--log-format internal-json` lines and rustc's JSON diagnostics into them.
 */

// The event contract is defined once, in the protocol (plain types); the runner emits it.
import type { BuildEvent, RustcDiagnostic } from '../../protocol/build-events.js';
export type { BuildEvent, BuildFailureReason, DiagnosticRange, RustcDiagnostic, RustcSpan } from '../../protocol/build-events.js';

/** The id Nix activities of a build-script run are reported under. */
export function runId(buildScriptUnit: string): string {
  return `${buildScriptUnit}#run`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** One `@nix {…}` line, or undefined for any other line. */
export interface NixLogEntry {
  action: string;
  id?: number;
  type?: number;
  level?: number;
  msg?: string;
  text?: string;
  fields?: unknown[];
}

export function parseNixLine(line: string): NixLogEntry | undefined {
  if (!line.startsWith('@nix ')) return undefined;
  try {
    const v = JSON.parse(line.slice(5)) as unknown;
    return v && typeof v === 'object' && typeof (v as NixLogEntry).action === 'string' ? (v as NixLogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** The workspace-relative path of a file name in a rustc diagnostic built in the unit's source (remapped to /src). */
export function workspacePath(fileName: string): string {
  if (fileName.startsWith('/src/')) return fileName.slice(5);
  if (fileName.startsWith('./')) return fileName.slice(2);
  return fileName;
}

/**
 * A rustc `--error-format=json` line as a diagnostic event (when it has a primary span), or its
 * rendered text (`text`) when it has none; undefined when the line is not a rustc diagnostic.
 */
export function rustcDiagnostic(unit: string, line: string): { event?: BuildEvent; text?: string } | undefined {
  if (!line.startsWith('{') || !line.includes('"message"')) return undefined;
  let d: RustcDiagnostic;
  try {
    d = JSON.parse(line) as RustcDiagnostic;
  } catch {
    return undefined;
  }
  if (typeof d.message !== 'string' || !Array.isArray(d.spans) || (d.$message_type !== undefined && d.$message_type !== 'diagnostic')) return undefined;
  const span = d.spans.find((s) => s.is_primary) ?? d.spans[0];
  const rendered = stripAnsi(d.rendered ?? d.message);
  d = relativeDiagnostic(d);
  if (!span) return { text: rendered.trimEnd() };
  return {
    event: {
      type: 'diagnostic',
      unit,
      level: d.level,
      message: d.message,
      code: d.code?.code ?? null,
      file: workspacePath(span.file_name),
      range: { line: span.line_start, column: span.column_start, endLine: span.line_end, endColumn: span.column_end },
      rendered,
      diagnostic: { ...d, rendered },
    },
  };
}

/** The diagnostic with every span's file (children's too) as `workspacePath` gives it, and no `$message_type`. */
function relativeDiagnostic(d: RustcDiagnostic): RustcDiagnostic {
  const out: RustcDiagnostic = {
    message: d.message,
    level: d.level,
    code: d.code ? { code: d.code.code } : null,
    spans: (Array.isArray(d.spans) ? d.spans : []).map((s) => ({
      file_name: workspacePath(s.file_name),
      line_start: s.line_start,
      line_end: s.line_end,
      column_start: s.column_start,
      column_end: s.column_end,
      is_primary: s.is_primary,
      label: s.label ?? null,
      suggested_replacement: s.suggested_replacement ?? null,
      suggestion_applicability: s.suggestion_applicability ?? null,
    })),
    children: (Array.isArray(d.children) ? d.children : []).map(relativeDiagnostic),
  };
  return out;
}

/**
 * What `--dry-run` lists (Nix 2.8 prints it on stderr): the drv paths under "will be built", or
 * with `section = 'fetched'` the store paths under "will be fetched" (from a substituter).
 */
export function parseDryRun(stderr: string, section: 'built' | 'fetched' = 'built'): string[] {
  const out: string[] = [];
  let inSection = false;
  for (const raw of stripAnsi(stderr).split('\n')) {
    const head = /^th(?:is|ese)\b.*will be (built|fetched)\b/.exec(raw.trim());
    if (head) {
      inSection = head[1] === section;
      continue;
    }
    if (/^\s+\//.test(raw)) {
      if (inSection && (section === 'fetched' || raw.trim().endsWith('.drv'))) out.push(raw.trim());
      continue;
    }
    inSection = false;
  }
  return out;
}
