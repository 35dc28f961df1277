// Retries of one model's call, with p-retry: exponential backoff with jitter, only for retryable
// failures (429, 5xx, timeouts, dropped connections), a short Retry-After waited out, a long one
// left as a cooldown (the chain moves on at once), and no retry once the model's circuit opened.
import pRetry from 'p-retry';
import { ProviderError } from '../call-errors.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { CallContext } from './call-context.js';
import { isAbort } from './failures.js';

/**
 * Runs `run` with retries. The first try runs directly — on the success path p-retry's bookkeeping
 * costs more than the rest of a routed call — and a failure is handed to p-retry as its own first
 * attempt, so whether and when to retry is decided exactly as if it had made it.
 */
export async function withRetries<T>(call: CallContext, model: CompiledModel, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (firstError) {
    if (call.deps.retry.retries <= 0) throw firstError;
    let replayed = false;
    return pRetry(async () => {
      if (!replayed) {
        replayed = true;
        throw firstError;
      }
      return run();
    }, retryOptions(call, model, signal));
  }
  // As p-retry does: an answer that arrives after the caller aborted still ends in the abort.
  signal?.throwIfAborted();
  return result;
}

function retryOptions(call: CallContext, model: CompiledModel, signal: AbortSignal | undefined) {
  const { retry, health, clock, sleep } = call.deps;
  const circuitClosed = () => health.circuit(model.id, clock()) === 'closed';
  // Every option p-retry reads is given (its copy of them reads the rest through Object.prototype).
  return {
    retries: retry.retries,
    factor: retry.factor,
    minTimeout: retry.minTimeoutMs,
    maxTimeout: retry.maxTimeoutMs,
    maxRetryTime: Number.POSITIVE_INFINITY,
    randomize: retry.randomize,
    unref: false,
    signal,
    // Retry only while the circuit stays closed: a failure that opened it (or failed a half-open
    // trial) ends the retries for this model. A Retry-After wait happens in onFailedAttempt.
    shouldRetry: ({ error }: { error: Error }) => ProviderError.isInstance(error) && error.retryable && !isAbort(error) && circuitClosed(),
    onFailedAttempt: async ({ error, retriesLeft }: { error: Error; retriesLeft: number }) => {
      if (!ProviderError.isInstance(error) || error.retryAfterMs === undefined || !error.retryable) return;
      // A long Retry-After: leave this model cooling down and move on to the next one now.
      if (error.retryAfterMs > retry.maxRetryAfterMs) throw error;
      // Wait only if a retry follows: after the last try, or once the circuit has opened, the
      // next model is tried at once.
      if (retriesLeft <= 0 || !circuitClosed()) return;
      await sleep(error.retryAfterMs, signal);
    },
  };
}
