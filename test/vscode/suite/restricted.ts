/** Extension tests in Restricted Mode: index and decorate, run nothing. */
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { runCases } from './runner.js';
import { api, config, eq, file, ok, readMarker, recordProgress, until } from './util.js';

/** Runs a command, closing any quick pick it opens; gives up waiting after `ms` (a command may await a pick forever). */
async function runCommand(id: string, args: unknown[], ms = 3000): Promise<unknown> {
  const r = Promise.resolve(vscode.commands.executeCommand(id, ...args)).then((v) => ({ v }), (err: unknown) => ({ err }));
  await new Promise((res) => setTimeout(res, 300));
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  let timer: NodeJS.Timeout | undefined;
  const out = await Promise.race([r, new Promise<{ timedOut: true }>((res) => (timer = setTimeout(() => res({ timedOut: true }), ms)))]);
  clearTimeout(timer);
  return out;
}

const BUILD_RS = 'crates/units-core/build.rs';
const PROC_MACRO = 'crates/units-derive/src/lib.rs';

function markersWritten(): string[] {
  return config.hostileMarkers.filter((m) => existsSync(m));
}

export async function run(): Promise<void> {
  await runCases([
    {
      name: 'Restricted Mode: the workspace is untrusted and still indexed and decorated',
      fn: async () => {
        const a = await api();
        ok(!vscode.workspace.isTrusted && !a.trusted(), 'the workspace is not trusted');
        await until('lib.rs indexed', async () => (await a.fileUnits(file('crates/units-core/src/lib.rs')))?.status === 'read');
        // The tooltip's chain lines (why.ts) come from the index too, a moment after the units: no program runs for them.
        await until('lib.rs tooltip with its chains', async () => ((await a.decoration(file('crates/units-core/src/lib.rs')))?.tooltip ?? '').includes('crate root'));
        const d = await a.decoration(file('crates/units-core/src/lib.rs'));
        eq(
          [d?.badge, d?.tooltip],
          ['②', 'Read by units-core (lib), units-core (lib) [test]\nunits-core (lib): crate root\nunits-core (lib) [test]: crate root'],
          'lib.rs',
        );
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
    {
      name: 'Restricted Mode: a workspace whose build script and proc-macro write a marker never gets it (indexing, decorations, every command, edits, saves)',
      timeoutMs: 90_000,
      fn: async () => {
        const a = await api();
        ok(config.hostileMarkers.length === 2, 'two marker files to watch');
        ok(readFileSync(file(BUILD_RS).fsPath, 'utf8').includes(config.hostileMarkers[0]!), 'build.rs writes the marker');
        ok(readFileSync(file(PROC_MACRO).fsPath, 'utf8').includes(config.hostileMarkers[1]!), 'the proc-macro writes the marker');
        // Indexing and decorations of the build script, the proc-macro and their users.
        for (const rel of [BUILD_RS, PROC_MACRO, 'crates/units-cli/src/main.rs']) {
          await until(`${rel} indexed`, async () => (await a.fileUnits(file(rel)))?.status === 'read');
          ok((await a.decoration(file(rel)))?.badge, `${rel} has a badge`);
        }
        const rec = recordProgress(a);
        try {
          // Every command the extension contributes, the hidden build commands included: with no
          // argument (from the palette), with a file, and with a unit.
          const commands = (vscode.extensions.getExtension('cargo-units.cargo-units')!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
          ok(commands.length >= 8, `commands: ${commands.join(', ')}`);
          const ws = vscode.workspace.workspaceFolders![0]!.uri.toString();
          const units = ['units-core/custom-build/build-script-build', 'units-derive/proc-macro/units_derive', 'units-cli/bin/units-cli'];
          const doc = await vscode.workspace.openTextDocument(file(BUILD_RS));
          await vscode.window.showTextDocument(doc);
          for (const id of commands) {
            await runCommand(id, []);
            await runCommand(id, [file(BUILD_RS)]);
            for (const unit of units) await runCommand(id, [{ workspace: ws, unit }]);
          }
          for (const id of ['cargoUnits.buildAffected', 'cargoUnits.buildUnit']) {
            const r = (await runCommand(id, id === 'cargoUnits.buildUnit' ? [{ workspace: ws, unit: units[0] }] : [file(PROC_MACRO)])) as { v?: { scheduled: string[]; message?: string } };
            eq(r.v?.scheduled, [], `${id} scheduled nothing`);
            ok(/Restricted Mode/.test(r.v?.message ?? ''), `${id} refuses: ${r.v?.message}`);
          }
          // Unsaved edits, then saves, of the build script and the proc-macro (build on save is on).
          for (const rel of [BUILD_RS, PROC_MACRO]) {
            const d = await vscode.workspace.openTextDocument(file(rel));
            await vscode.window.showTextDocument(d);
            for (let i = 0; i < 5; i++) {
              const edit = new vscode.WorkspaceEdit();
              edit.insert(d.uri, new vscode.Position(d.lineCount, 0), `// edit ${i}\n`);
              await vscode.workspace.applyEdit(edit);
              if (i % 2 === 0) ok(await d.save(), `${rel} saved`);
            }
            ok(await d.save(), `${rel} saved`);
          }
          await runCommand('cargoUnits.reindex', []);
          await until('build.rs still indexed after the edits', async () => (await a.fileUnits(file(BUILD_RS)))?.status === 'read');
          // Longer than the build-on-save debounce, and than a build of these units takes.
          await new Promise((r) => setTimeout(r, 5000));
          eq(rec.events.length, 0, 'no build progress at all');
          eq(readMarker('build.log'), '', 'the build command never ran');
          eq(readMarker('rustc.log'), '', 'rustc never ran');
          eq(markersWritten(), [], 'no marker was written');
        } finally {
          rec.dispose();
        }
      },
    },
  ]);
}
