import type { IndexedUnit, UnitIndex } from '../../core/index.js';
import { didYouMean } from '../../core/suggest.js';
import { UsageError } from '../args.js';

/** A unit id and its target name, the spellings a "did you mean" compares with. */
const spellings = (id: string) => [id, id.slice(id.lastIndexOf('/') + 1)];

/** The error for a unit id that names no unit, with the nearest id as a hint. */
export function noSuchUnit(index: UnitIndex, query: string): UsageError {
  const hint = didYouMean(
    query,
    index.entries.map((e) => e.unit.id),
    spellings,
  );
  return new UsageError(`no unit \`${query}\` in ${index.workspace.root}${hint || ' (see `cargo-units units`)'}`);
}

/** Finds a unit by exact id, or by a unique id suffix / target name. */
export function findUnit(index: UnitIndex, query: string): IndexedUnit {
  const exact = index.unit(query);
  if (exact) return exact;
  const matches = index.entries.filter((e) => e.unit.id.endsWith(`/${query}`) || e.unit.id.endsWith(query));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(`unit \`${query}\` is ambiguous: ${matches.map((m) => m.unit.id).join(', ')}`);
  }
  throw noSuchUnit(index, query);
}
