/**
 * The server's side of "why": `cargoUnits/why` (the chains of `cargo-units why`), the shortest
 * chain in each file's unit list (for the decoration tooltip), and `cargoUnits/saveRebuilds`
 * (what saving the editor's unsaved text would rebuild).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { UnitIndex } from '../core/index.js';
import { WhyIndex, type WhyStep } from '../core/why.js';
import { unitLabel } from '../protocol/labels.js';
import * as ext from '../protocol/lsp_ext.js';
import type { WorkspaceSet } from './workspaces.js';

/** One WhyIndex per open index: it keeps the traces of the units asked about. */
const whyIndexes = new WeakMap<UnitIndex, WhyIndex>();

export function whyOf(index: UnitIndex): WhyIndex {
  let w = whyIndexes.get(index);
  if (!w) whyIndexes.set(index, (w = new WhyIndex(index)));
  return w;
}

/** A chain as one line: `lib.rs:5 pub mod quantity › quantity.rs:4 mod length`. */
export function chainText(chain: WhyStep[]): string {
  if (chain.length === 0) return 'crate root';
  return chain.map((s) => `${basename(s.file)}:${s.line} ${s.via}${s.value === 'unknown' ? ' (?)' : ''}`).join(' › ');
}

/**
 * `units` of `abs`, each with its shortest chain when the traces of those units are at hand. Else
 * the units go back without chains at once (decorations must not wait for a walk), the traces are
 * made right after, and `refresh` is called so that the client asks again.
 */
export function withChains(index: UnitIndex | undefined, abs: string, units: ext.UnitRef[], refresh?: () => void): ext.UnitRef[] {
  if (!index || units.length === 0) return units;
  const why = whyOf(index);
  if (refresh && !units.every((u) => why.hasTrace(u.id))) {
    setImmediate(() => {
      for (const u of units) why.chainOf(abs, u.id);
      refresh();
    });
    return units;
  }
  return units.map((u) => {
    const chain = why.chainOf(abs, u.id);
    return chain ? { ...u, chain: chainText(chain) } : u;
  });
}

function labelOf(index: UnitIndex, id: string): string {
  const u = index.unit(id)?.unit;
  return u ? unitLabel({ id, package: u.package.name, kind: u.kind, name: u.name }) : id;
}

export interface WhyDeps {
  /** Runs after the index updates queued before it. */
  serialize: <T>(f: () => T | Promise<T>) => Promise<T>;
  workspaces: () => WorkspaceSet;
  documents: TextDocuments<TextDocument>;
  toPath: (uri: string) => string | undefined;
  toUri: (path: string) => string;
}

export function registerWhy(connection: Connection, d: WhyDeps): void {
  connection.onRequest(ext.whyFile, ({ uri, unit }) =>
    d.serialize((): ext.WhyResult => {
      const p = d.toPath(uri);
      const w = p ? d.workspaces().workspaceOf(p) : undefined;
      if (!p || !w?.index) return { uri, status: 'outside', units: [], notRead: [] };
      const index = w.index;
      const a = whyOf(index).explain(p, unit);
      const step = (s: WhyStep): ext.WhyStep => ({
        uri: d.toUri(s.file),
        line: s.line,
        via: s.via,
        cfg: s.cfg,
        value: s.value,
        ...(s.reason ? { reason: s.reason } : {}),
      });
      return {
        uri,
        status: d.workspaces().fileInfo(p).status,
        units: a.units.map((u) => ({ unit: u.unit, label: labelOf(index, u.unit), status: u.status, chain: u.chain.map(step) })),
        notRead: a.notRead.map((n) => ({
          unit: n.unit,
          label: labelOf(index, n.unit),
          uri: d.toUri(n.file),
          line: n.line,
          via: n.via,
          cfg: n.cfg,
          value: n.value,
        })),
        ...(a.declareIn ? { declareIn: a.declareIn.map((x) => ({ uri: d.toUri(x.file), declaration: x.declaration, exists: x.exists })) } : {}),
      };
    }),
  );

  connection.onRequest(ext.saveRebuilds, ({ uri }) =>
    d.serialize((): ext.SaveRebuilds => {
      const p = d.toPath(uri);
      const doc = d.documents.get(uri);
      const index = p ? d.workspaces().workspaceOf(p)?.index : undefined;
      if (!p || !doc || !index) return { uri, changed: false, units: [] };
      let disk: string | undefined;
      try {
        disk = readFileSync(p, 'utf8');
      } catch {
        disk = undefined;
      }
      if (disk === doc.getText()) return { uri, changed: false, units: [] };
      // The index already holds the unsaved text: a save builds what it affects now (as build on save does).
      return { uri, changed: true, units: index.affected([p]).map((id) => ({ id, label: labelOf(index, id) })) };
    }),
  );
}
