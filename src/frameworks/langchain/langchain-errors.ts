// Router errors as LangChain expects them. An abort stays a `RequestAbortedError` (code `ABORTED`,
// its `isInstance` still true) but is named `AbortError`: LangChain's AsyncCaller and LangGraph's
// retry policy check that name, so an aborted call is not retried and ends the run as an abort.
import { RequestAbortedError } from '../../call-errors.js';

export function toLangChainError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (RequestAbortedError.isInstance(error)) return asAbortError(error);
  if (signal?.aborted) return asAbortError(new RequestAbortedError(signal.reason ?? error));
  return error;
}

function asAbortError(error: RequestAbortedError): RequestAbortedError {
  (error as { name: string }).name = 'AbortError';
  return error;
}
