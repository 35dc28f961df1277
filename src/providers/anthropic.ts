// The Anthropic Messages adapter on the official `@anthropic-ai/sdk`: its settings, its client, and
// the calls. Translation lives in anthropic-request.ts (neutral → wire) and anthropic-response.ts.

import Anthropic, {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { ProviderError } from '../call-errors.js';
import { type AnthropicStructuredOutput, toAnthropicBody } from './anthropic-request.js';
import { AnthropicStreamParser, toProviderResponse } from './anthropic-response.js';
import {
  abortError,
  type ErrorContext,
  httpError,
  invalidResponseError,
  mapSdkTransportError,
  mapUnknownError,
  otherError,
  streamInterruptedError,
} from './error-mapping.js';
import type { CallOptions, ProviderAdapter, ProviderRequest, ProviderResponse, StreamPart } from './provider.js';
import { ownFields } from '../own-data.js';
import { sdkRequestOptions } from './sdk-request-options.js';

export { DEFAULT_ANTHROPIC_MAX_TOKENS, type AnthropicStructuredOutput } from './anthropic-request.js';
export { type AnthropicStreamFinishRaw, mapAnthropicStopReason } from './anthropic-response.js';

export interface AnthropicProviderSettings {
  /** A ready client, e.g. for tests or a custom fetch. Its own retries are bypassed per request. */
  client?: Anthropic;
  /** Defaults to the SDK's own lookup (`ANTHROPIC_API_KEY`, ...); a custom `baseURL` gets a placeholder. */
  apiKey?: string;
  /** The API root without `/v1` (the SDK adds it); a trailing `/v1` is removed. */
  baseURL?: string;
  /** Time allowed until the response starts (headers received), in milliseconds. */
  timeoutMs?: number;
  /** Extra headers sent with every request; a request's own `headers` win over these. */
  headers?: Record<string, string>;
  /**
   * The adapter's `provider` name in logs and errors, and a second `providerOptions` key it reads
   * (over `anthropic`). Default `anthropic`.
   */
  name?: string;
  /**
   * How a JSON answer with a schema is asked for: `native` (default) sends `output_config.format`;
   * `tool` forces a `json_response` tool instead, for models or gateways without structured outputs.
   */
  structuredOutput?: AnthropicStructuredOutput;
}

const PLACEHOLDER_API_KEY = 'no-key-required';

/** The SDK appends `/v1/messages`, so `http://host/v1` would become `/v1/v1/messages`. */
export function normalizeAnthropicBaseURL(baseURL: string): string {
  return baseURL.trim().replace(/\/v1\/?$/, '').replace(/\/+$/, '');
}

function createClient(settings: AnthropicProviderSettings): Anthropic {
  const baseURL = settings.baseURL === undefined ? undefined : normalizeAnthropicBaseURL(settings.baseURL);
  // Never send the account's key to some other server: an explicit key also stops the SDK from
  // reading ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN. Anthropic itself keeps the SDK's lookup.
  const isAnthropicHost = baseURL !== undefined && /^https:\/\/api\.anthropic\.com(\/|$)/.test(baseURL);
  const apiKey = settings.apiKey ?? (baseURL !== undefined && !isAnthropicHost ? PLACEHOLDER_API_KEY : undefined);
  // Every option the SDK reads is given, undefined when not set (as if left out): a planted
  // `baseURL` must never send the key and every prompt to another host (see openai.ts).
  return new Anthropic({
    apiKey,
    authToken: undefined,
    credentials: undefined,
    config: undefined,
    profile: undefined,
    webhookKey: undefined,
    baseURL,
    timeout: settings.timeoutMs,
    fetchOptions: undefined,
    fetch: undefined,
    middleware: undefined,
    // The router owns retries (backoff, fallbacks, circuit breaker).
    maxRetries: 0,
    defaultHeaders: settings.headers,
    defaultQuery: undefined,
    dangerouslyAllowBrowser: undefined,
    openTelemetry: undefined,
    logLevel: undefined,
    logger: undefined,
  } satisfies Required<Record<keyof ConstructorParameters<typeof Anthropic>[0] & string, unknown>>);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Error types Anthropic may send inside a 200 stream that are worth another attempt. */
const RETRYABLE_ERROR_TYPES = new Set(['overloaded_error', 'rate_limit_error', 'api_error', 'timeout_error']);

/** Maps anything the SDK throws to a `ProviderError`. */
export function mapAnthropicError(
  context: ErrorContext,
  error: unknown,
  signal: AbortSignal | undefined,
): ProviderError {
  const transport = mapSdkTransportError(context, error, signal, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError });
  if (transport) return transport;
  if (error instanceof APIError) {
    // Unlike openai's, this SDK keeps the whole body in `error.error` and the text in `apiMessage`.
    const detail = error.apiMessage ?? error.message;
    const type = error.type ?? undefined;
    if (typeof error.status === 'number') {
      return httpError(context, error.status, error.headers, detail, error, type);
    }
    // An `event: error` inside a 200 stream, e.g. `overloaded_error`.
    return otherError(context, detail, error, RETRYABLE_ERROR_TYPES.has(type ?? ''));
  }
  // The SDK's own refusals (missing credentials, non-streaming call too long for the timeout).
  if (error instanceof AnthropicError) return otherError(context, error.message, error);
  return mapUnknownError(context, error, signal);
}

export function createAnthropicProvider(given: AnthropicProviderSettings = {}): ProviderAdapter {
  const settings = ownFields(given);
  const client = settings.client ?? createClient(settings);
  const name = settings.name ?? 'anthropic';
  const optionKeys = name === 'anthropic' ? ['anthropic'] : ['anthropic', name];
  const structuredOutput = settings.structuredOutput ?? 'native';

  function prepare(request: ProviderRequest, signal: AbortSignal | undefined) {
    const context: ErrorContext = { provider: name, modelId: request.model, endpoint: client.baseURL };
    const { body, jsonTool } = toAnthropicBody(request, { context, optionKeys, structuredOutput });
    const options = sdkRequestOptions(settings, signal, request.headers);
    return { context, body, options, responseOptions: { jsonTool, modelId: request.model } };
  }

  async function complete(request: ProviderRequest, { signal }: CallOptions = {}): Promise<ProviderResponse> {
    const { context, body, options, responseOptions } = prepare(request, signal);
    // Set in place, not copied: on Node 20 adding a property to a spread copy takes a slow path.
    body['stream'] = false;
    const params = body as unknown as Anthropic.MessageCreateParamsNonStreaming;
    let message: unknown;
    try {
      message = await client.messages.create(params, options);
    } catch (error) {
      throw mapAnthropicError(context, error, signal);
    }
    return toProviderResponse(context, message, responseOptions);
  }

  async function* stream(request: ProviderRequest, { signal }: CallOptions = {}): AsyncGenerator<StreamPart> {
    const { context, body, options, responseOptions } = prepare(request, signal);
    body['stream'] = true;
    const params = body as unknown as Anthropic.MessageCreateParamsStreaming;
    let events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
    try {
      events = await client.messages.create(params, options);
    } catch (error) {
      throw mapAnthropicError(context, error, signal);
    }

    const parser = new AnthropicStreamParser(responseOptions);
    let yielded = 0;
    try {
      for await (const event of events) {
        if (typeof event !== 'object' || event === null) {
          throw invalidResponseError(context, 'a stream event is not a JSON object');
        }
        for (const part of parser.accept(event)) {
          yielded++;
          yield part;
        }
      }
    } catch (error) {
      if (signal?.aborted) throw abortError(context, error);
      // Once anything reached the caller (text or a tool's input) a retry would repeat it.
      if (yielded > 0) throw streamInterruptedError(context, messageOf(error), error);
      throw mapAnthropicError(context, error, signal);
    }
    // The SDK ends the iteration quietly when the request is aborted; say so instead.
    if (signal?.aborted) throw abortError(context);
    if (!parser.stopped) {
      if (yielded > 0) throw streamInterruptedError(context, 'the stream ended before message_stop');
      throw invalidResponseError(context, 'the stream ended without output or message_stop');
    }
    yield parser.finish();
  }

  return { specificationVersion: 'v2', provider: name, complete, stream };
}
