/**
 * Compares what cargo-units decided about a build script's cfgs with what the script really
 * printed: a name decided set must have been printed, a name decided unset must not have been.
 */
import type { CfgAtom } from '../../src/core/cfg/expr.js';

export interface Verdict {
  /** Names decided (set or not set) and matching the real output. */
  decided: string[];
  /** Names left unknown. */
  unknown: string[];
  /** Decisions the real output contradicts. */
  wrong: string[];
}

/**
 * `decide(name)` says true (set), false (not set) or 'unknown'. `names`: every name to check
 * besides those really printed (what the script can print, found statically).
 */
export function compareWithTruth(real: CfgAtom[], names: Iterable<string>, decide: (name: string) => boolean | 'unknown'): Verdict {
  const printed = new Set(real.filter((a) => a.value === undefined).map((a) => a.name));
  const all = new Set([...real.map((a) => a.name), ...names]);
  const v: Verdict = { decided: [], unknown: [], wrong: [] };
  for (const name of [...all].sort()) {
    const d = decide(name);
    if (d === 'unknown') v.unknown.push(name);
    else if (d === printed.has(name)) v.decided.push(name);
    else v.wrong.push(`${name}: decided ${d ? 'set' : 'not set'}, but the script ${printed.has(name) ? 'printed' : 'did not print'} it`);
  }
  return v;
}
