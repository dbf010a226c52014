/** A problem found in the user's input, always with the file and (1-based) line it is about. */
export interface Diagnostic {
  /** Absolute path of the file the problem is in. */
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** Formats `file:line:column: severity: message`, the shape compilers and editors link. */
export function formatDiagnostic(d: Diagnostic, relativeTo?: (abs: string) => string): string {
  const file = relativeTo ? relativeTo(d.file) : d.file;
  const where = d.line > 0 ? `${file}:${d.line}${d.column ? `:${d.column}` : ''}` : file;
  return `${where}: ${d.severity}: ${d.message}`;
}

/**
 * An error in user input that stops the operation (a malformed Cargo.toml, an unknown member).
 * The CLI prints it as a diagnostic and exits with code 2.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  toDiagnostic(): Diagnostic {
    return { file: this.file, line: this.line, column: this.column, severity: 'error', message: this.message };
  }
}
