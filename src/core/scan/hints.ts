/**
 * Cheap text tests that decide what is worth parsing: whether a file can hold a fact at all
 * (sources.ts), and where in a snippet a fact can start (extract.ts skips subtrees without one).
 *
 * Each test is defined by a regex (MAY_HOLD_FACTS, PROC_INPUT_HINT, HINT) and computed faster
 * with the same result: the places where a match can start are found with `indexOf` (a `!`, a
 * `#`, `mod`, `include`, `$`), and the regex runs there only, anchored (sticky). hints.test.ts
 * checks the fast forms against the regexes.
 */

/** `include!`, `include_str!`, `include_bytes!` (comments allowed before the `!`). */
const INCLUDE_CALL = /\binclude(?:_str|_bytes)?(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*!/;
/** A `$name:item` macro fragment (an item-wrapping `macro_rules!`). */
const ITEM_FRAGMENT = /\$\s*[A-Za-z_][A-Za-z0-9_]*\s*:\s*item\b/;
/**
 * A `mod` keyword other than an inline-module opener `mod name {`, outside lines that are `//`
 * comments, and not glued to punctuation as in `Token![mod]` or `mod_token` (multiline flag).
 */
const MOD_KEYWORD = /(?<!^[ \t]*\/\/[^\n]*)\bmod(?=\s|\/[/*])(?!\s+(?:r#)?[A-Za-z_][A-Za-z0-9_]*\s*\{)/;

/**
 * Whether a file can hold a fact (facts.ts) at all. It cannot when it has
 * - no `include!` / `include_str!` / `include_bytes!` call,
 * - no `$name:item` macro fragment (an item-wrapping `macro_rules!`),
 * - no `mod` keyword other than inline-module openers `mod name {` (and `mod` in lines that are
 *   `//` comments, and `mod` glued to punctuation as in `Token![mod]` or `mod_token`).
 * Such a file declares no module file and includes nothing, whatever its attributes say, so it is
 * not parsed. The cost: its syntax errors (which cannot change a file list) are not reported.
 * A file that may hold a proc-macro input (PROC_INPUT_HINT) is parsed too.
 */
export const MAY_HOLD_FACTS = new RegExp([INCLUDE_CALL, ITEM_FRAGMENT, MOD_KEYWORD].map((r) => r.source).join('|'), 'm');

/**
 * Text that may hold a proc-macro input (see extract.ts readProcAttr, readProcCall): a non-std
 * macro call with a string literal before its first closing delimiter, `migrate!`, or a non-builtin
 * attribute with a string literal. Used to skip subtrees (hints) and files that cannot hold one.
 */
export const PROC_INPUT_HINT =
  /\b(?!(?:println|print|eprintln|eprint|format|format_args|write|writeln|panic|assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|unreachable|unimplemented|todo|vec|matches|dbg|concat|stringify|env|option_env|compile_error|include|include_str|include_bytes)\s*!)[A-Za-z_][A-Za-z0-9_]*\s*!\s*[([{][^)\]};]*?"|\bmigrate\s*!|#\s*\[\s*(?!(?:doc|cfg|cfg_attr|path|deprecated|must_use|link|link_name|export_name|link_section|should_panic|ignore|allow|warn|deny|expect|forbid|target_feature|crate_name)\b)[A-Za-z_][\w:]*[^\]]*?"/;

/** Where a `mod` or an `include` may start (the subtree hints of extract.ts, with PROC_INPUT_HINT's). */
export const HINT = /\bmod\b|include/;

const INCLUDE_CALL_AT = new RegExp(INCLUDE_CALL.source, 'y');
const ITEM_FRAGMENT_AT = new RegExp(ITEM_FRAGMENT.source, 'y');
const MOD_KEYWORD_AT = new RegExp(MOD_KEYWORD.source, 'my');
const PROC_INPUT_HINT_AT = new RegExp(PROC_INPUT_HINT.source, 'y');

/** Whether `re` (sticky) matches at some occurrence of `needle`, where all its matches start. */
function matchesAtSome(text: string, needle: string, re: RegExp): boolean {
  for (let p = text.indexOf(needle); p >= 0; p = text.indexOf(needle, p + 1)) {
    re.lastIndex = p;
    if (re.test(text)) return true;
  }
  return false;
}

/**
 * Whether `text` has a `mod` keyword that can declare a module file (MOD_KEYWORD): not only
 * inline-module openers, `mod` glued to punctuation (`Token![mod]`, `"mod"`) or `//` comments.
 */
export function hasModKeyword(text: string): boolean {
  return matchesAtSome(text, 'mod', MOD_KEYWORD_AT);
}

/** MAY_HOLD_FACTS.test(text) || PROC_INPUT_HINT.test(text), computed faster. */
export function mayHoldFacts(text: string): boolean {
  return (
    hasModKeyword(text) ||
    matchesAtSome(text, 'include', INCLUDE_CALL_AT) ||
    matchesAtSome(text, '$', ITEM_FRAGMENT_AT) ||
    procInputHints(text, true).length > 0
  );
}

/** `[A-Za-z0-9_]`: the characters of regex words (`\b`, `\w`). */
function isWordChar(k: number): boolean {
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95;
}

/** The regex class `\s`. */
function isRegexSpace(k: number): boolean {
  if (k < 128) return k === 32 || (k >= 9 && k <= 13);
  return (
    k === 0xa0 || k === 0x1680 || (k >= 0x2000 && k <= 0x200a) || k === 0x2028 || k === 0x2029 || k === 0x202f || k === 0x205f || k === 0x3000 || k === 0xfeff
  );
}

/**
 * The start of the word that a `!` at `bang` follows (spaces between allowed), where a macro-call
 * match of PROC_INPUT_HINT can start; -1 when there is none, or when it starts with a digit (no
 * word boundary before a letter there).
 */
function wordBefore(text: string, bang: number): number {
  let end = bang;
  while (end > 0 && isRegexSpace(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
  if (start === end) return -1;
  const k = text.charCodeAt(start);
  return k >= 48 && k <= 57 ? -1 : start;
}

/**
 * Start offsets of PROC_INPUT_HINT's matches in `text`, as its global form finds them (each search
 * resuming after the previous match); only the first when `first`. Matches start at the word
 * before a `!` or at a `#`, so the regex runs only there.
 */
export function procInputHints(text: string, first = false): number[] {
  const out: number[] = [];
  let last = 0;
  let bang = text.indexOf('!');
  let hash = text.indexOf('#');
  while (bang >= 0 || hash >= 0) {
    let start: number;
    // A word before a `!` holds no `#`, so candidates come in order of their starts.
    if (hash >= 0 && (bang < 0 || hash < bang)) {
      start = hash;
      hash = text.indexOf('#', hash + 1);
    } else {
      start = wordBefore(text, bang);
      bang = text.indexOf('!', bang + 1);
    }
    if (start < last) continue;
    PROC_INPUT_HINT_AT.lastIndex = start;
    if (!PROC_INPUT_HINT_AT.test(text)) continue;
    out.push(start);
    if (first) break;
    last = PROC_INPUT_HINT_AT.lastIndex;
  }
  return out;
}

/**
 * Sorted offsets of the `mod` and `include` occurrences of `source` (HINT's global matches) and of
 * procInputHints: a subtree holding none of them cannot hold a fact.
 */
export function hintOffsets(source: string): number[] {
  const out: number[] = [];
  // `mod` and `include` share no letter, so their matches cannot overlap: all are found.
  for (let p = source.indexOf('mod'); p >= 0; p = source.indexOf('mod', p + 3)) {
    if ((p === 0 || !isWordChar(source.charCodeAt(p - 1))) && !isWordChar(source.charCodeAt(p + 3))) out.push(p);
  }
  for (let p = source.indexOf('include'); p >= 0; p = source.indexOf('include', p + 7)) out.push(p);
  out.push(...procInputHints(source));
  return out.sort((a, b) => a - b);
}
