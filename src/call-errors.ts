// The errors of making a call: one provider call that failed, a request the provider rejected, a
// whole chain that failed, an abort, a stream cut mid-answer, a model without an adapter.
import { formatTime, hasLineage, RouterError } from './errors.js';

/**
 * What went wrong in a provider call:
 * - `http`: an HTTP error status not covered below (401, 403, 404, 408, 409, 429, 5xx, ...);
 * - `bad_request`: the provider rejected the request as malformed (400, 422) — not retried, not
 *   sent down the fallback chain;
 * - `context_length`: the request does not fit the model's context (falls back);
 * - `content_filter`: the provider refused the content (falls back);
 * - `timeout`, `connection`: transport failures (retried);
 * - `abort`: the caller's signal fired;
 * - `invalid_response`: the server answered 2xx with something that is not its protocol;
 * - `bad_response`: the adapter returned something that is not a response (no content, bad usage);
 * - `stream_interrupted`: a stream failed after its first part;
 * - `other`: anything else.
 */
export type ProviderErrorKind =
  | 'http'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'timeout'
  | 'connection'
  | 'abort'
  | 'invalid_response'
  | 'bad_response'
  | 'stream_interrupted'
  | 'other';

/** A provider call failed. Adapters map their SDK's errors to this. */
export class ProviderError extends RouterError {
  readonly provider: string;
  readonly modelId: string | undefined;
  /** HTTP status, when the failure had one. */
  readonly status: number | undefined;
  /** Whether retrying the same call may succeed (408, 409, 429, >= 500, timeouts, connection errors). */
  readonly retryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** What went wrong; see `ProviderErrorKind`. */
  readonly kind: ProviderErrorKind;

  constructor(
    message: string,
    details: {
      provider: string;
      modelId?: string;
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      kind?: ProviderErrorKind;
      cause?: unknown;
    },
  ) {
    super('PROVIDER_ERROR', message, { cause: details.cause });
    this.brand('ProviderError');
    this.provider = details.provider;
    this.modelId = details.modelId;
    this.status = details.status;
    this.kind = details.kind ?? (details.status !== undefined ? 'http' : 'other');
    this.retryable = details.retryable ?? isRetryableStatus(details.status);
    this.retryAfterMs = details.retryAfterMs;
  }
  static override isInstance(value: unknown): value is ProviderError {
    return hasLineage(value, 'ProviderError');
  }
}

/** 408, 409, 429 and every 5xx are worth retrying; other statuses are not. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}


/** One try of one model during `complete()` or `stream()`. */
export interface AttemptRecord {
  modelId: string;
  /** The model's provider and the name that provider knows it by (set for tries, not for skips). */
  provider?: string;
  providerModelId?: string;
  /** 1 for the first try of this model, 2 for its first retry, ... */
  attempt: number;
  ok: boolean;
  /** Epoch ms (the router's clock) when the try started, or when the model was skipped. */
  startedAt?: number;
  durationMs: number;
  /** Set when the try was ended because another model answered first (`parallel_requests`): not a failure of the model. */
  raceLost?: boolean;
  /** Set when the model was not called at all: `circuit_open`, `cooling_down`, `rate_limited`, `budget`, `no_provider`. */
  skipped?: string;
  error?: unknown;
}

/**
 * Every model in the decision's chain failed or was skipped. Carries every attempt, the errors,
 * the last error, and when the first model becomes available again (if that is known).
 */
export class AllModelsFailedError extends RouterError {
  readonly agentId: string;
  readonly attempts: readonly AttemptRecord[];
  readonly errors: readonly unknown[];
  readonly lastError: unknown;
  /** Epoch ms when the first cooling-down or open-circuit model may be tried again. */
  readonly retryAt: number | undefined;
  constructor(agentId: string, attempts: readonly AttemptRecord[], retryAt?: number) {
    const errors = attempts.filter((a) => a.error !== undefined).map((a) => a.error);
    const summary = attempts
      .map((a) => `${a.modelId}#${a.attempt}: ${a.skipped ? `skipped (${a.skipped})` : a.error instanceof Error ? a.error.message : 'failed'}`)
      .join('; ');
    super(
      'ALL_MODELS_FAILED',
      `Every model failed for agent "${agentId}": ${summary || 'no model was tried'}` +
        (retryAt !== undefined ? `. The first model becomes available at ${formatTime(retryAt)}` : ''),
      { cause: errors[errors.length - 1] },
    );
    this.brand('AllModelsFailedError');
    this.agentId = agentId;
    this.attempts = attempts;
    this.errors = errors;
    this.lastError = errors[errors.length - 1];
    this.retryAt = retryAt;
  }
  static override isInstance(value: unknown): value is AllModelsFailedError {
    return hasLineage(value, 'AllModelsFailedError');
  }
}

/**
 * A provider rejected the request as malformed (HTTP 400 or 422 other than a context-length or
 * content-policy refusal). Another model would reject it too, so it is neither retried nor sent
 * down the fallback chain: the request needs fixing.
 */
export class RequestRejectedError extends RouterError {
  readonly agentId: string;
  /** The model that rejected the request. */
  readonly modelId: string;
  readonly attempts: readonly AttemptRecord[];
  constructor(agentId: string, modelId: string, attempts: readonly AttemptRecord[], cause: unknown) {
    super(
      'REQUEST_REJECTED',
      `The request was rejected as malformed by "${modelId}" for agent "${agentId}": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.brand('RequestRejectedError');
    this.agentId = agentId;
    this.modelId = modelId;
    this.attempts = attempts;
  }
  static override isInstance(value: unknown): value is RequestRejectedError {
    return hasLineage(value, 'RequestRejectedError');
  }
}

/** The caller aborted the request (its AbortSignal fired). */
export class RequestAbortedError extends RouterError {
  constructor(reason?: unknown) {
    super('ABORTED', `The request was aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, { cause: reason });
    this.brand('RequestAbortedError');
  }
  static override isInstance(value: unknown): value is RequestAbortedError {
    return hasLineage(value, 'RequestAbortedError');
  }
}

/** A stream failed after its first token: the answer is incomplete. Never a silent truncated success. */
export class StreamInterruptedError extends RouterError {
  readonly modelId: string;
  /** The text received before the failure. */
  readonly partialText: string;
  constructor(modelId: string, partialText: string, cause: unknown) {
    super('STREAM_INTERRUPTED', `The stream from "${modelId}" failed after ${partialText.length} characters: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.brand('StreamInterruptedError');
    this.modelId = modelId;
    this.partialText = partialText;
  }
  static override isInstance(value: unknown): value is StreamInterruptedError {
    return hasLineage(value, 'StreamInterruptedError');
  }
}

/** No provider adapter is configured for a model's `provider`. */
export class ProviderNotConfiguredError extends RouterError {
  readonly modelId: string;
  readonly provider: string;
  /** `hint` says how to fix it, when the default (register an adapter) is not the way: a framework's `models` map, say. */
  constructor(modelId: string, provider: string, hint?: string) {
    super('PROVIDER_NOT_CONFIGURED', `No provider adapter is configured for model "${modelId}" (provider "${provider}"): ${hint ?? `pass one in createRouter({ providers: { ${provider}: ... } })`}`);
    this.brand('ProviderNotConfiguredError');
    this.modelId = modelId;
    this.provider = provider;
  }
  static override isInstance(value: unknown): value is ProviderNotConfiguredError {
    return hasLineage(value, 'ProviderNotConfiguredError');
  }
}
