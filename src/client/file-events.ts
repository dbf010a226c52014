/**
 * Forwards file creations, changes and deletions to the server as `workspace/didChangeWatchedFiles`
 * at once (events of one tick together). The language client's own forwarding waits 250 ms,
 * which would be most of the time from a save to updated badges.
 */
import * as vscode from 'vscode';
import { DidChangeWatchedFilesNotification, FileChangeType, type FileEvent } from 'vscode-languageclient/node';

export class FileEvents implements vscode.Disposable {
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*');
  private pending: FileEvent[] = [];
  private scheduled = false;

  constructor(private readonly send: (changes: FileEvent[]) => void) {
    this.watcher.onDidCreate((u) => this.add(u, FileChangeType.Created));
    this.watcher.onDidChange((u) => this.add(u, FileChangeType.Changed));
    this.watcher.onDidDelete((u) => this.add(u, FileChangeType.Deleted));
  }

  private add(uri: vscode.Uri, type: FileChangeType): void {
    if (uri.scheme !== 'file' || /[\\/](target|\.git|node_modules)[\\/]/.test(uri.path)) return;
    this.pending.push({ uri: uri.toString(), type });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const changes = this.pending;
      this.pending = [];
      this.send(changes);
    });
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

export { DidChangeWatchedFilesNotification };
