/**
 * rustc JSON diagnostics as editor problems, as rust-analyzer's check-on-save gives them: the
 * primary span with its label, secondary labels and notes as related information, the error
 * code linked to rustc's error index, and suggestions as fixes. Pure.
 */
import type { RustcDiagnostic, RustcSpan } from '../protocol/build-events.js';

export type ProblemSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface ProblemRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface ProblemFix {
  title: string;
  /** rustc says the fix is certainly right (`MachineApplicable`). */
  preferred: boolean;
  edits: { file: string; range: ProblemRange; newText: string }[];
}

export interface Problem {
  file: string;
  range: ProblemRange;
  severity: ProblemSeverity;
  message: string;
  /** rustc's code; `href` its page in the error index (error codes, not lint names). */
  code?: { value: string; href?: string };
  related: { file: string; range: ProblemRange; message: string }[];
  fixes: ProblemFix[];
}

function severity(level: string): ProblemSeverity {
  if (level.startsWith('error')) return 'error';
  if (level === 'warning') return 'warning';
  if (level === 'help') return 'hint';
  return 'information';
}

/** rustc's 1-based, end-exclusive columns as a 0-based range. */
function rangeOf(s: RustcSpan): ProblemRange {
  return { startLine: s.line_start - 1, startCharacter: s.column_start - 1, endLine: s.line_end - 1, endCharacter: s.column_end - 1 };
}

/** The page of an error code in rustc's error index (`E0308`); none for lint names. */
export function errorCodeHref(code: string): string | undefined {
  return /^E\d{4}$/.test(code) ? `https://doc.rust-lang.org/error_codes/${code}.html` : undefined;
}

/** Suggestions rustc is sure or fairly sure of; `HasPlaceholders` ones need the user's text, so they are no fix. */
const FIXABLE = new Set(['MachineApplicable', 'MaybeIncorrect']);

/** The problem at the primary span (the first span when none is primary); undefined without spans. */
export function toProblem(d: RustcDiagnostic): Problem | undefined {
  const span = d.spans.find((s) => s.is_primary) ?? d.spans[0];
  if (!span) return undefined;
  const children = d.children ?? [];
  // Notes and helps without a place belong in the message, as rustc prints them.
  const notes = children.filter((c) => c.spans.length === 0).map((c) => `${c.level}: ${c.message}`);
  const label = span.label ? ` (${span.label})` : '';
  const related: Problem['related'] = [];
  for (const s of d.spans) if (s !== span && s.label) related.push({ file: s.file_name, range: rangeOf(s), message: s.label });
  const fixes: ProblemFix[] = [];
  for (const c of children) {
    for (const s of c.spans) {
      const replacement = s.suggested_replacement;
      const text =
        replacement !== null && replacement !== undefined
          ? `${c.level}: ${c.message}: \`${replacement}\``
          : `${c.level}: ${c.message}${s.label ? ` (${s.label})` : ''}`;
      related.push({ file: s.file_name, range: rangeOf(s), message: text });
    }
    const edits = c.spans.filter(
      (s) => s.suggested_replacement !== null && s.suggested_replacement !== undefined && FIXABLE.has(s.suggestion_applicability ?? ''),
    );
    if (edits.length > 0 && edits.length === c.spans.filter((s) => s.suggested_replacement != null).length) {
      const only = edits.length === 1 ? edits[0]!.suggested_replacement! : undefined;
      fixes.push({
        title: only !== undefined ? (only === '' ? c.message : `${c.message}: \`${only}\``) : c.message,
        preferred: edits.every((s) => s.suggestion_applicability === 'MachineApplicable'),
        edits: edits.map((s) => ({ file: s.file_name, range: rangeOf(s), newText: s.suggested_replacement! })),
      });
    }
  }
  const code = d.code?.code;
  const href = code ? errorCodeHref(code) : undefined;
  return {
    file: span.file_name,
    range: rangeOf(span),
    severity: severity(d.level),
    message: [d.message + label, ...notes].join('\n'),
    ...(code ? { code: href ? { value: code, href } : { value: code } } : {}),
    related,
    fixes,
  };
}
