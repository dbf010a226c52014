/**
 * The extension's settings, typed and validated. Pure: the raw values come in through a getter,
 * so it is tested without VS Code. Every setting "requires restart" of the language server.
 */
import { parseCfgOption } from '../core/cfg/expr.js';
import type { InitializationOptions } from '../protocol/lsp_ext.js';

export const SECTION = 'cargoUnits';

export interface Config {
  nixCommand: string;
  nixArgs: string[];
  buildCommand: string[];
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
  target: string;
  cfgs: string[];
  buildOnSave: boolean;
  /** Build on auto-saves too (after a delay, on focus change), not only on saves the user makes. */
  buildOnAutoSave: boolean;
  debounceMs: number;
  linkedProjects: string[];
  vendorDir: string;
  profile: string;
}

export const DEFAULTS: Config = {
  nixCommand: 'nix',
  nixArgs: [],
  buildCommand: [],
  features: [],
  allFeatures: false,
  noDefaultFeatures: false,
  target: '',
  cfgs: [],
  buildOnSave: true,
  buildOnAutoSave: false,
  debounceMs: 300,
  linkedProjects: [],
  vendorDir: '',
  profile: '',
};

/** Setting keys under `cargoUnits.`, by field. */
export const KEYS: Record<keyof Config, string> = {
  nixCommand: 'nix.command',
  nixArgs: 'nix.extraArgs',
  buildCommand: 'build.command',
  features: 'features',
  allFeatures: 'allFeatures',
  noDefaultFeatures: 'noDefaultFeatures',
  target: 'target',
  cfgs: 'cfgs',
  buildOnSave: 'buildOnSave',
  debounceMs: 'buildOnSaveDebounceMs',
  buildOnAutoSave: 'buildOnAutoSave',
  linkedProjects: 'linkedProjects',
  vendorDir: 'vendorDir',
  profile: 'profile',
};

const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_\-+.]*(\/[A-Za-z0-9_][A-Za-z0-9_\-+.]*)?$/;
const PROFILE = /^[A-Za-z0-9_-]+$/;
const TRIPLE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Reads and validates the settings; invalid values fall back (whole setting) or are dropped (list items), with a message each. */
export function readConfig(get: (key: string) => unknown): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const bad = (field: keyof Config, why: string) => problems.push(`${SECTION}.${KEYS[field]}: ${why}`);
  const c: Config = { ...DEFAULTS, nixArgs: [], buildCommand: [], features: [], cfgs: [], linkedProjects: [] };

  const str = (field: 'nixCommand' | 'target' | 'vendorDir' | 'profile', ok: (s: string) => string | undefined) => {
    const v = get(KEYS[field]);
    if (v === undefined || v === null) return;
    if (typeof v !== 'string') return bad(field, 'must be a string');
    const why = ok(v.trim());
    if (why) bad(field, why);
    else c[field] = v.trim();
  };
  str('nixCommand', (s) => (s === '' ? 'must not be empty' : undefined));
  str('target', (s) => (s === '' || TRIPLE.test(s) ? undefined : `\`${s}\` is not a target triple`));
  str('vendorDir', () => undefined);
  str('profile', (s) => (s === '' || PROFILE.test(s) ? undefined : `\`${s}\` is not a profile name (letters, digits, \`-\` and \`_\`)`));

  const bool = (field: 'allFeatures' | 'noDefaultFeatures' | 'buildOnSave' | 'buildOnAutoSave') => {
    const v = get(KEYS[field]);
    if (v === undefined || v === null) return;
    if (typeof v !== 'boolean') bad(field, 'must be true or false');
    else c[field] = v;
  };
  bool('allFeatures');
  bool('noDefaultFeatures');
  bool('buildOnSave');
  bool('buildOnAutoSave');

  const list = (field: 'nixArgs' | 'buildCommand' | 'features' | 'cfgs' | 'linkedProjects', item: (s: string) => string | undefined) => {
    const v = get(KEYS[field]);
    if (v === undefined || v === null) return;
    if (!isStringList(v)) return bad(field, 'must be a list of strings');
    for (const s of v) {
      const why = item(s);
      if (why) bad(field, why);
      else c[field].push(s);
    }
  };
  list('nixArgs', () => undefined);
  list('buildCommand', (s) => (s === '' && c.buildCommand.length === 0 ? 'the program must not be empty' : undefined));
  list('features', (s) => {
    for (const f of s.split(/[ ,]+/).filter((x) => x !== '')) if (!FEATURE.test(f)) return `\`${f}\` is not a feature name`;
    return s.trim() === '' ? 'empty feature name' : undefined;
  });
  list('linkedProjects', (s) => (s.trim() === '' ? 'an empty path' : undefined));
  list('cfgs', (s) => {
    try {
      parseCfgOption(s);
      return undefined;
    } catch (err) {
      return `\`${s}\`: ${(err as Error).message}`;
    }
  });

  const d = get(KEYS.debounceMs);
  if (d !== undefined && d !== null) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 60_000) bad('debounceMs', 'must be a whole number of milliseconds from 0 to 60000');
    else c.debounceMs = d;
  }
  return { config: c, problems };
}

export function initializationOptions(c: Config, trusted: boolean): InitializationOptions {
  return {
    trusted,
    features: c.features.flatMap((s) => s.split(/[ ,]+/).filter((x) => x !== '')),
    allFeatures: c.allFeatures,
    noDefaultFeatures: c.noDefaultFeatures,
    target: c.target,
    cfgs: c.cfgs,
    linkedProjects: c.linkedProjects,
    build: {
      command: c.buildCommand,
      nixCommand: c.nixCommand,
      nixArgs: c.nixArgs,
      vendorDir: c.vendorDir,
      profile: c.profile,
      onSave: c.buildOnSave,
      debounceMs: c.debounceMs,
    },
  };
}
