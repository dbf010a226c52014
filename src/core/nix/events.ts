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
  /**
   * What Nix will build (checked against the store), which units' outputs it will fetch from a
   * substituter (binary cache) instead, and which requested units are already in the store.
   */
  | { type: 'plan'; build: string[]; substitute: string[]; cached: string[] }
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
  /** A unit's output was fetched from a substituter (binary cache) rather than built. */
  | { type: 'substituted'; unit: string; out: string }
  /** A planned unit that was never started: a dependency failed, or the build was cancelled. */
  | { type: 'skipped'; unit: string; message: string }
  /**
   * A unit failed (`unit`), or the whole build did (`unit: null`). `reason` says why a whole build
   * stopped: Nix is not installed, its configuration is invalid, another Nix error, or cancelled.
   */
  | { type: 'failed'; unit: string | null; message: string; reason?: 'nix-missing' | 'nix-config' | 'nix' | 'cancelled' }
  | {
    type: 'finished';
    /**
     * Every unit the plan named ends in exactly one of these lists, so their lengths add up to
     * the plan's (built + substituted + failed + skipped = plan.build + plan.substitute, cached =
     * plan.cached). `cached` holds the requested units already in the store.
     */
    built: string[];
    cached: string[];
    substituted: string[];
    failed: string[];
    skipped: string[];
    seconds: number;
    /** The output path of every requested unit that is in the store now (built, cached or substituted). */
    outs: Record<string, string>;
    /** Wall-clock seconds of each phase of the build (evaluate, plan, runs, build, roots, …). */
    phases?: Record<string, number>;
  };

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
