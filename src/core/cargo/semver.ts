/**
 * Cargo's version requirements (`1.2`, `^1.2.3`, `~0.2`, `=1.0.0`, `>=1, <2`, `1.*`, `*`), enough to
 * tell which of the locked versions of a crate a dependency declaration means.
 */

type V = [number, number, number, string];

function parseVersion(s: string): V | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''] : undefined;
}

function cmp(a: V, b: V): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  if (a[3] === b[3]) return 0;
  if (a[3] === '') return 1;
  if (b[3] === '') return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** One comparator: `op` and up to three numeric parts (missing ones are wildcards). */
function matchesOne(v: V, op: string, parts: (number | undefined)[], pre: string): boolean {
  const [maj, min, pat] = parts;
  if (maj === undefined) return true;
  const lo: V = [maj, min ?? 0, pat ?? 0, pre];
  const bumpUpper = (): V => {
    // The first version above the range that `op` (^ or ~ or wildcard) allows.
    if (op === '~') return min === undefined ? [maj + 1, 0, 0, ''] : [maj, min + 1, 0, ''];
    if (op === '=' || op === '*') return min === undefined ? [maj + 1, 0, 0, ''] : pat === undefined ? [maj, min + 1, 0, ''] : [maj, min, pat + 1, ''];
    if (maj > 0 || min === undefined) return [maj + 1, 0, 0, ''];
    if (min > 0 || pat === undefined) return [0, min + 1, 0, ''];
    return [0, 0, pat + 1, ''];
  };
  switch (op) {
    case '>':
      return pat !== undefined ? cmp(v, lo) > 0 : cmp(v, bumpUpperFor(maj, min)) >= 0;
    case '>=':
      return cmp(v, lo) >= 0;
    case '<':
      return cmp(v, lo) < 0;
    case '<=':
      return cmp(v, bumpUpperFor(maj, min, pat)) < 0;
    default:
      return cmp(v, lo) >= 0 && cmp(v, bumpUpper()) < 0;
  }
}

function bumpUpperFor(maj: number, min?: number, pat?: number): V {
  return min === undefined ? [maj + 1, 0, 0, ''] : pat === undefined ? [maj, min + 1, 0, ''] : [maj, min, pat + 1, ''];
}

/** Whether `version` satisfies the requirement `req` (an unparsable requirement matches everything). */
export function satisfies(version: string, req: string | undefined): boolean {
  const v = parseVersion(version);
  if (!v || req === undefined) return true;
  return req.split(',').every((part) => {
    const m = /^\s*(\^|~|=|>=|<=|>|<)?\s*(\*|\d+)(?:\.(\*|\d+))?(?:\.(\*|\d+))?(?:-([0-9A-Za-z.-]+))?\s*$/.exec(part);
    if (!m) return true;
    const nums = [m[2], m[3], m[4]].map((x) => (x === undefined || x === '*' ? undefined : Number(x)));
    // `1.*` and friends: parts after a wildcard are wildcards too.
    const firstWild = nums.findIndex((x) => x === undefined);
    const parts = firstWild < 0 ? nums : nums.map((x, i) => (i >= firstWild ? undefined : x));
    const op = m[1] ?? (firstWild >= 0 && firstWild < 3 && [m[2], m[3], m[4]].includes('*') ? '*' : '^');
    return matchesOne(v, op, parts, m[5] ?? '');
  });
}
