/**
 * Skips a Rust block comment whose opening slash-star is at `text[at]`. Block comments nest: one
 * opened inside another must close first. Returns the index just past the comment, and whether it
 * closed before `end`.
 */
export function skipBlockComment(text: string, at: number, end = text.length): { next: number; closed: boolean } {
  let depth = 1;
  let i = at + 2;
  while (i < end && depth > 0) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
    } else i++;
  }
  return { next: i, closed: depth === 0 };
}
