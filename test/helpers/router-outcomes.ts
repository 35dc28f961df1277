// What router tests assert on: the RouterError a call failed with, and a router stream's parts up to
// its end or its error.
import { expect } from 'vitest';
import { RouterError } from '../../src/errors.js';
import type { RouterStreamPart } from '../../src/execution/types.js';

/** The RouterError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<RouterError> {
  try {
    await promise;
  } catch (error) {
    expect(RouterError.isInstance(error)).toBe(true);
    return error as RouterError;
  }
  throw new Error('expected the call to fail');
}

/** Every part a router stream yields, and the RouterError it ended with, if any. */
export async function drain(parts: AsyncIterable<RouterStreamPart>): Promise<{ parts: RouterStreamPart[]; error: RouterError | undefined }> {
  const seen: RouterStreamPart[] = [];
  try {
    for await (const part of parts) seen.push(part);
  } catch (error) {
    expect(RouterError.isInstance(error)).toBe(true);
    return { parts: seen, error: error as RouterError };
  }
  return { parts: seen, error: undefined };
}
