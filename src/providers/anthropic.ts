// The Anthropic Messages adapter, on the official `@anthropic-ai/sdk`.

import Anthropic, {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
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
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResponse,
  StreamPart,
  TokenUsage,
} from './provider.js';
import { sdkRequestOptions } from './sdk-request-options.js';

export interface AnthropicProviderSettings {
  /** A ready client, e.g. for tests or a custom fetch. Its own retries are bypassed per request. */
  client?: Anthropic;
  /** Defaults to the SDK's own lookup (`ANTHROPIC_API_KEY`, ...); a custom `baseURL` gets a placeholder. */
  apiKey?: string;
  /** The API root without `/v1` (the SDK adds it); a trailing `/v1` is removed. */
  baseURL?: string;
  /** Time allowed until the response starts (headers received), in milliseconds. */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** The adapter's `provider` name in logs and errors. Default `anthropic`. */
  name?: string;
}

/** Anthropic requires `max_tokens`; this is used when the request gives none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/** What the `finish` part of a stream carries in `raw`. */
export interface AnthropicStreamFinishRaw {
  id: string | undefined;
  model: string | undefined;
  stopReason: string | null;
  stopSequence: string | null;
  /** The usage as reported: `message_start`'s, updated by `message_delta`'s cumulative counts. */
  usage: Record<string, unknown> | null;
  usageMissing: boolean;
  /** `tool_use` blocks assembled from the stream, `input` parsed from the streamed JSON. */
  toolCalls?: Array<{ type: 'tool_use'; id: string; name: string; input: unknown }>;
}

const PLACEHOLDER_API_KEY = 'no-key-required';

/** The SDK appends `/v1/messages`, so `http://host/v1` would become `/v1/v1/messages`. */
export function normalizeAnthropicBaseURL(baseURL: string): string {
  return baseURL.trim().replace(/\/v1\/?$/, '').replace(/\/+$/, '');
}

function createClient(settings: AnthropicProviderSettings): Anthropic {
  const baseURL = settings.baseURL === undefined ? undefined : normalizeAnthropicBaseURL(settings.baseURL);
  // Never send the account's key to some other server; Anthropic itself keeps the SDK's lookup.
  const isAnthropicHost = baseURL !== undefined && /^https:\/\/api\.anthropic\.com(\/|$)/.test(baseURL);
  const apiKey = settings.apiKey ?? (baseURL !== undefined && !isAnthropicHost ? PLACEHOLDER_API_KEY : undefined);
  return new Anthropic({
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(settings.headers ? { defaultHeaders: settings.headers } : {}),
    // The router owns retries (backoff, fallbacks, circuit breaker).
    maxRetries: 0,
  });
}

/** `system` prompt and `system`-role messages go to the top-level `system`; tools answer as user turns. */
function toBody(request: ProviderRequest): Record<string, unknown> {
  const system: string[] = request.system ? [request.system] : [];
  const messages: Anthropic.MessageParam[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      system.push(message.content);
    } else if (message.role === 'tool') {
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content }],
      });
    } else {
      messages.push({ role: message.role, content: message.content });
    }
  }
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) body['system'] = system.join('\n\n');
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.stop && request.stop.length > 0) body['stop_sequences'] = request.stop;
  if (request.tools && request.tools.length > 0) body['tools'] = request.tools;
  return { ...body, ...request.providerOptions };
}

export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Input tokens include cache writes and reads, like OpenAI's `prompt_tokens` includes cached
 * tokens, so both providers report the whole prompt; `raw` keeps the breakdown.
 */
function toUsage(usage: Record<string, unknown> | null | undefined): TokenUsage {
  if (!usage) return { inputTokens: 0, outputTokens: 0 };
  return {
    inputTokens:
      count(usage['input_tokens']) +
      count(usage['cache_creation_input_tokens']) +
      count(usage['cache_read_input_tokens']),
    outputTokens: count(usage['output_tokens']),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  if (signal?.aborted || error instanceof APIUserAbortError) return abortError(context, error);
  if (error instanceof APIConnectionTimeoutError) return timeoutError(context, error);
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    return connectionError(context, cause instanceof Error ? cause.message : error.message, error);
  }
  if (error instanceof APIError) {
    // Unlike openai's, this SDK keeps the whole body in `error.error` and the text in `apiMessage`.
    const detail = error.apiMessage ?? error.message;
    if (typeof error.status === 'number') return httpError(context, error.status, error.headers, detail, error);
    // An `event: error` inside a 200 stream, e.g. `overloaded_error`.
    return otherError(context, detail, error, RETRYABLE_ERROR_TYPES.has(error.type ?? ''));
  }
  // The SDK's own refusals (missing credentials, non-streaming call too long for the timeout).
  if (error instanceof AnthropicError) return otherError(context, error.message, error);
  return mapUnknownError(context, error, signal);
}

function toResponse(context: ErrorContext, message: unknown): ProviderResponse {
  if (!isRecord(message) || !Array.isArray(message['content'])) {
    throw invalidResponseError(
      context,
      typeof message === 'string' ? 'expected a JSON message, got text' : 'no content in the body',
    );
  }
  const body = message as unknown as Anthropic.Message;
  const text = body.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const toolCalls = body.content.filter((block) => block.type === 'tool_use');
  return {
    text,
    finishReason: mapAnthropicStopReason(body.stop_reason),
    usage: toUsage(body.usage as unknown as Record<string, unknown>),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    raw: message,
  };
}

interface ToolUseInProgress {
  id: string;
  name: string;
  json: string;
  input: unknown;
}

function parseToolInput(tool: ToolUseInProgress): unknown {
  if (tool.json === '') return tool.input;
  try {
    return JSON.parse(tool.json);
  } catch {
    return tool.json;
  }
}

export function createAnthropicProvider(settings: AnthropicProviderSettings = {}): ProviderAdapter {
  const client = settings.client ?? createClient(settings);
  const name = settings.name ?? 'anthropic';

  const requestOptions = (signal: AbortSignal | undefined) => sdkRequestOptions(settings, signal);

  async function complete(request: ProviderRequest, options: CallOptions = {}): Promise<ProviderResponse> {
    const context: ErrorContext = { provider: name, modelId: request.model };
    const { signal } = options;
    const body = { ...toBody(request), stream: false } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    let message: unknown;
    try {
      message = await client.messages.create(body, requestOptions(signal));
    } catch (error) {
      throw mapAnthropicError(context, error, signal);
    }
    return toResponse(context, message);
  }

  async function* stream(request: ProviderRequest, options: CallOptions = {}): AsyncGenerator<StreamPart> {
    const context: ErrorContext = { provider: name, modelId: request.model };
    const { signal } = options;
    const body = { ...toBody(request), stream: true } as unknown as Anthropic.MessageCreateParamsStreaming;

    let events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
    try {
      events = await client.messages.create(body, requestOptions(signal));
    } catch (error) {
      throw mapAnthropicError(context, error, signal);
    }

    let deltas = 0;
    let stopped = false;
    let id: string | undefined;
    let model: string | undefined;
    let stopReason: string | null = null;
    let stopSequence: string | null = null;
    let usage: Record<string, unknown> | null = null;
    const tools = new Map<number, ToolUseInProgress>();
    try {
      for await (const event of events) {
        if (!isRecord(event)) throw invalidResponseError(context, 'a stream event is not a JSON object');
        switch (event.type) {
          case 'message_start':
            id = event.message.id;
            model = event.message.model;
            if (isRecord(event.message.usage)) usage = { ...(event.message.usage as object) };
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              const block = event.content_block;
              tools.set(event.index, { id: block.id, name: block.name, json: '', input: block.input });
            } else if (event.content_block.type === 'text' && event.content_block.text) {
              deltas++;
              yield { type: 'text-delta', text: event.content_block.text };
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta' && event.delta.text) {
              deltas++;
              yield { type: 'text-delta', text: event.delta.text };
            } else if (event.delta.type === 'input_json_delta') {
              const tool = tools.get(event.index);
              if (tool) tool.json += event.delta.partial_json;
            }
            break;
          case 'message_delta':
            stopReason = event.delta.stop_reason ?? stopReason;
            stopSequence = event.delta.stop_sequence ?? stopSequence;
            if (isRecord(event.usage)) {
              // Counts here are cumulative; null means "unchanged".
              const update = Object.entries(event.usage).filter(([, value]) => value !== null);
              usage = { ...(usage ?? {}), ...Object.fromEntries(update) };
            }
            break;
          case 'message_stop':
            stopped = true;
            break;
          default:
            break;
        }
      }
    } catch (error) {
      if (signal?.aborted) throw abortError(context, error);
      // Once text has reached the caller a retry would repeat it: report the truncation instead.
      if (deltas > 0) throw streamInterruptedError(context, messageOf(error), error);
      throw mapAnthropicError(context, error, signal);
    }
    // The SDK ends the iteration quietly when the request is aborted; say so instead.
    if (signal?.aborted) throw abortError(context);
    if (!stopped) {
      if (deltas > 0) throw streamInterruptedError(context, 'the stream ended before message_stop');
      throw invalidResponseError(context, 'the stream ended without output or message_stop');
    }
    const toolCalls = [...tools.values()].map((tool) => ({
      type: 'tool_use' as const,
      id: tool.id,
      name: tool.name,
      input: parseToolInput(tool),
    }));
    const raw: AnthropicStreamFinishRaw = {
      id,
      model,
      stopReason,
      stopSequence,
      usage,
      usageMissing: usage === null,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    };
    yield { type: 'finish', finishReason: mapAnthropicStopReason(stopReason), usage: toUsage(usage), raw };
  }

  return { specificationVersion: 'v1', provider: name, complete, stream };
}
