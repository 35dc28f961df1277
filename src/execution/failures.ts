// How a failed try is read: whose fault it was (the caller's abort, the request's, the model's),
// what it does to the model's circuit and cooldown, and the typed error a thrown value becomes.
import { ProviderError, RequestAbortedError } from '../call-errors.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { ExecutorDeps } from './call-context.js';

/** Statuses that blame the request rather than the model. */
const REQUEST_FAULT_STATUSES = new Set([400, 404, 413, 422]);
/** Kinds that say nothing about the model's health. */
const REQUEST_FAULT_KINDS = new Set(['bad_request', 'context_length', 'content_filter']);

export function isAbort(error: unknown): boolean {
  return (ProviderError.isInstance(error) && error.kind === 'abort') || RequestAbortedError.isInstance(error) || (error instanceof Error && error.name === 'AbortError');
}

/** A request the provider rejected as malformed: another model would reject it too. */
export function isRejectedRequest(error: unknown): error is ProviderError {
  return ProviderError.isInstance(error) && error.kind === 'bad_request';
}

/** Records a failed try on the breaker (aborts and request faults are not the model's) and cools down on Retry-After. */
export function noteFailedTry(deps: ExecutorDeps, model: CompiledModel, error: unknown): void {
  const now = deps.clock();
  if (isAbort(error) || (ProviderError.isInstance(error) && (REQUEST_FAULT_KINDS.has(error.kind) || (error.status !== undefined && REQUEST_FAULT_STATUSES.has(error.status))))) {
    deps.health.onCancel(model.id);
    return;
  }
  deps.health.onFailure(model.id, now);
  if (ProviderError.isInstance(error) && error.retryAfterMs !== undefined) deps.health.coolDown(model.id, now, now + error.retryAfterMs);
}

/** Whatever an adapter threw, as a `ProviderError` naming the model. A value whose properties throw still gives one. */
export function toProviderError(error: unknown, provider: string, model: CompiledModel, signal: AbortSignal | undefined): ProviderError {
  try {
    if (ProviderError.isInstance(error)) return error;
  } catch {
    // a hostile thrown value: described below without reading it
  }
  if (signal?.aborted) return new ProviderError(`Call to ${model.id} aborted`, { provider, modelId: model.id, kind: 'abort', retryable: false, cause: error });
  return new ProviderError(`Call to ${model.id} failed: ${describe(error)}`, { provider, modelId: model.id, kind: 'other', retryable: false, cause: error });
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unreadable error value';
  }
}

/** When a model that just failed (a long Retry-After, an opened circuit) may be tried again, if it may not now. */
export function unavailableUntil(deps: ExecutorDeps, model: CompiledModel): number | undefined {
  const live = deps.health.stateOf(model.id, deps.clock());
  return live && !live.available ? live.availableAt : undefined;
}
