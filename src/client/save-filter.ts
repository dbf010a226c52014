/**
 * Which saves start a build: the user's own (Ctrl+S, Save command), not VS Code's auto-saves
 * after a delay or on focus change, unless `cargoUnits.buildOnAutoSave` asks for them. The reason
 * comes from `onWillSaveTextDocument`, which fires before every save.
 */
import * as vscode from 'vscode';

export class SaveFilter implements vscode.Disposable {
  private readonly reasons = new Map<string, vscode.TextDocumentSaveReason>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly buildOnAutoSave: () => boolean) {
    this.subscription = vscode.workspace.onWillSaveTextDocument(
      (e) => e.document.languageId === 'rust' && this.reasons.set(e.document.uri.toString(), e.reason),
    );
  }

  /** Called once per save, after it: whether this save should build. */
  userSaved(uri: vscode.Uri): boolean {
    const key = uri.toString();
    const reason = this.reasons.get(key);
    this.reasons.delete(key);
    return isUserSave(reason) || this.buildOnAutoSave();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** A save the user made; a save whose reason is unknown counts as the user's. */
export function isUserSave(reason: vscode.TextDocumentSaveReason | undefined): boolean {
  return reason === undefined || reason === vscode.TextDocumentSaveReason.Manual;
}
