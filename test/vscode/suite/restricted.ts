/** Extension tests in Restricted Mode: index and decorate, run nothing. */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { runCases } from './runner.js';
import { api, eq, file, ok, readMarker, recordProgress, until } from './util.js';

export async function run(): Promise<void> {
  await runCases([
    {
      name: 'Restricted Mode: the workspace is untrusted and still indexed and decorated',
      fn: async () => {
        const a = await api();
        ok(!vscode.workspace.isTrusted && !a.trusted(), 'the workspace is not trusted');
        await until('lib.rs indexed', async () => (await a.fileUnits(file('crates/units-core/src/lib.rs')))?.status === 'read');
        const d = await a.decoration(file('crates/units-core/src/lib.rs'));
        eq([d?.badge, d?.tooltip], ['2', 'Read by units-core (lib), units-core (lib) [test]'], 'lib.rs');
      },
    },
    {
      name: 'Restricted Mode: build commands and saves run nothing; no rustc ran',
      fn: async () => {
        const a = await api();
        const rec = recordProgress(a);
        try {
          const r1 = (await vscode.commands.executeCommand('cargoUnits.buildAffected', file('crates/units-core/src/lib.rs'))) as { scheduled: string[]; message?: string };
          eq(r1.scheduled, [], 'Build Affected Units scheduled nothing');
          ok(/Restricted Mode/.test(r1.message ?? ''), r1.message ?? 'no message');
          const r2 = (await vscode.commands.executeCommand('cargoUnits.buildUnit', { workspace: vscode.workspace.workspaceFolders![0]!.uri.toString(), unit: 'units-core/lib/units_core' })) as { scheduled: string[] };
          eq(r2.scheduled, [], 'Build Unit scheduled nothing');
          // A save with build-on-save on.
          const doc = await vscode.workspace.openTextDocument(file('crates/units-core/src/report.rs'));
          await vscode.window.showTextDocument(doc);
          const edit = new vscode.WorkspaceEdit();
          edit.insert(doc.uri, new vscode.Position(0, 0), '// edited\n');
          await vscode.workspace.applyEdit(edit);
          ok(await doc.save(), 'saved');
          ok(readFileSync(doc.uri.fsPath, 'utf8').startsWith('// edited'), 'on disk');
          await new Promise((r) => setTimeout(r, 2000));
          eq(rec.events.length, 0, 'no build progress at all');
          eq(readMarker('build.log'), '', 'the build command never ran');
          eq(readMarker('rustc.log'), '', 'rustc never ran');
        } finally {
          rec.dispose();
        }
      },
    },
  ]);
}
