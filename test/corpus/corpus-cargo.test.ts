/**
 * Acceptance: recall 1.000 on the development corpus against the truth from cargo itself —
 * `cargo check --workspace --all-targets` of each crate with its dev-dependencies, offline against
 * Debian's registry, each unit's files from cargo's own dep-info (verify --cargo). Unlike bare
 * rustc, this expands the proc-macros of dependencies (automod::dir! in serde_json's and syn's tests).
 * One copy per crate serves both feature modes and one cargo target directory serves every crate
 * (common dev-dependencies such as serde, rayon or quote are checked once): one `cargo check` per
 * crate and mode.
 *
 * Every unit is checked, except the ones named in UNCHECKABLE with the reason cargo cannot compile
 * them here; the set of units cargo failed on must equal that list exactly, so a new failure (or a
 * unit that starts compiling) is caught.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { score } from '../../src/core/verify.js';
import { cargoTruthCopy, type CargoTruthCopy } from './cargo-truth.js';
import { CORPUS } from './corpus.js';

type Mode = 'default' | 'all';

/** Crate → mode → ids of the units cargo cannot compile here, with the reason. */
const UNCHECKABLE: Record<string, Partial<Record<Mode, { reason: string; units: string[] }>>> = {
  syn: {
    default: {
      // Upstream's dev-dependency syn-test-suite (stripped by Debian) makes `cargo test` fail
      // without `--all-features`; the tests use `full`, `extra-traits`, `visit`… (E0432, E0277).
      reason: "syn's integration tests need every syn feature",
      units: [
        'regression',
        'test_asyncness',
        'test_attribute',
        'test_derive_input',
        'test_expr',
        'test_generics',
        'test_grouping',
        'test_item',
        'test_iterators',
        'test_lit',
        'test_meta',
        'test_pat',
        'test_path',
        'test_receiver',
        'test_shebang',
        'test_should_parse',
        'test_size',
        'test_stmt',
        'test_token_trees',
        'test_ty',
        'test_visibility',
      ].map((t) => `syn/test/${t}`),
    },
    all: {
      reason:
        'the benches use rustc_private crates (rustc_ast, rustc_span: nightly only, E0463); rustc 1.95 (the one here) rejects ' +
        '`impl !Trait {}` in test_item.rs even under #[cfg(any())] ("inherent impls cannot be negative")',
      units: ['syn/bench/file', 'syn/bench/rust', 'syn/test/test_item'],
    },
  },
};

const shared = { targetDir: mkdtempSync(join(tmpdir(), 'cargo-units-corpus-target-')) };
after(() => rmSync(shared.targetDir, { recursive: true, force: true }));

for (const name of Object.keys(CORPUS)) {
  describe(`${name}: verify --cargo`, () => {
    let copy: CargoTruthCopy | undefined;
    after(() => copy?.dispose());
    for (const mode of ['default', 'all'] as const) {
      test(`${mode} features: 0 missed over every unit cargo checked`, { timeout: 1_800_000 }, async () => {
        copy ??= cargoTruthCopy(name, shared);
        const r = await copy.check(mode);
        const missed = r.report.units.filter((v) => v.missed.length > 0).map((v) => `${v.id}: ${v.missed.join(', ')}`);
        assert.deepEqual(missed, []);
        const s = score(r.report.units);
        assert.equal(s.recall, 1);
        const failed = r.report.units
          .filter((v) => v.error)
          .map((v) => v.id)
          .sort();
        const expected = [...(UNCHECKABLE[name]?.[mode]?.units ?? [])].sort();
        assert.deepEqual(
          failed,
          expected,
          `units cargo could not check (expected: ${UNCHECKABLE[name]?.[mode]?.reason ?? 'none'}; cargo: ${r.report.cargoErrors.join(' | ')})`,
        );
        assert.equal(s.units, r.units - expected.length);
        // A unit matched to the wrong cargo output (another package's copy of the crate) reads no file
        // of ours and would score a vacuous recall of 1: every checked unit reads at least its crate root.
        const empty = r.report.units.filter((v) => !v.error && v.read.length === 0).map((v) => v.id);
        assert.deepEqual(empty, [], 'checked units whose cargo dep-info names no workspace file');
        console.log(`${name} ${mode}: ${s.units}/${r.units} units checked, ${s.read} files read, recall ${s.recall}, precision ${s.precision.toFixed(3)}`);
      });
    }
  });
}
