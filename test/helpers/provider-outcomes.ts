// What provider tests assert on: the ProviderError a call failed with, and a stream's parts up to
// its end or its error.
import { expect } from 'vitest';
import { ProviderError } from '../../src/call-errors.js';
import type { StreamPart } from '../../src/providers/provider.js';

/** The ProviderError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(ProviderError.isInstance(error)).toBe(true);
    return error as ProviderError;
  }
  throw new Error('expected the call to fail');
}

/** Every part a stream yields, and the ProviderError it ended with, if any. */
export async function collect(parts: AsyncIterable<StreamPart>): Promise<{ parts: StreamPart[]; error: ProviderError | undefined }> {
  const seen: StreamPart[] = [];
  try {
    for await (const part of parts) seen.push(part);
  } catch (error) {
    expect(ProviderError.isInstance(error)).toBe(true);
    return { parts: seen, error: error as ProviderError };
  }
  return { parts: seen, error: undefined };
}
