/** rustc JSON diagnostics as editor problems: file, 0-based range, severity. Pure. */
import type { RustcDiagnostic } from '../protocol/build-events.js';

export type ProblemSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface Problem {
  file: string;
  range: { startLine: number; startCharacter: number; endLine: number; endCharacter: number };
  severity: ProblemSeverity;
  message: string;
  code?: string;
  related: { file: string; line: number; character: number; message: string }[];
}

function severity(level: string): ProblemSeverity {
  if (level.startsWith('error')) return 'error';
  if (level === 'warning') return 'warning';
  if (level === 'help') return 'hint';
  return 'information';
}

/** The problem at the primary span (the first span when none is primary); undefined without spans. */
export function toProblem(d: RustcDiagnostic): Problem | undefined {
  const span = d.spans.find((s) => s.is_primary) ?? d.spans[0];
  if (!span) return undefined;
  const notes = (d.children ?? []).filter((c) => c.spans.length === 0).map((c) => `${c.level}: ${c.message}`);
  const label = span.label ? ` (${span.label})` : '';
  return {
    file: span.file_name,
    range: { startLine: span.line_start - 1, startCharacter: span.column_start - 1, endLine: span.line_end - 1, endCharacter: span.column_end - 1 },
    severity: severity(d.level),
    message: [d.message + label, ...notes].join('\n'),
    ...(d.code?.code ? { code: d.code.code } : {}),
    related: [...d.spans.filter((s) => s !== span), ...(d.children ?? []).flatMap((c) => c.spans.map((s) => ({ ...s, label: s.label ?? c.message })))]
      .filter((s) => s.label)
      .map((s) => ({ file: s.file_name, line: s.line_start - 1, character: s.column_start - 1, message: s.label! })),
  };
}
