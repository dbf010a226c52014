/** "did you mean": the candidate nearest to what the user typed, by edit distance. */

/** Edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of two neighbours. */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `typed`, if one is near enough to be a typo: at most a third of the
 * typed length away (at least 1), as cargo suggests. `keys` gives each candidate's other spellings
 * (e.g. a unit's target name besides its id); the nearest spelling counts.
 */
export function closest(typed: string, candidates: Iterable<string>, keys: (c: string) => string[] = (c) => [c]): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = Math.min(...keys(c).map((k) => editDistance(typed, k)));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean \`x\`?` or ''. */
export function didYouMean(typed: string, candidates: Iterable<string>, keys?: (c: string) => string[]): string {
  const c = closest(typed, candidates, keys);
  return c === undefined ? '' : `; did you mean \`${c}\`?`;
}
