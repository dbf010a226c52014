/**
 * The one build-event contract: the JSON lines `cargo-units build --json` prints (the core's Nix
 * runner emits them) and the language server parses strictly. Plain types and a parser, no
 * dependencies, so the core, the CLI, the server and the client all use this single definition.
 */

/** A span of a rustc JSON diagnostic (`--error-format=json`). */
export interface RustcSpan {
  file_name: string;
  line_start: number;
  line_end: number;
  column_start: number;
  column_end: number;
  is_primary: boolean;
  label?: string | null;
  /** A suggestion's replacement text for this span. */
  suggested_replacement?: string | null;
  /** `MachineApplicable`, `MaybeIncorrect`, `HasPlaceholders` or `Unspecified`. */
  suggestion_applicability?: string | null;
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

export interface DiagnosticRange {
  /** 1-based, as rustc reports them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Why a whole build stopped: Nix is not installed, its configuration is invalid, another Nix error, or cancelled. */
export type BuildFailureReason = 'nix-missing' | 'nix-config' | 'nix' | 'cancelled';

export type BuildEvent =
  /**
   * What Nix will build (checked against the store), which units' outputs a substituter (binary
   * cache) will provide instead, and which requested units are already in the store.
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
      /** rustc's whole diagnostic (labels, notes, suggestions), its file names as `file`'s. */
      diagnostic: RustcDiagnostic;
    }
  | { type: 'done'; unit: string; seconds: number; out: string }
  /** A unit's output was fetched from a substituter (binary cache) rather than built. */
  | { type: 'substituted'; unit: string; out: string }
  /** A planned unit that was never started: a dependency failed, or the build was cancelled. */
  | { type: 'skipped'; unit: string; message: string }
  /** A unit failed (`unit`), or the whole build did (`unit: null`, with `reason`). */
  | { type: 'failed'; unit: string | null; message: string; reason?: BuildFailureReason }
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
      /** The output path of every requested unit in the store now (built, cached or substituted). */
      outs: Record<string, string>;
      /** Wall-clock seconds of each phase of the build (generate, evaluate, plan, runs, build, roots, …). */
      phases?: Record<string, number>;
    };

export type BuildEventType = BuildEvent['type'];

/** A line that is not a well-formed build event; the message says what is wrong with it. */
export class BuildEventError extends Error {
  constructor(
    message: string,
    readonly line: string,
  ) {
    super(message);
    this.name = 'BuildEventError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field readers that throw a message naming the field. */
class Fields {
  constructor(
    private readonly o: Obj,
    private readonly where: string,
  ) {}

  private fail(key: string, what: string): never {
    throw new Error(`${this.where}: \`${key}\` must be ${what}, got ${JSON.stringify(this.o[key]) ?? 'nothing'}`);
  }

  str(k: string): string {
    const v = this.o[k];
    return typeof v === 'string' ? v : this.fail(k, 'a string');
  }

  strOrNull(k: string): string | null {
    const v = this.o[k];
    return typeof v === 'string' || v === null ? v : this.fail(k, 'a string or null');
  }

  optStr(k: string): string | null | undefined {
    const v = this.o[k];
    return v === undefined || v === null || typeof v === 'string' ? v : this.fail(k, 'a string, null or absent');
  }

  num(k: string): number {
    const v = this.o[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(k, 'a number');
  }

  bool(k: string): boolean {
    const v = this.o[k];
    return typeof v === 'boolean' ? v : this.fail(k, 'true or false');
  }

  strList(k: string): string[] {
    const v = this.o[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : this.fail(k, 'a list of strings');
  }

  obj(k: string): Fields {
    const v = this.o[k];
    return isObj(v) ? new Fields(v, `${this.where}.${k}`) : this.fail(k, 'an object');
  }

  objOrNull(k: string): Fields | null {
    return this.o[k] === null ? null : this.obj(k);
  }

  list(k: string): Fields[] {
    const v = this.o[k];
    if (!Array.isArray(v) || !v.every(isObj)) return this.fail(k, 'a list of objects');
    return v.map((x, i) => new Fields(x, `${this.where}.${k}[${i}]`));
  }

  /** An object whose values are all strings (or all finite numbers). */
  record(k: string, of: 'string' | 'number'): Record<string, string | number> {
    const v = this.o[k];
    const ok = (x: unknown) => (of === 'string' ? typeof x === 'string' : typeof x === 'number' && Number.isFinite(x));
    return isObj(v) && Object.values(v).every(ok) ? (v as Record<string, string | number>) : this.fail(k, `an object of ${of}s`);
  }

  has(k: string): boolean {
    return this.o[k] !== undefined;
  }
}

function span(f: Fields): RustcSpan {
  const s: RustcSpan = {
    file_name: f.str('file_name'),
    line_start: f.num('line_start'),
    line_end: f.num('line_end'),
    column_start: f.num('column_start'),
    column_end: f.num('column_end'),
    is_primary: f.bool('is_primary'),
  };
  const label = f.optStr('label');
  if (label !== undefined) s.label = label;
  const replacement = f.optStr('suggested_replacement');
  if (replacement !== undefined) s.suggested_replacement = replacement;
  const applicability = f.optStr('suggestion_applicability');
  if (applicability !== undefined) s.suggestion_applicability = applicability;
  return s;
}

function rustcDiagnostic(f: Fields): RustcDiagnostic {
  const d: RustcDiagnostic = { message: f.str('message'), level: f.str('level'), spans: f.list('spans').map(span) };
  if (f.has('code')) {
    const code = f.objOrNull('code');
    d.code = code && { code: code.str('code') };
  }
  if (f.has('children')) d.children = f.list('children').map(rustcDiagnostic);
  const rendered = f.optStr('rendered');
  if (rendered !== undefined) d.rendered = rendered;
  return d;
}

const REASONS: readonly BuildFailureReason[] = ['nix-missing', 'nix-config', 'nix', 'cancelled'];

/** One reader per event type: a new type in `BuildEvent` does not compile without its reader. */
const READERS: { [K in BuildEventType]: (f: Fields) => Extract<BuildEvent, { type: K }> } = {
  plan: (f) => ({ type: 'plan', build: f.strList('build'), substitute: f.strList('substitute'), cached: f.strList('cached') }),
  start: (f) => ({ type: 'start', unit: f.str('unit') }),
  phase: (f) => ({ type: 'phase', unit: f.str('unit'), phase: f.str('phase') }),
  log: (f) => ({ type: 'log', unit: f.strOrNull('unit'), line: f.str('line') }),
  diagnostic: (f) => {
    const r = f.obj('range');
    return {
      type: 'diagnostic',
      unit: f.str('unit'),
      level: f.str('level'),
      message: f.str('message'),
      code: f.strOrNull('code'),
      file: f.str('file'),
      range: { line: r.num('line'), column: r.num('column'), endLine: r.num('endLine'), endColumn: r.num('endColumn') },
      rendered: f.str('rendered'),
      diagnostic: rustcDiagnostic(f.obj('diagnostic')),
    };
  },
  done: (f) => ({ type: 'done', unit: f.str('unit'), seconds: f.num('seconds'), out: f.str('out') }),
  substituted: (f) => ({ type: 'substituted', unit: f.str('unit'), out: f.str('out') }),
  skipped: (f) => ({ type: 'skipped', unit: f.str('unit'), message: f.str('message') }),
  failed: (f) => {
    const e: Extract<BuildEvent, { type: 'failed' }> = { type: 'failed', unit: f.strOrNull('unit'), message: f.str('message') };
    const reason = f.optStr('reason');
    if (reason !== undefined && reason !== null) {
      if (!REASONS.includes(reason as BuildFailureReason))
        throw new Error(`failed: \`reason\` must be one of ${REASONS.join(', ')}, got ${JSON.stringify(reason)}`);
      e.reason = reason as BuildFailureReason;
    }
    return e;
  },
  finished: (f) => {
    const e: Extract<BuildEvent, { type: 'finished' }> = {
      type: 'finished',
      built: f.strList('built'),
      cached: f.strList('cached'),
      substituted: f.strList('substituted'),
      failed: f.strList('failed'),
      skipped: f.strList('skipped'),
      seconds: f.num('seconds'),
      outs: f.record('outs', 'string') as Record<string, string>,
    };
    if (f.has('phases')) e.phases = f.record('phases', 'number') as Record<string, number>;
    return e;
  },
};

/**
 * Parses one line of `cargo-units build --json` output. Every line of that output is an event:
 * anything else (not JSON, an unknown type, a missing or mistyped field) throws a
 * `BuildEventError` saying what is wrong, so a drift between printer and parser is never silent.
 */
export function parseBuildEvent(line: string): BuildEvent {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new BuildEventError(`not a build event (not JSON): ${line.length > 200 ? line.slice(0, 200) + '…' : line}`, line);
  }
  if (!isObj(v)) throw new BuildEventError(`not a build event (not a JSON object): ${line.slice(0, 200)}`, line);
  const type = v.type;
  if (typeof type !== 'string' || !Object.hasOwn(READERS, type)) {
    throw new BuildEventError(`unknown build event type ${JSON.stringify(type)} (known: ${Object.keys(READERS).join(', ')})`, line);
  }
  try {
    return READERS[type as BuildEventType](new Fields(v, type));
  } catch (err) {
    throw new BuildEventError(`malformed build event: ${(err as Error).message}`, line);
  }
}
