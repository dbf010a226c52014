/** Helpers shared by the Cargo model's tests. */
import assert from 'node:assert/strict';
import { InputError } from '../diagnostics.js';

/** Runs `fn` and returns the InputError it throws (failing the test if it throws anything else or nothing). */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an InputError');
}
