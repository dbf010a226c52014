/** Parses rustc's Makefile-style dep-info (`--emit=dep-info`). */

export interface DepInfo {
  /** Files rustc read, in load order, exactly as written (not normalised). */
  files: string[];
  /** `# env-dep:NAME[=value]` lines. */
  env: Map<string, string | undefined>;
}

export function parseDepInfo(text: string): DepInfo {
  const env = new Map<string, string | undefined>();
  const files: string[] = [];
  const lines = text.split(/\r?\n/);
  let first = true;
  for (const line of lines) {
    if (line.startsWith('# env-dep:')) {
      const rest = line.slice('# env-dep:'.length);
      const eq = rest.indexOf('=');
      if (eq < 0) env.set(rest, undefined);
      else env.set(rest.slice(0, eq), unescapeEnv(rest.slice(eq + 1)));
      continue;
    }
    if (!first || line.trim() === '' || line.startsWith('#')) continue;
    first = false;
    const colon = findRuleColon(line);
    if (colon < 0) continue;
    files.push(...splitEscaped(line.slice(colon + 1)));
  }
  return { files, env };
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
