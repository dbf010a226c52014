/** Parses rustc's Makefile-style dep-info (`--emit=dep-info`). */

export interface DepInfo {
  /** Files rustc read, in load order, exactly as written (not normalised). */
  files: string[];
  /** `# env-dep:NAME[=value]` lines. */
  env: Map<string, string | undefined>;
}

export function parseDepInfo(text: string): DepInfo {
  const env = new Map<string, string | undefined>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('# env-dep:')) continue;
    const rest = line.slice('# env-dep:'.length);
    const eq = rest.indexOf('=');
    if (eq < 0) env.set(rest, undefined);
    else env.set(rest.slice(0, eq), unescapeEnv(rest.slice(eq + 1)));
  }
  // The first rule (`out.d: a.rs b.rs …`) lists every file. rustc writes it on one line and ends it
  // with a blank line; a file name that holds a newline is written raw, so the rule runs up to the
  // blank line, not to the first line break.
  const start = text.search(/^[^#\r\n]/m);
  if (start < 0) return { files: [], env };
  const blank = text.slice(start).search(/\r?\n\r?\n/);
  const rule = blank >= 0 ? text.slice(start, start + blank) : text.slice(start).split(/\r?\n/)[0]!;
  const colon = findRuleColon(rule);
  return { files: colon < 0 ? [] : splitEscaped(rule.slice(colon + 1)), env };
}

/** The `:` that ends the target list (a Windows drive letter `C:` or an escaped `\:` is not it). */
function findRuleColon(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === ':' && (line[i + 1] === ' ' || i + 1 === line.length)) return i;
  }
  return -1;
}

function splitEscaped(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    // rustc escapes only spaces (`\ `) in dep-info file names.
    if (c === '\\' && s[i + 1] === ' ') {
      cur += s[i + 1];
      i++;
    } else if (c === ' ') {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur) out.push(cur);
  return out;
}

function unescapeEnv(v: string): string {
  return v.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\\\/g, '\\');
}
