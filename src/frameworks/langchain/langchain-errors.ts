// Router errors as LangChain expects them: an abort named `AbortError` (see framework-abort.ts).
import { asFrameworkAbort } from '../framework-abort.js';

export function toLangChainError(error: unknown, signal: AbortSignal | undefined): unknown {
  return asFrameworkAbort(error, signal);
}
