/** What a file's decoration says: badge, tooltip and look, from the units that read it. Pure. */
import type { FileUnits } from '../protocol/lsp_ext.js';

export type DecorationLook = 'read' | 'uncertain' | 'unread';

export interface DecorationData {
  /** At most two characters (VS Code's limit). */
  badge: string;
  tooltip: string;
  look: DecorationLook;
}

/** The number as a badge of at most two characters. */
export function countBadge(n: number): string {
  return n > 99 ? '99' : String(n);
}

/**
 * Read files: the number of units, and their names. Only possibly read: `?` and the count.
 * A Rust file that no unit reads: `0`. Nothing for other files outside every unit.
 */
export function decorationData(f: FileUnits, path: string): DecorationData | undefined {
  switch (f.status) {
    case 'read': {
      const names = f.units.map((u) => (u.uncertain ? `${u.label} (maybe)` : u.label));
      return { badge: countBadge(f.units.length), tooltip: `Read by ${names.join(', ')}${chainLines(f)}`, look: 'read' };
    }
    case 'uncertain':
      return {
        badge: f.units.length < 10 ? `?${f.units.length}` : '?',
        tooltip: `Possibly read by ${f.units.map((u) => u.label).join(', ')} (depends on cfgs that cannot be known before building)${chainLines(f)}`,
        look: 'uncertain',
      };
    case 'unread':
      return path.endsWith('.rs') ? { badge: '0', tooltip: 'Read by no unit', look: 'unread' } : undefined;
    case 'outside':
      return undefined;
  }
}

/** One line per unit with the shortest chain of declarations that reads the file (when the server sent it). */
function chainLines(f: FileUnits): string {
  return f.units.map((u) => (u.chain ? `\n${u.label}: ${u.chain}` : '')).join('');
}
