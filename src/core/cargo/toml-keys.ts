/**
 * Where a key is written in a TOML document (line/column), so that errors about a value can point
 * at its text. A small scanner of its own: the TOML parser keeps no positions.
 */

/** A key path: table names, keys and array-of-table indexes (`['bin', 1, 'name']`). */
export type KeyPath = (string | number)[];

interface KeySite {
  path: KeyPath;
  line: number;
  column: number;
}

/**
 * Finds where the key `path` (e.g. `['package', 'edition']`, `['bin', 1, 'name']`) is written in
 * TOML `text`: the exact key if present, otherwise the closest enclosing key or table header.
 * Best effort and never throws; `undefined` when nothing of the path appears.
 */
export function locateKey(text: string, path: KeyPath): { line: number; column: number } | undefined {
  const scan = keySites(text);
  // The key itself, when written: the first site with exactly this path is what the search below
  // finds (no site matches more of the path). Manifests ask for the line of every target and
  // dependency, so this is most lookups.
  const exact = scan.exact.get(pathKey(path));
  if (exact) return { line: exact.line, column: exact.column };
  let best: KeySite | undefined;
  let bestLen = 0;
  for (const site of scan.sites) {
    let n = 0;
    while (n < site.path.length && n < path.length && site.path[n] === path[n]) n++;
    // Only sites that are a prefix of the wanted path (or the path itself) count.
    if (n !== site.path.length || n === 0) continue;
    if (n > bestLen) {
      best = site;
      bestLen = n;
    }
  }
  return best && { line: best.line, column: best.column };
}

/** Every key and table header of a TOML document with its full path, in order; and the first site of each path. */
let lastScan: { text: string; sites: readonly KeySite[]; exact: Map<string, KeySite> } | undefined;

/** A path as one string (numbers and strings kept apart). */
const pathKey = (path: KeyPath): string => JSON.stringify(path);

/** scanKeys() of the manifest being read, kept while the same text is asked about (one scan, many keys). */
function keySites(text: string): { sites: readonly KeySite[]; exact: Map<string, KeySite> } {
  if (lastScan?.text !== text) {
    const sites = scanKeys(text);
    const exact = new Map<string, KeySite>();
    for (const site of sites) {
      const k = pathKey(site.path);
      if (site.path.length > 0 && !exact.has(k)) exact.set(k, site);
    }
    lastScan = { text, sites, exact };
  }
  return lastScan;
}

function scanKeys(text: string): KeySite[] {
  const sites: KeySite[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let table: KeyPath = [];
  const arrayCounts = new Map<string, number>();

  const col = (at: number) => at - lineStart + 1;
  const advanceNewline = () => {
    line++;
    lineStart = i + 1;
  };
  const skipSpaces = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipComment = () => {
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
  };
  /** Skips whitespace, newlines and comments (inside arrays and between statements). */
  const skipBlank = () => {
    for (;;) {
      skipSpaces();
      skipComment();
      if (text[i] === '\n') {
        advanceNewline();
        i++;
      } else if (text[i] === '\r') {
        i++;
      } else return;
    }
  };
  const readString = (): string => {
    const q = text[i] ?? '"';
    const triple = text.startsWith(q.repeat(3), i);
    i += triple ? 3 : 1;
    let out = '';
    while (i < n) {
      if (triple && text.startsWith(q.repeat(3), i)) {
        i += 3;
        while (text[i] === q) {
          out += q;
          i++;
        }
        return out;
      }
      const c = text[i];
      if (!triple && c === q) {
        i++;
        return out;
      }
      if (!triple && c === '\n') return out;
      if (c === '\n') advanceNewline();
      if (c === '\\' && q === '"' && i + 1 < n) {
        out += text[i + 1];
        if (text[i + 1] === '\n') advanceNewline();
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    return out;
  };
  /** A dotted key: `a."b.c".'d'`. */
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      if (text[i] === '"' || text[i] === "'") parts.push(readString());
      else {
        const start = i;
        while (i < n && /[A-Za-z0-9_-]/.test(text[i] ?? '')) i++;
        if (i === start) return parts;
        parts.push(text.slice(start, i));
      }
      skipSpaces();
      if (text[i] !== '.') return parts;
      i++;
    }
  };
  const skipValue = (path: KeyPath): void => {
    skipSpaces();
    const c = text[i];
    if (c === '"' || c === "'") {
      readString();
    } else if (c === '{') {
      i++;
      for (;;) {
        skipBlank();
        if (i >= n || text[i] === '}') {
          i++;
          return;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const at = i;
        const atLine = line;
        const key = readKey();
        if (key.length === 0) {
          i++;
          continue;
        }
        sites.push({ path: [...path, ...key], line: atLine, column: col(at) });
        skipSpaces();
        if (text[i] === '=') i++;
        skipValue([...path, ...key]);
      }
    } else if (c === '[') {
      i++;
      let index = 0;
      for (;;) {
        skipBlank();
        if (i >= n || text[i] === ']') {
          i++;
          return;
        }
        if (text[i] === ',') {
          i++;
          index++;
          continue;
        }
        const before = i;
        const atLine = line;
        sites.push({ path: [...path, index], line: atLine, column: col(before) });
        skipValue([...path, index]);
        if (i === before) i++;
      }
    } else {
      while (i < n && !/[,\]}\n#]/.test(text[i] ?? '')) i++;
    }
  };

  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const at = i;
    if (text[i] === '[') {
      const isArray = text[i + 1] === '[';
      i += isArray ? 2 : 1;
      const key = readKey();
      while (i < n && text[i] !== '\n') i++;
      if (isArray) {
        const k = JSON.stringify(key);
        const index = arrayCounts.get(k) ?? 0;
        arrayCounts.set(k, index + 1);
        table = [...key, index];
        sites.push({ path: key, line, column: col(at) });
      } else {
        table = key;
      }
      sites.push({ path: table, line, column: col(at) });
      continue;
    }
    const atLine = line;
    const key = readKey();
    if (key.length === 0) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    sites.push({ path: [...table, ...key], line: atLine, column: col(at) });
    skipSpaces();
    if (text[i] === '=') {
      i++;
      skipValue([...table, ...key]);
    }
    while (i < n && text[i] !== '\n') i++;
  }
  return sites;
}
