/**
 * The extension's context: owns the language client and every disposable (as rust-analyzer's
 * `Ctx`). Settings "require restart": a change restarts the language server.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import * as ext from '../protocol/lsp_ext.js';
import { initializationOptions, readConfig, SECTION, type Config } from './config.js';
import { DidChangeWatchedFilesNotification, FileEvents } from './file-events.js';
import { SaveFilter } from './save-filter.js';

export class Ctx implements vscode.Disposable {
  readonly subscriptions: vscode.Disposable[] = [];
  readonly output: vscode.OutputChannel;
  readonly buildLog: vscode.OutputChannel;
  private _client: LanguageClient | undefined;
  private _config: Config;
  private readonly clientListeners: ((c: LanguageClient) => void)[] = [];
  private starting: Promise<void> | undefined;
  // The connection keeps one handler per notification: the context owns it and fans out.
  private readonly indexChangedEmitter = new vscode.EventEmitter<ext.IndexChanged>();
  readonly onIndexChanged = this.indexChangedEmitter.event;
  private readonly buildProgressEmitter = new vscode.EventEmitter<ext.BuildProgress>();
  readonly onBuildProgress = this.buildProgressEmitter.event;
  private readonly serverStatusEmitter = new vscode.EventEmitter<ext.ServerStatus>();
  readonly onServerStatus = this.serverStatusEmitter.event;

  /** Saves the server hears of (it builds on them): the user's, and auto-saves only when asked. */
  readonly saves = new SaveFilter(() => this._config.buildOnAutoSave);

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('cargo-units');
    this.buildLog = vscode.window.createOutputChannel('cargo-units build');
    this.subscriptions.push(this.output, this.buildLog, this.indexChangedEmitter, this.buildProgressEmitter, this.serverStatusEmitter, this.saves);
    this._config = this.loadConfig();
    const files = new FileEvents((changes) => {
      if (this._client?.isRunning()) void this._client.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
    });
    this.subscriptions.push(
      files,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SECTION)) return;
        this._config = this.loadConfig();
        void this.restart();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
    );
  }

  get config(): Config {
    return this._config;
  }

  get client(): LanguageClient | undefined {
    return this._client;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Calls `f` with the client now (if running) and after every (re)start. */
  onClient(f: (c: LanguageClient) => void): void {
    this.clientListeners.push(f);
    if (this._client) f(this._client);
  }

  private loadConfig(): Config {
    const section = vscode.workspace.getConfiguration(SECTION);
    const { config, problems } = readConfig((k) => section.get(k));
    for (const p of problems) {
      this.output.appendLine(`invalid setting: ${p}`);
      // Reported against the setting, with the way to it.
      const key = /^(cargoUnits\.[\w.]+):/.exec(p)?.[1];
      void vscode.window.showErrorMessage(`Invalid setting ${p}`, ...(key ? ['Open Setting'] : [])).then((pick) => {
        if (pick && key) void vscode.commands.executeCommand('workbench.action.openSettings', key);
      });
    }
    return config;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const module = this.extension.asAbsolutePath('dist/server.cjs');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'rust' }],
      initializationOptions: initializationOptions(this._config, this.trusted) satisfies ext.InitializationOptions,
      outputChannel: this.output,
      middleware: {
        // The server builds on save: it hears only of the saves that should build.
        didSave: (document, next) => (this.saves.userSaved(document.uri) ? next(document) : Promise.resolve()),
      },
    };
    const client = new LanguageClient('cargoUnits', 'cargo-units', serverOptions, clientOptions);
    this._client = client;
    client.onNotification(ext.indexChanged, (p) => client === this._client && this.indexChangedEmitter.fire(p));
    client.onNotification(ext.buildProgress, (p) => client === this._client && this.buildProgressEmitter.fire(p));
    client.onNotification(ext.serverStatus, (p) => client === this._client && this.serverStatusEmitter.fire(p));
    for (const f of this.clientListeners) f(client);
    await client.start();
  }

  async restart(): Promise<void> {
    await this.starting;
    const old = this._client;
    this._client = undefined;
    if (old) await old.dispose().catch((err) => this.output.appendLine(`stopping the server: ${err}`));
    await this.start();
  }

  dispose(): void {
    void this._client?.dispose();
    for (const d of this.subscriptions.splice(0).reverse()) d.dispose();
  }
}
