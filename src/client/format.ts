/** What a file's decoration says: badge, tooltip and look, from the units that read it. Pure. */
import type { FileUnits } from '../protocol/lsp_ext.js';

export type DecorationLook = 'read' | 'uncertain' | 'unread' | 'unread-folder';

export interface DecorationData {
  /** At most two characters (VS Code's limit). */
  badge: string;
  tooltip: string;
  look: DecorationLook;
}

/**
 * The number as a circled digit (①…⑳, `∅` for none, `⑳+` above 20): VS Code joins a file's badges in
 * editor tabs ("lib.rs 1, ②"), so a plain number would read like the problem count next to it.
 * At most two characters (VS Code's limit), and in the fonts VS Code ships with (DejaVu).
 */
export function countBadge(n: number): string {
  if (n <= 0) return '∅';
  if (n > 20) return '⑳+';
  return String.fromCodePoint(0x2460 + n - 1);
}

/**
 * Read files: the number of units, and their names. Only possibly read: `?` and the count.
 * A Rust file that no unit reads: `∅`. Nothing for other files outside every unit. A folder:
 * greyed when no unit reads a file in it, else nothing.
 */
export function decorationData(f: FileUnits, path: string): DecorationData | undefined {
  switch (f.status) {
    case 'read': {
      const names = f.units.map((u) => (u.uncertain ? `${u.label} (maybe)` : u.label));
      if (f.folder) return undefined;
      return { badge: countBadge(f.units.length), tooltip: `Read by ${names.join(', ')}`, look: 'read' };
    }
    case 'uncertain':
      return {
        badge: f.units.length <= 20 ? `?${countBadge(f.units.length)}` : '?',
        tooltip: `Possibly read by ${f.units.map((u) => u.label).join(', ')} (depends on cfgs that cannot be known before building)`,
        look: 'uncertain',
      };
    case 'unread':
      // A folder is greyed only when no unit reads anything in it (one unread file greys no folder).
      if (f.folder) return { badge: '', tooltip: 'No unit reads a file in this folder', look: 'unread-folder' };
      return path.endsWith('.rs') ? { badge: countBadge(0), tooltip: 'Read by no unit', look: 'unread' } : undefined;
    case 'outside':
      return undefined;
  }
}
