/** Extension tests of "why": the command's chains agree with `cargo-units why`, a picked step opens its line, tooltips show chains. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WhyShown } from '../../../src/client/why.js';
import type { Case } from './runner.js';
import { api, config, eq, file, folder, ok, until } from './util.js';

const LENGTH = 'crates/units-core/src/quantity/length.rs';

interface CliWhy {
  units: { unit: string; status: string; chain: { file: string; line: number; via: string; cfg: string | null; value: unknown }[] }[];
  notRead: { unit: string; file: string; line: number; via: string; cfg: string }[];
}

function cliWhy(rel: string): CliWhy {
  const out = execFileSync(process.execPath, [join(config.extensionDir, 'dist', 'cli.cjs'), 'why', '--json', join(folder().fsPath, rel)], { cwd: folder().fsPath, encoding: 'utf8' });
  return JSON.parse(out) as CliWhy;
}

const relOf = (uri: string) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);

export const whyCases: Case[] = [
  {
    name: 'Why Does This File Belong to These Units? shows the chains of cargo-units why, and a picked step opens its line',
    fn: async () => {
      await api();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      let done = false;
      const shown = (vscode.commands.executeCommand('cargoUnits.whyFile', file(LENGTH)) as Thenable<WhyShown>).then((r) => {
        done = true;
        return r;
      });
      // Accept the quick pick's first step (Enter), once it is open.
      await until('the quick pick was accepted', async () => {
        if (done) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 100));
        return done;
      });
      const r = await shown;
      const expected = cliWhy(LENGTH);
      eq(
        r.result.units.map((u) => ({ unit: u.unit, status: u.status, chain: u.chain.map((s) => ({ file: relOf(s.uri), line: s.line, via: s.via, cfg: s.cfg, value: s.value })) })),
        expected.units,
        'the chains are those of cargo-units why',
      );
      const first = expected.units[0]!.chain[0]!;
      ok(r.opened, 'a step was opened');
      eq([relOf(r.opened.uri), r.opened.line], [first.file, first.line], 'the first step was picked');
      const editor = await until('an editor on the step', () => {
        const e = vscode.window.activeTextEditor;
        return e && vscode.workspace.asRelativePath(e.document.uri, false) === first.file ? e : undefined;
      });
      eq(editor.selection.active.line + 1, first.line, 'the cursor is on the declaration line');
      ok(editor.document.lineAt(first.line - 1).text.includes(first.via), `line ${first.line} holds \`${first.via}\``);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'the Why command on a file a false cfg switches off lists the declaration in notRead',
    fn: async () => {
      const rel = 'crates/units-cli/src/platform/windows.rs';
      let done = false;
      const shown = (vscode.commands.executeCommand('cargoUnits.whyFile', file(rel)) as Thenable<WhyShown>).then((r) => ((done = true), r));
      // Nothing to open here but the declaration: close the pick without choosing.
      await until('the quick pick was closed', async () => {
        if (done) return true;
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await new Promise((r) => setTimeout(r, 100));
        return done;
      });
      const r = await shown;
      eq(r.result.units, [], 'no unit reads windows.rs');
      eq(
        r.result.notRead.map((n) => ({ unit: n.unit, file: relOf(n.uri), line: n.line, via: n.via, cfg: n.cfg })),
        cliWhy(rel).notRead.map((n) => ({ unit: n.unit, file: n.file, line: n.line, via: n.via, cfg: n.cfg })),
        'notRead as cargo-units why says',
      );
    },
  },
  {
    name: 'the decoration tooltip has one line per unit with its shortest chain',
    fn: async () => {
      const a = await api();
      // The chains come with a second answer once the units' traces are made (the first never waits for them).
      const d = await until('the tooltip has chain lines', async () => {
        const x = await a.decoration(file(LENGTH));
        return (x?.tooltip ?? '').includes('\n') ? x : undefined;
      });
      const lines = (d?.tooltip ?? '').split('\n');
      eq(lines[0], 'Read by units-core (lib), units-core (lib) [test]', 'the first line names the units');
      const chain = cliWhy(LENGTH).units[0]!.chain.map((s) => `${s.file.split('/').pop()}:${s.line} ${s.via}`).join(' › ');
      eq(lines.slice(1), [`units-core (lib): ${chain}`, `units-core (lib) [test]: ${chain}`], 'one chain line per unit');
    },
  },
];
