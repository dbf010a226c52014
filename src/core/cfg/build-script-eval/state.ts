/**
 * The interpreter's control state: variable scopes, the "maybe" level (how many enclosing
 * branches may not run), and the signals that leave a function or loop.
 */
import type { Value } from './values.js';
import { unknown } from './values.js';

export interface Binding {
  v: Value;
  /** The maybe level at the binding's declaration. */
  level: number;
}

export class Vars {
  private readonly map = new Map<string, Binding>();
  constructor(readonly parent: Vars | undefined) {}

  declare(name: string, v: Value, level: number): void {
    this.map.set(name, { v, level });
  }

  find(name: string): Binding | undefined {
    return this.map.get(name) ?? this.parent?.find(name);
  }

  /** Makes every visible binding named in `names` unknown (a loop body may change them on any round). */
  poison(names: Iterable<string>, why: string): void {
    for (const n of names) {
      const b = this.find(n);
      if (b) b.v = unknown(why);
    }
  }
}

/** A function or loop that `return` / `break` / `continue` leave. */
export interface ExitScope {
  kind: 'fn' | 'loop';
  label: string | undefined;
  /** The maybe level when it was entered. */
  entryLevel: number;
  /** Reasons added to the maybe stack since a `return`/`break` may have happened (removed on exit). */
  raised: { why: string }[];
  /** Values returned (fn) or broken out with (loop). */
  values: Value[];
}

/** A `return` / `break` / `continue` / `?` on a path that certainly runs (relative to its target). */
export class Leave {
  constructor(
    readonly target: ExitScope,
    readonly kind: 'return' | 'break' | 'continue',
    readonly value: Value,
  ) {}
}

/** A leave on a path that may not run: ends the innermost maybe branch, which raises `target`. */
export class MaybeLeave {
  constructor(
    readonly target: ExitScope | 'program',
    readonly why: string,
  ) {}
}

/** `process::exit` on a path that certainly runs: the script ends here. */
export class Exit {}
