// What the `openai` SDK throws, as `ProviderError`s: HTTP failures with their error code, timeouts,
// dropped connections, aborts, and error events inside a stream.

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ProviderError } from '../call-errors.js';
import { type ErrorContext, httpError, mapSdkTransportError, mapUnknownError, otherError } from './error-mapping.js';
import { isRecord } from '../own-data.js';

function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Maps anything the SDK throws to a `ProviderError`; exported for adapters built on this one. */
export function mapOpenAIError(
  context: ErrorContext,
  error: unknown,
  signal: AbortSignal | undefined,
): ProviderError {
  const transport = mapSdkTransportError(context, error, signal, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError });
  if (transport) return transport;
  if (error instanceof APIError) {
    // The SDK unwraps the body's `error` object into `error.error`.
    const body = isRecord(error.error) ? error.error : undefined;
    const detail = stringField(body, 'message') ?? error.message;
    // OpenAI names the failure in `code` (`context_length_exceeded`); local servers often send a
    // numeric code and only a `type`.
    const code = stringField(body, 'code') ?? stringField(body, 'type');
    if (typeof error.status === 'number') return httpError(context, error.status, error.headers, detail, error, code);
    // An `{"error": ...}` event inside a 200 stream: a server-side failure unless it blames the request.
    return otherError(context, detail, error, error.type !== 'invalid_request_error');
  }
  return mapUnknownError(context, error, signal);
}
