/**
 * Expands one `macro_rules!` call: the first arm whose matcher accepts the call's tokens is
 * transcribed (arms are tried in order, as rustc does). Results are memoised by definition and
 * argument text.
 */
import { MatchBudgetExceeded, matchRule } from './matcher.js';
import { MacroSyntaxError, parseRules, type Rule } from './rules.js';
import type { MacroDef } from './scope.js';
import { transcribe, TranscribeError } from './transcribe.js';
import { lex, render, type MTok } from './tokens.js';

export type Expansion = { ok: true; text: string; arm: number } | { ok: false; reason: string };

/** Parses a definition's token tree (the text after `macro_rules! name`). */
export function defineMacro(name: string, rulesText: string, file: string, line: number, exported: boolean): MacroDef {
  let rules = parsedRules.get(rulesText);
  if (!rules) {
    try {
      rules = parseRules(rulesText);
    } catch (err) {
      // A stack overflow: the definition nests deeper than the recursive readers go.
      if (err instanceof RangeError) rules = { error: 'it nests too deeply' };
      else if (err instanceof MacroSyntaxError) rules = { error: err.message };
      else throw err;
    }
    if (parsedRules.size >= MEMO_LIMIT) parsedRules.delete(parsedRules.keys().next().value!);
    parsedRules.set(rulesText, rules);
  }
  return { name, rules, file, line, exported, key: `${name}\0${rulesText}` };
}

/** Parsed rules by definition text: every unit of a crate walks the same definitions. */
const parsedRules = new Map<string, Rule[] | { error: string }>();

const MEMO_LIMIT = 4096;
const memo = new Map<string, Expansion>();

/** Expands `def` applied to `argsText` (the call's delimited token tree, e.g. `{ pub mod a; }`). */
export function expandCall(def: MacroDef, argsText: string): Expansion {
  const key = `${def.key}\0${argsText}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const r = expandUncached(def, argsText);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, r);
  return r;
}

function expandUncached(def: MacroDef, argsText: string): Expansion {
  if (!Array.isArray(def.rules)) return { ok: false, reason: `its definition does not parse (${def.rules.error})` };
  try {
    const [group] = lex(argsText);
    const input: MTok[] = group?.k === 'group' ? group.children : [];
    for (const [arm, rule] of def.rules.entries()) {
      const b = matchRule(rule.matcher, input);
      if (!b) continue;
      return { ok: true, text: render(transcribe(rule.transcriber, b)), arm };
    }
  } catch (err) {
    if (err instanceof MatchBudgetExceeded || err instanceof TranscribeError) return { ok: false, reason: err.message };
    if (err instanceof RangeError) return { ok: false, reason: 'the call nests too deeply' };
    throw err;
  }
  return { ok: false, reason: 'no arm of its definition matches the call' };
}
