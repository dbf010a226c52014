/** cfg per unit: features, target, cfg(test), cfg_attr paths, inner #![cfg], cfg_if!. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAgreesWithRustc, filesOf, fixture, open, options } from '../helpers.js';

const LIB = 'cfgs/lib/cfgs';
const dir = fixture('scan', 'cfgs');

test('default features on the host (x86_64 Linux)', async () => {
  const index = await open(dir);
  assert.deepEqual(filesOf(index, LIB), [
    'src/dropped_when_fancy.rs',
    'src/lib.rs',
    'src/pick_default.rs', // cfg_if! else-branch
    'src/serial.rs', // read for its #![cfg], children dropped
    'src/sys/unix_impl.rs', // cfg_attr(unix, path = ...)
    'src/unix_only.rs',
    'src/with_std.rs',
  ]);
  // cfg(test) only in the test-harness build of the lib
  assert.deepEqual(
    filesOf(index, `${LIB}[test]`).filter((f) => !filesOf(index, LIB).includes(f)),
    ['src/tests.rs'],
  );
  assert.equal(index.unit(`${LIB}[test]`)!.unit.test, true);
  assert.equal(index.unit(LIB)!.unit.test, false);
  await assertAgreesWithRustc(index);
});

test('--features and --no-default-features change the cfg set', async () => {
  const fancy = await open(dir, options({ features: ['fancy'], noDefaultFeatures: true }));
  assert.deepEqual(filesOf(fancy, LIB), [
    'src/fancy.rs',
    'src/gated/inner.rs', // inline module whose #![cfg(feature = "fancy")] holds
    'src/lib.rs',
    'src/pick_fancy.rs',
    'src/serial.rs',
    'src/serial/writer.rs',
    'src/sys/unix_impl.rs',
    'src/unix_only.rs',
    'src/without_std.rs',
  ]);
  await assertAgreesWithRustc(fancy);
  const all = await open(dir, options({ allFeatures: true }));
  assert.ok(filesOf(all, LIB).includes('src/with_std.rs') && filesOf(all, LIB).includes('src/fancy.rs'));
  await assertAgreesWithRustc(all);
});

test('--target evaluates another target’s cfg (Windows, macOS, wasm)', async () => {
  const win = await open(dir, options({ target: 'x86_64-pc-windows-msvc' }));
  const winFiles = filesOf(win, LIB);
  for (const f of ['src/windows_only.rs', 'src/sys/windows_impl.rs', 'src/pick_windows.rs']) assert.ok(winFiles.includes(f), f);
  for (const f of ['src/unix_only.rs', 'src/sys/unix_impl.rs', 'src/pick_default.rs']) assert.ok(!winFiles.includes(f), f);
  const mac = await open(dir, options({ target: 'aarch64-apple-darwin' }));
  assert.ok(filesOf(mac, LIB).includes('src/mac_only.rs'));
  assert.ok(filesOf(mac, LIB).includes('src/unix_only.rs'));
  const wasm = await open(dir, options({ target: 'wasm32-unknown-unknown' }));
  const wasmFiles = filesOf(wasm, LIB);
  assert.ok(wasmFiles.includes('src/sys.rs'), 'neither unix nor windows: the default module path');
  assert.ok(!wasmFiles.includes('src/unix_only.rs'));
});

test('--cfg adds a cfg as RUSTFLAGS would', async () => {
  const index = await open(dir, options({ cfgs: [{ name: 'windows' }] }));
  assert.ok(filesOf(index, LIB).includes('src/windows_only.rs'));
  await assertAgreesWithRustc(index);
});
