// The OpenAI chat-completions adapter, on the official `openai` SDK. It also serves any
// OpenAI-compatible local server (llama.cpp, vLLM, Ollama, LM Studio) through `baseURL`.

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ProviderError } from '../errors.js';
import {
  abortError,
  connectionError,
  type ErrorContext,
  httpError,
  invalidResponseError,
  mapUnknownError,
  otherError,
  streamInterruptedError,
  timeoutError,
} from './error-mapping.js';
import type {
  CallOptions,
  ChatMessage,
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  StreamPart,
  TokenUsage,
} from './provider.js';
import { sdkRequestOptions } from './sdk-request-options.js';

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
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The adapter's `provider` name in logs and errors. Default `openai`. */
  name?: string;
}

/**
 * What the `finish` part of a stream carries in `raw`. When the server never reported usage (older
 * local servers ignore `stream_options.include_usage`), `usage` in the part is `{ 0, 0 }` and
 * `usageMissing` is true: the adapter does not guess, so the caller can estimate or flag it.
 */
export interface OpenAIStreamFinishRaw {
  id: string | undefined;
  model: string | undefined;
  finishReason: string;
  usage: OpenAI.CompletionUsage | null;
  usageMissing: boolean;
  /** Tool calls assembled from the stream's deltas, in the chat-completions shape. */
  toolCalls?: OpenAI.ChatCompletionMessageFunctionToolCall[];
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
  return new OpenAI({
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
    // The router retries with backoff, fallbacks and a circuit breaker; SDK retries would hide
    // failures from it and multiply latency.
    maxRetries: 0,
  });
}

function toMessages(request: ProviderRequest): OpenAI.ChatCompletionMessageParam[] {
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(toMessage(message));
  return messages;
}

function toMessage(message: ChatMessage): OpenAI.ChatCompletionMessageParam {
  const name = message.name ? { name: message.name } : {};
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content, ...name };
    case 'assistant':
      return { role: 'assistant', content: message.content, ...name };
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId ?? '' };
    default:
      return { role: 'user', content: message.content, ...name };
  }
}

/** The request body. `providerOptions` may override any field except the streaming switches. */
function toBody(request: ProviderRequest): Record<string, unknown> {
  const options = request.providerOptions ?? {};
  const body: Record<string, unknown> = { model: request.model, messages: toMessages(request) };
  // Newer OpenAI models accept only max_completion_tokens; sending both is rejected.
  if (request.maxTokens !== undefined && !('max_completion_tokens' in options)) {
    body['max_tokens'] = request.maxTokens;
  }
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.stop && request.stop.length > 0) body['stop'] = request.stop;
  if (request.tools && request.tools.length > 0) body['tools'] = request.tools;
  return { ...body, ...options };
}

export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

function toUsage(usage: OpenAI.CompletionUsage | null | undefined): TokenUsage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Maps anything the SDK throws to a `ProviderError`; exported for adapters built on this one. */
export function mapOpenAIError(
  context: ErrorContext,
  error: unknown,
  signal: AbortSignal | undefined,
): ProviderError {
  if (signal?.aborted || error instanceof APIUserAbortError) return abortError(context, error);
  if (error instanceof APIConnectionTimeoutError) return timeoutError(context, error);
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    return connectionError(context, cause instanceof Error ? cause.message : error.message, error);
  }
  if (error instanceof APIError) {
    // The SDK unwraps the body's `error` object into `error.error`.
    const body = isRecord(error.error) ? error.error : undefined;
    const detail = typeof body?.['message'] === 'string' ? body['message'] : error.message;
    if (typeof error.status === 'number') return httpError(context, error.status, error.headers, detail, error);
    // An `{"error": ...}` event inside a 200 stream: a server-side failure unless it blames the request.
    return otherError(context, detail, error, error.type !== 'invalid_request_error');
  }
  return mapUnknownError(context, error, signal);
}

function toResponse(context: ErrorContext, completion: unknown): ProviderResponse {
  if (!isRecord(completion) || !Array.isArray(completion['choices'])) {
    throw invalidResponseError(
      context,
      typeof completion === 'string' ? 'expected a JSON chat completion, got text' : 'no choices in the body',
    );
  }
  const body = completion as unknown as OpenAI.ChatCompletion;
  const choice = body.choices[0];
  if (!choice || !isRecord(choice.message)) throw invalidResponseError(context, 'the first choice has no message');
  const toolCalls = choice.message.tool_calls;
  return {
    text: typeof choice.message.content === 'string' ? choice.message.content : '',
    finishReason: mapOpenAIFinishReason(choice.finish_reason),
    usage: toUsage(body.usage),
    ...(toolCalls && toolCalls.length > 0 ? { toolCalls } : {}),
    raw: completion,
  };
}

/** Collects streamed tool-call fragments (keyed by index) into whole tool calls. */
function mergeToolCallDeltas(
  calls: OpenAI.ChatCompletionMessageFunctionToolCall[],
  deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[],
): void {
  for (const delta of deltas) {
    let call = calls[delta.index];
    if (!call) {
      call = { id: '', type: 'function', function: { name: '', arguments: '' } };
      calls[delta.index] = call;
    }
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.function.name += delta.function.name;
    if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
  }
}

export function createOpenAIProvider(settings: OpenAIProviderSettings = {}): ProviderAdapter {
  const client = settings.client ?? createClient(settings);
  const name = settings.name ?? 'openai';

  const requestOptions = (signal: AbortSignal | undefined) => sdkRequestOptions(settings, signal);

  async function complete(request: ProviderRequest, options: CallOptions = {}): Promise<ProviderResponse> {
    const context: ErrorContext = { provider: name, modelId: request.model };
    const { signal } = options;
    const body = { ...toBody(request), stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    let completion: unknown;
    try {
      completion = await client.chat.completions.create(body, requestOptions(signal));
    } catch (error) {
      throw mapOpenAIError(context, error, signal);
    }
    return toResponse(context, completion);
  }

  async function* stream(request: ProviderRequest, options: CallOptions = {}): AsyncGenerator<StreamPart> {
    const context: ErrorContext = { provider: name, modelId: request.model };
    const { signal } = options;
    const extraStreamOptions = request.providerOptions?.['stream_options'];
    const body = {
      ...toBody(request),
      stream: true,
      stream_options: { ...(isRecord(extraStreamOptions) ? extraStreamOptions : {}), include_usage: true },
    } as unknown as OpenAI.ChatCompletionCreateParamsStreaming;

    let chunks: AsyncIterable<OpenAI.ChatCompletionChunk>;
    try {
      chunks = await client.chat.completions.create(body, requestOptions(signal));
    } catch (error) {
      throw mapOpenAIError(context, error, signal);
    }

    let deltas = 0;
    let finishReason: string | undefined;
    let usage: OpenAI.CompletionUsage | null = null;
    let id: string | undefined;
    let model: string | undefined;
    const toolCalls: OpenAI.ChatCompletionMessageFunctionToolCall[] = [];
    try {
      for await (const chunk of chunks) {
        if (!isRecord(chunk)) throw invalidResponseError(context, 'a stream event is not a JSON object');
        id ??= chunk.id;
        model ??= chunk.model;
        if (chunk.usage) usage = chunk.usage;
        const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
        if (!choice) continue;
        if (choice.delta?.tool_calls) mergeToolCallDeltas(toolCalls, choice.delta.tool_calls);
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const text = choice.delta?.content;
        if (typeof text === 'string' && text.length > 0) {
          deltas++;
          yield { type: 'text-delta', text };
        }
      }
    } catch (error) {
      if (signal?.aborted) throw abortError(context, error);
      // Once text has reached the caller a retry would repeat it: report the truncation instead.
      if (deltas > 0) throw streamInterruptedError(context, messageOf(error), error);
      throw mapOpenAIError(context, error, signal);
    }
    // The SDK ends the iteration quietly when the request is aborted; say so instead.
    if (signal?.aborted) throw abortError(context);
    if (finishReason === undefined) {
      if (deltas > 0) throw streamInterruptedError(context, 'the stream ended without a finish_reason');
      throw invalidResponseError(context, 'the stream ended without output or a finish_reason');
    }
    const raw: OpenAIStreamFinishRaw = {
      id,
      model,
      finishReason,
      usage,
      usageMissing: usage === null,
      ...(toolCalls.length > 0 ? { toolCalls: toolCalls.filter(Boolean) } : {}),
    };
    yield { type: 'finish', finishReason: mapOpenAIFinishReason(finishReason), usage: toUsage(usage), raw };
  }

  return { specificationVersion: 'v1', provider: name, complete, stream };
}
