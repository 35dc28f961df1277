// An abort as the agent frameworks recognise one: the router's `RequestAbortedError` (code
// `ABORTED`, `isInstance` still true) named `AbortError`, the name the AI SDK, LangChain's
// AsyncCaller, LangGraph's retry policy and the Agents SDK check — so an aborted call is not
// retried and ends the run as an abort.
import { RequestAbortedError } from '../call-errors.js';

/** `error` as the framework should see it: an abort when it is one, or the caller's signal fired. */
export function asFrameworkAbort(error: unknown, signal: AbortSignal | undefined): unknown {
  if (RequestAbortedError.isInstance(error)) {
    error.name = 'AbortError';
    return error;
  }
  if (signal?.aborted && !(error instanceof Error && error.name === 'AbortError')) {
    const aborted = new RequestAbortedError(signal.reason ?? error);
    aborted.name = 'AbortError';
    return aborted;
  }
  return error;
}
