/**
 * Build events of `cargo-units build` (shared with the VS Code extension), and the translation of
 * Nix's `--log-format internal-json` lines and rustc's JSON diagnostics into them.
 */

export interface DiagnosticRange {
  /** 1-based, as rustc reports them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type BuildEvent =
  /** What Nix will build (checked against the store) and which requested units are already built. */
  | { type: 'plan'; build: string[]; cached: string[] }
  | { type: 'start'; unit: string }
  | { type: 'phase'; unit: string; phase: string }
  | { type: 'log'; unit: string | null; line: string }
  | {
    type: 'diagnostic';
    unit: string;
    level: string;
    message: string;
    code: string | null;
    /** Workspace-relative when the file is in the workspace; else as rustc printed it (e.g. a file in OUT_DIR). */
    file: string;
    range: DiagnosticRange;
    rendered: string;
  }
  | { type: 'done'; unit: string; seconds: number; out: string }
  /**
   * A unit failed (`unit`), or the whole build did (`unit: null`). `reason` says why a whole build
   * stopped: Nix is not installed, its configuration is invalid, another Nix error, or cancelled.
   */
  | { type: 'failed'; unit: string | null; message: string; reason?: 'nix-missing' | 'nix-config' | 'nix' | 'cancelled' }
  | { type: 'finished'; built: string[]; cached: string[]; failed: string[]; seconds: number };

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

/** A span of a rustc JSON diagnostic (`--error-format=json`). */
export interface RustcSpan {
  file_name: string;
  line_start: number;
  line_end: number;
  column_start: number;
  column_end: number;
  is_primary: boolean;
  label?: string | null;
}

/** A rustc JSON diagnostic (`--error-format=json`). */
export interface RustcDiagnostic {
  $message_type?: string;
  message: string;
  level: string;
  code?: { code: string } | null;
  spans: RustcSpan[];
  children?: RustcDiagnostic[];
  rendered?: string | null;
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
    },
  };
}

/** The drv paths listed by `--dry-run` under "will be built" (Nix 2.8 prints them on stderr). */
export function parseDryRun(stderr: string): string[] {
  const out: string[] = [];
  let inBuild = false;
  for (const raw of stripAnsi(stderr).split('\n')) {
    if (/^th(?:is|ese)\b.*will be built:?$/.test(raw.trim())) {
      inBuild = true;
      continue;
    }
    if (/^\s+\//.test(raw)) {
      if (inBuild && raw.trim().endsWith('.drv')) out.push(raw.trim());
      continue;
    }
    inBuild = false;
  }
  return out;
}
