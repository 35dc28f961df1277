// An abort as the Agents SDK recognises one.
import { RequestAbortedError } from '../../call-errors.js';

/**
 * The router's `RequestAbortedError` named as the SDK recognises an abort (`name === 'AbortError'`),
 * so a cancelled run ends the SDK's way (a streamed run is `cancelled`, its `completed` resolves)
 * rather than as a failure. It stays a `RequestAbortedError` (`code: 'ABORTED'`, `isInstance`).
 */
export function asSdkAbort(error: unknown, signal: AbortSignal | undefined): unknown {
  if (RequestAbortedError.isInstance(error)) {
    error.name = 'AbortError';
    return error;
  }
  if (signal?.aborted && !(error instanceof Error && error.name === 'AbortError')) {
    const aborted = new RequestAbortedError(signal.reason);
    aborted.name = 'AbortError';
    return aborted;
  }
  return error;
}
