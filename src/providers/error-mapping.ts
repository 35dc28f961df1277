// Turning HTTP failures into `ProviderError`s: the parts both SDK adapters share (Retry-After
// parsing, status → retryable, transport errors that escape the SDKs unwrapped).

import { ProviderError, isRetryableStatus, type ProviderErrorKind } from '../call-errors.js';

/** The header access both SDKs give on their errors (a WHATWG `Headers`), or a plain record. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>
  | null
  | undefined;

export interface ErrorContext {
  provider: string;
  modelId?: string;
  /** The API root the call went to, named in transport failures. */
  endpoint?: string;
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) {
      const value = record[key];
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

/**
 * How long the server asked us to wait, in milliseconds: `retry-after-ms` (a non-standard header
 * OpenAI sends) wins over `Retry-After`, which may be delta-seconds (fractions allowed) or an HTTP
 * date. A date in the past means "now" (0). Unparseable or negative values give `undefined`.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const millis = readHeader(headers, 'retry-after-ms')?.trim();
  if (millis && /^\d+(\.\d+)?$/.test(millis)) return Math.ceil(Number(millis));

  const value = readHeader(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Only something that looks like a date: Date.parse accepts far too much (e.g. "-1" or "12").
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function describe(context: ErrorContext): string {
  return context.modelId ? `${context.provider} (${context.modelId})` : context.provider;
}

// What a 400 says when the request is too long for the model (OpenAI, Anthropic, vLLM, llama.cpp,
// Ollama word it differently) or when the provider refused its content.
const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'request_too_large']);
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'moderation_blocked']);
const CONTEXT_LENGTH_TEXT =
  /context[ _-]?(length|window|size|limit)|maximum context|too many tokens|prompt is too long|input is too long|exceeds? the (available )?context|reduce the length/i;
const CONTENT_FILTER_TEXT = /content[ _-]?(policy|filter|management)|safety system|flagged by|moderation/i;

/**
 * The kind of an HTTP failure. A 400 or 422 blames the request: `bad_request`, unless it says the
 * request is too long for this model (`context_length`) or its content was refused
 * (`content_filter`) — those another model may serve. 413 is a request too large for this model.
 */
export function httpErrorKind(status: number, detail: string | undefined, code?: string): ProviderErrorKind {
  if (status === 413) return 'context_length';
  if (status !== 400 && status !== 422) return 'http';
  if (code !== undefined && CONTEXT_LENGTH_CODES.has(code)) return 'context_length';
  if (code !== undefined && CONTENT_FILTER_CODES.has(code)) return 'content_filter';
  if (detail !== undefined && CONTEXT_LENGTH_TEXT.test(detail)) return 'context_length';
  if (detail !== undefined && CONTENT_FILTER_TEXT.test(detail)) return 'content_filter';
  return 'bad_request';
}

/**
 * An HTTP error response: retryable for 408, 409, 429 and 5xx (including Anthropic's 529). `code`
 * is the provider's machine-readable error code or type, when its body had one.
 */
export function httpError(
  context: ErrorContext,
  status: number,
  headers: HeaderSource,
  detail: string | undefined,
  cause?: unknown,
  code?: string,
): ProviderError {
  return new ProviderError(
    `${describe(context)} request failed with HTTP ${status}${detail ? `: ${detail}` : ''}`,
    {
      ...context,
      status,
      kind: httpErrorKind(status, detail, code),
      retryable: isRetryableStatus(status),
      retryAfterMs: parseRetryAfter(headers),
      cause,
    },
  );
}

export function abortError(context: ErrorContext, cause?: unknown): ProviderError {
  return new ProviderError(`${describe(context)} request was aborted`, {
    ...context,
    kind: 'abort',
    retryable: false,
    cause,
  });
}

export function timeoutError(context: ErrorContext, cause?: unknown): ProviderError {
  return new ProviderError(`${describe(context)} request${context.endpoint ? ` to ${context.endpoint}` : ''} timed out`, {
    provider: context.provider,
    ...(context.modelId !== undefined ? { modelId: context.modelId } : {}),
    kind: 'timeout',
    retryable: true,
    cause,
  });
}

export function connectionError(context: ErrorContext, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${describe(context)} connection${context.endpoint ? ` to ${context.endpoint}` : ''} failed: ${detail}`, {
    provider: context.provider,
    ...(context.modelId !== undefined ? { modelId: context.modelId } : {}),
    kind: 'connection',
    retryable: true,
    cause,
  });
}

/** The server answered 2xx with something that is not the expected JSON. Often a proxy hiccup. */
export function invalidResponseError(context: ErrorContext, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${describe(context)} returned an invalid response: ${detail}`, {
    ...context,
    kind: 'invalid_response',
    retryable: true,
    cause,
  });
}

/**
 * A stream failed after text was already handed to the caller. Not retryable: a retry would
 * repeat what the caller has already consumed.
 */
export function streamInterruptedError(
  context: ErrorContext,
  detail: string,
  cause?: unknown,
): ProviderError {
  return new ProviderError(`${describe(context)} stream was interrupted mid-answer: ${detail}`, {
    ...context,
    kind: 'stream_interrupted',
    retryable: false,
    cause,
  });
}

export function otherError(
  context: ErrorContext,
  detail: string,
  cause?: unknown,
  retryable = false,
): ProviderError {
  return new ProviderError(`${describe(context)} request failed: ${detail}`, {
    ...context,
    kind: 'other',
    retryable,
    cause,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** True for the errors fetch throws when the connection dies while a body is being read. */
function isTransportFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (current instanceof TypeError && /terminated|fetch failed|network|socket/i.test(current.message)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isAbortLike(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/**
 * Errors that reach the adapter without being an SDK error: the SDKs let JSON parse failures and
 * body-read failures through as they are. `signal` decides whether an abort was the caller's.
 */
export function mapUnknownError(
  context: ErrorContext,
  error: unknown,
  signal: AbortSignal | undefined,
): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  if (signal?.aborted || isAbortLike(error)) return abortError(context, error);
  if (error instanceof SyntaxError) return invalidResponseError(context, `malformed JSON (${error.message})`, error);
  if (isTransportFailure(error)) return connectionError(context, messageOf(error), error);
  return otherError(context, messageOf(error), error);
}

/** The transport error classes an official SDK throws; both SDKs have the same three. */
export interface SdkTransportErrors {
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
}

/**
 * An abort, a timeout or a dropped connection as an SDK reports it, as a `ProviderError`; undefined
 * for anything else (an HTTP error, which each adapter reads from its own SDK's error body).
 */
export function mapSdkTransportError(
  context: ErrorContext,
  error: unknown,
  signal: AbortSignal | undefined,
  sdk: SdkTransportErrors,
): ProviderError | undefined {
  if (signal?.aborted || error instanceof sdk.APIUserAbortError) return abortError(context, error);
  if (error instanceof sdk.APIConnectionTimeoutError) return timeoutError(context, error);
  if (error instanceof sdk.APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    return connectionError(context, cause instanceof Error ? cause.message : error.message, error);
  }
  return undefined;
}
