/** The proc-macro rules (scan/proc-macros.ts) on a workspace that is scanned, not built. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnitIndex } from '../../src/core/index.js';
import { filesOf, fixture, open, options, uncertainOf } from '../helpers.js';

const WEB = 'web/lib/web';

test('askama, sqlx, include_dir and a workspace proc-macro: known rules exact, others uncertain, outside external', async () => {
  const ws = fixture('scan', 'proc-rules');
  const index = await open(ws);
  assert.deepEqual(filesOf(index, WEB), [
    'web/askama.toml',
    'web/data/table.csv', // embedder::load!, a workspace proc-macro: the general rule
    'web/data/user.sql', // sqlx::query_file!
    'web/migrations/20240101000000_users.sql', // sqlx::migrate!() reads ./migrations
    'web/src/lib.rs',
    'web/src/macros.rs', // include!d; its `named_str!` is a local macro, so data/other.txt is not listed
    'web/static/img/logo.png', // include_dir!("$CARGO_MANIFEST_DIR/static"), recursively
    'web/static/site.css',
    'web/templates/hello.html', // #[template(path)] and what it extends and includes
    'web/templates/parts/base.html',
    'web/templates/parts/footer.html',
  ]);
  const uncertain = uncertainOf(index, WEB);
  assert.deepEqual([...uncertain.keys()], ['web/data/table.csv']);
  assert.match(uncertain.get('web/data/table.csv')!, /"data\/table\.csv" in `embedder::load!`.*proc-macro/);
  // `#[embedder::attr("../../outside.txt")]`: relative to the package, outside the workspace, never read.
  assert.deepEqual(index.unit(WEB)!.external, [join(ws, 'web', '..', '..', 'outside.txt')]);
});

test('with the proc-macro rules off, only the crate root is listed', async () => {
  const index = await UnitIndex.open(fixture('scan', 'proc-rules'), { ...options(), procMacroRules: false });
  assert.deepEqual(filesOf(index, WEB), ['web/src/lib.rs', 'web/src/macros.rs']);
  assert.deepEqual(index.unit(WEB)!.external, []);
});
