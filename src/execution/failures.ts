// How a failed try is read: whose fault it was (the caller's abort, the request's, the model's),
// what it does to the model's circuit and cooldown, and the typed error a thrown value becomes.
import { ProviderError, ProviderNotConfiguredError, RequestAbortedError } from '../call-errors.js';
import { RouterError } from '../errors.js';
import { httpError, type HeaderSource } from '../providers/error-mapping.js';
import type { CompiledModel } from '../routing/compile-config.js';
import type { ExecutorDeps } from './call-context.js';

/** Statuses that blame the request rather than the model. */
const REQUEST_FAULT_STATUSES = new Set([400, 404, 413, 422]);
/** Kinds that say nothing about the model's health. */
const REQUEST_FAULT_KINDS = new Set(['bad_request', 'context_length', 'content_filter']);

export function isAbort(error: unknown): boolean {
  return (ProviderError.isInstance(error) && error.kind === 'abort') || RequestAbortedError.isInstance(error) || (error instanceof Error && error.name === 'AbortError');
}

/** A router error the host's own code threw inside an attempt: anything but a provider failure or an abort. */
export function isHostError(error: unknown): boolean {
  return RouterError.isInstance(error) && !ProviderError.isInstance(error) && !RequestAbortedError.isInstance(error) && !ProviderNotConfiguredError.isInstance(error);
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

/**
 * Whatever an adapter (or a host's own call) threw, as a `ProviderError` naming the model. An error
 * with an HTTP status (`status` or `statusCode`, as the SDKs and the AI SDK's `APICallError` carry
 * it) keeps its status, kind and Retry-After, and its own `isRetryable` when it says; a thrown value
 * whose properties throw still gives a typed error.
 */
export function toProviderError(error: unknown, provider: string, model: CompiledModel, signal: AbortSignal | undefined): ProviderError {
  try {
    if (ProviderError.isInstance(error)) return error;
    if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
      return new ProviderError(`Call to ${model.id} aborted`, { provider, modelId: model.id, kind: 'abort', retryable: false, cause: error });
    }
    const fields = error as { status?: unknown; statusCode?: unknown; isRetryable?: unknown; headers?: unknown; responseHeaders?: unknown; code?: unknown };
    const status = typeof fields.status === 'number' ? fields.status : typeof fields.statusCode === 'number' ? fields.statusCode : undefined;
    if (status !== undefined && status >= 400) {
      const headers = (fields.responseHeaders ?? fields.headers) as HeaderSource;
      const mapped = httpError({ provider, modelId: model.id }, status, headers, describe(error), error, typeof fields.code === 'string' ? fields.code : undefined);
      if (typeof fields.isRetryable !== 'boolean' || fields.isRetryable === mapped.retryable) return mapped;
      return new ProviderError(mapped.message, { provider, modelId: model.id, status, kind: mapped.kind, retryable: fields.isRetryable, retryAfterMs: mapped.retryAfterMs, cause: error });
    }
  } catch {
    // a hostile thrown value: described below without reading it
  }
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
