/** The BulkheadError a call must fail with (the test fails when it succeeds or fails otherwise). */
import { expect } from 'vitest';
import { BulkheadError } from '../../src/core/errors.js';

export async function rejection(p: Promise<unknown>): Promise<BulkheadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    return e as BulkheadError;
  }
  throw new Error('expected a BulkheadError');
}

export function thrown(fn: () => unknown): BulkheadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    return e as BulkheadError;
  }
  throw new Error('expected a BulkheadError');
}
