import type { IndexedUnit, UnitIndex } from '../../core/index.js';
import { UsageError } from '../args.js';

/** Finds a unit by exact id, or by a unique id suffix / target name. */
export function findUnit(index: UnitIndex, query: string): IndexedUnit {
  const exact = index.unit(query);
  if (exact) return exact;
  const matches = index.entries.filter((e) => e.unit.id.endsWith(`/${query}`) || e.unit.id.endsWith(query));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(`unit \`${query}\` is ambiguous: ${matches.map((m) => m.unit.id).join(', ')}`);
  }
  throw new UsageError(`no unit \`${query}\` in ${index.workspace.root} (see \`cargo-units units\`)`);
}
