// The OpenAI chat-completions adapter, on the official `openai` SDK. It also serves any
// OpenAI-compatible local server (llama.cpp, vLLM, Ollama, LM Studio) through `baseURL`.

import OpenAI from 'openai';
import type { ErrorContext } from './error-mapping.js';
import { mapOpenAIError } from './openai-errors.js';
import { toChatCompletionBody } from './openai-request.js';
import { readOpenAIStream, toProviderResponse } from './openai-response.js';
import type { CallOptions, ProviderAdapter, ProviderRequest, ProviderResponse, StreamPart } from './provider.js';
import { ownFields } from '../own-data.js';
import { sdkRequestOptions } from './sdk-request-options.js';

export { mapOpenAIError } from './openai-errors.js';
export { mapOpenAIFinishReason, type OpenAIStreamFinishRaw } from './openai-response.js';

export interface OpenAIProviderSettings {
  /** A ready client, e.g. for tests or a custom fetch. Its own retries are bypassed per request. */
  client?: OpenAI;
  /** Defaults to the SDK's `OPENAI_API_KEY`; a placeholder is sent to a custom `baseURL` without one. */
  apiKey?: string;
  /**
   * The API root. A bare origin such as `http://localhost:8080` (the way local servers are usually
   * written) gets `/v1` appended; any other path is used as given.
   */
  baseURL?: string;
  /** Time allowed until the response starts (headers received), in milliseconds. */
  timeoutMs?: number;
  /** Extra headers sent with every request; a request's own `headers` win over them. */
  headers?: Record<string, string>;
  /**
   * The adapter's `provider` name in logs and errors. Default `openai`. A request's
   * `providerOptions[name]` applies over its `providerOptions.openai`.
   */
  name?: string;
}

/** Sent instead of a key to servers that need none; the SDK refuses to start without one. */
const PLACEHOLDER_API_KEY = 'no-key-required';

/** `http://host:8080` → `http://host:8080/v1`; a URL with any path is left alone. */
export function normalizeOpenAIBaseURL(baseURL: string): string {
  const trimmed = baseURL.trim();
  try {
    const url = new URL(trimmed);
    if (url.pathname === '' || url.pathname === '/') {
      return `${url.origin}/v1${url.search}`;
    }
  } catch {
    // Not an absolute URL: let the SDK report it.
  }
  return trimmed;
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}

function createClient(settings: OpenAIProviderSettings): OpenAI {
  const baseURL = settings.baseURL === undefined ? undefined : normalizeOpenAIBaseURL(settings.baseURL);
  // Never forward the account's OPENAI_API_KEY to some other server: a custom endpoint gets an
  // explicit key or a placeholder. OpenAI itself (no baseURL) keeps the SDK's env lookup.
  const isOpenAIHost = baseURL !== undefined && /^https:\/\/api\.openai\.com(\/|$)/.test(baseURL);
  const apiKey =
    settings.apiKey ??
    (baseURL === undefined ? undefined : isOpenAIHost ? readEnv('OPENAI_API_KEY') : PLACEHOLDER_API_KEY);
  // Every option the SDK reads is given, undefined when not set (as if left out): the SDK copies
  // them into an object of its own and reads the rest through Object.prototype, where a planted
  // `baseURL` would send the key and every prompt to another host.
  return new OpenAI({
    apiKey,
    adminAPIKey: undefined,
    organization: undefined,
    project: undefined,
    webhookSecret: undefined,
    baseURL,
    timeout: settings.timeoutMs,
    fetchOptions: undefined,
    fetch: undefined,
    // The router retries with backoff, fallbacks and a circuit breaker; SDK retries would hide
    // failures from it and multiply latency.
    maxRetries: 0,
    defaultHeaders: settings.headers,
    defaultQuery: undefined,
    dangerouslyAllowBrowser: undefined,
    logLevel: undefined,
    logger: undefined,
    workloadIdentity: undefined,
    provider: undefined,
  } satisfies Required<Record<keyof ConstructorParameters<typeof OpenAI>[0] & string, unknown>>);
}

export function createOpenAIProvider(given: OpenAIProviderSettings = {}): ProviderAdapter {
  const settings = ownFields(given);
  const client = settings.client ?? createClient(settings);
  const name = settings.name ?? 'openai';

  const requestOptions = (request: ProviderRequest, signal: AbortSignal | undefined, timeoutMs?: number) =>
    sdkRequestOptions(settings, signal, request.headers, timeoutMs);

  async function complete(request: ProviderRequest, options: CallOptions = {}): Promise<ProviderResponse> {
    const context: ErrorContext & { modelId: string } = { provider: name, modelId: request.model, endpoint: client.baseURL };
    const { signal } = options;
    // The body is built from the caller's (validated) request; providerOptions make it loose.
    const body = toChatCompletionBody(request, context, false) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    let completion: unknown;
    try {
      // `timeoutMs` becomes the SDK's own request timeout: the SDK makes an AbortController and a
      // timer for every request anyway, so the router need not add its own (see honoursTimeoutMs).
      // The SDK's timer runs until the response's headers; a body that stalls after them is ended
      // by the HTTP client's body timeout, while the router has ended the try on time itself.
      completion = await client.chat.completions.create(body, requestOptions(request, signal, options.timeoutMs));
    } catch (error) {
      throw mapOpenAIError(context, error, signal);
    }
    return toProviderResponse(context, completion);
  }

  async function* stream(request: ProviderRequest, options: CallOptions = {}): AsyncGenerator<StreamPart> {
    const context: ErrorContext & { modelId: string } = { provider: name, modelId: request.model, endpoint: client.baseURL };
    const { signal } = options;
    const body = toChatCompletionBody(request, context, true) as unknown as OpenAI.ChatCompletionCreateParamsStreaming;
    let chunks: AsyncIterable<OpenAI.ChatCompletionChunk>;
    try {
      chunks = await client.chat.completions.create(body, requestOptions(request, signal));
    } catch (error) {
      throw mapOpenAIError(context, error, signal);
    }
    yield* readOpenAIStream(chunks, context, signal);
  }

  return { specificationVersion: 'v2', provider: name, honoursTimeoutMs: true, complete, stream };
}
