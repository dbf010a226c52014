/**
 * Every custom message between the cargo-units client and language server, in one place
 * (as rust-analyzer's `lsp_ext.ts`). File locations are `file:` URIs; unit ids are the core's
 * (`<package>/<kind>/<target>[test]`).
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { BuildEvent } from './build-events.js';

/** What the client passes at start; every field "requires restart" (the client restarts the server). */
export interface InitializationOptions {
  /** Workspace trust: when false the server runs no program (no rustc, nix or cargo). */
  trusted: boolean;
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
  /** `--target` triple; the host's when empty. */
  target: string;
  /** Extra cfgs, `name` or `name="value"`. */
  cfgs: string[];
  /** Cargo.toml files (or their directories) to index besides the workspaces at the open folders; relative to the first folder. */
  linkedProjects: string[];
  build: BuildSettings;
}

export interface BuildSettings {
  /** Program and arguments that start a build; empty for the bundled `cargo-units build`. */
  command: string[];
  nixCommand: string;
  nixArgs: string[];
  /** Registry crate sources (`--vendor`): absolute, or relative to the workspace root; empty for none. */
  vendorDir: string;
  /** Cargo profile (`--profile`); empty for the default (dev). */
  profile: string;
  onSave: boolean;
  debounceMs: number;
}

export interface UnitRef {
  id: string;
  /** `cargo (lib)`, `cargo (bin cargo)`, `cargo (lib) [test]`. */
  label: string;
  /** The unit only possibly reads the file (a path the scanner could not decide). */
  uncertain: boolean;
  /** The shortest chain of declarations by which the unit reads the file, as one line (`lib.rs:5 mod a › a.rs:3 mod b`). */
  chain?: string;
}

export type FileStatus = 'read' | 'uncertain' | 'unread' | 'outside';

export interface FileUnits {
  uri: string;
  /** A folder: `read` when a unit reads some file under it, else `unread` (no units listed). */
  folder?: boolean;
  /** Root directory URI of the Cargo workspace the file is in, if any. */
  workspace?: string;
  /** `outside`: in no Cargo workspace; `unread`: no unit reads it; `uncertain`: only possibly read. */
  status: FileStatus;
  units: UnitRef[];
}

export interface UnitSummary {
  id: string;
  label: string;
  package: string;
  kind: string;
  name: string;
  test: boolean;
  fileCount: number;
}

export interface WorkspaceUnits {
  /** Workspace root directory URI. */
  root: string;
  name: string;
  units: UnitSummary[];
  /** Why the workspace could not be indexed (a malformed Cargo.toml); `units` is then empty. */
  error?: string;
  /** Indexed because a file in it was opened (it belongs to no open folder's workspace). */
  detached?: boolean;
}

export interface UnitFiles {
  files: string[];
  uncertain: string[];
}

export interface AffectedUnits {
  workspaces: { root: string; units: string[] }[];
}

export interface BuildParams {
  /** Build the units affected by these files … */
  uris?: string[];
  /** … and/or these units of `workspace`. */
  workspace?: string;
  units?: string[];
  /** Skip the debounce (an explicit command). */
  now?: boolean;
}

export interface BuildResult {
  /** Workspace roots a build was scheduled for. */
  scheduled: string[];
  /** Why nothing was scheduled (untrusted, nothing affected). */
  message?: string;
}

export type BuildProgress =
  | {
      workspace: string;
      build: number;
      kind: 'begin';
      units: string[];
      files: string[];
      /** Unit id → ids of the units it depends on (the workspace's), so a skipped unit can name the failure that stopped it. */
      deps?: Record<string, string[]>;
    }
  | { workspace: string; build: number; kind: 'event'; event: BuildEvent }
  | { workspace: string; build: number; kind: 'output'; line: string }
  | {
      workspace: string;
      build: number;
      kind: 'end';
      outcome: 'succeeded' | 'failed' | 'cancelled';
      /**
       * Why the build failed as a whole when no event said so: it could not start, broke the event
       * contract, stopped before planning (its error output), a setting is wrong, or the server failed.
       */
      message?: string;
      reason?: 'spawn' | 'protocol' | 'command' | 'setting' | 'internal';
      /** For `reason: 'setting'`: the setting at fault, without the `cargoUnits.` prefix. */
      setting?: string;
      /** The build command's exit code (for the log; the events say what failed). */
      exitCode?: number;
    };

export interface IndexChanged {
  /** Files whose units changed; all files when `all` (a workspace was re-indexed). */
  uris: string[];
  all: boolean;
}

export interface ServerStatus {
  indexing: boolean;
  workspaces: number;
  /** Problems that stopped indexing a workspace. */
  errors: string[];
}

/** One declaration on the way from a crate root to a file (`cargo-units why`); `line` is 1-based. */
export interface WhyStep {
  uri: string;
  line: number;
  via: string;
  cfg: string | null;
  value: true | 'unknown';
  reason?: string;
}

export interface WhyResult {
  uri: string;
  /** `outside`: in no Cargo workspace. */
  status: FileStatus;
  units: { unit: string; label: string; status: 'read' | 'uncertain'; chain: WhyStep[] }[];
  /** Units that do not read the file: the declaration a false cfg switched off. */
  notRead: { unit: string; label: string; uri: string; line: number; via: string; cfg: string; value: false }[];
  /** Nothing declares the file: where `mod` declarations would go. */
  declareIn?: { uri: string; declaration: string; exists: boolean }[];
}

/** What saving a file with its unsaved text would rebuild (the units `build on save` would build). */
export interface SaveRebuilds {
  uri: string;
  /** False when the editor's text equals the file on disk (a save changes nothing). */
  changed: boolean;
  units: { id: string; label: string }[];
}

export const whyFile = new RequestType<{ uri: string; unit?: string }, WhyResult, void>('cargoUnits/why');
export const saveRebuilds = new RequestType<{ uri: string }, SaveRebuilds, void>('cargoUnits/saveRebuilds');
export const unitsOfFile = new RequestType<{ uris: string[] }, FileUnits[], void>('cargoUnits/unitsOfFile');
export const allUnits = new RequestType0<WorkspaceUnits[], void>('cargoUnits/allUnits');
export const filesOfUnit = new RequestType<{ workspace: string; unit: string }, UnitFiles, void>('cargoUnits/filesOfUnit');
export const affectedUnits = new RequestType<{ uris: string[] }, AffectedUnits, void>('cargoUnits/affectedUnits');
export const build = new RequestType<BuildParams, BuildResult, void>('cargoUnits/build');
export const cancelBuild = new RequestType<{ workspace?: string }, number, void>('cargoUnits/cancelBuild');
export const reindex = new RequestType0<void, void>('cargoUnits/reindex');

export const indexChanged = new NotificationType<IndexChanged>('cargoUnits/indexChanged');
export const buildProgress = new NotificationType<BuildProgress>('cargoUnits/buildProgress');
export const serverStatus = new NotificationType<ServerStatus>('cargoUnits/serverStatus');
